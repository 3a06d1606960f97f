"""Run the detectors on a visited page and turn what they matched into findings with evidence.

Every frame is read by ``detectors/collect.js`` (open shadow roots included). Each detector runs
isolated: one that fails is recorded as a ``DetectorError`` and the others' findings survive.
Per rule and page the strongest evidence is kept (a visible element first), and a visible element
in the main frame is cropped into a PNG when an evidence folder is given.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError

from nettsjekk.probes.detectors import DETECTORS
from nettsjekk.probes.detectors.base import Candidate, FrameData, PageSnapshot
from nettsjekk.probes.findings import DetectorError, Finding
from nettsjekk.probes.redact import redact_url
from nettsjekk.probes.rulebook import LoadedRule

if TYPE_CHECKING:
    from playwright.async_api import Page

    from nettsjekk.probes.results import RequestRecord

log = logging.getLogger(__name__)
COLLECT_JS = (Path(__file__).parent / "detectors" / "collect.js").read_text(encoding="utf-8")
CLOSED_SHADOW_JS = (Path(__file__).parent / "detectors" / "closed_shadow.js").read_text(encoding="utf-8")
"""An init script that lets ``collect.js`` read closed shadow roots (added to a probe's context)."""
COLLECT_AS_JSON_JS = (
    "(args) => {\n"
    f"  const out = ({COLLECT_JS.strip().rstrip(';')})(args);\n"
    "  try {\n"
    "    if (JSON.stringify({a: [1, 'x']}) === '{\"a\":[1,\"x\"]}')\n"
    "      return JSON.stringify(out, (key, value) => value === undefined ? null : value);\n"
    "  } catch (e) {}\n"
    "  return out;\n"
    "}"
)
"""``collect.js`` returning one JSON string: it crosses the protocol far cheaper than the deep object
(Firefox's WebDriver-BiDi serialises every nested value: 5-10x slower on a 100 KB page). A page whose
``JSON`` is broken (an old Prototype.js's ``Array.prototype.toJSON``) gets the object as before."""
COLLECTED_KEYS = frozenset(("scripts", "iframes", "forms", "links", "texts", "selectors", "globals", "pageText",
                            "widgets"))
MAX_TEXTS = 4000
PAGE_TEXT_LIMIT = 200_000
FRAME_TIMEOUT_S = 10.0
CROP_PADDING = 8


@dataclass
class PageDetection:
    findings: list[Finding]
    errors: list[DetectorError]
    snapshot: PageSnapshot | None


@lru_cache(maxsize=64)
def _collect_args(rules: tuple[LoadedRule, ...]) -> dict:
    selectors = sorted({m.selector for r in rules for m in r.rule.matchers if m.kind == "selector"})
    globals_ = sorted({m.global_ for r in rules for m in r.rule.matchers if m.kind == "global"})
    widgets = any(m.kind == "feature" for r in rules for m in r.rule.matchers)
    return {"selectors": selectors, "globals": globals_, "maxTexts": MAX_TEXTS, "pageTextLimit": PAGE_TEXT_LIMIT,
            "widgets": widgets}


async def snapshot_page(page: Page, rules: list[LoadedRule], requests: list[RequestRecord],
                        own_domains: frozenset[str]) -> PageSnapshot:
    """Read every frame of ``page`` (frames that fail to answer are skipped and logged)."""
    args = _collect_args(tuple(rules))
    frames = []
    for frame in page.frames:
        try:
            data = await asyncio.wait_for(_collect(frame, args), FRAME_TIMEOUT_S)
        except (PlaywrightError, asyncio.TimeoutError) as exc:
            log.info("could not read frame %s: %s", redact_url(frame.url), str(exc).splitlines()[0] if str(exc) else exc)
            continue
        frames.append(FrameData(frame.url, frame == page.main_frame, data))
    return PageSnapshot(page.url, frames, requests, own_domains)


async def _collect(frame, args: dict) -> dict:
    data = await frame.evaluate(COLLECT_AS_JSON_JS, args)
    if not isinstance(data, str):
        return data
    try:
        parsed = json.loads(data)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or not COLLECTED_KEYS <= parsed.keys():  # the page's JSON lies: read the object
        return await frame.evaluate(COLLECT_JS, args)
    return parsed


def run_detectors(rules: list[LoadedRule], snapshot: PageSnapshot, detectors=DETECTORS) -> tuple[list[Candidate], list[DetectorError]]:
    """Every detector's candidates; a detector that raises becomes an error entry."""
    candidates: list[Candidate] = []
    errors: list[DetectorError] = []
    for detector in detectors:
        try:
            candidates += detector.detect(rules, snapshot)
        except Exception as exc:  # noqa: BLE001 - isolation is the point: record and go on
            log.warning("detector %s failed on %s: %r", detector.id, redact_url(snapshot.page_url), exc)
            errors.append(DetectorError(detector=detector.id, page=snapshot.page_url, error=repr(exc)[:500]))
    return candidates, errors


def best_per_rule(candidates: list[Candidate]) -> list[tuple[Candidate, int]]:
    """The strongest candidate of each rule, with how many candidates the rule had."""
    grouped: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        grouped.setdefault(candidate.rule.id, []).append(candidate)
    return [(min(group, key=lambda c: c.rank), len(group)) for group in grouped.values()]


async def detect_page(page: Page, rules: list[LoadedRule], requests: list[RequestRecord],
                      own_domains: frozenset[str], evidence_dir: Path | None = None,
                      label: str = "") -> PageDetection:
    """Snapshot ``page``, run the detectors and build findings (with crops when asked)."""
    try:
        snapshot = await snapshot_page(page, rules, requests, own_domains)
    except PlaywrightError as exc:
        return PageDetection([], [DetectorError(detector="collect", page=page.url, error=str(exc)[:500])], None)
    candidates, errors = run_detectors(rules, snapshot)
    findings = []
    for candidate, count in best_per_rule(candidates):
        shot = await _crop(page, candidate, evidence_dir, label) if evidence_dir else None
        rule = candidate.rule.rule
        findings.append(Finding(category=candidate.rule.category, rule=candidate.rule.id, name=rule.name,
                                name_nb=rule.name_nb, severity=rule.severity, page=snapshot.page_url,
                                evidence=candidate.evidence, screenshot=shot, matches=count))
    findings.sort(key=lambda f: ("block review info".split().index(f.severity), f.category, f.rule))
    return PageDetection(findings, errors, snapshot)


async def _crop(page: Page, candidate: Candidate, folder: Path, label: str) -> str | None:
    if not (candidate.visible and candidate.main_frame and candidate.ref is not None):
        return None
    try:
        box = await page.evaluate(_SCROLL_AND_MEASURE, candidate.ref)
        if not box or box["width"] < 1 or box["height"] < 1:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha1(f"{page.url}|{candidate.rule.id}".encode()).hexdigest()[:10]
        path = folder / f"{_slug(label)}{candidate.rule.id}-{digest}.png"
        clip = {"x": max(0, box["x"] - CROP_PADDING), "y": max(0, box["y"] - CROP_PADDING),
                "width": min(box["width"] + 2 * CROP_PADDING, box["vw"]), "height": min(box["height"] + 2 * CROP_PADDING, box["vh"])}
        await page.screenshot(path=str(path), clip=clip, timeout=5000)
        return str(path)
    except (PlaywrightError, asyncio.TimeoutError) as exc:
        log.info("no crop for %s on %s: %s", candidate.rule.id, redact_url(page.url), str(exc).splitlines()[0])
        return None


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") + "-" if label else ""


_SCROLL_AND_MEASURE = """(ref) => {
  const el = (window.__nettsjekkEvidence || [])[ref];
  if (!el || !el.isConnected) return null;
  el.scrollIntoView({block: 'center', inline: 'center'});
  const r = el.getBoundingClientRect();
  const vw = window.innerWidth, vh = window.innerHeight;
  const x = Math.max(0, r.left), y = Math.max(0, r.top);
  return {x, y, width: Math.min(r.right, vw) - x, height: Math.min(r.bottom, vh) - y, vw, vh};
}"""
