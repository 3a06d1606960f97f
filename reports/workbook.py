"""The test template as a spreadsheet people sort, filter, colour-read and print.

Three sheets: the test template (one row per resource × location × browser, the resource column
and header frozen, filters on, verdict and yes/no cells coloured, real date-times, evidence as
links), a summary (run, counts per verdict, the resource × location/browser matrix) and the hosts
(what the firewall must open per location, what must stay closed). Every sheet prints landscape,
one page wide, its header rows repeated. Text never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nettsjekk.reports.build import ReportModel
from nettsjekk.reports.messages import Messages
from nettsjekk.reports.table import COLUMNS, VERDICT_TONES, Value, action, headers, left_out_why, rows, sheet_text

TONE_FILLS = {"bad": "F8D7DA", "warn": "FFF3CD", "good": "E3F4E1", "muted": "E2E3E5"}
"""Background colour per tone (the HTML reports' colours)."""
MARK_TONES = {"ok": "good", "fail": "bad", "warn": "warn", "none": "muted"}
MARK_SYMBOLS = {"ok": "✓", "fail": "✗", "warn": "!", "none": "–"}
WIDTHS = {"resource": 30, "url": 32, "comments": 70, "extra_hosts": 30, "forbidden_links": 24, "tested_at": 17,
          "verdict": 16, "vendor": 24, "browser_version": 10, "location": 14, "browser": 11, "checkpoint": 13}
DATE_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FILL = "E8ECF1"


def write_xlsx(model: ReportModel, t: Messages, path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    _template_sheet(book.active, model, t)
    _summary_sheet(book.create_sheet(sheet_text(t("xlsx.summary"))[:31]), model, t)
    _hosts_sheet(book.create_sheet(sheet_text(t("xlsx.hosts"))[:31]), model, t)
    book.save(path)
    return path


def _template_sheet(sheet, model: ReportModel, t: Messages) -> None:  # noqa: ANN001 - openpyxl sheet
    from openpyxl.utils import get_column_letter

    sheet.title = sheet_text(t("title.test_template"))[:31]
    _header(sheet, 1, headers(t))
    for number, values in enumerate(rows(model, t), start=2):
        for column, key in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=number, column=column)
            if key == "tested_at" and _moment(values[key].text):
                cell.value, cell.number_format = _moment(values[key].text), DATE_FORMAT
                _style(cell, Value(""))
            else:
                _put(cell, values[key])
    _conditional_colours(sheet, t, max(sheet.max_row, 2))
    sheet.freeze_panes = "B2"
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 2)}"
    for column, key in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS.get(key, 13)
    _print_setup(sheet, "1:1")


CONDITIONAL = {"verdict": {"not_ok": "bad", "conditions": "warn", "ok": "good", "not_tested": "muted"},
               "features": {"yes": "bad", "review": "warn", "no": "good"}, "loads": {"yes": "good", "no": "bad"}}
"""Colours that follow the text when someone edits a cell: verdict keys, or ``value.*`` keys."""


def _conditional_colours(sheet, t: Messages, last_row: int) -> None:  # noqa: ANN001
    """Rules that colour the verdict, loads and feature columns by their text, so a cell edited by
    hand (a verdict changed after review) takes the right colour; the fills set per cell match them."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    from nettsjekk.reports.build import FEATURES

    columns = {"verdict": ["verdict"], "loads": ["loads"], "features": list(FEATURES)}
    for group, keys in columns.items():
        for key in keys:
            letter = get_column_letter(COLUMNS.index(key) + 1)
            for state, tone in CONDITIONAL[group].items():
                text = t(f"verdict.{state}") if group == "verdict" else t(f"value.{state}")
                formula = '"' + text.replace('"', '""') + '"'
                sheet.conditional_formatting.add(
                    f"{letter}2:{letter}{last_row}",
                    CellIsRule(operator="equal", formula=[formula], fill=PatternFill("solid", bgColor=TONE_FILLS[tone])))


def _summary_sheet(sheet, model: ReportModel, t: Messages) -> None:  # noqa: ANN001
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet["A1"] = sheet_text(f"{t('title.test_template')}: {t.checkpoint(model.checkpoint)}")
    sheet["A1"].font = Font(bold=True, size=14)
    facts = [(t("run.run"), model.run_id), (t("run.started"), _moment(model.started_at) or model.started_at),
             (t("run.finished"), _moment(model.finished_at) or model.finished_at), (t("run.tester"), model.tester),
             (t("run.browsers"), ", ".join(f"{e} {model.browser_versions.get(e, '')}".strip() for e in model.engines))]
    row = 2
    for label, value in facts:
        sheet.cell(row=row, column=1, value=sheet_text(label)).font = Font(bold=True)
        target = sheet.cell(row=row, column=2)
        if isinstance(value, dt.datetime):
            target.value, target.number_format = value, DATE_FORMAT
        else:
            _put(target, Value(value))
        row += 1
    row += 1
    _header(sheet, row, [t("column.verdict"), t("xlsx.resources")])
    for verdict, count in model.counts.items():
        row += 1
        _put(sheet.cell(row=row, column=1), Value(t.verdict(verdict), tone=VERDICT_TONES[verdict]))
        sheet.cell(row=row, column=2, value=count)
    row += 2
    sheet.cell(row=row, column=1, value=sheet_text(t("testmal.matrix"))).font = Font(bold=True, size=12)
    row += 1
    matrix_header = row
    _header(sheet, row, [t("column.resource"), *(f"{loc} · {eng}" for loc, eng in model.columns), t("column.verdict")])
    for resource in model.resources:
        row += 1
        _put(sheet.cell(row=row, column=1), Value(resource.name))
        for column, (location, engine) in enumerate(model.columns, start=2):
            cell = resource.cell(location, engine)
            mark = cell.mark if cell else "none"
            target = sheet.cell(row=row, column=column)
            _put(target, Value(MARK_SYMBOLS[mark], tone=MARK_TONES[mark]))
            target.alignment = Alignment(horizontal="center", vertical="top")
        _put(sheet.cell(row=row, column=len(model.columns) + 2),
             Value(t.verdict(resource.verdict), tone=VERDICT_TONES[resource.verdict]))
    row += 2
    legend = " · ".join(f"{MARK_SYMBOLS[m]} {t('testmal.mark_' + m)}" for m in ("ok", "fail", "warn", "none"))
    sheet.cell(row=row, column=1, value=sheet_text(legend))
    sheet.column_dimensions["A"].width = 34
    for column in range(2, len(model.columns) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    sheet.column_dimensions[get_column_letter(len(model.columns) + 2)].width = 18
    sheet.freeze_panes = f"B{matrix_header + 1}"
    _print_setup(sheet, f"{matrix_header}:{matrix_header}")


def _hosts_sheet(sheet, model: ReportModel, t: Messages) -> None:  # noqa: ANN001
    from openpyxl.utils import get_column_letter

    names = {r.id: r.name for r in model.resources}
    _header(sheet, 1, [t("ict.host"), t("xlsx.needed_by"), *model.locations, t("xlsx.what_to_do")])
    failed: dict[str, dict[str, dict]] = {}
    for location, items in model.actions.items():
        for item in items:
            failed.setdefault(item["host"], {})[location] = item
    missing: dict[str, set[str]] = {}
    for resource in model.resources:
        for note in resource.extra_hosts:
            missing.setdefault(note.host, set()).add(resource.name)
    row = 1
    for host in sorted(set(failed) | set(missing)):
        row += 1
        at = failed.get(host, {})
        needed = sorted({names.get(rid, rid) for item in at.values() for rid in item["needed_by"]} | missing.get(host, set()))
        _put(sheet.cell(row=row, column=1), Value(host))
        _put(sheet.cell(row=row, column=2), Value(", ".join(needed)))
        for column, location in enumerate(model.locations, start=3):
            item = at.get(location)
            text = t("ict.cause_blocked") if item and item["cause"] == "blocked" else (t.error(item["cause"]) if item else t("xlsx.works"))
            _put(sheet.cell(row=row, column=column), Value(text, tone="bad" if item else "good"))
        todo = [action(model, loc, item, t) for loc, item in at.items()] or [t("ict.not_in_vendor_file")]
        _put(sheet.cell(row=row, column=len(model.locations) + 3), Value("; ".join(todo)))
    row += 2
    _header(sheet, row, [t("ict.left_out"), t("xlsx.contacted_by"), t("xlsx.why")])
    closed = sorted({(host, why, r.name) for r in model.resources for host, why in r.left_out.items()})
    for host, why, name in closed:
        row += 1
        _put(sheet.cell(row=row, column=1), Value(host, tone="muted"))
        _put(sheet.cell(row=row, column=2), Value(name))
        _put(sheet.cell(row=row, column=3), Value(left_out_why(why, t)))
    for column, width in zip("AB", (34, 40)):
        sheet.column_dimensions[column].width = width
    for column in range(3, len(model.locations) + 4):
        sheet.column_dimensions[get_column_letter(column)].width = 22 if column < len(model.locations) + 3 else 60
    sheet.freeze_panes = "B2"
    _print_setup(sheet, "1:1")


def _header(sheet, row: int, texts: list[str]) -> None:  # noqa: ANN001
    from openpyxl.styles import Alignment, Font, PatternFill

    for column, text in enumerate(texts, start=1):
        cell = sheet.cell(row=row, column=column, value=sheet_text(text))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _put(cell, value: Value) -> None:  # noqa: ANN001 - openpyxl cell
    cell.value = sheet_text(value.text)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    _style(cell, value)


def _style(cell, value: Value) -> None:  # noqa: ANN001
    from openpyxl.styles import Alignment, Font, PatternFill

    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if value.tone:
        cell.fill = PatternFill("solid", fgColor=TONE_FILLS[value.tone])
    if value.href:
        cell.hyperlink = value.href
        cell.font = Font(color="0563C1", underline="single")


def _print_setup(sheet, title_rows: str) -> None:  # noqa: ANN001
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows


def _moment(text: str) -> dt.datetime | None:
    """A report time ("2027-03-02 08:30", local) as a date-time a spreadsheet sorts and filters."""
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return None
