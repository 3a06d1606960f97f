"""Records every request of a browser context: the raw material of findings and allowlists.

Listeners sit on the context, so popups and iframes are covered; WebSockets and workers are
picked up per page as pages appear. ``data:``, ``blob:`` and ``about:`` URLs carry no host and
are left out. Recorded URLs never carry login codes, tokens or session ids (``probes.redact``).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from nettsjekk.core.domains import registered_domain
from nettsjekk.probes.classify import request_cause
from nettsjekk.probes.redact import redact_url
from nettsjekk.probes.results import RequestRecord

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page, Request, Response, WebSocket

NETWORK_SCHEMES = ("http", "https", "ws", "wss")
STALE_REQUEST_S = 4.0


class NetworkRecorder:
    """Collects ``RequestRecord``s for one context, in the order requests started."""

    def __init__(self, context: BrowserContext) -> None:
        self._records: dict[object, dict] = {}  # keyed by the Playwright object itself, kept alive here
        self._order: list[object] = []
        self.current_page: str | None = None
        self.attachments: list[str] = []
        """Responses that asked the browser to save a file (Content-Disposition: attachment)."""
        """The page being visited; stamped on every request that starts while it is set."""
        self._in_flight: dict[object, float] = {}
        """Requests not yet finished or failed, with when they started."""
        self._last_activity = time.monotonic()
        context.on("request", self._on_request)
        context.on("response", self._on_response)
        context.on("requestfinished", self._on_finished)
        context.on("requestfailed", self._on_failed)
        context.on("page", self.watch_page)

    def watch_page(self, page: Page) -> None:
        """Also record WebSockets opened by ``page`` (Playwright reports them per page)."""
        page.on("websocket", self._on_websocket)

    def _add(self, key: object, url: str, kind: str) -> None:
        if key in self._records or urlsplit(url).scheme not in NETWORK_SCHEMES:
            return
        self._records[key] = {"url": url, "type": kind, "status": None, "failure": None, "page": self.current_page,
                              "content_type": None}
        self._order.append(key)

    def _on_request(self, request: Request) -> None:
        self._add(request, request.url, request.resource_type)
        self._last_activity = self._in_flight[request] = time.monotonic()

    def _on_finished(self, request: Request) -> None:
        self._in_flight.pop(request, None)
        self._last_activity = time.monotonic()

    def quiet_for(self, stale_s: float = STALE_REQUEST_S) -> float:
        """Seconds since the last request started or ended; 0 while one is in flight. A request open
        longer than ``stale_s`` (a long poll, a stream, one whose end the browser never reported) no
        longer counts as activity."""
        now = time.monotonic()
        if any(now - started < stale_s for started in self._in_flight.values()):
            return 0.0
        return now - self._last_activity

    def _on_response(self, response: Response) -> None:
        record = self._records.get(response.request)
        if record is not None:
            record["status"] = response.status
            record["proxy_error"] = response.headers.get("x-squid-error")  # the proxy's own answer, not the site's
            record["content_type"] = response.headers.get("content-type")
            if response.status == 101:  # Firefox reports a WebSocket handshake as a document request
                record["type"] = "websocket"
            disposition = response.headers.get("content-disposition", "")
            if disposition.lower().startswith("attachment"):
                self.attachments.append(f"{response.url} ({disposition})")

    def _on_failed(self, request: Request) -> None:
        self._in_flight.pop(request, None)
        self._last_activity = time.monotonic()
        record = self._records.get(request)
        if record is not None:
            record["failure"] = request.failure or "failed"

    def _on_websocket(self, socket: WebSocket) -> None:
        self._add(socket, socket.url, "websocket")

    def failures_for(self, url: str) -> list[str]:
        """Failure texts of requests to ``url`` (the main document's, for error classification)."""
        return [r["failure"] for r in self._records.values() if r["url"] == url and r["failure"]]

    def document_failures(self) -> list[str]:
        return [r["failure"] for r in self._records.values() if r["type"] == "document" and r["failure"]]

    def mark(self) -> int:
        """A position in the request order, for ``records(since=...)``."""
        return len(self._order)

    def records(self, since: int = 0) -> list[RequestRecord]:
        """Requests in start order, from position ``since`` on."""
        out = []
        for key in self._order[since:]:
            raw = dict(self._records[key])
            host = (urlsplit(raw["url"]).hostname or "").lower()
            cause = request_cause(raw["failure"], raw["status"], raw.pop("proxy_error", None))
            safe = {**raw, "url": redact_url(raw["url"]), "page": redact_url(raw["page"])}  # no login codes or tokens
            out.append(RequestRecord(host=host, domain=registered_domain(host), cause=cause, **safe))
        return out
