"""Load one URL in one engine from one location and record what happened.

A probe has one overall deadline (``ProbeOptions.budget_s``) and named stages, each bounded by
its own cap and by what is left of the deadline:

``navigation`` (the first response) → ``document`` (DOMContentLoaded) → ``load`` (best effort) →
``script`` (the page answers JavaScript: a page that spins the CPU is ``unresponsive``) →
``settle`` (watch for late widgets) → ``detect`` → ``subpages``.

A stage that runs out is named in ``stage``. Whatever the site does (hangs, streams forever,
redirects in a loop by HTTP, meta refresh or JavaScript, opens popups, raises dialogs, starts a
download, serves 50 MB, crashes the renderer), the probe ends with a result, not a hang.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from nettsjekk.probes.classify import (
    cause_from_proxy,
    diagnose_proxy,
    needs_proxy_answer,
    reason_for_any,
    reason_for_status,
)
from nettsjekk.probes.detection import CLOSED_SHADOW_JS, PageDetection, detect_page
from nettsjekk.core.domains import registered_domain
from nettsjekk.probes.hostile import PageGuard
from nettsjekk.probes.login import LoginWall, bundled_login_hosts, find_login_wall, wall_for_status
from nettsjekk.probes.network import NetworkRecorder
from nettsjekk.probes.featurebook import load_features
from nettsjekk.probes.reveal import find_and_click
from nettsjekk.probes.redact import redact_text, redact_url, scrub
from nettsjekk.probes.results import LoginInfo, PageVisit, ProbeResult
from nettsjekk.probes.rulebook import LoadedRule, default_rules
from nettsjekk.probes.settle import TIMERS_JS, settle
from nettsjekk.probes.subpages import pick_subpages
from nettsjekk.probes.urls import check_probe_url

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

    from nettsjekk.probes.browsers import Browsers
    from nettsjekk.probes.sessions import Session

log = logging.getLogger(__name__)
CLOSE_TIMEOUT_S = 5.0
NETWORK_IDLE_CAP_S = 2.0
SCRIPT_CHECK_S = 8.0
TITLE_CAP_S = 2.0
SCREENSHOT_CAP_S = 10.0
MAX_SELF_NAVIGATIONS = 8
LOGIN_CHECK_S = 10.0
LOGIN_CONFIRM_S = 1.0
ASK_PROXY_S = 3.0
REVEAL_FIND_S = 3.0


@dataclass(frozen=True)
class ProbeOptions:
    """Per-probe settings.

    ``timeout_s`` bounds each page's navigation; ``settle_s`` is how long the home page is watched
    for late widgets before the detectors read it (``subpage_settle_s`` for the other pages);
    ``budget_s`` bounds the whole probe (default: enough for every stage and sub-page).
    ``rules=None`` means the bundled rules; ``detect=False`` only loads the page.
    ``session`` (a saved login, ``probes.sessions``) starts the context logged in; ``login_hosts``
    are the host patterns of identity providers and sign-in pages (None: those of the bundled
    vendor files). A probe that ends on a login page reports ``login_required`` (no session) or
    ``login_expired`` (the session was not accepted), never ``ok``.
    """

    timeout_s: float = 30.0
    proxy: str | None = None
    location: str = "local"
    screenshot: Path | None = None
    detect: bool = True
    rules: tuple[LoadedRule, ...] | None = None
    settle_s: float = 5.0
    subpage_settle_s: float = 2.0
    max_subpages: int = 5
    extra_urls: tuple[str, ...] = ()
    own_domains: tuple[str, ...] = ()
    evidence_dir: Path | None = None
    budget_s: float | None = None
    session: Session | None = None
    login_hosts: tuple[str, ...] | None = None
    reveal: bool = True
    """Accept a consent banner and open feature panels on the home page, then read it again (``probes.reveal``)."""
    subpage_share: tuple[int, int] = (0, 1)
    """``(index, count)``: of the sub-pages picked (up to ``max_subpages``), visit those at positions
    ``index, index + count, ...``; the probes of the same resource at the other locations visit the
    rest (``(0, 1)``: all of them). ``extra_urls`` are always visited."""

    @property
    def total_budget_s(self) -> float:
        if self.budget_s is not None:
            return self.budget_s
        pages = (self.max_subpages + len(self.extra_urls)) if self.detect else 0
        per_page = min(self.timeout_s, 15.0) + self.subpage_settle_s + 5.0
        return self.timeout_s + self.settle_s + 25.0 + pages * per_page


class _StageTimeout(Exception):
    def __init__(self, stage: str, detail: str) -> None:
        super().__init__(detail)
        self.stage = stage


async def probe_url(browsers: Browsers, url: str, engine: str, options: ProbeOptions | None = None) -> ProbeResult:
    """Probe ``url`` in ``engine``; never raises for what the site does, only for bad input."""
    return await _ProbeRun(browsers, check_probe_url(url), engine, options or ProbeOptions()).run()


class _ProbeRun:
    """The state of one probe: its context, page, guard, recorder, result and deadline."""

    def __init__(self, browsers: Browsers, url: str, engine: str, options: ProbeOptions) -> None:
        self.browsers, self.url, self.engine, self.options = browsers, url, engine, options
        self.result = ProbeResult(url=url, browser=engine, location=options.location,
                                  started_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
        self.start = self.deadline = 0.0

    # -- time ----------------------------------------------------------------------------------
    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def cap(self, seconds: float) -> float:
        return max(0.001, min(seconds, self.left()))

    def cap_ms(self, seconds: float) -> int:
        return max(1, int(self.cap(seconds) * 1000))

    # -- the probe -----------------------------------------------------------------------------
    async def run(self) -> ProbeResult:
        context = await self._open_context()
        self.start = time.monotonic()  # a browser launch is not the site's time
        self.deadline = self.start + self.options.total_budget_s
        self.guard, self.recorder = PageGuard(context), NetworkRecorder(context)
        self.recorder.current_page = self.url
        try:
            if self.options.detect:
                await context.add_init_script(TIMERS_JS)  # lets settling see widgets due on a timer
                await context.add_init_script(CLOSED_SHADOW_JS)  # lets detection read closed shadow roots
            self.page = await context.new_page()
            self.recorder.watch_page(self.page)
            await self._stages()
        except _StageTimeout as exc:
            self._fail("timeout", str(exc), exc.stage)
        except PlaywrightError as exc:  # the browser or the page died under us
            self._fail(*(reason_for_any([str(exc)]) or ("crash", str(exc).splitlines()[0])))
        finally:
            await self._wrap_up(context)
        return self.result

    async def _open_context(self) -> BrowserContext:
        """A fresh context; a browser that died since the last probe is relaunched once."""
        timeout_ms = int(self.options.timeout_s * 1000)
        state = self.options.session.storage_state if self.options.session else None
        try:
            context = await self.browsers.new_context(self.engine, proxy=self.options.proxy, timeout_ms=timeout_ms,
                                                      storage_state=state)
        except PlaywrightError as exc:
            log.warning("%s could not open a context (%s); relaunching it", self.engine, str(exc).splitlines()[0])
            await self.browsers.forget(self.engine)
            context = await self.browsers.new_context(self.engine, proxy=self.options.proxy, timeout_ms=timeout_ms,
                                                      storage_state=state)
        self.result.browser_version = context.browser.version if context.browser else ""
        return context

    async def _stages(self) -> None:
        if not await self._navigate() or not await self._document():
            return
        await self._best_effort_load()
        if not await self._responsive("script"):
            return
        walled = await self._login_wall()
        await self._title_and_screenshot()
        if self.options.detect and not walled:
            await self._detect_all()

    async def _navigate(self) -> bool:
        try:
            response = await self.page.goto(self.url, wait_until="commit", timeout=self.cap_ms(self.options.timeout_s))
        except PlaywrightTimeout:
            self._fail("timeout", f"no response within {self.options.timeout_s:g} s", "navigation")
            return False
        except PlaywrightError as exc:
            self._fail(*await self._explain(exc, self.url))
            return False
        if response is not None:
            self.result.status = response.status
            wall = None if "x-squid-error" in response.headers else wall_for_status(response.status, response.url)
            if wall is not None:
                self.result.final_url = response.url
                self._met_login_wall(wall)
                return False
            diagnosis = reason_for_status(response.status, response.headers)
            if diagnosis:
                self._fail(diagnosis.reason, diagnosis.detail)
        return self.result.error is None

    async def _document(self) -> bool:
        try:
            await self.page.wait_for_load_state("domcontentloaded", timeout=self.cap_ms(self.options.timeout_s))
        except PlaywrightTimeout:
            self._fail("timeout", f"the document did not finish loading within {self.options.timeout_s:g} s",
                       "document")
            return False
        return True

    async def _best_effort_load(self) -> None:
        """The load event, then a quiet network (skipped when the settle wait that follows is longer)."""
        states = [("load", self.options.timeout_s)]
        if not self.options.detect or self.options.settle_s < NETWORK_IDLE_CAP_S:
            states.append(("networkidle", NETWORK_IDLE_CAP_S))
        for state, cap in states:
            try:
                await self.page.wait_for_load_state(state, timeout=self.cap_ms(cap))
            except PlaywrightTimeout:
                log.debug("%s: no %s in time", self.url, state)

    async def _responsive(self, stage: str) -> bool:
        """False (and the probe fails as ``unresponsive``) when the page's JavaScript never yields.

        A page that navigates during the check is not unresponsive: the check is tried again, and
        a page that keeps navigating is caught by the self-navigation count after settling.
        """
        for _ in range(3):
            try:
                await asyncio.wait_for(self.page.evaluate("1"), self.cap(SCRIPT_CHECK_S))
                return True
            except asyncio.TimeoutError:
                self._fail("unresponsive", f"the page's JavaScript did not yield for {SCRIPT_CHECK_S:g} s "
                                           "(it keeps the CPU busy)", stage)
                return False
            except PlaywrightError as exc:
                if "context was destroyed" not in str(exc) and "navigat" not in str(exc).lower():
                    raise
                log.debug("the page navigated during the script check: %s", str(exc).splitlines()[0])
                await asyncio.sleep(0.2)
        return True

    async def _title_and_screenshot(self) -> None:
        self.result.final_url = self.page.url
        try:
            self.result.title = await asyncio.wait_for(self.page.title(), self.cap(TITLE_CAP_S))
        except (asyncio.TimeoutError, PlaywrightError):
            self.result.title = None
        if self.options.screenshot:
            await self._screenshot(self.options.screenshot)

    async def _screenshot(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            await self.page.screenshot(path=str(path), timeout=self.cap_ms(SCREENSHOT_CAP_S))
            self.result.screenshot = str(path)
        except PlaywrightError as exc:
            self.guard.note(f"timeout:screenshot: {str(exc).splitlines()[0]}")

    # -- login walls ---------------------------------------------------------------------------
    def _login_hosts(self) -> tuple[str, ...]:
        return self.options.login_hosts if self.options.login_hosts is not None else bundled_login_hosts()

    async def _find_wall(self) -> LoginWall | None:
        own = urlsplit(self.url).hostname or ""
        try:
            return await asyncio.wait_for(find_login_wall(self.page, self._login_hosts(), own),
                                          self.cap(LOGIN_CHECK_S))
        except asyncio.TimeoutError:
            return None

    async def _login_wall(self) -> bool:
        """True (and the probe ends as ``login_required``/``login_expired``) on a login page that
        stays one for a moment (a page passing through an identity provider on its way in does not)."""
        if await self._find_wall() is None or self.left() < 2:
            return False
        await asyncio.sleep(min(LOGIN_CONFIRM_S, self.left()))
        wall = await self._find_wall()
        if wall is None:
            return False
        self._met_login_wall(wall)
        return True

    def _met_login_wall(self, wall: LoginWall) -> None:
        session = self.options.session
        if session is None:
            self._fail("login_required", f"the resource asks for a login: {wall.describe()}; save a session "
                                         "with 'nettsjekk login RESOURCE_ID'")
            self.result.login = LoginInfo(state="required", host=wall.host, kind=wall.kind)
            return
        self._fail("login_expired", f"the saved session ({session.engine}, saved {session.saved_at_text}) was "
                                    f"not accepted: {wall.describe()}; log in again with 'nettsjekk login "
                                    f"{session.resource_id} --browser {self.engine}'")
        self.result.login = LoginInfo(state="expired", host=wall.host, kind=wall.kind,
                                      session_saved_at=session.saved_at, session_engine=session.engine)

    # -- detection -----------------------------------------------------------------------------
    async def _detect_all(self) -> None:
        """Detectors on the home page, then on same-site sub-pages and the resource's extra URLs."""
        rules = list(self.options.rules if self.options.rules is not None else default_rules())
        own = self._own_domains()
        settled = await settle(self.page, self.cap(self.options.settle_s), self.recorder)
        if not self._self_navigation_ok() or not await self._responsive("settle"):
            return
        if await self._login_wall():  # a script sent the page to a login after it loaded
            await self._title_and_screenshot()
            return
        home = await self._reveal(rules, own, await self._detect(rules, own, self.recorder.records()))
        self._add_visit(PageVisit(url=self.page.url, status=self.result.status, settled=settled), home)
        visited = {self.url, self.page.url}
        picked = pick_subpages(home.snapshot, self.options.max_subpages, visited) if home.snapshot else []
        index, count = self.options.subpage_share
        picked = picked[index::count]
        for url in [*self.options.extra_urls, *picked]:
            if url in visited:
                continue
            visited.add(url)
            if self.left() < 3:
                self.guard.note(f"timeout:probe: no time left for {url}")
                self.result.stage = self.result.stage or "subpages"
                continue
            await self._visit(url, rules, own)

    async def _detect(self, rules: list[LoadedRule], own: frozenset[str], requests: list) -> PageDetection:
        label = f"{self.engine}-{self.options.location}"
        try:
            return await asyncio.wait_for(detect_page(self.page, rules, requests, own, self.options.evidence_dir,
                                                      label), self.cap(30))
        except asyncio.TimeoutError:
            self.guard.note(f"timeout:detect on {self.page.url}")
            return PageDetection([], [], None)

    async def _reveal(self, rules: list[LoadedRule], own: frozenset[str], first: PageDetection) -> PageDetection:
        """Accept a consent wall and open feature panels (``probes.reveal``), then read the page again;
        what the second reading adds joins the first. Each click is an event."""
        reveal = load_features().reveal
        if not self.options.reveal or self.left() < 3:
            return first
        clicks = await find_and_click(self.page, reveal, self.cap(REVEAL_FIND_S))
        if not clicks:
            return first
        for click in clicks:
            what = "consent accepted" if click.kind == "consent" else "panel opened"
            self.guard.note(f"{what}: clicked {click.name!r} on {self.page.url}")
        await settle(self.page, self.cap(reveal.settle_s), self.recorder)
        again = await self._detect(rules, own, self.recorder.records())
        known = {f.rule for f in first.findings}
        return PageDetection(first.findings + [f for f in again.findings if f.rule not in known],
                             first.errors + again.errors, again.snapshot or first.snapshot)

    async def _visit(self, url: str, rules: list[LoadedRule], own: frozenset[str]) -> None:
        mark = self.recorder.mark()
        self.recorder.current_page = url
        visit = PageVisit(url=url)
        try:
            response = await self.page.goto(url, wait_until="domcontentloaded",
                                            timeout=self.cap_ms(min(self.options.timeout_s, 15)))
            visit.status = response.status if response else None
        except PlaywrightError as exc:
            visit.error = (await self._explain(exc, url))[0]
            self._add_visit(visit, None)
            return
        visit.settled = await settle(self.page, self.cap(self.options.subpage_settle_s), self.recorder)
        self._add_visit(visit, await self._detect(rules, own, self.recorder.records(since=mark)))

    def _add_visit(self, visit: PageVisit, detection: PageDetection | None) -> None:
        if detection is not None:
            self.result.findings += detection.findings
            self.result.detector_errors += detection.errors
            visit.findings = len(detection.findings)
        self.result.pages.append(visit)

    def _own_domains(self) -> frozenset[str]:
        hosts = [urlsplit(u).hostname or "" for u in (self.url, self.result.final_url or self.url)]
        return frozenset({registered_domain(h) for h in hosts if h}
                         | {registered_domain(d) for d in self.options.own_domains})

    def _self_navigation_ok(self) -> bool:
        if self.guard.navigations > MAX_SELF_NAVIGATIONS:
            self._fail("redirect_loop", f"the page keeps navigating by itself (meta refresh or JavaScript): "
                                        f"{self.guard.navigations} navigations while it was watched", "settle")
            return False
        return True

    # -- errors and the end --------------------------------------------------------------------
    async def _explain(self, exc: PlaywrightError, url: str) -> tuple[str, str]:
        """(reason, detail) for a failed navigation, asking the proxy when the browser cannot say."""
        if isinstance(exc, PlaywrightTimeout):
            return "timeout", f"no response within {self.options.timeout_s:g} s"
        if self.guard.downloads or self.recorder.attachments:
            what = self.guard.downloads[-1] if self.guard.downloads else self.recorder.attachments[-1]
            return "download", f"the address starts a file download ({what}), not a page"
        texts = [str(exc).splitlines()[0], *self.recorder.document_failures()]
        reason = reason_for_any(texts[1:]) or reason_for_any(texts[:1]) or ("unknown", texts[0])
        if reason[0] == "proxy" and self.options.proxy:
            diagnosis = await diagnose_proxy(self.options.proxy, url, timeout_s=self.cap(5))
            if diagnosis:
                reason = (diagnosis.reason, diagnosis.detail)
        return reason

    async def _causes_from_proxy(self) -> None:
        """Requests whose failure only the proxy can explain (a failed tunnel, a body Chromium refused) get
        the proxy's answer as their cause, asked once per host (at least 1 s, even past the deadline)."""
        proxy = self.options.proxy
        unclear = [r for r in self.result.requests if needs_proxy_answer(r.cause)] if proxy else []
        if not unclear:
            return
        origin = lambda url: urlsplit(url)[:2]  # noqa: E731 - (scheme, host:port): one question per origin
        asks = {origin(r.url): r for r in unclear}
        try:
            answers = await asyncio.wait_for(asyncio.gather(
                *(cause_from_proxy(proxy, r.url, r.cause or "proxy", ASK_PROXY_S) for r in asks.values())),
                max(self.cap(ASK_PROXY_S), 1.0))
        except asyncio.TimeoutError:
            return
        causes = dict(zip(asks, answers))
        for request in unclear:
            request.cause = causes[origin(request.url)]

    def _fail(self, reason: str, detail: str, stage: str | None = None) -> None:
        if self.result.error is None:
            self.result.error, self.result.error_detail = reason, detail
            self.result.stage = stage

    async def _wrap_up(self, context: BrowserContext) -> None:
        if self.guard.crashed and self.result.error is None:
            self._fail("crash", "the page's renderer crashed")
        self.result.elapsed_ms = int((time.monotonic() - self.start) * 1000)
        self.result.requests = self.recorder.records()
        await self._causes_from_proxy()
        self.result.hosts = sorted({r.host for r in self.result.requests if r.host})
        self.result.domains = sorted({r.domain for r in self.result.requests if r.domain})
        self.result.events = list(self.guard.events)
        await self.guard.close()
        try:
            await asyncio.wait_for(context.close(), CLOSE_TIMEOUT_S)
        except (asyncio.TimeoutError, PlaywrightError) as exc:
            log.warning("closing a %s context failed (%s); the browser will be relaunched", self.engine, exc)
            await self.browsers.forget(self.engine)
        self.result.ok = self.result.error is None and self.result.status is not None
        session = self.options.session
        if session is not None and self.result.ok and self.result.login is None:
            self.result.login = LoginInfo(state="ok", session_saved_at=session.saved_at,
                                          session_engine=session.engine)
        self._redact()

    def _redact(self) -> None:
        """No login code, token or session cookie leaves the probe (see ``probes.redact``)."""
        result = self.result
        result.url = redact_url(result.url) or result.url
        result.final_url = redact_url(result.final_url)
        result.error_detail = redact_text(result.error_detail)
        result.events = [redact_text(event) or "" for event in result.events]
        for visit in result.pages:
            visit.url = redact_url(visit.url) or visit.url
        for finding in result.findings:
            finding.page = redact_url(finding.page) or finding.page
            finding.evidence.value = redact_text(finding.evidence.value) or ""
            finding.evidence.snippet = redact_text(finding.evidence.snippet) or ""
        for error in result.detector_errors:
            error.page = redact_url(error.page) or error.page
            error.error = redact_text(error.error) or ""
        secrets = self.options.session.secrets() if self.options.session else []
        if secrets:
            self.result = ProbeResult.model_validate_json(scrub(result.model_dump_json(), secrets))
