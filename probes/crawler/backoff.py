"""Backoff retry middleware: another attempt for what may pass later, politely.

Replaces Scrapy's ``RetryMiddleware`` (which retries at once). An answer with a status in
``retry_statuses`` (5xx, 429, 408) or a timeout or lost connection is retried after an exponential
backoff (``backoff_s``, doubled per attempt). A ``Retry-After`` header (seconds or HTTP date) on 429
or 503 is honoured and pauses the whole host, not just the one request; one longer than
``max_retry_after_s`` or past the crawl's time budget is not waited for. Final proxy errors (DNS
failure, access denied) are never retried, and a failed ``HEAD`` (other than 429) is left to the
spider, which asks again with ``GET``.

See the "Broken links" section of README.md.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nettsjekk.probes.crawler.policy import policy
from nettsjekk.probes.crawler.retry_after import parse_retry_after
from nettsjekk.probes.crawler.scope import host_of
from nettsjekk.probes.crawler.verdict import failure_reason

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

log = logging.getLogger(__name__)
LINK_META = "nettsjekk"
ATTEMPT_META = "nettsjekk_attempt"
NOT_BEFORE_META = "nettsjekk_not_before"


@dataclass(frozen=True)
class RetrySettings:
    """How many extra attempts, how long to back off, and the crawl's deadline (monotonic)."""

    retries: int = 2
    timeout_retries: int = 1
    backoff_s: float = 1.0
    max_retry_after_s: float = 120.0
    deadline: float = float("inf")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetrySettings:
        s = crawler.settings
        budget = s.getfloat("CLOSESPIDER_TIMEOUT")
        return cls(s.getint("NETTSJEKK_RETRIES", 2), s.getint("NETTSJEKK_TIMEOUT_RETRIES", 1),
                   s.getfloat("NETTSJEKK_BACKOFF_S", 1.0), s.getfloat("NETTSJEKK_MAX_RETRY_AFTER_S", 120.0),
                   time.monotonic() + budget if budget else float("inf"))


class BackoffMiddleware:
    """Retries with exponential backoff and ``Retry-After``; pauses a host that asked for it."""

    def __init__(self, settings: RetrySettings, stats: StatsCollector | None = None) -> None:
        self.settings = settings
        self.stats = stats
        self.paused_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffMiddleware:
        return cls(RetrySettings.from_crawler(crawler), crawler.stats)

    async def process_request(self, request: Request) -> None:
        """Hold a request until its own backoff and its host's pause are over."""
        until = max(request.meta.get(NOT_BEFORE_META, 0.0), self.paused_until.get(host_of(request.url), 0.0))
        wait = until - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        """A retry of ``request`` when the answer may change later, else the answer."""
        delay = self._delay_for(request, response)
        if delay is None:
            return response
        return self._again(request, delay, f"status_{response.status}")

    def process_exception(self, request: Request, exception: BaseException) -> Request | None:
        """A retry after a timeout or lost connection; None lets the failure through (a failed
        ``HEAD`` too: the spider's ``GET`` is its second attempt)."""
        if LINK_META not in request.meta or request.method == "HEAD":
            return None
        reason = failure_reason(exception)
        attempt = request.meta.get(ATTEMPT_META, 0)
        if reason not in policy().retry_failures or attempt >= self.settings.timeout_retries:
            return None
        delay = self._backoff(attempt)
        return self._again(request, delay, reason) if self._in_budget(delay) else None

    def _delay_for(self, request: Request, response: Response) -> float | None:
        """Seconds to wait before retrying, or None when this answer is final."""
        if LINK_META not in request.meta or not self._retryable(request, response):
            return None
        attempt = request.meta.get(ATTEMPT_META, 0)
        if attempt >= self.settings.retries:
            return None
        asked = parse_retry_after(response.headers.get("Retry-After")) if response.status in (429, 503) else None
        if asked is not None and asked > self.settings.max_retry_after_s:
            self._count("retry_after_too_long")
            return None
        delay = max(asked or 0.0, self._backoff(attempt))
        if not self._in_budget(delay):
            return None
        if asked is not None:
            host = host_of(request.url)
            self.paused_until[host] = max(self.paused_until.get(host, 0.0), time.monotonic() + delay)
        return delay

    def _retryable(self, request: Request, response: Response) -> bool:
        if response.status not in policy().retry_statuses:
            return False
        squid = response.headers.get("X-Squid-Error", b"").decode("latin-1").split(" ")[0]
        if squid in policy().final_proxy_errors:
            return False
        return request.method != "HEAD" or response.status == 429

    def _backoff(self, attempt: int) -> float:
        return self.settings.backoff_s * (2 ** attempt)

    def _in_budget(self, delay: float) -> bool:
        return time.monotonic() + delay < self.settings.deadline

    def _again(self, request: Request, delay: float, why: str) -> Request:
        retry = request.replace(dont_filter=True)
        retry.meta[ATTEMPT_META] = request.meta.get(ATTEMPT_META, 0) + 1
        retry.meta[NOT_BEFORE_META] = time.monotonic() + delay
        self._count(f"retry/{why}")
        log.debug("retrying %s in %.1f s (%s, attempt %d)", request.url, delay, why, retry.meta[ATTEMPT_META])
        return retry

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"nettsjekk/{key}")
