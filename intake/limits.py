"""Limits of the intake server: the size of a request body, and how often one client may ask.

A body larger than ``max_bytes`` is answered with a page that says so (413) after the body has been
read and thrown away (up to ``DRAIN_LIMIT``), since a browser shows an answer only once it has sent
its request. A POST without ``Content-Length`` is refused (411): every browser sends one.

The rate limit is a token bucket per key (kept in memory only, never stored): per network address a
whole school's class fits (many pupils behind one NAT address), per browser a person's pace.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

DRAIN_LIMIT = 64 * 1024 * 1024

Page = Callable[[int], Awaitable[tuple[bytes, dict[str, str]]]]


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """``allow(key)``: True while ``key`` has asked at most ``burst`` times plus ``per_minute`` a minute."""

    def __init__(self, per_minute: float, burst: int) -> None:
        self.rate, self.burst = per_minute / 60.0, float(burst)
        self._buckets: dict[str, _Bucket] = {}

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        key = hashlib.sha256(key.encode()).hexdigest()[:32]
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) > 50_000:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    def _prune(self, now: float) -> None:
        full = self.burst / self.rate if self.rate else 0
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.at < full}


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``max_bytes`` with ``page(status)``'s answer."""

    def __init__(self, app, max_bytes: int, page: Page) -> None:  # noqa: ANN001 - an ASGI app
        self.app, self.max_bytes, self.page = app, max_bytes, page

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001 - ASGI
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length", b"")
        if not length.isdigit():
            return await self._answer(send, 411)
        if int(length) > self.max_bytes:
            drained = await _drain(receive)
            return await self._answer(send, 413, close=not drained)
        return await self.app(scope, receive, send)

    async def _answer(self, send, status: int, close: bool = False) -> None:  # noqa: ANN001
        body, headers = await self.page(status)
        headers = {**headers, "content-length": str(len(body))} | ({"connection": "close"} if close else {})
        await send({"type": "http.response.start", "status": status,
                    "headers": [(k.encode(), v.encode()) for k, v in headers.items()]})
        await send({"type": "http.response.body", "body": body})


async def _drain(receive) -> bool:  # noqa: ANN001
    """Read the request body to its end and drop it; False when it ran past ``DRAIN_LIMIT``."""
    seen = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return False
        seen += len(message.get("body", b""))
        if seen > DRAIN_LIMIT:
            return False
        if not message.get("more_body"):
            return True
