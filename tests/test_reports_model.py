"""Reports without a browser: the view model, CSV and XLSX, message catalogues, and review decisions.

The store is written directly with ProbeResult objects, as the checkpoint flow would write it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from click.testing import CliRunner
from nettsjekk.cli.main import FriendlyGroup
from nettsjekk.cli.report import register
from nettsjekk.checkpoints.config import load_config
from nettsjekk.reports.messages import Messages, catalogue
from nettsjekk.reports.build import FEATURES, build_report
from nettsjekk.reports.render import render_format
from nettsjekk.checkpoints.reviews import Review, ReviewBook, ReviewFileError, append_review, load_reviews
from nettsjekk.reports.table import COLUMNS, headers, inert, to_csv, write_xlsx
from nettsjekk.reports.table import forbidden_links as table_forbidden_links
from nettsjekk.checkpoints.plan import finish_run, prepare_run
from nettsjekk.checkpoints.replay_phase import ForbiddenLink, ReplayRecord
from nettsjekk.checkpoints.store import CellKey, Store, StoredCell
from nettsjekk.checkpoints.verdict import CONDITIONS, NOT_OK, Reason, assess, resource_verdict
from nettsjekk.core.errors import ConfigError
from nettsjekk.probes.findings import Evidence, Finding
from nettsjekk.probes.results import ERROR_REASONS, ProbeResult, RequestRecord

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates" / "reports"
REPORTDATA = Path(__file__).parent / "reportdata"
VENDORS = ROOT / "vendor_whitelists"
DAY = "2026-11-23T08:00:00+00:00"


def finding(category: str, rule: str, severity: str, kind: str = "element", value: str = "#chat",
            matches: int = 1, name_nb: str | None = None) -> Finding:
    return Finding(category=category, rule=rule, name=rule.replace("-", " ").title(), name_nb=name_nb,
                   severity=severity, page="https://www.laeremiddel-demo.no/",
                   evidence=Evidence(kind=kind, value=value), matches=matches)


def result(url: str, engine: str, location: str, ok: bool = True, hosts: tuple[str, ...] = (),
           findings: tuple[Finding, ...] = (), error: str | None = None) -> ProbeResult:
    host = url.split("/")[2]
    requests = [RequestRecord(url=url, host=host, domain=host, type="document", status=200 if ok else 404)]
    requests += [RequestRecord(url=f"https://{h}/x.js", host=h, domain=h, type="script", status=200) for h in hosts]
    return ProbeResult(url=url, browser=engine, browser_version="1.2.3", location=location, started_at=DAY,
                       status=200 if ok else 404, ok=ok, error=error, title="Tittel æøå", requests=requests,
                       hosts=sorted({host, *hosts}), findings=list(findings))


def write_config(folder: Path, **extra) -> Path:
    vendors = folder / "vendors"
    vendors.mkdir(exist_ok=True)
    for name in ("_platform", "demo-ordbok", "demo-leksikon", "demo-laeremiddel"):
        shutil.copy(VENDORS / f"{name}.yaml", vendors)
    shutil.copy(REPORTDATA / "vendors" / "xss-test.yaml", vendors)
    settings = {"lists": [str(ROOT / "lists" / "demo.yaml"), str(REPORTDATA / "xss.yaml")],
                "vendor_dir": str(vendors), "browsers": ["chromium", "firefox"],
                "locations": [{"name": "kontoret", "kind": "local"}, {"name": "skolen", "kind": "local"}],
                "database": "store.db", "output_dir": "runs", "tester": "Kari Nordmann", **extra}
    path = folder / "nettsjekk.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


CHAT = finding("communication", "comm-intercom-messenger", "block", name_nb="Intercom Messenger (livechat)")
YOUTUBE = finding("video", "video-youtube-link", "review", kind="link", value="https://www.youtube.com/x", matches=3)


def save_cells(store: Store, run_id: str) -> None:
    """Four resources × 2 locations × 2 engines; the chatbot has a chat and YouTube links, the
    broken one answers 404, the dictionary fails in firefox."""
    def save(rid: str, probe: ProbeResult, status: str = "ok") -> None:
        store.save_cell(run_id, CellKey(rid, probe.browser, probe.location), status, 1, probe)

    for location in ("kontoret", "skolen"):
        for engine in ("chromium", "firefox"):
            failing = engine == "firefox"
            save("demo-ordbok", result("https://ordbok.demo-eksamen.no/", engine, location, ok=not failing,
                                       hosts=("static.demo-cdn.no",), error="timeout" if failing else None),
                 "failing" if failing else "ok")
            save("demo-leksikon", result("https://leksikon.demo-eksamen.no/", engine, location))
            save("demo-chatbot", result("https://www.laeremiddel-demo.no/", engine, location,
                                        hosts=("widget.intercom.io",), findings=(CHAT, YOUTUBE)))
            save("demo-broken", result("https://gammel.demo-eksamen.no/", engine, location, ok=False,
                                       error="http_4xx"), "failing")


def forbidden(url: str, category: str, reachable: bool = False) -> ForbiddenLink:
    return ForbiddenLink(url, url.split("/")[2], category, reachable)


REPLAYS = [  # the exam-mode replay: the chatbot's links are blocked; the dictionary has none; no leksikon replay
    ReplayRecord("demo-chatbot", "chromium", "kontoret", True, works=True, links_checked=True,
                 forbidden_links=[forbidden("https://www.youtube.com/x", "video"),
                                  forbidden("https://www.facebook.com/x", "social")]),
    ReplayRecord("demo-chatbot", "firefox", "kontoret", True, works=True, links_checked=True,
                 forbidden_links=[forbidden("https://www.youtube.com/x", "video")]),
    ReplayRecord("demo-ordbok", "chromium", "kontoret", True, works=True, links_checked=True),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A finished run in a fresh store, with link-check rows for the dictionary at kontoret."""
    config = load_config(write_config(tmp_path_factory.mktemp("run")))
    store = Store(config.database)
    plan = prepare_run(config, store, "test-exam")
    save_cells(store, plan.run_id)
    store.save_replays(plan.run_id, [r.to_dict() for r in REPLAYS])
    finish_run(plan, store)
    store.save_link_check(plan.run_id, {"resource_id": "demo-ordbok", "location": "kontoret", "checked": True,
                                        "pages": 2, "links": 2, "broken": 1, "stopped": "finished"},
                          [{"url": "https://ordbok.demo-eksamen.no/borte", "source": "https://ordbok.demo-eksamen.no/",
                            "text": "Borte", "status": "broken", "http_status": 404, "reason": "http_4xx"},
                           {"url": "https://ordbok.demo-eksamen.no/om", "source": "https://ordbok.demo-eksamen.no/",
                            "text": "Om", "status": "ok", "http_status": 200}])
    store.save_link_check(plan.run_id, {"resource_id": "demo-broken", "location": "", "checked": False,
                                        "reason": "not_loaded"}, [])
    yield config, store, plan.run_id
    store.close()


# ---------------------------------------------------------------- messages


def test_the_norwegian_and_english_catalogues_have_the_same_keys():
    assert set(catalogue("nb")) == set(catalogue("en"))
    for lang in ("nb", "en"):
        for key, text in catalogue(lang).items():
            assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", catalogue("en")[key])), key


def test_every_message_the_templates_name_exists():
    used = set()
    for template in TEMPLATES.rglob("*.j2"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(["']([a-z_][a-z_.-]*[a-z_])["']\s*[,)]""", text))
    assert used and used <= set(catalogue("nb"))


# ---------------------------------------------------------------- the view model


def test_the_model_has_one_row_per_resource_location_and_browser_with_the_testmal_columns(run):
    config, store, run_id = run
    model = build_report(store, run_id, config)

    assert len(model.rows) == 4 * 2 * 2
    assert model.counts == {NOT_OK: 2, "not tested": 0, CONDITIONS: 1, "OK": 1}
    chatbot = model.resource("demo-chatbot")
    cell = chatbot.cell("skolen", "firefox")
    assert cell.features["communication"].state == "yes"
    assert cell.features["communication"].anchor == "c-demo-chatbot-communication"
    assert cell.features["translation"].state == "no" and cell.features["translation"].anchor is None
    assert [link.url for link in cell.replay.forbidden_links] == ["https://www.youtube.com/x"]
    assert cell.replay.reachable_links == []
    assert cell.extra_hosts == [], "a denied host is never one to open"
    assert cell.left_out == {"widget.intercom.io": "communication"}
    assert cell.login == "not_needed" and cell.loads == "yes"
    ordbok = model.resource("demo-ordbok")
    assert ordbok.cell("kontoret", "chromium").broken_links == 1
    assert ordbok.cell("skolen", "chromium").broken_links == 1  # crawled once, from kontoret: the resource's links
    assert model.resource("demo-broken").cell("skolen", "chromium").broken_links is None
    assert model.resource("demo-broken").cell("skolen", "chromium").link_check.reason == "not_loaded"
    assert ordbok.extra_hosts == []
    assert (ordbok.verdict, [str(r) for r in ordbok.reasons]) == (CONDITIONS, ["does not load in firefox"])
    assert ordbok.cell("skolen", "firefox").loads == "no"
    assert {ordbok.cell("skolen", "firefox").features[c].state for c in FEATURES} == {"not_tested"}
    assert {c.features[f].state for c in model.resource("demo-broken").cells for f in FEATURES} == {"not_tested"}
    assert [t for t in [Messages("nb").reason(r) for r in ordbok.reasons]] == ["lastes ikke i firefox"]


def test_csv_has_a_bom_semicolons_the_norwegian_columns_and_letters_and_inert_formulas(run):
    config, store, run_id = run
    model = build_report(store, run_id, config)
    text = to_csv(model, Messages("nb"))
    path = config.base / "t.csv"
    path.write_text(text, encoding="utf-8-sig", newline="")

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == headers(Messages("nb")) and len(rows[0]) == len(COLUMNS)
    assert rows[0][COLUMNS.index("forbidden_links")] == "Forbudte lenker blokkert (YouTube, Facebook, nettsøk)"
    chat = [r for r in rows[1:] if r[0] == "Demo-læremiddel med chat"]
    assert len(chat) == 4
    assert chat[0][COLUMNS.index("communication")] == "ja (ict/index.html#c-demo-chatbot-communication)"
    assert [r[COLUMNS.index("forbidden_links")] for r in chat] == ["ja (2 av 2)", "ja (1 av 1)"] * 2
    links = {(r[0], r[COLUMNS.index("browser")]): r[COLUMNS.index("forbidden_links")]
             for r in rows[1:] if r[0] in ("Demo-ordbok", "Demo-leksikon")}
    assert links == {("Demo-ordbok", "chromium"): "ingen slike lenker", ("Demo-ordbok", "firefox"): "ikke testet",
                     ("Demo-leksikon", "chromium"): "ikke testet", ("Demo-leksikon", "firefox"): "ikke testet"}
    assert chat[0][COLUMNS.index("verdict")] == "Ikke OK"
    assert inert("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and inert("æøå") == "æøå"
    english = list(csv.reader(io.StringIO(to_csv(model, Messages("en")))))
    assert english[0][COLUMNS.index("loads")] == "Loads"


def test_the_forbidden_links_column_says_no_with_the_url_that_opens_under_the_allowlist():
    opened = ReplayRecord("demo-chatbot", "firefox", "kontoret", True, works=True, links_checked=True,
                          forbidden_links=[forbidden("https://www.youtube.com/x", "video", reachable=True),
                                           forbidden("https://www.facebook.com/x", "social")])
    failed = ReplayRecord("demo-ordbok", "firefox", "kontoret", True, works=False, error="timeout")

    assert table_forbidden_links(SimpleNamespace(replay=opened), Messages("nb")) == "NEI: https://www.youtube.com/x"
    assert table_forbidden_links(SimpleNamespace(replay=opened), Messages("en")) == "NO: https://www.youtube.com/x"
    assert table_forbidden_links(SimpleNamespace(replay=failed), Messages("nb")) == "ikke testet"


def test_xlsx_has_a_frozen_header_filters_hyperlinks_and_never_formulas(run):
    from openpyxl import load_workbook

    config, store, run_id = run
    model = build_report(store, run_id, config)
    model.resources[0].name = "=1+2 ordbok"
    path = write_xlsx(model, Messages("nb"), config.base / "t.xlsx")

    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:U{1 + 16}"
    assert [c.value for c in sheet[1]] == headers(Messages("nb"))
    assert sheet["A2"].value == "=1+2 ordbok" and sheet["A2"].data_type == "s"
    chat_row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Demo-læremiddel med chat")
    link = chat_row[COLUMNS.index("communication")]
    assert link.value == "ja" and link.hyperlink.target == "ict/index.html#c-demo-chatbot-communication"


def test_html_and_markdown_load_nothing_from_the_network(run):
    config, store, run_id = run
    model = build_report(store, run_id, config)
    folder = config.base / "reports"
    html = render_format(model, "html", Messages("nb"), folder / "test-template.html").read_text(encoding="utf-8")
    ict = render_format(model, "ict", Messages("en"), folder / "ict").read_text(encoding="utf-8")
    md = render_format(model, "md", Messages("nb"), folder / "test-template.md").read_text(encoding="utf-8")

    for page in (html, ict):
        assert "Content-Security-Policy" in page and "default-src 'none'" in page
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:)?//""", page)
    assert (folder / "ict" / "report.js").is_file() and (folder / "ict" / "report.css").is_file()
    assert "Demo-læremiddel med chat" in md and "| Ikke OK |" in md


# ---------------------------------------------------------------- rule names and error codes in the report's language

PAGE = "https://www.laeremiddel-demo.no/"


def test_a_norwegian_report_names_a_chat_finding_in_bokmal_and_an_english_report_in_english(run):
    config, store, run_id = run
    model = build_report(store, run_id, config)
    chatbot = model.resource("demo-chatbot")

    assert [Messages("nb").reason(r) for r in chatbot.reasons] == [
        f"kommunikasjon: Intercom Messenger (livechat) ({PAGE})", f"må vurderes, video: Video Youtube Link ({PAGE})"]
    assert [Messages("en").reason(r) for r in chatbot.reasons] == [
        f"communication: Comm Intercom Messenger ({PAGE})", f"review video: Video Youtube Link ({PAGE})"]
    assert str(chatbot.reasons[0]) == f"communication: Comm Intercom Messenger ({PAGE})", "the store keeps English"
    folder = config.base / "names"
    norsk = render_format(model, "ict", Messages("nb"), folder / "nb").read_text(encoding="utf-8")
    english = render_format(model, "ict", Messages("en"), folder / "en").read_text(encoding="utf-8")
    assert "<strong>Intercom Messenger (livechat)</strong> <code>comm-intercom-messenger</code>" in norsk
    assert "<strong>Comm Intercom Messenger</strong> <code>comm-intercom-messenger</code>" in english
    assert "Comm Intercom Messenger" not in norsk
    comments = to_csv(model, Messages("nb"))
    assert "kommunikasjon: Intercom Messenger (livechat)" in comments and "Comm Intercom Messenger" not in comments


def test_a_confirmed_finding_to_report_is_named_in_the_reports_language(run):
    config, store, run_id = run
    model = build_report(store, run_id, config, reviews=[review("confirmed")])
    [item] = model.to_report
    md_nb = render_format(model, "md", Messages("nb"), config.base / "confirmed" / "nb.md").read_text(encoding="utf-8")
    md_en = render_format(model, "md", Messages("en"), config.base / "confirmed" / "en.md").read_text(encoding="utf-8")

    assert (item.subject, item.subject_nb) == ("Comm Intercom Messenger", "Intercom Messenger (livechat)")
    assert "funn Intercom Messenger (livechat): Checked with the vendor" in md_nb
    assert "Comm Intercom Messenger: Checked with the vendor" in md_en


def test_a_finding_stored_before_bokmal_names_still_loads_and_shows_its_english_name_or_rule():
    old = ProbeResult.model_validate_json(
        '{"url": "https://x.no/", "browser": "chromium", "findings": [{"category": "ai", "rule": "ai-ui-text", '
        '"name": "Ask AI controls", "severity": "block", "page": "https://x.no/", '
        '"evidence": {"kind": "text", "value": "Spør KI"}}, {"category": "ai", "rule": "ai-kapa", "severity": '
        '"block", "page": "https://x.no/", "evidence": {"kind": "script", "value": "kapa"}}]}')
    assessment = assess([StoredCell(CellKey("x", "chromium", "skolen"), "ok", 1, old)])

    assert old.findings[0].name_nb is None
    assert assessment.verdict == NOT_OK
    assert [Messages("nb").reason(r) for r in assessment.reasons] == [
        "KI: ai-kapa (https://x.no/)", "KI: Ask AI controls (https://x.no/)"]


def test_an_error_code_in_a_norwegian_reason_is_explained_in_norwegian_and_keeps_the_code(run):
    config, store, run_id = run
    broken = build_report(store, run_id, config).resource("demo-broken")

    assert [str(r) for r in broken.reasons] == ["does not load anywhere (http_4xx)"], "the store keeps the code"
    assert [Messages("nb").reason(r) for r in broken.reasons] == [
        "lastes ikke noe sted (HTTP-feil 4xx, siden finnes ikke eller er sperret [http_4xx])"]
    assert [Messages("en").reason(r) for r in broken.reasons] == [
        "does not load anywhere (HTTP error 4xx, the page is missing or forbidden [http_4xx])"]
    ict = render_format(build_report(store, run_id, config), "ict", Messages("nb"), config.base / "codes")
    html = ict.read_text(encoding="utf-8")
    assert "feilet: HTTP-feil 4xx, siden finnes ikke eller er sperret [http_4xx]" in html
    assert "<td>HTTP-feil 4xx, siden finnes ikke eller er sperret [http_4xx]</td>" in html, "the broken link's reason"


def test_several_and_unknown_error_codes_are_explained_one_by_one_or_shown_as_they_are():
    both = Reason("cell_fails", {"engine": "firefox", "location": "skolen", "errors": "login_required, timeout"},
                  codes=("login_required", "timeout"))
    unknown = Reason("loads_nowhere", {"errors": "?, quantum_glitch"}, codes=("?", "quantum_glitch"))

    assert Messages("nb").reason(both) == ("lastes ikke i firefox på skolen (krever innlogging [login_required], "
                                           "tidsavbrudd, siden svarte ikke i tide [timeout])")
    assert Messages("nb").reason(unknown) == "lastes ikke noe sted (?, quantum_glitch)"
    assert Messages("en").reason(unknown) == str(unknown) == "does not load anywhere (?, quantum_glitch)"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_probe_error_code_has_an_explanation_in_both_languages(lang):
    missing = [code for code in ERROR_REASONS if not catalogue(lang).get(f"error.{code}")]
    assert missing == []
    assert Messages(lang).error("dns").endswith(" [dns]")


# ---------------------------------------------------------------- reviews


def review(decision: str = "accepted", expires: dt.date | None = None, **subject) -> Review:
    subject = subject or {"rule": "comm-intercom-messenger"}
    return Review(resource="demo-chatbot", decision=decision, reason="Checked with the vendor", by="Kari",
                  date=dt.date(2026, 11, 1), expires=expires, **subject)


def test_an_accepted_finding_turns_not_ok_into_ok_with_conditions_and_shows_as_reviewed(run):
    config, store, run_id = run
    cells = [c for c in store.cells(run_id) if c.key.resource_id == "demo-chatbot"]
    book = ReviewBook([review()], on=dt.date(2026, 11, 23))

    assert resource_verdict(cells)[0] == NOT_OK
    verdict, reasons = resource_verdict(cells, book)
    assert verdict == CONDITIONS
    assert reasons[-1].startswith("reviewed: communication: Comm Intercom Messenger")
    model = build_report(store, run_id, config, reviews=[review()])
    chatbot = model.resource("demo-chatbot")
    assert chatbot.verdict == CONDITIONS
    assert chatbot.cell("kontoret", "chromium").features["communication"].state == "reviewed"
    assert next(f for f in chatbot.findings if f.rule == "comm-intercom-messenger").review == "accepted"


def test_an_expired_acceptance_counts_as_open_again(run):
    config, store, run_id = run
    cells = [c for c in store.cells(run_id) if c.key.resource_id == "demo-chatbot"]
    book = ReviewBook([review(expires=dt.date(2026, 11, 20))], on=dt.date(2026, 11, 23))
    verdict, reasons = resource_verdict(cells, book)

    assert verdict == NOT_OK
    assert "the acceptance by Kari expired on 2026-11-20" in reasons[0]
    still = resource_verdict(cells, ReviewBook([review(expires=dt.date(2026, 11, 23))], dt.date(2026, 11, 23)))
    assert still[0] == CONDITIONS


def test_a_confirmed_finding_or_host_stays_failing_and_is_listed_to_report(run):
    config, store, run_id = run
    decisions = [review("confirmed"), review("confirmed", host="widget.intercom.io")]
    model = build_report(store, run_id, config, reviews=decisions)

    assert model.resource("demo-chatbot").verdict == NOT_OK
    assert [(i.kind, i.subject, i.recipient) for i in model.to_report] == [
        ("rule", "Comm Intercom Messenger", "resource_group"), ("host", "widget.intercom.io", "resource_group")]
    assert model.resource("demo-chatbot").extra_hosts == []  # reported, but never named as a host to open
    assert model.resource("demo-chatbot").left_out == {"widget.intercom.io": "communication"}


def test_finish_run_applies_the_configured_reviews_to_the_stored_verdicts(tmp_path):
    (tmp_path / "decisions.yaml").write_text(
        "reviews:\n  - resource: demo-chatbot\n    rule: comm-intercom-messenger\n    decision: accepted\n"
        "    reason: off in exam mode\n    by: Kari\n    date: 2026-11-01\n", encoding="utf-8")
    config = load_config(write_config(tmp_path, reviews="decisions.yaml"))
    store = Store(config.database)
    plan = prepare_run(config, store, "test-exam")
    save_cells(store, plan.run_id)

    summary = finish_run(plan, store)
    assert summary.verdicts["demo-chatbot"][0] == CONDITIONS
    assert store.verdicts(plan.run_id)["demo-chatbot"][0] == CONDITIONS


@pytest.mark.parametrize(("text", "problem"), [
    ("reviews:\n  - resource: demo-chatbot\n    rule: comm-x\n    decision: maybe\n    reason: abc\n    by: K\n"
     "    date: 2026-11-01\n",
     "reviews.yaml:4: reviews[0].decision: 'maybe' is not allowed (choose one of: accepted, confirmed)"),
    ("reviews:\n  - resource: demo-chatbot\n    rule: comm-x\n    host: a.example.no\n    decision: accepted\n"
     "    reason: abc\n    by: K\n    date: 2026-11-01\n", "reviews.yaml:2: reviews[0]: give exactly one of 'rule'"),
    ("reviews:\n  - resource: demo-chatbot\n    rule: comm-x\n    decision: accepted\n    reason: abc\n    by: K\n"
     "    date: 2026-11-01\n    expires: 2026-10-01\n", "reviews.yaml:2: reviews[0]: expires (2026-10-01) is before"),
    ("reviews:\n  - resource: demo-chatbot\n    rule: comm-x\n    decision: accepted\n    reason: abc\n    by: K\n"
     "    when: 2026-11-01\n", "reviews.yaml:7: reviews[0].when: unknown field"),
    ("reviews:\n  - resource: demo-chatbot\n\trule: comm-x\n", "reviews.yaml:3: tab character; YAML needs spaces"),
])
def test_a_malformed_reviews_file_is_reported_with_file_and_line(tmp_path, text, problem):
    path = tmp_path / "reviews.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReviewFileError) as caught:
        load_reviews(path)
    assert any(line.startswith(str(tmp_path / problem.split(":", 1)[0]) + ":" + problem.split(":", 1)[1])
               for line in caught.value.problems), caught.value.problems


def cli() -> FriendlyGroup:
    group = FriendlyGroup(name="nettsjekk")
    register(group)
    return group


def test_review_accept_appends_and_the_file_stays_valid_with_its_comments(tmp_path):
    config = write_config(tmp_path)
    reviews = tmp_path / "reviews.yaml"
    reviews.write_text("# Decisions of the Agder resource group\nreviews:\n  # the chat, checked 2026-11-01\n"
                       "  - resource: demo-chatbot\n    rule: comm-chat-launcher-text\n    decision: confirmed\n"
                       "    reason: a real chat button\n    by: Ola\n    date: 2026-11-01\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli(), ["review", "accept", "demo-chatbot", "--rule", "comm-intercom-messenger",
                                   "--reason", "Off in exam mode: «æøå»", "--by", "Kari Nordmann",
                                   "--expires", "2027-06-30", "--config", str(config)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli(), ["review", "confirm", "demo-ordbok", "--host", "cdn.example.net",
                                   "--reason", "Missing from the vendor file", "--by", "Ola", "--config", str(config)])
    assert result.exit_code == 0, result.output

    text = reviews.read_text(encoding="utf-8")
    assert text.startswith("# Decisions of the Agder resource group\nreviews:\n  # the chat, checked 2026-11-01\n")
    entries = load_reviews(reviews)
    assert [(e.subject, e.decision, e.expires) for e in entries] == [
        ("comm-chat-launcher-text", "confirmed", None), ("comm-intercom-messenger", "accepted", dt.date(2027, 6, 30)),
        ("cdn.example.net", "confirmed", None)]
    assert entries[1].reason == "Off in exam mode: «æøå»" and entries[1].date == dt.date.today()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_review_accept_refuses_unknown_resources_and_rules_and_a_file_it_cannot_extend(tmp_path):
    config = write_config(tmp_path)
    runner = CliRunner()
    base = ["--reason", "because", "--by", "Kari", "--config", str(config)]
    result = runner.invoke(cli(), ["review", "accept", "demo-chatbt", "--rule", "comm-intercom-messenger", *base])
    assert result.exit_code == 2 and "unknown resource id 'demo-chatbt'" in result.output
    result = runner.invoke(cli(), ["review", "accept", "demo-chatbot", "--rule", "comm-intercom-mesenger", *base])
    assert result.exit_code == 2 and "did you mean comm-intercom-messenger" in result.output

    reviews = tmp_path / "reviews.yaml"
    original = "reviews: []\nowner: Agder\n"
    reviews.write_text(original, encoding="utf-8")
    with pytest.raises(ReviewFileError):
        append_review(reviews, review())
    reviews.write_text("reviews: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot append"):
        append_review(reviews, review())
    assert reviews.read_text(encoding="utf-8") == "reviews: []\n"


def test_report_command_writes_one_format_to_a_file(run):
    config, store, run_id = run
    target = config.base / "out" / "testmal.csv"
    result = CliRunner().invoke(cli(), ["report", run_id, "--format", "csv", "-o", str(target),
                                        "--config", str(config.source)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"\xef\xbb\xbf") and "Demo-læremiddel" in target.read_text("utf-8-sig")
    result = CliRunner().invoke(cli(), ["report", run_id, "--format", "ict", "--lang", "en",
                                        "--config", str(config.source)])
    assert result.exit_code == 0, result.output
    index = config.output_dir / run_id / "reports" / "ict" / "index.html"
    assert result.output.split() == ["ict", str(index)] and "Failure report for ICT" in index.read_text("utf-8")
