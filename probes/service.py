"""A probe service for threaded callers (Prefect tasks, tests): one event loop thread holding one
Playwright and one browser per engine, serving many concurrent probes in fresh contexts."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from nettsjekk.core.errors import ProbeServiceClosed
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
        self._closing = False
        self._in_flight: set[concurrent.futures.Future] = set()
        self.browsers: Browsers = self.run(self._start(settings or BrowserSettings()))

    async def _start(self, settings: BrowserSettings) -> Browsers:
        self._playwright = await start_playwright()
        return Browsers(self._playwright, settings)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coro`` on the service's loop and wait for its result; ``ProbeServiceClosed`` once the
        service is closing (a call in flight is cancelled then, instead of waiting forever)."""
        if self._closing:
            coro.close()
            raise ProbeServiceClosed("the probe service is closed: the run is ending")
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        self._in_flight.add(future)
        try:
            return future.result(timeout)
        except concurrent.futures.CancelledError as exc:
            raise ProbeServiceClosed("the probe service closed during this call: the run is ending") from exc
        finally:
            self._in_flight.discard(future)

    def probe(self, url: str, engine: str, options: ProbeOptions) -> ProbeResult:
        result = self.run(probe_url(self.browsers, url, engine, options))
        if self._closing:  # a probe cut short by the closing browser is no result of the resource
            raise ProbeServiceClosed(f"the probe of {url} was cut short: the run is ending")
        return result

    def close(self) -> None:
        """Cancel the calls in flight, close the browsers and Playwright, stop the loop."""
        if not self._loop.is_running():
            return
        self._closing = True
        for future in list(self._in_flight):
            future.cancel()
        try:
            self._wait(self.browsers.close(), 60)
            self._wait(self._playwright.stop(), 60)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def _wait(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def __enter__(self) -> ProbeService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
