"""Exam-mode replay: load a resource with only its compiled allowlist reachable.

Every request of the browser context goes through ``context.route``: a host the allowlist lets
through continues (to the location's proxy, if any), anything else is aborted in the browser, as
an exam network would refuse it. The verdict:

* **works**: the main document arrived (status below 400) and no script, style sheet, XHR or fetch
  from a host outside the deny catalog was blocked;
* blocked requests split into **denied** (the deny catalog names the host: blocked as intended)
  and **review** (not denied, not allowed: missing from the allowlist?);
* every forbidden destination the page links to (a denied host: YouTube, Facebook, web search,
  chat, ...) is opened in the same restricted context and shown to be unreachable.

Browsers come from the ``Browsers`` seam only. ``verdict_from_probe`` gives the same verdict for a
probe that ran through a real exam proxy (Squid) instead of the in-browser gate.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError

from nettsjekk.probes.classify import reason_for_any, reason_for_status
from nettsjekk.core.domains import normalize_hostname
from nettsjekk.core.errors import InvalidHostname
from nettsjekk.probes.network import NetworkRecorder
from nettsjekk.probes.results import ProbeResult, RequestRecord
from nettsjekk.probes.settle import settle
from nettsjekk.probes.urls import check_probe_url

if TYPE_CHECKING:
    from playwright.async_api import (
        BrowserContext,
        Page,
        Request,
        Route,
        WebSocketRoute,
    )

    from nettsjekk.probes.browsers import Browsers

log = logging.getLogger(__name__)
ESSENTIAL_TYPES = ("document", "script", "stylesheet", "xhr", "fetch")
LINK_SCRIPT = """() => Array.from(document.querySelectorAll('a[href], area[href], form[action], iframe[src]'))
  .map(e => e.href || e.action || e.src).filter(u => typeof u === 'string')"""
HostCheck = Callable[[str], bool]
CategoryOf = Callable[[str], "str | None"]


@dataclass(frozen=True)
class ReplayOptions:
    """``timeout_s`` bounds the main document and ``link_timeout_s`` each forbidden-link attempt."""

    timeout_s: float = 20.0
    proxy: str | None = None
    location: str = "exam-mode"
    settle_s: float = 1.0
    check_links: bool = True
    max_link_hosts: int = 20
    link_timeout_s: float = 5.0
    load_wait_s: float = 10.0
    """After the document arrived, how long to wait for the load event (best effort, then settling)."""
    storage_state: dict | None = field(default=None, repr=False)
    """A saved login session (``probes.sessions.Session.storage_state``): replay the logged-in resource."""
    extra_links: tuple[str, ...] = ()
    """Links found elsewhere (e.g. on the sub-pages a probe read), checked with the page's own links."""


@dataclass(frozen=True)
class BlockedRequest:
    """A request the allowlist did not let through; ``category`` is its deny category, if any."""

    url: str
    host: str
    type: str
    category: str | None
    page: str | None


@dataclass(frozen=True)
class LinkCheck:
    """A forbidden destination linked from the page, and whether opening it was stopped."""

    url: str
    host: str
    category: str
    unreachable: bool
    detail: str


@dataclass
class ReplayResult:
    """The exam-mode verdict for one resource in one engine."""

    url: str
    engine: str
    location: str
    started_at: str = ""
    status: int | None = None
    error: str | None = None
    error_detail: str | None = None
    title: str | None = None
    denied: list[BlockedRequest] = field(default_factory=list)
    review: list[BlockedRequest] = field(default_factory=list)
    links: list[LinkCheck] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)

    @property
    def breaking(self) -> list[BlockedRequest]:
        """Blocked requests that make the resource fail: essential types from hosts not denied."""
        return [b for b in self.review if b.type in ESSENTIAL_TYPES]

    @property
    def works(self) -> bool:
        """The main document arrived below 400 and nothing essential was blocked."""
        return self.error is None and self.status is not None and self.status < 400 and not self.breaking

    def summary(self) -> str:
        """A few lines for people: verdict, blocked requests by kind, forbidden links."""
        verdict = "works" if self.works else f"FAILS ({self.error or 'blocked: ' + ', '.join(sorted({b.host for b in self.breaking}))})"
        lines = [f"{self.url} [{self.engine} @ {self.location}] {verdict}"]
        lines += [f"  denied (as intended): {b.host} ({b.category}) {b.type} {b.url}" for b in self.denied]
        lines += [f"  missing from the allowlist? (review): {b.host} {b.type} {b.url}" for b in self.review]
        lines += [f"  forbidden link {c.host} ({c.category}): {'unreachable' if c.unreachable else 'REACHABLE'}"
                  for c in self.links]
        return "\n".join(lines)


class _Gate:
    """The route handler: allowed hosts continue, everything else is aborted and remembered."""

    def __init__(self, allows: HostCheck) -> None:
        self.allows = allows
        self.aborted: list[str] = []
        self.sockets: list[str] = []

    def permits(self, url: str) -> bool:
        """True for a URL without a host (data:, blob:) or with an allowed host."""
        host = urlsplit(url).hostname or ""
        return not host or _allowed(self.allows, host)

    async def handle(self, route: Route, request: Request) -> None:
        """The ``context.route`` handler."""
        if self.permits(request.url):
            await route.continue_()
        else:
            self.aborted.append(request.url)
            await route.abort("blockedbyclient")

    async def handle_socket(self, socket: WebSocketRoute) -> None:
        """The ``context.route_web_socket`` handler (``context.route`` does not see WebSockets)."""
        if self.permits(socket.url):
            socket.connect_to_server()
        else:
            self.sockets.append(socket.url)
            await socket.close(code=1008, reason="not on the exam allowlist")

    def aborted_host(self, host: str) -> bool:
        """True when a request to ``host`` was aborted."""
        return any((urlsplit(url).hostname or "") == host for url in self.aborted)


async def replay(browsers: Browsers, url: str, engine: str, allows: HostCheck,
                 deny_category: CategoryOf | None = None, options: ReplayOptions | None = None) -> ReplayResult:
    """Load ``url`` in ``engine`` with only hosts for which ``allows(host)`` is true reachable."""
    options, category_of = options or ReplayOptions(), deny_category or _bundled_deny_category()
    result = ReplayResult(check_probe_url(url), engine, options.location,
                          dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    context = await browsers.new_context(engine, proxy=options.proxy, timeout_ms=int(options.timeout_s * 1000),
                                         storage_state=options.storage_state)
    gate = _Gate(allows)
    await context.route("**/*", gate.handle)
    await context.route_web_socket("**/*", gate.handle_socket)
    recorder = NetworkRecorder(context)
    recorder.current_page = url
    try:
        page = await _new_page(context, engine)
        recorder.watch_page(page)
        await _load(page, url, result, gate, options)
        loaded_until = recorder.mark()
        if options.check_links and result.status is not None:
            result.links = await _check_links(context, page, gate, category_of, options, recorder, engine)
        result.requests = recorder.records()[:loaded_until]
    except PlaywrightError as exc:
        result.error, result.error_detail = "crash", str(exc).splitlines()[0]
        result.requests = recorder.records()
    finally:
        await _close(context)
    result.denied, result.review = assess(result.requests, allows, category_of)
    _add_sockets(result, gate, category_of)
    return result


def _add_sockets(result: ReplayResult, gate: _Gate, category_of: CategoryOf) -> None:
    """WebSockets the gate closed: they never reached the network, so the recorder did not see them."""
    for url in gate.sockets:
        host = (urlsplit(url).hostname or "").lower()
        blocked = BlockedRequest(url, host, "websocket", category_of(host), result.url)
        (result.denied if blocked.category else result.review).append(blocked)


async def _load(page: Page, url: str, result: ReplayResult, gate: _Gate, options: ReplayOptions) -> None:
    try:
        response = await page.goto(url, wait_until="domcontentloaded", timeout=int(options.timeout_s * 1000))
    except PlaywrightError as exc:
        blocked = not gate.permits(url)
        text = str(exc).splitlines()[0]
        result.error, result.error_detail = ("blocked", text) if blocked else (reason_for_any([text]) or ("unknown", text))
        return
    if response is not None:
        result.status = response.status
        diagnosis = reason_for_status(response.status, response.headers)
        if diagnosis:
            result.error, result.error_detail = diagnosis.reason, diagnosis.detail
    try:
        await page.wait_for_load_state("load", timeout=int(options.load_wait_s * 1000))
    except PlaywrightError as exc:  # a load event that never comes: the requests made so far still tell
        log.debug("%s: no load event within %s s (%s)", url, options.load_wait_s, str(exc).splitlines()[0])
    await settle(page, options.settle_s)
    result.title = await _title(page)


_PAGE_LOCKS: dict[tuple[int, str], asyncio.Lock] = {}


async def _new_page(context: BrowserContext, engine: str) -> Page:
    """A new page, one at a time per engine: Firefox over WebDriver-BiDi answers ``browsingContext.create``
    with "unknown error" when pages are opened in several intercepted contexts at once."""
    key = (id(asyncio.get_running_loop()), engine)
    async with _PAGE_LOCKS.setdefault(key, asyncio.Lock()):
        return await context.new_page()


async def _title(page: Page) -> str | None:
    try:
        return await asyncio.wait_for(page.title(), 5)
    except (TimeoutError, PlaywrightError):
        return None


async def _check_links(context: BrowserContext, page: Page, gate: _Gate, category_of: CategoryOf,
                       options: ReplayOptions, recorder: NetworkRecorder, engine: str) -> list[LinkCheck]:
    """Open each forbidden destination the page links to (one URL per host) in a second page of
    the same context, one after another (Firefox over BiDi dislikes pages opened in parallel)."""
    recorder.current_page = "exam-mode link check"
    targets = forbidden_links([*await _links(page), *options.extra_links], category_of)[: options.max_link_hosts]
    if not targets:
        return []
    tab = await _new_page(context, engine)  # closed with the context (closing it alone can hang after an abort)
    return [await _try_link(tab, url, host, category, gate, options) for url, host, category in targets]


async def _links(page: Page) -> list[str]:
    found: list[str] = []
    for frame in page.frames:
        try:
            found += await frame.evaluate(LINK_SCRIPT)
        except PlaywrightError as exc:
            log.debug("reading links of %s failed: %s", frame.url, exc)
    return found


def forbidden_links(urls: list[str], category_of: CategoryOf) -> list[tuple[str, str, str]]:
    """``(url, host, category)`` for the first link to each denied host, in page order."""
    seen: dict[str, tuple[str, str, str]] = {}
    for url in urls:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        category = category_of(host) if parts.scheme in ("http", "https") and host else None
        if category and host not in seen:
            seen[host] = (url, host, category)
    return list(seen.values())


async def _try_link(tab: Page, url: str, host: str, category: str, gate: _Gate,
                    options: ReplayOptions) -> LinkCheck:
    try:
        response = await tab.goto(url, wait_until="commit", timeout=int(options.link_timeout_s * 1000))
        detail = f"loaded with status {response.status if response else 'none'}"
    except PlaywrightError as exc:
        detail = str(exc).splitlines()[0]
    stopped = gate.aborted_host(host) and not detail.startswith("loaded")
    return LinkCheck(url, host, category, stopped, f"aborted in the browser ({detail})" if stopped else detail)


def assess(requests: list[RequestRecord], allows: HostCheck, category_of: CategoryOf
           ) -> tuple[list[BlockedRequest], list[BlockedRequest]]:
    """Split the requests that failed at a host the allowlist does not hold into (denied, review)."""
    denied, review = [], []
    for record in requests:
        if not record.host or record.failure is None or _allowed(allows, record.host):
            continue
        blocked = BlockedRequest(record.url, record.host, record.type, category_of(record.host), record.page)
        (denied if blocked.category else review).append(blocked)
    return denied, review


def verdict_from_probe(result: ProbeResult, allows: HostCheck, deny_category: CategoryOf | None = None
                       ) -> ReplayResult:
    """The exam-mode verdict for a probe that ran through a real exam proxy (no link checks)."""
    category_of = deny_category or _bundled_deny_category()
    verdict = ReplayResult(result.url, result.browser, result.location, result.started_at, result.status,
                           result.error, result.error_detail, result.title, requests=list(result.requests))
    verdict.denied, verdict.review = assess(result.requests, allows, category_of)
    return verdict


def _allowed(allows: HostCheck, host: str) -> bool:
    try:
        return allows(normalize_hostname(host))
    except InvalidHostname:
        return False


def _bundled_deny_category() -> CategoryOf:
    from nettsjekk.core.deny import (
        deny_category,  # the catalog lives with the exports
    )

    return deny_category


async def _close(context: BrowserContext) -> None:
    try:
        await asyncio.wait_for(context.close(), 5)
    except (TimeoutError, PlaywrightError) as exc:
        log.warning("closing an exam-mode context failed: %s", exc)
