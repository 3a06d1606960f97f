"""Keeps a hostile page from stalling a probe, and notes what it tried.

Dialogs (alert, confirm, prompt, beforeunload) are dismissed; popups are closed once their first
requests are recorded; downloads are refused and noted; a crashed renderer and a page that keeps
navigating by itself (meta refresh or JavaScript loops) are noticed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Dialog, Download, Frame, Page

log = logging.getLogger(__name__)
POPUP_GRACE_S = 1.5
MAX_EVENTS = 50
MAX_POPUPS_KEPT_OPEN = 5


class PageGuard:
    """Attach to a context before the first page opens; read the counters after the probe."""

    def __init__(self, context: BrowserContext) -> None:
        self.main: Page | None = None
        self.events: list[str] = []
        self.popups = 0
        self.dialogs = 0
        self.downloads: list[str] = []
        self.crashed = False
        self.navigations = 0
        self._tasks: set[asyncio.Task] = set()
        context.on("page", self._on_page)

    def _watch_main(self, page: Page) -> None:
        self.main = page
        page.on("framenavigated", self._on_navigated)

    def note(self, text: str) -> None:
        if len(self.events) < MAX_EVENTS:
            self.events.append(text[:300])

    def reset_navigations(self) -> None:
        self.navigations = 0

    def _on_page(self, page: Page) -> None:
        """The first page of the context is the probed one; every later page is a popup."""
        page.on("dialog", self._on_dialog)
        page.on("download", self._on_download)
        page.on("crash", self._on_crash)
        if self.main is None:
            self._watch_main(page)
            return
        self.popups += 1
        task = asyncio.ensure_future(self._close_popup(page, self.popups))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _close_popup(self, page: Page, number: int) -> None:
        """Give a popup time to make its first requests (they are recorded), then close it."""
        await asyncio.sleep(POPUP_GRACE_S if number <= MAX_POPUPS_KEPT_OPEN else 0)
        self.note(f"popup closed: {page.url}")
        try:
            await page.close()
        except PlaywrightError:
            pass

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs += 1
        self.note(f"dialog dismissed: {dialog.type} {dialog.message!r}")
        task = asyncio.ensure_future(_dismiss(dialog))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_download(self, download: Download) -> None:
        self.downloads.append(download.suggested_filename)
        self.note(f"download refused: {download.suggested_filename} from {download.url}")

    def _on_crash(self, page: Page) -> None:
        self.crashed = True
        self.note(f"renderer crashed: {page.url}")

    def _on_navigated(self, frame: Frame) -> None:
        if self.main is not None and frame == self.main.main_frame:
            self.navigations += 1

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def _dismiss(dialog: Dialog) -> None:
    try:
        await dialog.dismiss()
    except PlaywrightError as exc:
        log.debug("dismissing a dialog failed: %s", exc)
