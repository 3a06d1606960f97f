"""Score the detectors against a labelled corpus of pages: precision and recall per category.

Labels live in YAML files (``tests/corpus/labels/*.yaml``)::

    pages:
      - url: https://ai-chatbase-script.korpus-nettsjekk.no/
        expect: [ai]          # categories that must be found (block or review); [] for a clean page
        rules: [ai-chatbase]  # rules the page is meant to fire (proves no rule is dead)
        mechanism: script
        lang: en
        note: free text
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from nettsjekk.probes.browsers import Browsers
from nettsjekk.probes.probe import ProbeOptions, probe_url
from nettsjekk.probes.results import ProbeResult
from nettsjekk.probes.rulebook import CATEGORIES, LoadedRule
from nettsjekk.probes.runner import gather_limited
from nettsjekk.core.yamldoc import load_model

COUNTED_SEVERITIES = ("block", "review")


class LabelledPage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    expect: list[str]
    rules: list[str] = Field(default_factory=list)
    mechanism: str = ""
    lang: str = ""
    note: str = ""


class LabelFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pages: list[LabelledPage]


def load_labels(paths: Iterable[Path]) -> list[LabelledPage]:
    """Every labelled page of ``paths`` (files or folders of ``*.yaml``)."""
    pages: list[LabelledPage] = []
    for path in paths:
        for file in sorted(path.glob("*.yaml")) if path.is_dir() else [path]:
            pages += load_model(file, LabelFile).pages
    return pages


@dataclass
class CategoryScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Score:
    """Page-level scores for one engine."""

    engine: str
    categories: dict[str, CategoryScore] = field(default_factory=lambda: {c: CategoryScore() for c in CATEGORIES})
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    unfired: list[str] = field(default_factory=list)
    clean_findings: int = 0
    fired_rules: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)

    def add(self, page: LabelledPage, result: ProbeResult) -> None:
        found = result.categories(COUNTED_SEVERITIES)
        fired = {f.rule for f in result.findings}
        self.fired_rules |= fired
        if not result.ok:
            self.errors.append(f"{page.url}: {result.error} {result.error_detail}")
        if not page.expect:
            self.clean_findings += sum(1 for f in result.findings if f.severity in COUNTED_SEVERITIES)
        for category in CATEGORIES:
            expected, seen = category in page.expect, category in found
            score = self.categories[category]
            score.tp += expected and seen
            score.fn += expected and not seen
            score.fp += seen and not expected
            if expected and not seen:
                self.misses.append(f"{page.url}: {category} not found ({page.mechanism}, {page.note})")
            if seen and not expected:
                rules = sorted(f.rule for f in result.findings if f.category == category)
                self.false_alarms.append(f"{page.url}: {category} by {', '.join(rules)}")
        self.unfired += [f"{page.url}: {rule} did not fire" for rule in page.rules if rule not in fired]


async def evaluate(browsers: Browsers, pages: list[LabelledPage], engines: list[str], proxy: str,
                   rules: tuple[LoadedRule, ...], settle_s: float = 3.0, concurrency: int = 6) -> dict[str, Score]:
    """Probe every page in every engine (home page only) and score the findings."""
    options = ProbeOptions(proxy=proxy, rules=rules, settle_s=settle_s, max_subpages=0, timeout_s=20, location="corpus")

    async def one(page: LabelledPage, engine: str) -> tuple[LabelledPage, str, ProbeResult]:
        return page, engine, await probe_url(browsers, page.url, engine, options)

    done = await gather_limited([functools.partial(one, page, engine) for page in pages for engine in engines],
                                concurrency)
    scores = {engine: Score(engine) for engine in engines}
    for page, engine, result in done:
        scores[engine].add(page, result)
    return scores


def dead_rules(rules: Iterable[LoadedRule], scores: dict[str, Score]) -> dict[str, list[str]]:
    """Per engine, the rules that fired on no page."""
    return {engine: sorted(r.id for r in rules if r.id not in score.fired_rules) for engine, score in scores.items()}


def format_scores(scores: dict[str, Score]) -> str:
    """A table: category × engine with TP/FP/FN, precision and recall."""
    lines = [f"{'category':<15}{'engine':<10}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}"]
    for category in CATEGORIES:
        for engine, score in scores.items():
            s = score.categories[category]
            lines.append(f"{category:<15}{engine:<10}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.precision:>11.3f}{s.recall:>8.3f}")
    for engine, score in scores.items():
        lines.append(f"{engine}: findings on clean pages: {score.clean_findings}; load errors: {len(score.errors)}")
    return "\n".join(lines)
