"""Issue 17: what nettsjekk records and reports cannot be turned against the machine it runs on.

Passwords in URLs never reach a probe result, a link report or the store; the ICT report copies
evidence only from inside its run folder; a control character in a name does not stop the XLSX
report; a mistyped ``database:`` creates nothing and a store this user may not write is still read;
``validate`` warns about denied and look-alike hosts and refuses invalid punycode.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.async_api import TimeoutError as PlaywrightTimeout
from openpyxl import load_workbook
from nettsjekk.checkpoints import store as store_module
from nettsjekk.checkpoints.config import load_config
from nettsjekk.checkpoints.plan import finish_run, prepare_run
from nettsjekk.checkpoints.store import CellKey, Store
from nettsjekk.core.errors import NoSuchStore, StoreError
from nettsjekk.probes.crawler.results import Hop, LinkReport, LinkResult
from nettsjekk.probes.crawler.recheck import recheck_url
from nettsjekk.probes.redact import openable_url, redact_text, redact_url
from nettsjekk.reports.build import build_report
from nettsjekk.reports.messages import Messages
from nettsjekk.reports.render import write_ict
from nettsjekk.reports.table import write_xlsx
from test_reports_model import result, write_config

NETTSJEKK = str(Path(sys.executable).with_name("nettsjekk"))
FIXTURES = Path(__file__).parent / "allowlist_fixtures"


# ---------------------------------------------------------------- credentials in URLs

@pytest.mark.parametrize(("url", "expected"), [
    ("https://user:pass@example.com/", "https://REDACTED@example.com/"),
    ("https://user@example.com:8443/a?b=1", "https://REDACTED@example.com:8443/a?b=1"),
    ("https://a:b@c@example.com/?code=xyz", "https://REDACTED@example.com/?code=REDACTED"),
    ("https://example.com/@someone", "https://example.com/@someone"),
    ("mailto:kari@example.com", "mailto:kari@example.com"),
])
def test_a_password_in_a_url_is_redacted(url, expected):
    assert redact_url(url) == expected
    assert redact_text(f"failed at {url} twice") == f"failed at {expected} twice"


def test_the_link_crawler_reports_no_password_it_found_in_a_link():
    link = LinkResult(url="https://kari:hemmelig@ressurs.example.no/side", source="https://ola:passord@a.example.no/",
                      status="redirect", redirects=[Hop(url="http://kari:hemmelig@ressurs.example.no/", status=301)],
                      final_url="https://kari:hemmelig@ressurs.example.no/ny", detail="via https://x:y@proxy.example.no/")
    report = LinkReport(resource="r", links=[link], start_urls=["https://kari:hemmelig@ressurs.example.no/"])

    text = report.to_json()
    assert "hemmelig" not in text and "passord" not in text and ":y@" not in text
    assert "https://REDACTED@ressurs.example.no/side" in text
    assert LinkResult(url="https://x.example.no/?key=1&code=2", source=None, status="ok").url == \
        "https://x.example.no/?key=1&code=2"  # still openable by the browser recheck


def test_the_browser_recheck_opens_a_redacted_link_without_credentials_not_as_user_redacted():
    """A link ``https://kari:hemmelig@host/`` is stored as ``https://REDACTED@host/``; rechecking that
    would log in to the server as a user called REDACTED. The recheck opens the bare address."""
    opened = []

    class Page:
        def on(self, *_):
            pass

        async def goto(self, url, **_):
            opened.append(url)
            raise PlaywrightTimeout("stop here")

    class Context:
        async def new_page(self):
            return Page()

        async def close(self):
            pass

    class Browsers:
        async def new_context(self, *_, **__):
            return Context()

    link = LinkResult(url="https://kari:hemmelig@ressurs.example.no/side?q=1", source=None, status="broken")
    seen = asyncio.run(recheck_url(Browsers(), link.url, "chromium", None, timeout_s=1))

    assert opened == ["https://ressurs.example.no/side?q=1"] and seen.outcome == "failed"
    assert openable_url("https://ressurs.example.no/REDACTED@x") == "https://ressurs.example.no/REDACTED@x"


@pytest.mark.browser
def test_probe_prints_no_password_of_the_url_it_was_given():
    done = subprocess.run([NETTSJEKK, "probe", "https://kari:hemmelig@127.0.0.1:9/", "--timeout", "5",
                           "--no-detect", "--max-subpages", "0"], capture_output=True, text=True, timeout=120,
                          check=False)

    assert done.returncode == 1, done.stderr
    assert "hemmelig" not in done.stdout + done.stderr
    assert '"url": "https://REDACTED@127.0.0.1:9/"' in done.stdout


# ---------------------------------------------------------------- the ICT report's evidence

@pytest.fixture()
def stored_run(tmp_path):
    config = load_config(write_config(tmp_path))
    store = Store(config.database)
    plan = prepare_run(config, store, "test-exam")
    return config, store, plan


def test_the_ict_report_copies_no_screenshot_from_outside_the_run_folder(stored_run, tmp_path):
    config, store, plan = stored_run
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not evidence")
    inside = config.output_dir / plan.run_id / "evidence" / "demo-ordbok" / "shot.png"
    inside.parent.mkdir(parents=True)
    inside.write_bytes(b"\x89PNG evidence")
    shots = {("chromium", "kontoret"): str(secret), ("firefox", "kontoret"): "../../../secret.png",
             ("chromium", "skolen"): f"evidence/demo-ordbok/../../../../{secret.name}",
             ("firefox", "skolen"): str(inside)}
    for (engine, location), shot in shots.items():
        probe = result("https://ordbok.demo-eksamen.no/", engine, location, ok=False, error="timeout")
        probe.screenshot = shot
        store.save_cell(plan.run_id, CellKey("demo-ordbok", engine, location), "failing", 1, probe)
    finish_run(plan, store)

    model = build_report(store, plan.run_id, config)
    folder = write_ict(model, Messages("nb"), tmp_path / "ict")

    copied = [p for p in (folder.parent / "evidence").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in copied] == [b"\x89PNG evidence"]


def test_a_control_character_in_a_name_does_not_stop_the_xlsx_report(stored_run, tmp_path):
    config, store, plan = stored_run
    store.save_cell(plan.run_id, CellKey("demo-ordbok", "chromium", "kontoret"), "ok", 1,
                    result("https://ordbok.demo-eksamen.no/", "chromium", "kontoret"))
    store._db.execute("UPDATE runs SET tester = ?", ("Kari\x07 Nordmann\x1b",))
    finish_run(plan, store)
    model = build_report(store, plan.run_id, config)

    path = write_xlsx(model, Messages("nb"), tmp_path / "t.xlsx")

    cells = [c.value for row in load_workbook(path).active.iter_rows() for c in row]
    assert "Kari? Nordmann?" in cells


# ---------------------------------------------------------------- the results store

def test_reading_a_mistyped_store_path_creates_nothing(tmp_path):
    with pytest.raises(NoSuchStore, match="no such store"):
        Store(tmp_path / "results" / "nettsjkek.db", create=False)
    assert not (tmp_path / "results").exists()


def test_a_store_this_user_may_not_write_is_read_without_changing_it(tmp_path, monkeypatch):
    path = tmp_path / "nettsjekk.db"
    writer = Store(path)
    writer.start_run("test-exam", {}, "Kari", run_id="run-1")
    writer.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    monkeypatch.setattr(store_module, "_writable", lambda _path: False)  # root may write anything: pretend

    reader = Store(path, create=False)

    assert reader.read_only and [r["id"] for r in reader.runs()] == ["run-1"]
    with pytest.raises(StoreError):
        reader.start_run("test-exam", {}, "Ola")
    reader.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


# ---------------------------------------------------------------- validate

def _vendor_with(tmp_path: Path, *hosts: str) -> Path:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, fixtures)
    vendor = fixtures / "vendor_whitelists" / "ressurs-forlag.yaml"
    lines = "".join(f'  - "{host}"\n' for host in hosts)
    vendor.write_text(vendor.read_text(encoding="utf-8").replace("domains:\n", "domains:\n" + lines), encoding="utf-8")
    return fixtures


def _validate(fixtures: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([NETTSJEKK, "validate", *options, str(fixtures / "lists"),
                           str(fixtures / "vendor_whitelists")], capture_output=True, text=True, check=False)


def test_validate_warns_about_a_denied_host_and_fails_on_it_only_when_strict(tmp_path):
    fixtures = _vendor_with(tmp_path, "translate.google.se", "*.google.se")

    done = _validate(fixtures)
    assert done.returncode == 0, done.stdout
    assert "domains[0]: warning: translate.google.se is denied (translation: " in done.stdout
    assert "domains[1]: warning: *.google.se is denied (search_engine: " in done.stdout
    assert done.stderr.endswith(": 0 problems, 2 warnings\n")
    assert _validate(fixtures, "--strict").returncode == 1


def test_validate_warns_about_a_homograph(tmp_path):
    done = _validate(_vendor_with(tmp_path, "www.snl.n\u043e"))  # a Cyrillic о

    assert done.returncode == 0
    assert "warning: 'www.snl.xn--n-1tb' may pass for another host name: label 'n\u043e' mixes Cyrillic and Latin" \
        in done.stdout


def test_validate_refuses_invalid_punycode(tmp_path):
    done = _validate(_vendor_with(tmp_path, "www.xn--snl-abc.no"))

    assert done.returncode == 1
    assert "'www.xn--snl-abc.no': label 'xn--snl-abc' is not valid punycode" in done.stdout


def test_validate_refuses_credentials_in_a_list_url_without_repeating_the_password(tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, fixtures)
    listing = next((fixtures / "lists").glob("*.yaml"))
    text = listing.read_text(encoding="utf-8")
    listing.write_text(text.replace("https://www.", "https://kari:hemmelig@www.", 1), encoding="utf-8")

    done = _validate(fixtures)

    assert done.returncode == 1
    assert "must not contain a user name or password" in done.stdout and "hemmelig" not in done.stdout
