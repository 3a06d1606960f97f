"""Keeping every request on the proxy, and reading the proxy's refusals.

* ``ProxyGuardMiddleware`` puts the job's proxy on every request that has none (Scrapy's own
  robots.txt requests carry no ``meta["proxy"]``), so no request goes out directly.
* ``TunnelAnswerMiddleware`` turns a refused ``CONNECT`` (Scrapy's ``TunnelError``, which hides the
  proxy's headers) into the proxy's actual answer, so an ``https`` link to an unknown host is judged
  ``dns`` from Squid's ``X-Squid-Error`` exactly like an ``http`` one.
* ``ProxyOnlyResolver`` refuses every DNS lookup except the proxy's own name: a lookup would tell
  the local resolver which sites are being checked.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from nettsjekk.probes.classify import ask_proxy

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

log = logging.getLogger(__name__)
ASK_TIMEOUT_S = 5.0


class ProxyGuardMiddleware:
    """Sends requests without a proxy of their own through the job's proxy."""

    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProxyGuardMiddleware:
        proxy = crawler.settings.get("NETTSJEKK_PROXY")
        if not proxy:
            raise NotConfigured("no proxy configured: requests go out directly")
        return cls(proxy)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("proxy"):
            request.meta["proxy"] = self.proxy


class TunnelAnswerMiddleware:
    """Replaces a ``TunnelError`` with the proxy's own answer to the same ``CONNECT``."""

    async def process_exception(self, request: Request, exception: BaseException) -> Response | None:
        proxy = request.meta.get("proxy")
        if not isinstance(exception, TunnelError) or not proxy:
            return None
        answer = await ask_proxy(proxy, request.url, ASK_TIMEOUT_S)
        if answer is None:
            return None
        status, headers = answer
        return Response(request.url, status=status, headers=headers, request=request)


class ProxyOnlyResolver(CachingThreadedResolver):
    """A resolver that answers only for the proxy's host name and refuses every other lookup."""

    allowed: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: object) -> ProxyOnlyResolver:
        resolver = super().from_crawler(crawler, reactor)  # type: ignore[arg-type]
        proxy_host = urlsplit(crawler.settings.get("NETTSJEKK_PROXY") or "").hostname or ""
        resolver.allowed = frozenset({proxy_host.lower()} - {""})
        return resolver

    def getHostByName(self, name: str, timeout: object = ()) -> defer.Deferred:  # noqa: N802 - Twisted's name
        if name.lower() in self.allowed:
            return super().getHostByName(name, timeout)  # type: ignore[arg-type]
        log.error("refused a DNS lookup of %s: with a proxy every request must go through it", name)
        return defer.fail(DNSLookupError(f"nettsjekk refuses to resolve {name}: requests must go through the proxy"))
