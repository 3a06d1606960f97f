"""Reports of a real checkpoint run, opened in a real browser.

Two runs of the checkpoint pipeline (the flow's plain functions, without the Prefect engine) over
the demo web and tests/sites/www.xss-tittel.no, whose title and text try to run script: a quick
first run of the dictionary alone is approved as baseline; the full second run sees a new chat
widget on the dictionary. Then every report is
rendered and the HTML ones are opened with file:// URLs in Chromium through the probe service.
"""

from __future__ import annotations

import asyncio
import csv
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from nettsjekk.fakenet import FakeInternet, Route
from nettsjekk.checkpoints.config import Config, load_config
from nettsjekk.checkpoints.matrix import run_cell
from nettsjekk.reports.messages import Messages
from nettsjekk.reports.build import build_report
from nettsjekk.reports.render import render_all, render_format
from nettsjekk.reports.table import COLUMNS, headers
from nettsjekk.allowlists.selection import run_allowlist
from nettsjekk.checkpoints.plan import finish_run, prepare_run
from nettsjekk.checkpoints.replay_phase import replay_phase
from nettsjekk.checkpoints.store import Store
from nettsjekk.probes.browsers import BrowserSettings
from nettsjekk.probes.service import ProbeService

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("reports")]
ROOT = Path(__file__).resolve().parent.parent
SITES, DEMO_WEB = Path(__file__).parent / "sites", ROOT / "demo_web"
REPORTDATA = Path(__file__).parent / "reportdata"
ARTIFACTS = ROOT / "test-artifacts"
PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


@dataclass
class Checkpoint:
    config: Config
    store: Store
    run_id: str
    baseline: str
    reports: dict[str, Path]
    service: ProbeService


def write_config(folder: Path, locations: list[tuple[str, FakeInternet]], name: str = "nettsjekk.yaml",
                 lists: tuple[Path, ...] = (ROOT / "lists" / "demo.yaml", REPORTDATA / "xss.yaml")) -> Path:
    vendors = folder / "vendors"
    vendors.mkdir(exist_ok=True)
    for name in ("_platform", "demo-ordbok", "demo-leksikon", "demo-laeremiddel"):
        shutil.copy(ROOT / "vendor_whitelists" / f"{name}.yaml", vendors)
    shutil.copy(REPORTDATA / "vendors" / "xss-test.yaml", vendors)
    settings = {
        "lists": [str(p) for p in lists], "vendor_dir": str(vendors),
        "browsers": ["chromium"], "settle_s": 1, "subpage_settle_s": 0.2, "max_subpages": 1, "concurrency": 6,
        "locations": [{"name": name, "kind": "proxy", "proxy": rig.proxy_url, "trust_ca": [str(rig.ca_cert_path)]}
                      for name, rig in locations],
        "retries": {"attempts": 1, "backoff_s": [0.2]}, "database": "store.db", "output_dir": "runs",
        "tester": "Kari Nordmann",
    }
    path = folder / name
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


def dictionary_only(folder: Path) -> Path:
    """The demo list with only its dictionary, for a quick baseline run."""
    data = yaml.safe_load((ROOT / "lists" / "demo.yaml").read_text(encoding="utf-8"))
    data["resources"] = [r for r in data["resources"] if r["id"] == "demo-ordbok"]
    path = folder / "ordbok.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run_checkpoint(config: Config, store: Store, service: ProbeService, checkpoint: str) -> str:
    """What the verify-checkpoint flow does, minus Prefect: plan, probe every cell, replay, finish."""
    plan = prepare_run(config, store, checkpoint)
    with ThreadPoolExecutor(config.settings.concurrency) as pool:
        list(pool.map(lambda spec: run_cell(service, store, plan.run_id, spec, config, plan.rules,
                                            plan.run_dir / "evidence", sleep=lambda s: None), plan.pending))
    replay_phase(service, store, plan.run_id, config, list(config.settings.locations), list(config.settings.browsers),
                 lambda: run_allowlist(config, store, plan.run_id).allows)
    finish_run(plan, store)
    return plan.run_id


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    with FakeInternet([DEMO_WEB, SITES], name="kontoret") as office, \
            FakeInternet([DEMO_WEB, SITES], name="skolen", blocked_hosts={"bilder.demo-cdn.no"}) as school:
        config = load_config(write_config(folder, [("kontoret", office), ("skolen", school)]))
        small = load_config(write_config(folder, [("kontoret", office)], "baseline.yaml", (dictionary_only(folder),)))
        store = Store(config.database)
        with ProbeService(BrowserSettings(trust_ca=(office.ca_cert_path, school.ca_cert_path))) as service:
            baseline = run_checkpoint(small, store, service, "publication")
            store.approve_baseline(baseline, who="pytest")
            page = (DEMO_WEB / "ordbok.demo-eksamen.no" / "index.html").read_text(encoding="utf-8")
            chat = ('<script>window.intercomSettings={app_id:"x1"};</script>'
                    '<script async src="https://widget.intercom.io/widget/x1"></script></body>')
            office.set_route("ordbok.demo-eksamen.no", "/", Route(body=page.replace("</body>", chat)))
            run_id = run_checkpoint(config, store, service, "test-exam")
            reports = render_all(store, run_id, config, folder / "reports", service=service)
            yield Checkpoint(config, store, run_id, baseline, reports, service)
        store.close()


async def _open(browsers, path: Path, actions, screenshot: Path | None = None) -> dict:  # noqa: ANN001
    """Open ``path`` in Chromium, record dialogs and console errors, run ``actions(page)``."""
    context = await browsers.new_context("chromium")
    seen: dict = {"dialogs": [], "errors": []}
    try:
        page = await context.new_page()
        page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message),
                                          asyncio.ensure_future(dialog.dismiss())))
        page.on("console", lambda message: seen["errors"].append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: seen["errors"].append(str(error)))
        await page.goto(path.resolve().as_uri(), wait_until="load")
        seen.update(await actions(page))
        await page.wait_for_timeout(200)
        if screenshot is not None:
            screenshot.parent.mkdir(exist_ok=True)
            await page.screenshot(path=str(screenshot), full_page=True)
    finally:
        await context.close()
    return seen


def test_the_ict_report_opens_offline_with_the_right_matrix_a_filter_and_evidence_images(checkpoint):
    async def actions(page) -> dict:  # noqa: ANN001
        cells = await page.eval_on_selector_all(
            "#matrix td[data-cell]", "tds => tds.map(td => [td.closest('tr').dataset.resource, td.dataset.cell, "
                                     "td.dataset.status])")
        await page.select_option("#filter", "not_ok")
        shown = await page.eval_on_selector_all("#matrix tbody tr", "rows => rows.map(r => [r.dataset.resource, "
                                                                    "r.dataset.verdict, !r.hidden])")
        images = await page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.getAttribute('src'), "
                                                        "i.naturalWidth])")
        await page.select_option("#filter", "all")
        return {"cells": cells, "shown": shown, "images": images}

    seen = checkpoint.service.run(_open(checkpoint.service.browsers, checkpoint.reports["ict"], actions,
                                        ARTIFACTS / "ict-report.png"))

    stored = {(c.key.resource_id, f"{c.key.location}/{c.key.engine}"): c.status
              for c in checkpoint.store.cells(checkpoint.run_id)}
    assert {(rid, cell): status for rid, cell, status in seen["cells"]} == stored
    assert len(seen["cells"]) == 6 * 2
    assert {rid: visible for rid, verdict, visible in seen["shown"]} == {
        rid: verdict == "not_ok" for rid, verdict, visible in seen["shown"]}
    # the demo's only resource without a forbidden feature is OK with conditions (bilder.demo-cdn.no is
    # blocked at skolen), so "only not OK" is the filter that has rows to hide
    assert any(verdict == "conditions" for _, verdict, _ in seen["shown"]), "the demo has resources to hide"
    evidence = [(src, width) for src, width in seen["images"] if src.startswith("evidence/")]
    assert evidence and all(width > 0 for _, width in evidence), evidence
    assert any("-comm-" in src for src, _ in evidence), "an element crop of the chat finding"
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert (ARTIFACTS / "ict-report.png").stat().st_size > 10_000


def test_the_probed_xss_fixture_renders_inert_in_every_html_output(checkpoint):
    english = render_format(build_report(checkpoint.store, checkpoint.run_id, checkpoint.config), "ict",
                            Messages("en"), checkpoint.reports["ict"].parent.parent / "ict-en")
    pages = [checkpoint.reports["html"], checkpoint.reports["ict"], english]

    async def actions(page) -> dict:  # noqa: ANN001
        return {"text": await page.inner_text("body"),
                "injected": await page.evaluate("document.querySelectorAll('img[src=\"x\"], img[onerror], "
                                                "script:not([src=\"report.js\"])').length")}

    for path in pages:
        seen = checkpoint.service.run(_open(checkpoint.service.browsers, path, actions))
        assert seen["dialogs"] == [] and seen["injected"] == 0 and seen["errors"] == [], path
        if path != checkpoint.reports["html"]:
            assert all(payload in seen["text"] for payload in PAYLOADS), path
    markdown = checkpoint.reports["md"].read_text(encoding="utf-8")
    assert "<script" not in markdown and "<img" not in markdown
    xss = build_report(checkpoint.store, checkpoint.run_id, checkpoint.config).resource("xss-tittel")
    assert PAYLOADS[0] in xss.cells[0].title, "the fixture's title reached the store as text"


def test_pdf_csv_and_xlsx_of_the_test_template(checkpoint):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    pdf = PdfReader(checkpoint.reports["pdf"])
    assert len(pdf.pages) >= 2 and "Testmal" in pdf.pages[0].extract_text()

    raw = checkpoint.reports["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert list(rows[0]) == headers(Messages("nb")) and len(rows) == 6 * 2
    names = {row["Ressurs"] for row in rows}
    assert {"Demo-læremiddel med chat", "Skriptprøve æøå"} <= names
    xss_rows = [row for row in rows if row["Ressurs"] == "Skriptprøve æøå"]
    assert {row["Liste"] for row in xss_rows} == {"lokal"}
    assert {row["Forbudte lenker blokkert (YouTube, Facebook, nettsøk)"] for row in xss_rows} == {"ja (1 av 1)"}

    sheet = load_workbook(checkpoint.reports["xlsx"]).active
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == f"A1:U{1 + 12}"
    assert [c.value for c in sheet[1]][:len(COLUMNS)] == headers(Messages("nb"))
    assert "Skriptprøve æøå" in {row[0].value for row in sheet.iter_rows(min_row=2)}


def test_the_ict_report_shows_what_changed_since_the_previous_run_and_the_baseline(checkpoint):
    model = build_report(checkpoint.store, checkpoint.run_id, checkpoint.config)
    ordbok = model.resource("demo-ordbok")

    assert model.previous_run == model.baseline_run == checkpoint.baseline
    assert "widget.intercom.io" in ordbok.drift_previous.new_hosts
    assert "widget.intercom.io" in ordbok.drift_baseline.new_hosts
    assert ordbok.drift_previous.newly_failing
    html = checkpoint.reports["ict"].read_text(encoding="utf-8")
    article = html.split('id="r-demo-ordbok"', 1)[1].split("</article>", 1)[0]
    assert "Nye verter: widget.intercom.io" in article
    assert f"Siden forrige kjøring ({checkpoint.baseline})" in article
    assert f"Siden godkjent grunnlinje ({checkpoint.baseline})" in article
    skolen = model.resource("demo-leksikon").failed_hosts
    assert [(f.location, f.host, f.in_vendor_file) for f in skolen] == [("skolen", "bilder.demo-cdn.no", True)]
