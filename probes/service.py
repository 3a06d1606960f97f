"""A probe service for threaded callers (Prefect tasks, tests): one event loop thread holding one
Playwright and one browser per engine, serving many concurrent probes in fresh contexts."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from nettsjekk.probes.browsers import Browsers, BrowserSettings, start_playwright
from nettsjekk.probes.probe import ProbeOptions, probe_url
from nettsjekk.probes.results import ProbeResult

T = TypeVar("T")


class ProbeService:
    """Start with ``ProbeService(settings)``; call ``probe`` from any thread; ``close`` at the end."""

    def __init__(self, settings: BrowserSettings | None = None) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nettsjekk-probes", daemon=True)
        self._thread.start()
        self.browsers: Browsers = self.run(self._start(settings or BrowserSettings()))

    async def _start(self, settings: BrowserSettings) -> Browsers:
        self._playwright = await start_playwright()
        return Browsers(self._playwright, settings)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coro`` on the service's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def probe(self, url: str, engine: str, options: ProbeOptions) -> ProbeResult:
        return self.run(probe_url(self.browsers, url, engine, options))

    def close(self) -> None:
        if not self._loop.is_running():
            return
        try:
            self.run(self.browsers.close(), timeout=60)
            self.run(self._playwright.stop(), timeout=60)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> ProbeService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
