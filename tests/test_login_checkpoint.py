"""A checkpoint run through the real Prefect engine over a licensed resource and an open one.

The licensed resource is logged in with its vendor's login recipe before the run (the test account
comes from the environment); the run sees it logged in, with the chat and AI assistant only
logged-in pupils get, and the test template says the login works. Then the identity provider
expires its sessions: the next run checks the saved sessions first and marks the resource's cells
``login_expired`` (with the time the session was saved and the ``nettsjekk login`` to run) without
probing them. Nothing the runs wrote (results store, summary, reports, Prefect logs and artifacts)
holds a session cookie or the password.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import zipfile
from pathlib import Path

import pytest
import yaml

from nettsjekk.fakenet import FakeInternet
from nettsjekk.fakenet.login_site import FakeLogin
from nettsjekk.checkpoints.config import load_config
from nettsjekk.checkpoints.logins import LoginSetup, login_scripted
from nettsjekk.reports.build import build_report
from nettsjekk.checkpoints.store import Store
from nettsjekk.probes.service import ProbeService

pytestmark = [pytest.mark.browser]
LOGINDATA = Path(__file__).parent / "logindata"
SITES = Path(__file__).parent / "sites"
USER = "elev1@testfylke.no"
ENGINES = ["chromium"]  # Firefox: tests/test_login_probe.py (a Prefect run per engine would double the time)


def write_config(folder: Path, rig: FakeInternet) -> Path:
    settings = {
        "lists": [str(LOGINDATA / "lisens.yaml")], "vendor_dir": str(LOGINDATA / "vendors"), "browsers": ENGINES,
        "locations": [{"name": "kontoret", "kind": "proxy", "proxy": rig.proxy_url,
                       "trust_ca": [str(rig.ca_cert_path)]}],
        "settle_s": 1, "subpage_settle_s": 0.2, "max_subpages": 1, "concurrency": 4,
        "retries": {"attempts": 2, "backoff_s": [0.2]}, "database": "store.db", "output_dir": "runs",
        "tester": "pytest", "state_dir": "state",
    }
    path = folder / "nettsjekk.yaml"
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return path


def run(config: Path) -> dict:
    from prefect.task_runners import ThreadPoolTaskRunner

    from nettsjekk.flows.checkpoint import verify_checkpoint

    return verify_checkpoint.with_options(task_runner=ThreadPoolTaskRunner(max_workers=4))(str(config), "test-exam")


def test_a_checkpoint_sees_the_licensed_resource_logged_in_then_marks_an_expired_session(
        prefect_api, tmp_path, monkeypatch, caplog):
    password = secrets.token_urlsafe(16)
    monkeypatch.setenv("NETTSJEKK_TEST_FEIDE_USER", USER)
    monkeypatch.setenv("NETTSJEKK_TEST_FEIDE_PASSWORD", password)
    with FakeInternet([SITES], name="kontoret") as rig:
        feide = FakeLogin("idp.feide-test.no", ["www.lisens-demo.no"], {USER: password}).install(rig)
        config_path = write_config(tmp_path, rig)
        config = load_config(config_path)
        setup = LoginSetup.from_config(config)
        with ProbeService(setup.browser_settings()) as service:
            sessions = [login_scripted(setup, "lisens-demo", engine, service=service) for engine in ENGINES]
        cookies = {c["value"] for s in sessions for c in s.storage_state["cookies"]}
        assert len(cookies) >= 2 and feide.logins == len(ENGINES)

        first = run(config_path)
        feide.expire_sessions()
        second = run(config_path)

    store = Store(config.database)
    assert first["cells"] == {"ok": 2 * len(ENGINES)}
    assert first["verdicts"]["lisens-demo"]["verdict"] == "not OK"
    reasons = " ".join(first["verdicts"]["lisens-demo"]["reasons"])
    assert "communication: Intercom Messenger" in reasons and "ai:" in reasons
    assert first["verdicts"]["apen-ordbok"]["verdict"] == "OK"
    assert {(c["resource"], c["engine"], c["state"]) for c in first["logins"]} == {
        ("lisens-demo", engine, "ok") for engine in ENGINES}
    model = build_report(store, first["run_id"], config)
    assert {c.login for c in model.resource("lisens-demo").cells} == {"yes"}
    assert {c.login for c in model.resource("apen-ordbok").cells} == {"not_needed"}

    cells = {(c.key.resource_id, c.key.engine): c for c in store.cells(second["run_id"])}
    for engine, session in zip(ENGINES, sessions):
        cell = cells[("lisens-demo", engine)]
        assert (cell.status, cell.attempts, cell.result.error) == ("failing", 0, "login_expired")
        assert session.saved_at_text in cell.result.error_detail
        assert f"nettsjekk login lisens-demo --browser {engine} --config {config_path}" in cell.result.error_detail
        assert cell.result.login.session_saved_at == session.saved_at
        assert cell.result.login.host == "idp.feide-test.no"
    assert cells[("apen-ordbok", "chromium")].status == "ok"
    assert {c["state"] for c in second["logins"]} == {"expired"}
    assert {c.login for c in build_report(store, second["run_id"], config).resource("lisens-demo").cells} == {"expired"}
    assert any("login expired" in r or "login_expired" in r for r in second["verdicts"]["lisens-demo"]["reasons"])
    store.close()

    logs = _prefect_logs()
    assert any("was not accepted" in line and "nettsjekk login lisens-demo --browser chromium" in line for line in logs)
    written = _everything_written(tmp_path) + "\n".join(logs) + caplog.text
    assert written.count("lisens-demo") > 10, "the grep looked at the run's files"
    for secret in [*cookies, password]:
        assert secret not in written


def _prefect_logs() -> list[str]:
    """Prefect's flow and task logs, and its artifacts (the failure table and the summary)."""
    import asyncio

    from prefect.client.orchestration import get_client

    async def read() -> list[str]:
        lines: list[str] = []
        async with get_client() as client:
            while True:
                page = await client.read_logs(limit=200, offset=len(lines))
                lines += [log.message for log in page]
                if len(page) < 200:
                    break
            # read_artifacts() sends nulls this server version refuses; empty filters match nothing
            answer = await client._client.post("/artifacts/filter",
                                               json={"sort": "CREATED_DESC", "limit": 200, "offset": 0})
            answer.raise_for_status()
            artifacts = answer.json()
        assert {"nettsjekk-summary", "nettsjekk-failures"} <= {a["key"] for a in artifacts}, artifacts
        return lines + [json.dumps(a) for a in artifacts]

    return asyncio.run(read())


def _everything_written(folder: Path) -> str:
    """Every file of the runs (store, summaries, reports, evidence names) except the session store."""
    texts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "state" not in p.relative_to(folder).parts):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                texts += [book.read(name).decode("utf-8", "replace") for name in book.namelist()]
        else:
            texts.append(path.name + path.read_bytes().decode("utf-8", "replace"))
    with sqlite3.connect(folder / "store.db") as db:
        texts += [json.dumps(row) for row in db.execute("SELECT * FROM cells")]
    return "\n".join(texts)
