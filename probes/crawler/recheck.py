"""Browser recheck: a link may be reported broken for a bot-ish reason only after a real browser
opened it too (a fresh context of the ``Browsers`` seam, through the same proxy).

Rechecked are every ``bot_blocked`` link and ``broken`` links whose status can hide a bot wall
(``recheck_broken_statuses`` in policy.yaml). A challenge page is watched for ``challenge_wait_s``
seconds, long enough for a non-interactive challenge to pass itself and reload the real page.
"""

from __future__ import annotations

import asyncio
import functools
import time
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from nettsjekk.probes.classify import reason_for_any, reason_for_status
from nettsjekk.core.errors import EngineUnavailable

from nettsjekk.probes.crawler.botwall import Wall, detect_wall
from nettsjekk.probes.crawler.policy import policy
from nettsjekk.probes.crawler.results import LinkReport, LinkResult, Recheck
from nettsjekk.probes.crawler.scope import host_of
from nettsjekk.probes.redact import openable_url
from nettsjekk.probes.runner import gather_limited

if TYPE_CHECKING:
    from playwright.async_api import Page, Response

    from nettsjekk.probes.browsers import Browsers

POLL_S = 0.5


def needs_recheck(link: LinkResult) -> bool:
    """Every bot wall, and broken links whose status may be one in disguise."""
    if link.recheck is not None:
        return False
    return link.status == "bot_blocked" or (
        link.status == "broken" and link.http_status in policy().recheck_broken_statuses)


async def recheck_report(report: LinkReport, browsers: Browsers, *, engine: str = "chromium",
                         proxy: str | None = None, timeout_s: float = 20.0, challenge_wait_s: float = 8.0,
                         concurrency: int = 2, storage_state: dict | None = None,
                         memory: dict[str, Recheck] | None = None) -> LinkReport:
    """``report`` with every link that needs it rechecked in ``engine`` and its status settled
    (logged in when ``storage_state``, a saved session, is given). ``memory`` (URL -> what the
    browser saw), shared between the reports of one run, opens each URL once."""
    async def settle(link: LinkResult) -> LinkResult:
        if not needs_recheck(link):
            return link
        seen = memory.get(link.url) if memory is not None else None
        if seen is None:
            seen = await recheck_url(browsers, link.url, engine, proxy, timeout_s, challenge_wait_s, storage_state)
            if memory is not None:
                memory[link.url] = seen
        return apply_recheck(link, seen)

    return report.with_links(await gather_limited([functools.partial(settle, link) for link in report.links],
                                                  concurrency))


async def recheck_standalone(report: LinkReport, *, engine: str = "chromium", proxy: str | None = None,
                             trust_ca: tuple[Path, ...] = (), timeout_s: float = 20.0,
                             storage_state: dict | None = None) -> LinkReport:
    """``recheck_report`` with a Playwright and browsers of its own, started only when needed (for the CLI)."""
    async with LazyRechecker(engine, trust_ca, timeout_s) as rechecker:
        return await rechecker.settle(report, proxy, storage_state)


async def recheck_url(browsers: Browsers, url: str, engine: str, proxy: str | None,
                      timeout_s: float = 20.0, challenge_wait_s: float = 8.0,
                      storage_state: dict | None = None) -> Recheck:
    """What ``engine`` sees at ``url``: passed, failed (with the reason) or challenged. A link whose user
    name and password were redacted is opened without them (``probes.redact.openable_url``)."""
    url = openable_url(url)
    try:
        context = await browsers.new_context(engine, proxy=proxy, timeout_ms=int(timeout_s * 1000),
                                             storage_state=storage_state)
    except EngineUnavailable as exc:
        return Recheck(browser=engine, outcome="unavailable", detail=str(exc))
    try:
        return await _visit(await context.new_page(), url, engine, timeout_s, challenge_wait_s)
    finally:
        try:
            await context.close()
        except PlaywrightError:
            pass


async def _visit(page: Page, url: str, engine: str, timeout_s: float, challenge_wait_s: float) -> Recheck:
    documents: list[Response] = []

    def remember(response: Response) -> None:
        if response.request.is_navigation_request() and response.frame == page.main_frame:
            documents.append(response)

    page.on("response", remember)
    try:
        response = await page.goto(url, wait_until="domcontentloaded", timeout=timeout_s * 1000)
    except PlaywrightTimeout:
        return Recheck(browser=engine, outcome="failed", reason="timeout", detail=f"no page within {timeout_s:g} s")
    except PlaywrightError as exc:
        reason, text = reason_for_any([str(exc)]) or ("unknown", str(exc))
        return Recheck(browser=engine, outcome="failed", reason=reason, detail=text.splitlines()[0][:300])
    if response is None:
        return Recheck(browser=engine, outcome="passed", detail="no document response (same-document navigation)")
    return await _watch(page, response, documents, engine, challenge_wait_s)


async def _watch(page: Page, response: Response, documents: list[Response], engine: str, wait_s: float) -> Recheck:
    """Read the answer; while it is a challenge, give it ``wait_s`` seconds to pass by itself."""
    deadline = time.monotonic() + wait_s
    wall = await _wall(page, response)
    while wall is not None and time.monotonic() < deadline:
        await asyncio.sleep(POLL_S)
        response = documents[-1] if documents else response
        wall = await _wall(page, response)
    headers = await response.all_headers()
    if wall is not None:
        return Recheck(browser=engine, outcome="challenged", http_status=response.status, reason=wall.provider,
                       detail=wall.evidence)
    diagnosis = reason_for_status(response.status, headers)
    if diagnosis is not None:
        return Recheck(browser=engine, outcome="failed", http_status=response.status, reason=diagnosis.reason,
                       detail=diagnosis.detail)
    return Recheck(browser=engine, outcome="passed", http_status=response.status)


async def _wall(page: Page, response: Response) -> Wall | None:
    try:
        body = await page.content()
        headers = await response.all_headers()
    except PlaywrightError:
        return None
    return detect_wall(response.status, headers, body, host_of(response.url), headers.get("set-cookie", "").split("\n"))


def apply_recheck(link: LinkResult, seen: Recheck) -> LinkResult:
    """The link's final status given what the browser saw; the browser's view is kept on the link.

    A failed recheck confirms a break (or a timeout); a passed or challenged one means the crawler
    met a bot wall, never a broken link; an unavailable browser changes nothing.
    """
    update: dict = {"recheck": seen}
    if seen.outcome == "failed":
        update["status"] = "timeout" if seen.reason == "timeout" else "broken"
        if link.status == "bot_blocked":
            update |= {"reason": seen.reason, "detail": f"a real browser failed as well: {seen.detail}"}
    elif seen.outcome == "passed" and link.status == "broken":
        update |= {"status": "bot_blocked", "reason": "browser_only",
                   "detail": f"{link.detail}; a real browser loaded it (HTTP {seen.http_status})"}
    elif seen.outcome == "challenged" and link.status == "broken":
        update |= {"status": "bot_blocked", "reason": seen.reason, "detail": seen.detail}
    return link.model_copy(update=update)


class LazyRechecker:
    """Rechecks reports as they arrive with ONE Playwright and browser, started at the first link that
    needs it (never when none does); a URL linked from several reports (without a session) is opened once.

        async with LazyRechecker("chromium", trust_ca, timeout_s=20) as rechecker:
            report = await rechecker.settle(report, proxy=job.proxy, storage_state=None)
    """

    def __init__(self, engine: str = "chromium", trust_ca: tuple[Path, ...] = (), timeout_s: float = 20.0) -> None:
        self.engine, self.trust_ca, self.timeout_s = engine, trust_ca, timeout_s
        self.memory: dict[str, Recheck] = {}
        self._stack = None
        self._browsers: Browsers | None = None

    async def __aenter__(self) -> LazyRechecker:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._browsers is not None:
            await self._browsers.close()
        if self._stack is not None:
            await self._stack.aclose()

    async def settle(self, report: LinkReport, proxy: str | None = None, storage_state: dict | None = None) -> LinkReport:
        """``report`` rechecked (unchanged, and no browser started, when no link needs it)."""
        if not any(needs_recheck(link) for link in report.links):
            return report
        return await recheck_report(report, await self._started(), engine=self.engine, proxy=proxy,
                                    timeout_s=self.timeout_s, storage_state=storage_state,
                                    memory=None if storage_state else self.memory)

    async def _started(self) -> Browsers:
        if self._browsers is None:
            import contextlib

            from nettsjekk.probes.browsers import Browsers, BrowserSettings, running_playwright

            self._stack = contextlib.AsyncExitStack()
            playwright = await self._stack.enter_async_context(running_playwright())
            self._browsers = Browsers(playwright, BrowserSettings(trust_ca=self.trust_ca))
        return self._browsers
