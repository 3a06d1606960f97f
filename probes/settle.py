"""Give a page time to show what it loads late: chat launchers, consent-gated widgets, lazy loaders.

Many widgets wait for the load event, a timer or the first user interaction (mouse move or
scroll) before they load. The page is nudged like a person would, then watched until it is
*settled* or the settle time is up, whichever comes first. Settled means all three of:

* at least ``MIN_SETTLE_S`` (or the whole settle time, when shorter) has passed since the nudge;
* the network has been quiet for ``QUIET_S``: no request started or ended, none in flight (a request
  open for longer than ``network.STALE_REQUEST_S``, such as a chat's long poll, no longer counts);
* no one-shot timer the page scheduled (``setTimeout``, ``requestIdleCallback``; recorded by
  ``settle_timers.js``, installed in every frame before the page's scripts) is due before the settle
  time is up (nor within ``TIMER_HORIZON_S``): a widget injected by ``setTimeout(..., 1500)`` is waited for, one due after the settle
  time would have been missed by a fixed wait too.

A page that keeps polling with timers or keeps the network busy is watched for the full settle
time, as before; a quiet page is read as soon as it is quiet. Without a recorder (exam-mode replay)
the wait is the fixed settle time. ``settle`` returns how the wait ended: ``quiet``, ``time`` or
``none`` (no settle time).
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError

if TYPE_CHECKING:
    from playwright.async_api import Page

    from nettsjekk.probes.network import NetworkRecorder

log = logging.getLogger(__name__)
TIMERS_JS = (Path(__file__).parent / "settle_timers.js").read_text(encoding="utf-8")
"""The init script that records pending one-shot timers (``window.__nettsjekkTimers.next()``)."""
MIN_SETTLE_S = 1.0
QUIET_S = 0.5
POLL_S = 0.15
TIMER_HORIZON_S = 1.0
"""A timer due within this is always waited for (or the page is watched to the end): a page polling
every few hundred milliseconds is busy, not quiet, even when the settle time is nearly up."""
NEXT_TIMER_JS = "() => (window.__nettsjekkTimers ? window.__nettsjekkTimers.next() : -1)"


async def settle(page: Page, seconds: float, recorder: NetworkRecorder | None = None) -> str:
    """Nudge the page, then wait until it is settled or ``seconds`` are up; how it ended."""
    if seconds <= 0:
        return "none"
    started = time.monotonic()
    deadline = started + seconds
    try:
        await asyncio.wait_for(_nudge(page), timeout=min(2.0, seconds))
    except (PlaywrightError, asyncio.TimeoutError) as exc:
        log.debug("nudging %s failed: %s", page.url, exc)
    if recorder is None:
        await asyncio.sleep(max(0.0, deadline - time.monotonic()))
        return "time"
    earliest = started + min(seconds, MIN_SETTLE_S)
    while (now := time.monotonic()) < deadline:
        if (now >= earliest and recorder.quiet_for() >= QUIET_S
                and await _no_timer_due(page, max(deadline - now, TIMER_HORIZON_S))):
            return "quiet"
        await asyncio.sleep(min(POLL_S, max(0.0, deadline - now)))
    return "time"


async def _no_timer_due(page: Page, left_s: float) -> bool:
    """True when no pending one-shot timer of the main frame fires within ``left_s``."""
    try:
        due_ms = await asyncio.wait_for(page.evaluate(NEXT_TIMER_JS), timeout=1.0)
    except (PlaywrightError, asyncio.TimeoutError):
        return False  # navigating or busy: not settled
    if not isinstance(due_ms, (int, float)):
        return False
    return due_ms < 0 or due_ms / 1000 > left_s


async def _nudge(page: Page) -> None:
    await page.mouse.move(300, 300)
    await page.mouse.move(600, 400, steps=3)
    await page.mouse.wheel(0, 800)
    await page.mouse.wheel(0, -800)
