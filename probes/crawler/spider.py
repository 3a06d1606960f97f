"""The link spider: crawls one resource's own pages and checks every link found on them.

Pages in scope (see ``scope.py``) up to ``job.depth`` clicks from a start URL are fetched with
``GET`` and parsed, at most ``job.max_pages`` of them. Every other link is checked with ``HEAD``;
a ``HEAD`` that fails or answers 400 or more is asked again with ``GET`` (servers that refuse or
mishandle ``HEAD`` are common), unless the proxy itself said the host does not exist. Redirects are
followed here, not by Scrapy, so that every hop is recorded and loops are named. Links to forbidden
destinations, excluded URLs and non-http schemes are judged without any request.

Each result is handed to ``sink`` as one JSON line the moment it is known; a summary line follows
when the spider closes (see ``run.py``). Several spiders of one crawler process (``batch.py``) share
one ``SharedChecks``: an external URL is asked once per batch, and a host that refuses ``HEAD`` is
asked with ``GET`` from then on (see ``shared.py``).
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest, StopDownload
from scrapy.http import HtmlResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from w3lib.url import safe_url_string

from nettsjekk.core.hosts import covered_by
from nettsjekk.probes.sessions import cookies_for

from nettsjekk.probes.crawler.backoff import ATTEMPT_META, LINK_META
from nettsjekk.probes.crawler.extract import FoundLink, extract_links, link_key
from nettsjekk.probes.crawler.forbidden import forbidden_category
from nettsjekk.probes.crawler.ledger import Ledger
from nettsjekk.probes.crawler.policy import policy
from nettsjekk.probes.crawler.results import Hop, LinkResult
from nettsjekk.probes.crawler.scope import host_of
from nettsjekk.probes.crawler.settings import CHECK_BYTES, PAGE_BYTES
from nettsjekk.probes.crawler.shared import Answer, SharedChecks
from nettsjekk.probes.crawler.verdict import Verdict, failure_reason, judge_failure, judge_response

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from nettsjekk.probes.crawler.job import CrawlJob

FILE_SUFFIXES = tuple(f".{ext}" for ext in IGNORED_EXTENSIONS)
NO_HEAD_FALLBACK = ("dns", "proxy")
HEAD_REFUSED_META = "nettsjekk_head_refused"
SCRAPY_META = ("download_latency", "download_slot", "download_timeout", "depth", "_slot_proxy", "nettsjekk_bytes")
"""Meta keys Scrapy fills in per download: not carried over to the GET after a HEAD."""


class LinkSpider(scrapy.Spider):
    """One crawl job; results go to ``sink`` as JSON lines."""

    name = "nettsjekk-links"

    def __init__(self, job: CrawlJob, sink: Callable[[str], None], shared: SharedChecks | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job, self.sink = job, sink
        self.shared = shared if shared is not None else SharedChecks()
        self.owned: dict[str, tuple] = {}
        self.awaiting: dict[str, tuple[tuple, Callable]] = {}
        self.closing = False
        self.release_call = None
        self.scope = job.scope()
        self.ledger = Ledger()
        self.pages_scheduled = self.pages_crawled = 0
        self.page_cap_reached = False
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> LinkSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_bytes, signal=signals.bytes_received)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    async def start(self):  # noqa: ANN201 - an async generator of requests
        """The start URLs, each crawled as a page at depth 0."""
        from twisted.internet import reactor

        self.release_call = reactor.callLater(self.job.budget_s, self.release_shared)
        for url in self.job.start_urls:
            for request in self.discover(FoundLink(url, "start", "link"), depth=0):
                yield request

    # ---------------------------------------------------------------- discovery

    def discover(self, link: FoundLink, depth: int) -> Iterator[scrapy.Request]:
        """Register a link once; judge it at once when no request is needed, else request it."""
        key = self.ledger.add(link, depth)
        if key is None:
            return
        verdict = self.judge_without_request(link.url)
        if verdict is not None:
            self.finish(key, verdict)
            return
        if self.crawls_as_page(link, depth):
            yield self.request(link.url, key, "page", "GET")
        else:
            yield from self.check(key, link.url)

    def check(self, key: str, url: str) -> Iterator[scrapy.Request]:
        """Check a link that is not crawled: once per batch (another crawl may own it already), with
        ``GET`` straight away on a host known to refuse ``HEAD``."""
        share = self.share_key(url)
        if share is not None:
            waiter = functools.partial(self.on_shared, key)
            claimed = self.shared.claim(share, waiter)
            if claimed is False:
                self.awaiting[key] = (share, waiter)
                return
            if isinstance(claimed, Answer):
                self.finish(key, claimed.verdict, list(claimed.hops), claimed.final_url)
                return
            self.owned[key] = share
        method = "GET" if host_of(url) in self.shared.head_refused else "HEAD"
        yield self.request(url, key, "check", method)

    def share_key(self, url: str) -> tuple | None:
        """What makes a check's answer the same for another crawl; None when it must stay this
        crawl's own (a saved session's cookies go with it)."""
        if self.job.cookies and cookies_for(self.job.cookies, url):
            return None
        job = self.job
        return (link_key(url), job.proxy, job.verify_tls, tuple(job.trust_ca), job.obey_robots, job.user_agent,
                tuple(job.login_hosts), job.max_redirects)

    def on_shared(self, key: str, answer: Answer | None) -> None:
        """Another crawl's answer for ``key``; None: it gave up, so this crawl asks itself."""
        self.awaiting.pop(key, None)
        if self.closing:
            return
        if answer is not None:
            self.finish(key, answer.verdict, list(answer.hops), answer.final_url)
            return
        for request in self.check(key, self.ledger.entry(key).link.url):
            self.crawler.engine.crawl(request)

    def release_shared(self) -> None:
        """The budget is spent (the crawl is closing): other crawls waiting for this one's checks ask
        for themselves rather than wait for requests this crawl may never see answered."""
        for share in self.owned.values():
            self.shared.abandon(share)
        self.owned.clear()

    def on_idle(self) -> None:
        """Stay open while another crawl is still checking a link of this one."""
        if self.awaiting:
            raise DontCloseSpider

    def judge_without_request(self, url: str) -> Verdict | None:
        """Skipped schemes, malformed and excluded URLs, and forbidden or vendor-blocked hosts."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme not in ("http", "https"):
            reason = scheme if scheme in policy().skipped_schemes else "unsupported_scheme"
            return Verdict("skipped", reason, None, None)
        if not host_of(url):
            return Verdict("broken", "invalid_url", None, f"{url!r} has no valid host")
        if self.scope.is_excluded(url):
            return Verdict("skipped", "excluded", None, "matches an exclude pattern of the resource")
        if self.scope.is_vendor_blocked(url):
            return Verdict("forbidden_destination", "vendor_blocked", None, "listed under the vendor's blocked_hosts")
        category = None if self.scope.is_internal(url) else forbidden_category(url)
        if category:
            return Verdict("forbidden_destination", category, None, f"a {category} destination is blocked in the exam")
        return None

    def crawls_as_page(self, link: FoundLink, depth: int) -> bool:
        """A page to fetch and parse: in scope, shallow enough, not a file, and under the page cap."""
        if link.kind == "asset" or depth > self.job.depth:
            return False
        if depth > 0 and (not self.scope.is_followable(link.url) or _looks_like_file(link.url)):
            return False
        if self.pages_scheduled >= self.job.max_pages:
            self.page_cap_reached = True
            return False
        self.pages_scheduled += 1
        return True

    def request(self, url: str, key: str, mode: str, method: str, hops: list[dict] | None = None) -> scrapy.Request:
        """A request for one link; every status is delivered to ``on_response``, redirects included."""
        meta: dict[str, Any] = {LINK_META: {"key": key, "mode": mode, "hops": hops or []},
                                "handle_httpstatus_all": True, "dont_redirect": True}
        if self.job.proxy:
            meta["proxy"] = self.job.proxy
        # A saved login session: the cookies a browser would send to this URL (Scrapy's cookie middleware
        # replaces a hand-made Cookie header, so they go in as request cookies).
        cookies = [{key: c[key] for key in ("name", "value", "domain", "path", "secure") if key in c}
                   for c in cookies_for(self.job.cookies, url)] if self.job.cookies else []
        return scrapy.Request(url, method=method, meta=meta, cookies=cookies, dont_filter=True,
                              callback=self.on_response, errback=self.on_failure)

    # ---------------------------------------------------------------- answers

    def on_response(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow a redirect, fall back from HEAD to GET, or judge the answer (and parse a page)."""
        info = response.meta[LINK_META]
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            yield from self.follow_redirect(response, location.decode("latin-1"), info)
            return
        if response.request.method == "HEAD" and response.status >= 400 and not _final_proxy_error(response):
            yield self.get_instead(response.request)
            return
        if response.meta.get(HEAD_REFUSED_META) and response.status < 400:
            self.shared.head_refused.add(host_of(response.request.url))
        if response.status == 401:
            verdict = Verdict("login_required", "http_401", 401, "HTTP 401: the page asks for a login")
        else:
            verdict = judge_response(response.status, _headers(response), response.body, host=host_of(response.url),
                                     redirected=bool(info["hops"]),
                                     set_cookies=[c.decode("latin-1") for c in response.headers.getlist("Set-Cookie")])
        self.finish(info["key"], verdict, info["hops"], response.url)
        if info["mode"] == "page" and verdict.status in ("ok", "redirect"):
            yield from self.parse_page(response, info["key"])

    def parse_page(self, response: Response, key: str) -> Iterator[scrapy.Request]:
        """The links of an in-scope HTML page, one click deeper than the page."""
        if not isinstance(response, HtmlResponse) or not self.scope_allows_parsing(response.url, key):
            return
        self.pages_crawled += 1
        depth = self.ledger.entry(key).depth + 1
        for link in extract_links(response, self.job.check_assets):
            yield from self.discover(link, depth)

    def scope_allows_parsing(self, url: str, key: str) -> bool:
        """Start URLs are always parsed; other pages only while (after redirects) still in scope."""
        return self.ledger.entry(key).depth == 0 or self.scope.is_followable(url)

    def follow_redirect(self, response: Response, location: str, info: dict) -> Iterator[scrapy.Request]:
        """Record the hop, then stop at a loop, too many hops or a target judged without request."""
        hops = [*info["hops"], {"url": response.url, "status": response.status}]
        target = safe_url_string(urljoin(response.url, location)).split("#", 1)[0]
        if any(hop["url"] == target for hop in hops):
            verdict = Verdict("broken", "redirect_loop", response.status, f"{response.url} redirects back to {target}")
        elif self.is_login_host(host_of(target)) and not self.is_login_host(host_of(response.url)):
            verdict = Verdict("login_required", "login_host", response.status,
                              f"redirects to the login page at {host_of(target)}")
        elif len(hops) > self.job.max_redirects:
            verdict = Verdict("broken", "too_many_redirects", response.status,
                              f"more than {self.job.max_redirects} redirects")
        else:
            verdict = self.judge_without_request(target)
        if verdict is not None:
            self.finish(info["key"], verdict, hops, target)
            return
        yield self.request(target, info["key"], info["mode"], response.request.method, hops)

    def is_login_host(self, host: str) -> bool:
        """An identity provider's or vendor's sign-in host (``login_hosts`` of the vendor files)."""
        return covered_by(host, self.job.login_hosts)

    def get_instead(self, request: scrapy.Request) -> scrapy.Request:
        """The same check with GET, after a HEAD that failed or was refused."""
        kept = {key: value for key, value in request.meta.items() if key not in SCRAPY_META}
        retry = request.replace(method="GET", dont_filter=True, meta=kept)
        retry.meta[ATTEMPT_META] = 0
        retry.meta[HEAD_REFUSED_META] = True
        return retry

    def on_failure(self, failure: Failure) -> Iterator[scrapy.Request]:
        """No answer: robots.txt said no, a HEAD gets its GET, or the failure is the verdict."""
        request = failure.request  # type: ignore[attr-defined]
        info = request.meta.get(LINK_META)
        if info is None:
            return
        exc = failure.value
        if isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc):
            self.finish(info["key"], Verdict("skipped", "robots", None, "robots.txt disallows it for this crawler"))
            return
        if request.method == "HEAD" and failure_reason(exc) not in NO_HEAD_FALLBACK:
            yield self.get_instead(request)
            return
        self.finish(info["key"], judge_failure(exc), info["hops"], request.url)

    def on_bytes(self, data: bytes, request: scrapy.Request, **_: Any) -> None:
        """Stop reading a body once enough of it is in: a check needs the head, a page its HTML."""
        info = request.meta.get(LINK_META)
        if info is None:
            return
        received = request.meta["nettsjekk_bytes"] = request.meta.get("nettsjekk_bytes", 0) + len(data)
        if received > (PAGE_BYTES if info["mode"] == "page" else CHECK_BYTES):
            raise StopDownload(fail=False)

    # ---------------------------------------------------------------- results

    def finish(self, key: str, verdict: Verdict, hops: list[dict] | None = None, final_url: str | None = None) -> None:
        """Emit the result of ``key`` once (later answers for the same link are ignored)."""
        entry = self.ledger.close(key)
        if entry is None:
            return
        link, hops = entry.link, hops or []
        if key in self.owned:
            self.shared.publish(self.owned.pop(key), Answer(verdict, tuple(hops), final_url))
        where = final_url if hops and final_url else link.url
        result = LinkResult(
            url=link.url, source=link.source, text=link.text, tag=link.tag, depth=entry.depth,
            status=verdict.status, http_status=verdict.http_status, reason=verdict.reason, detail=verdict.detail,
            redirects=[Hop(**hop) for hop in hops], final_url=final_url if hops else None,
            allowlisted=None if verdict.status == "skipped" else self.scope.allowlisted(where),
        )
        self.sink(json.dumps({"type": "link", "link": result.model_dump(mode="json")}))

    def closed(self, reason: str) -> None:
        """Report links the crawl never got to, then the summary line."""
        stopped = {"finished": "finished", "closespider_timeout": "time_budget"}.get(reason, reason)
        self.closing = True
        if self.release_call is not None and self.release_call.active():
            self.release_call.cancel()
        for share, waiter in self.awaiting.values():
            self.shared.forget(share, waiter)
        why = "budget" if stopped == "time_budget" else "unfinished"
        for key in self.ledger.still_open():
            self.finish(key, Verdict("skipped", why, None, f"the crawl stopped ({stopped}) before checking it"))
        stats = self.crawler.stats
        self.sink(json.dumps({
            "type": "summary", "pages_crawled": self.pages_crawled, "stopped": stopped,
            "page_cap_reached": self.page_cap_reached, "elapsed_s": round(time.monotonic() - self.started, 3),
            "requests": stats.get_value("downloader/request_count", 0) if stats else 0,
        }))


def _headers(response: Response) -> dict[str, str]:
    """Response headers with lower-case names (repeated headers joined with commas)."""
    return {key.lower(): value for key, value in response.headers.to_unicode_dict().items()}


def _final_proxy_error(response: Response) -> bool:
    squid = response.headers.get("X-Squid-Error", b"").decode("latin-1").split(" ")[0]
    return squid in policy().final_proxy_errors


def _looks_like_file(url: str) -> bool:
    """A download (PDF, image, archive, ...) by its path: checked, never parsed."""
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    return path.endswith(FILE_SUFFIXES)
