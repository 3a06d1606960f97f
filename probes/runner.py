"""Run probes with a shared ``Browsers`` seam: one Playwright, one browser per engine."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import async_playwright

from .browsers import Browsers, BrowserSettings
from .probe import ProbeOptions, probe_url
from .results import ProbeResult


async def probe_once(url: str, engine: str, options: ProbeOptions, trust_ca: tuple[Path, ...] = ()) -> ProbeResult:
    """Start Playwright, probe one URL, shut everything down."""
    async with async_playwright() as playwright:
        browsers = Browsers(playwright, BrowserSettings(trust_ca=trust_ca))
        try:
            return await probe_url(browsers, url, engine, options)
        finally:
            await browsers.close()
