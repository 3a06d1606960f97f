"""The compact test template, the spreadsheet and the CLI's run list, on a run the size of a county list.

One generated run (tests/report_rig.py: 80 resources × 3 locations × 2 browsers, no browser needed)
feeds every test: the resource group reads a matrix and details of only what needs follow-up, the
firewall administrator a hosts sheet, ICT staff sort and filter the spreadsheet, and every Norwegian
word is Norwegian.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import statistics
import subprocess
import sys

import pytest
from report_rig import CDN, LOCATIONS, big_run

from nettsjekk.checkpoints.verdict import NOT_OK, OK
from nettsjekk.cli.run import format_summary
from nettsjekk.reports.build import build_report
from nettsjekk.reports.messages import Messages
from nettsjekk.reports.render import render_format
from nettsjekk.reports.table import COLUMNS

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
RAW_CODE = re.compile(r"(?<!\[)\b(net::ERR_[A-Z_]+|NS_ERROR_[A-Z_]+|http_[45]xx)\b")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    folder = tmp_path_factory.mktemp("county")
    config, store, run_id = big_run(folder)
    model = build_report(store, run_id, config)
    out = folder / "reports"
    for fmt, name in (("html", "test-template.html"), ("ict", "ict/index.html"), ("xlsx", "test-template.xlsx")):
        render_format(model, fmt, Messages("nb"), out / name)
    yield config, store, run_id, model, out
    store.close()


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S)))


def test_the_matrix_shows_every_resource_once_with_a_mark_per_location_and_browser(county):
    _, _, _, model, out = county
    page = (out / "test-template.html").read_text(encoding="utf-8")
    matrix = page[page.index('<section class="matrix"'):page.index("</section>", page.index('<section class="matrix"'))]
    assert matrix.count('<th scope="row" class="name">') == 80
    assert matrix.count('class="mark m-') == 80 * len(LOCATIONS) * 2
    assert "✓" in matrix and "✗" in matrix and "!" in matrix and "–" in matrix
    broken = model.resource("ressurs-09")
    assert all(cell.mark == "fail" for cell in broken.cells), "a resource that answers 404 fails in every cell"
    chat = model.resource("ressurs-07")
    assert {c.engine for c in chat.cells if c.mark == "fail"} == {"chromium"}, "the chat shows in chromium only"
    assert 'href="ict/index.html#cell-ressurs-07-kontoret-chromium"' in matrix, "a mark links to its evidence"


def test_details_follow_only_for_resources_that_are_not_ok_with_identical_cells_merged(county):
    _, _, _, model, out = county
    page = (out / "test-template.html").read_text(encoding="utf-8")
    details = page[page.index('<section class="follow-up"'):]
    assert details.count('<tbody class="detail"') == len(model.attention) < 80
    assert all(r.verdict != OK for r in model.attention)
    ok = next(r for r in model.resources if r.verdict == OK)
    assert f'id="{ok.anchor}"' not in page, "an OK resource has no details"
    broken = details[details.index('id="r-ressurs-09"'):]
    broken = broken[:broken.index("</tbody>")]
    assert broken.count("<tr>") == 2, "one heading row and one row for six identical cells"
    assert "alle steder og nettlesere" in broken
    assert "nei: siden finnes ikke [HTTP 404]" in text_of(broken)


def test_each_resource_to_follow_up_shows_its_verdict_at_the_earlier_checkpoint_in_both_reports(county):
    _, store, _, model, out = county
    earlier = model.earlier[0]
    assert (earlier.kind, earlier.run_id) == ("test-exam", store.baseline())
    assert model.resource("ressurs-09").history == {earlier.run_id: OK}
    for name in ("test-template.html", "ict/index.html"):
        page = (out / name).read_text(encoding="utf-8")
        block = page[page.index('id="r-ressurs-09"'):]
        assert "Tidligere: Testeksamen (grunnlinje)" in text_of(block[:block.index("</p>", block.index('class="history"'))])


def test_the_ict_report_gives_median_and_slowest_load_time_per_location(county):
    _, _, _, model, out = county
    times = {row.location: row for row in model.load_times}
    assert list(times) == list(LOCATIONS)
    north = times["skolen-nord"]
    loaded = sorted(1200 + 10 * r for r in range(1, 81) if r % 9)
    assert north.cells == 2 * len(loaded) and north.median_s == statistics.median(loaded) / 1000
    assert (north.slowest_s, north.slowest_resource) == (2.0, model.resource("ressurs-80").name)
    ict = text_of((out / "ict/index.html").read_text(encoding="utf-8"))
    assert "Lastetid per sted" in ict and f"2.0 s ({model.resource('ressurs-80').name}, " in ict


def test_norwegian_reports_explain_every_code_in_words_and_name_no_local_path(county):
    config, _, _, _, out = county
    for name in ("test-template.html", "ict/index.html"):
        text = text_of((out / name).read_text(encoding="utf-8"))
        assert not RAW_CODE.findall(text), f"{name}: raw codes outside brackets"
        assert "the server answered" not in text and "KJØRING" not in text
        assert str(config.base) not in text, f"{name} names a local path"
    ict = text_of((out / "ict/index.html").read_text(encoding="utf-8"))
    # the cause nettsjekk found (it asked the proxy) in words, each browser's own code in brackets
    assert "sperret av stedets proxy [net::ERR_TUNNEL_CONNECTION_FAILED]" in ict
    assert "sperret av stedets proxy [NS_ERROR_PROXY_FORBIDDEN]" in ict
    template = text_of((out / "test-template.html").read_text(encoding="utf-8"))
    assert "bekreftet" in template and "nettsjekk review confirm" in template
    assert "(forsiden)" in template, "a finding on the resource's own address does not repeat the URL"


def test_the_spreadsheet_colours_freezes_filters_dates_and_prints(county):
    from openpyxl import load_workbook

    _, _, _, model, out = county
    book = load_workbook(out / "test-template.xlsx")
    assert book.sheetnames == ["Testmal", "Sammendrag", "Verter"]
    sheet = book["Testmal"]
    assert sheet.freeze_panes == "B2", "header row and resource column stay put"
    assert sheet.auto_filter.ref == f"A1:U{1 + 480}"
    rows = list(sheet.iter_rows(min_row=2, values_only=False))
    when = rows[0][COLUMNS.index("tested_at")]
    assert isinstance(when.value, dt.datetime) and when.number_format == "yyyy-mm-dd hh:mm"
    assert when.value == dt.datetime(2027, 3, 2, 8, 30), "Oslo time, as the reports show"
    verdict = {row[COLUMNS.index("verdict")].value: row[COLUMNS.index("verdict")].fill.fgColor.rgb for row in rows}
    assert verdict["Ikke OK"].endswith("F8D7DA") and verdict["OK"].endswith("E3F4E1")
    chat = next(r for r in rows if r[0].value == model.resource("ressurs-07").name and r[7].value == "chromium")
    assert chat[COLUMNS.index("communication")].value == "ja"
    assert chat[COLUMNS.index("communication")].fill.fgColor.rgb.endswith("F8D7DA")
    rules = {(str(rng.sqref), rule.formula[0]): rule.dxf.fill.bgColor.rgb
             for rng in sheet.conditional_formatting for rule in rng.rules}
    verdict_column = "T"
    assert rules[(f"{verdict_column}2:{verdict_column}481", '"Ikke OK"')].endswith("F8D7DA"), "an edited verdict recolours"
    assert rules[("N2:N481", '"ja"')].endswith("F8D7DA")
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$1:$1"

    summary = [[c.value for c in row] for row in book["Sammendrag"].iter_rows()]
    counts = {row[0]: row[1] for row in summary if row and row[0] in ("Ikke OK", "OK", "OK med forbehold")
              and isinstance(row[1], int)}
    assert counts["Ikke OK"] == model.counts[NOT_OK] and counts["OK"] == model.counts[OK]
    matrix_rows = [row for row in summary if row[0] == model.resource("ressurs-09").name]
    assert matrix_rows and matrix_rows[0][1:7] == ["✗"] * 6

    hosts = [[c.value for c in row] for row in book["Verter"].iter_rows()]
    assert hosts[0][:5] == ["Vert", "Trengs av", *LOCATIONS]
    cdn = next(row for row in hosts if row[0] == CDN)
    assert cdn[2:5] == ["virker", "avvist av proxyen", "virker"]
    assert model.resource("ressurs-10").name in cdn[1]


def test_the_closing_line_counts_resources_by_verdict_and_the_table_names_them():
    summary = {"run_id": "r1", "checkpoint": "test-exam", "cells": {"failing": 4, "ok": 16}, "run_dir": "/x",
               "drift_previous": {"against": None}, "links": {},
               "verdicts": {"a": {"verdict": "OK", "reasons": []},
                            "b": {"verdict": "not OK", "reasons": ["communication: chat " * 12]},
                            "c": {"verdict": "not OK", "reasons": ["lastes ikke"]}}}
    text = format_summary(summary, {"a": "Ordbok", "b": "Matte med chat", "c": "Gammelt leksikon"})
    lines = text.splitlines()
    assert [line.split()[:2] for line in lines[2:5]] == [["Gammelt", "leksikon"], ["Matte", "med"], ["Ordbok", "a"]]
    assert "  c  " in lines[2], "the id stays beside the name, for the commands that take it"
    long = "communication: chat " * 12
    shown = lines[3][lines[3].index("communication"):].removesuffix(" …")
    assert lines[3].endswith(" …") and long.startswith(shown) and long[len(shown)] == " ", "cut at a word"
    assert "3 resource(s): 2 not OK, 1 OK (cells: 4 failing, 16 ok)" in text


def nettsjekk(*args: str, cwd) -> subprocess.CompletedProcess:  # noqa: ANN001
    return subprocess.run([sys.executable, "-m", "nettsjekk.cli.main", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_runs_lists_local_times_and_verdict_counts_and_latest_feeds_report(county):
    config, store, run_id, model, _ = county
    listed = nettsjekk("runs", "--config", str(config.base / "nettsjekk.yaml"), cwd=config.base)
    assert listed.returncode == 0, listed.stderr
    assert "started (Europe/Oslo)" in listed.stdout and "2027" not in listed.stdout.split(run_id)[0]
    row = next(line for line in listed.stdout.splitlines() if line.startswith(run_id))
    assert f"{model.counts[NOT_OK]} not OK" in row and f"{model.counts[OK]} OK" in row
    latest = nettsjekk("runs", "--latest", "--config", str(config.base / "nettsjekk.yaml"), cwd=config.base)
    assert latest.stdout.strip() == run_id
    target = config.base / "siste.xlsx"
    report = nettsjekk("report", "latest", "--format", "xlsx", "-o", str(target),
                       "--config", str(config.base / "nettsjekk.yaml"), cwd=config.base)
    assert report.returncode == 0 and target.is_file(), report.stderr
    for result in (listed, latest, report):
        assert "Traceback" not in result.stdout + result.stderr


def test_runs_latest_in_an_empty_store_is_one_clear_line(tmp_path):
    from report_rig import write_setup

    from nettsjekk.checkpoints.config import load_config
    from nettsjekk.checkpoints.store import Store

    path = write_setup(tmp_path, 2)
    Store(load_config(path).database).close()
    result = nettsjekk("runs", "--latest", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error: no runs in") and len(result.stderr.strip().splitlines()) == 1


def test_help_lists_every_command_with_its_whole_summary():
    result = nettsjekk("--help", cwd=None)
    commands = result.stdout[result.stdout.index("Commands:"):]
    assert result.returncode == 0 and "…" not in commands and "..." not in commands
    assert "Write the reports of RUN_ID (or 'latest')" in result.stdout


PAGE_PX = (1047, 710)
"""The content box of an A4 landscape page (297 × 210 mm less the template's margins) in CSS pixels."""
ARTIFACTS = ROOT / "test-artifacts"


async def print_layout(browsers, path, screenshot) -> dict:  # noqa: ANN001
    """Lay ``path`` out as printed on one page's width; where the matrix ends, what overflows its cell."""
    context = await browsers.new_context("chromium")
    try:
        page = await context.new_page()
        await page.set_viewport_size({"width": PAGE_PX[0], "height": PAGE_PX[1]})
        await page.goto(path.resolve().as_uri(), wait_until="load")
        await page.emulate_media(media="print")
        screenshot.parent.mkdir(exist_ok=True)
        await page.screenshot(path=str(screenshot), clip={"x": 0, "y": 0, "width": PAGE_PX[0], "height": PAGE_PX[1]})
        return await page.evaluate("""() => ({
            matrixBottom: document.querySelector('section.matrix').getBoundingClientRect().bottom,
            pageWidth: document.documentElement.scrollWidth,
            overflowing: [...document.querySelectorAll('table th, table td, h1, h2, h3, dd')]
                .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).textOverflow !== 'ellipsis')
                .map(e => e.textContent.trim().slice(0, 60)),
        })""")
    finally:
        await context.close()


@pytest.mark.browser
@pytest.mark.xdist_group("reports")
def test_the_pdf_of_80_resources_fits_a_few_pages_with_the_whole_matrix_on_page_one(county):
    import unicodedata

    from pypdf import PdfReader

    from nettsjekk.probes.browsers import BrowserSettings
    from nettsjekk.probes.service import ProbeService

    _, _, run_id, model, out = county
    with ProbeService(BrowserSettings()) as service:
        pdf = render_format(model, "pdf", Messages("nb"), out / "test-template.pdf", service)
        layout = service.run(print_layout(service.browsers, out / "test-template.html",
                                          ARTIFACTS / "testmal-80-page1.png"), timeout=90)
    reader = PdfReader(pdf)
    pages = [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]
    assert len(pages) <= 6, f"{len(pages)} pages for 80 resources"
    assert all(f"{r.name}" in pages[0] for r in model.resources), "the whole matrix is on page one"
    for number, text in enumerate(pages, start=1):
        assert f"Før eksamen · Kjøring {run_id} · side {number} / {len(pages)}" in text, f"footer of page {number}"
    links = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])
             if "/A" in a.get_object()]
    assert "ict/index.html#cell-ressurs-07-kontoret-chromium" in links, "matrix marks link to their evidence"
    assert not [link for link in links if link.startswith("file:")], "links are relative to the report folder"
    assert layout["matrixBottom"] <= PAGE_PX[1], "the matrix ends before the foot of the first page"
    assert layout["pageWidth"] <= PAGE_PX[0] and layout["overflowing"] == []
