"""Give a page time to show what it loads late: chat launchers, consent-gated widgets, lazy loaders.

Many widgets wait for the load event, a timer or the first user interaction (mouse move or
scroll) before they load. The page is nudged like a person would, then watched for the settle
time; the network recorder and the DOM snapshot afterwards see whatever arrived.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError

if TYPE_CHECKING:
    from playwright.async_api import Page

log = logging.getLogger(__name__)


async def settle(page: Page, seconds: float) -> None:
    """Nudge the page, then wait ``seconds`` (no-op for 0)."""
    if seconds <= 0:
        return
    try:
        await asyncio.wait_for(_nudge(page), timeout=min(2.0, seconds))
    except (PlaywrightError, asyncio.TimeoutError) as exc:
        log.debug("nudging %s failed: %s", page.url, exc)
    await asyncio.sleep(seconds)


async def _nudge(page: Page) -> None:
    await page.mouse.move(300, 300)
    await page.mouse.move(600, 400, steps=3)
    await page.mouse.wheel(0, 800)
    await page.mouse.wheel(0, -800)
