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

from nettsjekk.reports.messages import Messages
from nettsjekk.reports.build import FEATURES, ICT_DIR, CellView, ReportModel, ResourceView, links_anchor

COLUMNS = ("resource", "url", "list", "vendor", "checkpoint", "tested_at", "location", "browser",
           "browser_version", "tester", "loads", "login", *FEATURES, "forbidden_links", "broken_links",
           "extra_hosts", "verdict", "comments")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to Excel; such text gets a leading apostrophe."""


@dataclass(frozen=True)
class Value:
    """One cell: its text and, for evidence, a link relative to the report folder."""

    text: str
    href: str | None = None


def evidence_href(anchor: str | None) -> str | None:
    return f"{ICT_DIR}/index.html#{anchor}" if anchor else None


def row(model: ReportModel, resource: ResourceView, cell: CellView, t: Messages) -> dict[str, Value]:
    """The test-template row of ``cell``, by column."""
    values = {
        "resource": Value(resource.name), "url": Value(resource.url), "list": Value(t.list_name(resource.list)),
        "vendor": Value(resource.vendor_name or resource.vendor), "checkpoint": Value(t.checkpoint(model.checkpoint)),
        "tested_at": Value(cell.tested_at), "location": Value(cell.location), "browser": Value(cell.engine),
        "browser_version": Value(cell.browser_version), "tester": Value(model.tester),
        "loads": Value(t(f"value.{cell.loads}")), "login": Value(t(f"value.{cell.login}")),
        "forbidden_links": Value(forbidden_links(cell, t)), "broken_links": broken_links(cell, t),
        "extra_hosts": Value(extra_hosts(cell, t)), "verdict": Value(t.verdict(resource.verdict)),
        "comments": Value("; ".join(t.reason(r) for r in resource.reasons)),
    }
    for category in FEATURES:
        feature = cell.features[category]
        values[category] = Value(t(f"value.{feature.state}"), evidence_href(feature.anchor))
    return values


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


def write_xlsx(model: ReportModel, t: Messages, path: Path) -> Path:
    """One sheet, header row bold and frozen, filters on, evidence as hyperlinks."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = t("title.test_template")[:31]
    sheet.append([sheet_text(h) for h in headers(t)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, values in enumerate(rows(model, t), start=2):
        for column, key in enumerate(COLUMNS, start=1):
            _set(sheet.cell(row=number, column=column), values[key])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(sheet.max_row, 2)}"
    for column, key in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = _WIDTHS.get(key, 14)
    book.save(path)
    return path


_WIDTHS = {"resource": 28, "url": 34, "comments": 70, "extra_hosts": 30, "forbidden_links": 26, "tested_at": 17,
           "verdict": 18, "vendor": 24}


def sheet_text(text: str) -> str:
    """``text`` as a cell may hold it: the characters XML cannot carry (control characters, which a
    tester's or a resource's name may hold, lone surrogates, U+FFFE and U+FFFF) become ``?``."""
    return _NOT_IN_XML.sub("?", text)


def _set(cell, value: Value) -> None:  # noqa: ANN001 - openpyxl cell
    from openpyxl.styles import Alignment, Font

    cell.value = sheet_text(value.text)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if value.href:
        cell.hyperlink = value.href
        cell.font = Font(color="0563C1", underline="single")
