"""The test template as a table: one row per resource × location × browser, the columns of the
guide's *Testmal*, as text in one language. CSV and XLSX are written from these rows; the HTML
and Markdown templates show the same values.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from nettsjekk.checkpoints.verdict import CONDITIONS, NOT_OK, NOT_TESTED, OK
from nettsjekk.reports.messages import Messages
from nettsjekk.reports.build import FEATURES, ICT_DIR, CellView, ReportModel, ResourceView, links_anchor

COLUMNS = ("resource", "url", "list", "vendor", "checkpoint", "tested_at", "location", "browser",
           "browser_version", "tester", "loads", "login", *FEATURES, "forbidden_links", "broken_links",
           "extra_hosts", "verdict", "comments")
DETAIL_COLUMNS = ("loads", "login", *FEATURES, "forbidden_links", "broken_links", "extra_hosts")
"""The columns of one cell in the compact test template's details (what differs between its cells)."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to Excel; such text gets a leading apostrophe."""


@dataclass(frozen=True)
class Value:
    """One cell: its text and, for evidence, a link relative to the report folder."""

    text: str
    href: str | None = None
    tone: str | None = None
    """How the spreadsheet colours it: ``bad``, ``warn``, ``good``, ``muted`` or None (plain)."""


def evidence_href(anchor: str | None) -> str | None:
    return f"{ICT_DIR}/index.html#{anchor}" if anchor else None


def row(model: ReportModel, resource: ResourceView, cell: CellView, t: Messages) -> dict[str, Value]:
    """The test-template row of ``cell``, by column."""
    values = {
        "resource": Value(resource.name), "url": Value(resource.url), "list": Value(t.list_name(resource.list)),
        "vendor": Value(resource.vendor_name or resource.vendor), "checkpoint": Value(t.checkpoint(model.checkpoint)),
        "tested_at": Value(cell.tested_at), "location": Value(cell.location), "browser": Value(cell.engine),
        "browser_version": Value(cell.browser_version), "tester": Value(model.tester),
        "loads": Value(t(f"value.{cell.loads}"), tone=LOADS_TONES.get(cell.loads)),
        "login": Value(t(f"value.{cell.login}"), tone=LOGIN_TONES.get(cell.login)),
        "forbidden_links": Value(forbidden_links(cell, t), tone=_links_tone(cell)), "broken_links": broken_links(cell, t),
        "extra_hosts": Value(extra_hosts(cell, t)),
        "verdict": Value(t.verdict(resource.verdict), tone=VERDICT_TONES[resource.verdict]),
        "comments": Value("; ".join(t.reason(r, resource.url) for r in resource.reasons)),
    }
    for category in FEATURES:
        feature = cell.features[category]
        values[category] = Value(t(f"value.{feature.state}"), evidence_href(feature.anchor), FEATURE_TONES[feature.state])
    return values


VERDICT_TONES = {OK: "good", CONDITIONS: "warn", NOT_OK: "bad", NOT_TESTED: "muted"}
FEATURE_TONES = {"yes": "bad", "review": "warn", "reviewed": "warn", "not_tested": "muted", "no": "good"}
LOADS_TONES = {"yes": "good", "no": "bad", "unreachable": "muted"}
LOGIN_TONES = {"yes": "good", "no": "bad", "expired": "bad", "not_tested": "muted"}


def _links_tone(cell: CellView) -> str | None:
    if cell.replay is None or not cell.replay.links_checked:
        return "muted"
    return "bad" if cell.replay.reachable_links else "good"


@dataclass
class DetailRow:
    """Cells of one resource that read the same in every ``DETAIL_COLUMNS`` column, shown as one row."""

    cells: list[CellView]
    values: dict[str, Value]
    classes: dict[str, str]

    def where(self, locations: list[str], engines: list[str], t: Messages) -> list[tuple[str, CellView]]:
        """Where these cells are, shortest first: everywhere, a browser everywhere, a location in every
        browser, else each cell; each with the cell its evidence link goes to."""
        have = {(c.location, c.engine) for c in self.cells}
        if have == {(loc, eng) for loc in locations for eng in engines}:
            return [(t("testmal.everywhere"), self.cells[0])]
        parts: list[tuple[str, CellView]] = []
        left = set(have)
        for engine in engines:
            if all((loc, engine) in have for loc in locations) and len(locations) > 1:
                parts.append((t("testmal.engine_everywhere", engine=engine), self._first(engine=engine)))
                left -= {(loc, engine) for loc in locations}
        for location in locations:
            if all((location, eng) in left for eng in engines) and len(engines) > 1:
                parts.append((t("testmal.location_all_engines", location=location), self._first(location=location)))
                left -= {(location, eng) for eng in engines}
        parts += [(f"{c.location} · {c.engine}", c) for c in self.cells if (c.location, c.engine) in left]
        return parts

    def _first(self, location: str | None = None, engine: str | None = None) -> CellView:
        return next(c for c in self.cells if location in (None, c.location) and engine in (None, c.engine))


def detail_rows(resource: ResourceView, t: Messages) -> list[DetailRow]:
    """The resource's cells for the compact test template, identical cells merged into one row."""
    merged: dict[tuple, DetailRow] = {}
    for cell in resource.cells:
        values = {"loads": Value(loads_text(cell, t)), "login": Value(t(f"value.{cell.login}")),
                  "forbidden_links": Value(forbidden_links(cell, t)), "broken_links": broken_links(cell, t),
                  "extra_hosts": Value(extra_hosts(cell, t))}
        classes = {"loads": f"l-{cell.loads}", "extra_hosts": "hosts",
                   "forbidden_links": "links-present" if cell.replay and cell.replay.reachable_links else ""}
        for category in FEATURES:
            feature = cell.features[category]
            values[category] = Value(t(f"value.{feature.state}"), evidence_href(feature.anchor))
            classes[category] = f"f-{feature.state}"
        key = tuple((k, values[k].text, values[k].href) for k in DETAIL_COLUMNS)
        if key in merged:
            merged[key].cells.append(cell)
        else:
            merged[key] = DetailRow([cell], values, classes)
    return list(merged.values())


def loads_text(cell: CellView, t: Messages) -> str:
    """Does it load; when not, why, in words with the status or code in brackets."""
    text = t(f"value.{cell.loads}")
    if cell.loads != "no":
        return text
    if cell.http_status and cell.http_status >= 400:
        return f"{text}: {t.http_status(cell.http_status)}"
    return f"{text}: {t.error(cell.error)}" if cell.error else text


def forbidden_links(cell: CellView, t: Messages) -> str:
    """Are the page's links to forbidden destinations blocked under the allowlist (the exam-mode replay)?"""
    replay = cell.replay
    if replay is None or not replay.links_checked:
        return t("value.not_tested")
    if replay.reachable_links:
        return t("value.link_reachable", urls=", ".join(link.url for link in replay.reachable_links))
    if replay.forbidden_links:
        return t("value.links_blocked", blocked=len(replay.forbidden_links), total=len(replay.forbidden_links))
    return t("value.no_such_links")


def broken_links(cell: CellView, t: Messages) -> Value:
    """The count of broken links, linked to their list in the ICT report; when the links were not (fully)
    checked, why, with what was found so far."""
    check = cell.link_check
    if check is None:
        return Value(t("value.not_checked"))
    href = evidence_href(links_anchor(cell.resource_id))
    if check.checked:
        return Value(str(check.broken), href if check.broken else None)
    text = t("value.not_checked_because", reason=t.link_reason(check.reason))
    if check.broken:
        text = f"{text} {t('value.broken_so_far', count=check.broken)}"
    return Value(text, href)


def extra_hosts(cell: CellView, t: Messages) -> str:
    """The hosts to open that the vendor file does not list; hosts that must stay closed are named as left out."""
    needed = ", ".join(h.host if h.review == "open" else f"{h.host} ({t(f'review.{h.review}')})"
                       for h in cell.extra_hosts) or t("value.none")
    if not cell.left_out:
        return needed
    return f"{needed}; " + t("value.left_out", hosts=", ".join(f"{host} ({left_out_why(why, t)})"
                                                             for host, why in cell.left_out.items()))


def action(model: ReportModel, location: str, item: dict, t: Messages) -> str:
    """One line of the firewall action list: "open at skolen: cdn.x.no, needed by Matte, denied by the proxy"."""
    names = ", ".join(_resource_name(model, rid) for rid in item["needed_by"])
    blocked = item["cause"] == "blocked"
    text = t("ict.action_open" if blocked else "ict.action_check", location=location, host=item["host"],
             resources=names, cause=t("ict.cause_blocked") if blocked else t.error(item["cause"]))
    return f"{text} {t('ict.everywhere')}" if item["everywhere"] else text


def _resource_name(model: ReportModel, resource_id: str) -> str:
    return next((r.name for r in model.resources if r.id == resource_id), resource_id)


def left_out_why(why: str, t: Messages) -> str:
    """Why a host stays closed, in the report's language: a deny category, or the vendor's own block."""
    return t(f"category.{why}") if t.has(f"category.{why}") else why


def headers(t: Messages) -> list[str]:
    return [t(f"column.{c}") for c in COLUMNS]


def rows(model: ReportModel, t: Messages) -> list[dict[str, Value]]:
    """The automated rows, then the manual tests' rows (``reports.manual``)."""
    from nettsjekk.reports.manual import table_rows

    return [row(model, resource, cell, t) for resource in model.resources for cell in resource.cells] + \
        table_rows(model, t)


_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def inert(text: str) -> str:
    """``text`` that a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(model: ReportModel, t: Messages) -> str:
    """CSV: ``;``-separated for Norwegian (Excel's list separator there), ``,`` for English; evidence
    links follow the value in parentheses."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if t.lang == "nb" else ",", lineterminator="\r\n")
    writer.writerow(headers(t))
    for values in rows(model, t):
        writer.writerow([inert(_with_link(values[c])) for c in COLUMNS])
    return buffer.getvalue()


def _with_link(value: Value) -> str:
    return f"{value.text} ({value.href})" if value.href else value.text


def write_csv(model: ReportModel, t: Messages, path: Path) -> Path:
    """UTF-8 with a byte-order mark, so Excel reads æøå right."""
    path.write_text(to_csv(model, t), encoding="utf-8-sig", newline="")
    return path


def sheet_text(text: str) -> str:
    """``text`` as a cell may hold it: the characters XML cannot carry (control characters, which a
    tester's or a resource's name may hold, lone surrogates, U+FFFE and U+FFFF) become ``?``."""
    return _NOT_IN_XML.sub("?", text)


def write_xlsx(model: ReportModel, t: Messages, path: Path) -> Path:
    """The test template as a workbook (``reports.workbook.write_xlsx``)."""
    from nettsjekk.reports.workbook import write_xlsx as write

    return write(model, t, path)
