"""Load one URL in one engine from one location and record what happened.

The probe has one time budget. Navigation waits for the first response (``commit``), then for the
document (``domcontentloaded``); a page that never gets there ends as ``timeout``. The ``load``
event and a short network settle are waited for best-effort within what is left of the budget,
so a slow tracker does not fail a resource that works.
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

from .classify import Diagnosis, diagnose_proxy, reason_for_any, reason_for_status
from .detection import detect_page
from .domains import registered_domain
from .network import NetworkRecorder
from .results import PageVisit, ProbeResult
from .rulebook import LoadedRule, default_rules
from .settle import settle
from .subpages import pick_subpages
from .urls import check_probe_url

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page, Response

    from .browsers import Browsers

log = logging.getLogger(__name__)
CLOSE_TIMEOUT_S = 5.0
NETWORK_IDLE_CAP_MS = 2000


@dataclass(frozen=True)
class ProbeOptions:
    """Per-probe settings.

    ``timeout_s`` bounds each page's navigation; ``settle_s`` is how long the home page is watched
    for late widgets before the detectors read it (``subpage_settle_s`` for the other pages).
    ``rules=None`` means the bundled rules; ``detect=False`` only loads the page.
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


class _Budget:
    def __init__(self, seconds: float) -> None:
        self.start = time.monotonic()
        self.end = self.start + seconds

    def left_ms(self, floor_ms: int = 1) -> int:
        return max(floor_ms, int((self.end - time.monotonic()) * 1000))

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.start) * 1000)


async def probe_url(browsers: Browsers, url: str, engine: str, options: ProbeOptions | None = None) -> ProbeResult:
    """Probe ``url`` in ``engine``; never raises for what the site does, only for bad input."""
    options = options or ProbeOptions()
    url = check_probe_url(url)
    result = ProbeResult(url=url, browser=engine, location=options.location,
                         started_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    context = await browsers.new_context(engine, proxy=options.proxy, timeout_ms=int(options.timeout_s * 1000))
    budget = _Budget(options.timeout_s)  # starts once the browser is up: a launch is not the site's time
    result.browser_version = context.browser.version if context.browser else ""
    recorder = NetworkRecorder(context)
    recorder.current_page = url
    try:
        page = await context.new_page()
        recorder.watch_page(page)
        await _load(page, url, budget, result, recorder, options)
        await _finish_page(page, budget, result, options)
        if options.detect and result.error is None:
            await _detect_all(page, result, recorder, options)
    except PlaywrightError as exc:  # the browser or page died under us
        _fail(result, reason_for_any([str(exc)]) or ("crash", str(exc).splitlines()[0]))
    finally:
        result.elapsed_ms = budget.elapsed_ms()
        result.requests = recorder.records()
        result.hosts = sorted({r.host for r in result.requests if r.host})
        result.domains = sorted({r.domain for r in result.requests if r.domain})
        await _close(context)
    result.ok = result.error is None and result.status is not None
    return result


async def _load(page: Page, url: str, budget: _Budget, result: ProbeResult,
                recorder: NetworkRecorder, options: ProbeOptions) -> None:
    try:
        response = await page.goto(url, wait_until="commit", timeout=budget.left_ms())
    except PlaywrightTimeout:
        _fail(result, ("timeout", f"no response within {options.timeout_s:g} s"))
        return
    except PlaywrightError as exc:
        await _navigation_error(exc, url, result, recorder, options)
        return
    if response is not None:
        _record_response(response, result)
    if result.error:
        return
    try:
        await page.wait_for_load_state("domcontentloaded", timeout=budget.left_ms())
    except PlaywrightTimeout:
        _fail(result, ("timeout", f"the document did not finish loading within {options.timeout_s:g} s"))
        return
    await _wait_loaded(page, budget)


def _record_response(response: Response, result: ProbeResult) -> None:
    result.status = response.status
    diagnosis = reason_for_status(response.status, response.headers)
    if diagnosis:
        _fail(result, (diagnosis.reason, diagnosis.detail))


async def _wait_loaded(page: Page, budget: _Budget) -> None:
    """Best effort: the load event, then a quiet network, within the budget."""
    for state, cap_ms in (("load", None), ("networkidle", NETWORK_IDLE_CAP_MS)):
        timeout = budget.left_ms() if cap_ms is None else min(cap_ms, budget.left_ms())
        try:
            await page.wait_for_load_state(state, timeout=timeout)
        except PlaywrightTimeout:
            log.debug("%s: no %s within %d ms", page.url, state, timeout)


async def _navigation_error(exc: PlaywrightError, url: str, result: ProbeResult,
                            recorder: NetworkRecorder, options: ProbeOptions) -> None:
    _fail(result, await _explain(exc, url, recorder, options))


async def _explain(exc: PlaywrightError, url: str, recorder: NetworkRecorder, options: ProbeOptions) -> tuple[str, str]:
    """(reason, detail) for a failed navigation, asking the proxy when the browser cannot say."""
    if isinstance(exc, PlaywrightTimeout):
        return "timeout", f"no response within {options.timeout_s:g} s"
    texts = [str(exc).splitlines()[0], *recorder.document_failures()]
    reason = reason_for_any(texts[1:]) or reason_for_any(texts[:1])
    if reason is None:
        reason = ("unknown", texts[0])
    if reason[0] == "proxy" and options.proxy:
        diagnosis: Diagnosis | None = await diagnose_proxy(options.proxy, url)
        if diagnosis:
            reason = (diagnosis.reason, diagnosis.detail)
    return reason


async def _finish_page(page: Page, budget: _Budget, result: ProbeResult, options: ProbeOptions) -> None:
    result.final_url = page.url if page.url not in ("about:blank", "") and not page.url.startswith("chrome-error") else None
    if result.error is None:
        try:
            result.title = await asyncio.wait_for(page.title(), budget.left_ms(floor_ms=1000) / 1000)
        except (asyncio.TimeoutError, PlaywrightError):
            result.title = None
    if options.screenshot:
        try:
            await page.screenshot(path=str(options.screenshot), timeout=budget.left_ms(floor_ms=3000))
            result.screenshot = str(options.screenshot)
        except PlaywrightError as exc:
            log.warning("screenshot of %s failed: %s", result.url, str(exc).splitlines()[0])


def _fail(result: ProbeResult, reason: tuple[str, str]) -> None:
    if result.error is None:
        result.error, result.error_detail = reason


async def _close(context: BrowserContext) -> None:
    try:
        await asyncio.wait_for(context.close(), CLOSE_TIMEOUT_S)
    except (asyncio.TimeoutError, PlaywrightError) as exc:
        log.warning("closing a browser context failed: %s", exc)


async def _detect_all(page: Page, result: ProbeResult, recorder: NetworkRecorder, options: ProbeOptions) -> None:
    """Detectors on the home page, then on same-site sub-pages and the resource's extra URLs."""
    rules = list(options.rules if options.rules is not None else default_rules())
    own = _own_domains(result, options)
    label = f"{result.browser}-{result.location}"
    home = await detect_page(page, rules, recorder.records(), own, options.evidence_dir, label) \
        if await _settled(page, options.settle_s) else None
    _add_visit(result, PageVisit(url=page.url, status=result.status), home)
    visited = {result.url, page.url}
    queue = [*options.extra_urls, *(pick_subpages(home.snapshot, options.max_subpages, visited)
                                    if home and home.snapshot else [])]
    for url in queue:
        if url not in visited:
            visited.add(url)
            await _visit(page, url, rules, own, label, result, recorder, options)


async def _settled(page: Page, seconds: float) -> bool:
    await settle(page, seconds)
    return not page.is_closed()


async def _visit(page: Page, url: str, rules: list[LoadedRule], own: frozenset[str], label: str,
                 result: ProbeResult, recorder: NetworkRecorder, options: ProbeOptions) -> None:
    mark = recorder.mark()
    recorder.current_page = url
    visit = PageVisit(url=url)
    try:
        response = await page.goto(url, wait_until="domcontentloaded", timeout=int(options.timeout_s * 1000))
        visit.status = response.status if response else None
    except PlaywrightError as exc:
        visit.error = (await _explain(exc, url, recorder, options))[0]
        _add_visit(result, visit, None)
        return
    await settle(page, options.subpage_settle_s)
    detection = await detect_page(page, rules, recorder.records(since=mark), own, options.evidence_dir, label)
    _add_visit(result, visit, detection)


def _add_visit(result: ProbeResult, visit: PageVisit, detection) -> None:  # noqa: ANN001 - PageDetection | None
    if detection is not None:
        result.findings += detection.findings
        result.detector_errors += detection.errors
        visit.findings = len(detection.findings)
    result.pages.append(visit)


def _own_domains(result: ProbeResult, options: ProbeOptions) -> frozenset[str]:
    hosts = [urlsplit(u).hostname or "" for u in (result.url, result.final_url or result.url)]
    return frozenset({registered_domain(h) for h in hosts if h} | {registered_domain(d) for d in options.own_domains})
