"""Shared fixtures: the fake internet and real browsers driven through nettsjekk's own seam."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from nettsjekk.fakenet import FakeInternet

SITES = Path(__file__).parent / "sites"
ENGINES = ("chromium", "firefox")


@pytest.fixture(scope="session")
def fake_internet():
    """The fake internet over tests/sites, for the whole session (reset per test)."""
    with FakeInternet([SITES], name="test-location") as rig:
        yield rig


@pytest.fixture()
def internet(fake_internet):
    fake_internet.reset()
    yield fake_internet
    fake_internet.reset()


class BrowserHarness:
    """Runs nettsjekk's async probes from synchronous tests: one event loop thread, one
    Playwright, one browser per engine for the whole session."""

    def __init__(self, trust_ca: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.browsers = self.run(self._start(trust_ca))

    async def _start(self, trust_ca: Path):
        from playwright.async_api import async_playwright

        from nettsjekk.probes.browsers import Browsers, BrowserSettings

        self.playwright = await async_playwright().start()
        return Browsers(self.playwright, BrowserSettings(trust_ca=(trust_ca,)))

    def run(self, coro, timeout: float = 240):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def probe(self, url: str, engine: str, proxy: str, **options):
        """Probe with the test defaults: no detection unless rules are given, a short settle."""
        from nettsjekk.probes.probe import ProbeOptions, probe_url

        options.setdefault("detect", "rules" in options)
        options.setdefault("settle_s", 1.0)
        return self.run(probe_url(self.browsers, url, engine, ProbeOptions(proxy=proxy, **options)))

    def close(self) -> None:
        self.run(self.browsers.close())
        self.run(self.playwright.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="session")
def browsers(fake_internet):
    harness = BrowserHarness(fake_internet.ca_cert_path)
    yield harness
    harness.close()


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param
