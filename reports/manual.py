"""Manual tests in the reports: the rows the Testmal shows beside the automated ones, and the ICT
report's disagreements between what a person saw and what the run found at the same location.

A disagreement is one subject (loads, login, a forbidden feature, forbidden links) of one
submission where the person and the run's cells at that location say opposite things: the person
says it does not load (or saw a chat) where the run loaded it (found none), or the reverse.
"Usikker" (unsure) and "ikke prøvd" never disagree. The manual tests shown are those of the run's
checkpoint (``nettsjekk intake``'s submissions).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from nettsjekk.checkpoints.manual_tests import FEATURES, ManualTest
from nettsjekk.checkpoints.store import Store
from nettsjekk.reports.messages import Messages

if TYPE_CHECKING:
    from nettsjekk.reports.build import CellView, ReportModel, ResourceView
    from nettsjekk.reports.table import Value


@dataclass(frozen=True)
class ManualRow:
    """One submission, as the Testmal shows it."""

    test: ManualTest
    resource_name: str
    tested_at: str
    """Local time, ``YYYY-MM-DD HH:MM``."""


@dataclass(frozen=True)
class Disagreement:
    """A person and the run disagree on ``subject`` of a resource at a location."""

    row: ManualRow
    subject: str
    """``loads``, ``login``, a feature category, or ``links``."""
    person: str
    """What the person answered (``yes``/``no``)."""
    run: str
    """What the run found: ``yes``/``no`` (for links: ``yes`` blocked, ``no`` one opened)."""
    engines: tuple[str, ...]


@dataclass
class ManualSection:
    rows: dict[str, list[ManualRow]] = field(default_factory=dict)
    """Per resource id, its submissions (oldest first)."""
    disagreements: list[Disagreement] = field(default_factory=list)
    others: list[ManualRow] = field(default_factory=list)
    """Submissions for resources the run did not check."""

    def of(self, resource_id: str) -> list[ManualRow]:
        return self.rows.get(resource_id, [])


def manual_section(store: Store, model: ReportModel, names: dict[str, str] | None = None) -> ManualSection:
    """The manual tests of ``model``'s checkpoint, by resource, and their disagreements with the run."""
    tz = ZoneInfo(model.timezone)
    names = names or {}
    by_id = {r.id: r for r in model.resources}
    section = ManualSection()
    for test in store.manual_tests(model.checkpoint):
        resource = by_id.get(test.resource_id)
        row = ManualRow(test, resource.name if resource else names.get(test.resource_id, test.resource_id),
                        _local(test.submitted_at, tz))
        if resource is None:
            section.others.append(row)
            continue
        section.rows.setdefault(resource.id, []).append(row)
        section.disagreements += disagreements(row, resource)
    return section


def disagreements(row: ManualRow, resource: ResourceView) -> list[Disagreement]:
    """Where ``row``'s answers contradict the run's cells of ``resource`` at the same location."""
    test = row.test
    cells = [c for c in resource.cells if c.location == test.location and c.loads != "unreachable"]
    if not cells:
        return []
    found: list[Disagreement] = []

    def differ(subject: str, person: str, run: str, where: list[CellView]) -> None:
        found.append(Disagreement(row, subject, person, run, tuple(sorted({c.engine for c in where}))))

    loaded = [c for c in cells if c.loads == "yes"]
    if test.loads == "no" and loaded:
        differ("loads", "no", "yes", loaded)
    elif test.loads == "yes" and not loaded:
        differ("loads", "yes", "no", cells)
    logged_in = [c for c in cells if c.login == "yes"]
    refused = [c for c in cells if c.login in ("no", "expired")]
    if test.login == "no" and logged_in:
        differ("login", "no", "yes", logged_in)
    elif test.login == "yes" and refused and not logged_in:
        differ("login", "yes", "no", refused)
    looked = [c for c in loaded if c.looked_at]
    for category in FEATURES:
        answer = test.feature(category)
        seen = [c for c in looked if c.features[category].state == "yes"]
        if answer == "yes" and looked and all(c.features[category].state == "no" for c in looked):
            differ(category, "yes", "no", looked)
        elif answer == "no" and seen:
            differ(category, "no", "yes", seen)
    replays = [c for c in cells if c.replay is not None and c.replay.links_checked and c.replay.forbidden_links]
    opened = [c for c in replays if c.replay.reachable_links]
    if test.links_blocked == "no" and replays and not opened:
        differ("links", "no", "yes", replays)
    elif test.links_blocked == "yes" and opened:
        differ("links", "yes", "no", opened)
    return found


def tester(test: ManualTest, t: Messages) -> str:
    """The Tester column: role and initials, e.g. ``Elev (AB)``."""
    return t("manual.tester", role=t(f"manual.role.{test.role}"), initials=test.initials)


def answer(value: str, t: Messages) -> str:
    return t(f"manual.answer.{value}")


def table_rows(model: ReportModel, t: Messages) -> list[dict[str, Value]]:
    """The Testmal's manual rows for CSV, XLSX and Markdown, after the automated ones, by resource."""
    from nettsjekk.reports.table import Value

    section = getattr(model, "manual", None)
    if section is None:
        return []
    rows = []
    for resource in model.resources:
        for row in section.of(resource.id):
            rows.append(_values(model, row, t, resource))
    return rows + [_values(model, row, t, None) for row in section.others]


def _values(model: ReportModel, row: ManualRow, t: Messages, resource: ResourceView | None) -> dict[str, Value]:
    from nettsjekk.reports.table import Value

    test = row.test
    values = {
        "resource": Value(row.resource_name), "url": Value(resource.url if resource else ""),
        "list": Value(t.list_name(resource.list) if resource else ""),
        "vendor": Value((resource.vendor_name or resource.vendor) if resource else ""),
        "checkpoint": Value(t.checkpoint(model.checkpoint)), "tested_at": Value(row.tested_at),
        "location": Value(test.location), "browser": Value(f"{test.browser}, {test.os}"),
        "browser_version": Value(""), "tester": Value(tester(test, t)), "loads": Value(answer(test.loads, t)),
        "login": Value(answer(test.login, t)), "forbidden_links": Value(t(f"manual.links.{test.links_blocked}")),
        "broken_links": Value(""), "extra_hosts": Value(""), "verdict": Value(t("manual.verdict")),
        "comments": Value(test.comment),
    }
    for category in FEATURES:
        values[category] = Value(answer(test.feature(category), t))
    return values


def _local(iso: str, tz: ZoneInfo) -> str:
    try:
        return dt.datetime.fromisoformat(iso).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso
