"""The link crawl of a licensed resource: without a session the login wall is reported as such (not as
a broken link, and the identity provider is not crawled); with the session saved by ``nettsjekk login``
the pages behind the login are crawled, and the session's cookies appear nowhere in the report."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
from click.testing import CliRunner

from nettsjekk.fakenet.login_site import FakeLogin
from nettsjekk.cli.main import cli
from nettsjekk.checkpoints.logins import LoginSetup, login_scripted
from nettsjekk.lists.catalog import load_catalog
from nettsjekk.probes.crawler import crawl, job_for_resource
from nettsjekk.probes.sessions import SessionStore

LOGINDATA = Path(__file__).parent / "logindata"
IDP, SITE = "idp.feide-test.no", "www.lisens-demo.no"
URL = f"https://{SITE}/"
USER = "elev1@testfylke.no"
FAST = {"timeout_s": 2.0, "backoff_s": 0.2, "throttle_start_delay_s": 0.05, "budget_s": 60, "obey_robots": False}


@pytest.fixture()
def catalog():
    return load_catalog([LOGINDATA / "lisens.yaml"], LOGINDATA / "vendors")


def test_without_a_session_the_crawl_reports_the_login_wall_not_a_broken_link(internet, catalog):
    job = job_for_resource(catalog, catalog.resource("lisens-demo"), "drift@testfylke.no", proxy=internet.proxy_url,
                           trust_ca=[str(internet.ca_cert_path)], **FAST)
    assert job.login_hosts == [IDP]
    report = crawl(job)
    start = report.link(URL)
    assert (start.status, start.reason, start.http_status) == ("login_required", "login_host", 302), start
    assert IDP in start.detail
    assert report.broken == [] and report.summary["login_required"] == 1
    assert not any(r.host == IDP for r in internet.requests), "the identity provider is not crawled"


def test_a_401_is_a_login_wall(internet, catalog):
    job = job_for_resource(catalog, catalog.resource("lisens-demo"), "drift@testfylke.no", proxy=internet.proxy_url,
                           trust_ca=[str(internet.ca_cert_path)], **FAST).model_copy(update={"start_urls": [f"{URL}konto/"]})
    report = crawl(job)
    assert (report.link(f"{URL}konto/").status, report.link(f"{URL}konto/").reason) == ("login_required", "http_401")
    assert report.broken == []


@pytest.mark.browser
def test_with_the_saved_session_the_pages_behind_the_login_are_crawled(internet, catalog, browsers, tmp_path,
                                                                       monkeypatch):
    password = secrets.token_urlsafe(16)
    monkeypatch.setenv("NETTSJEKK_TEST_FEIDE_USER", USER)
    monkeypatch.setenv("NETTSJEKK_TEST_FEIDE_PASSWORD", password)
    login = FakeLogin(IDP, [SITE], {USER: password}).install(internet)
    try:
        setup = LoginSetup(catalog, SessionStore(tmp_path / "state"), internet.proxy_url)
        session = login_scripted(setup, "lisens-demo", "chromium", service=browsers)
        cookies = session.storage_state["cookies"]
        internet.requests.clear()
        job = job_for_resource(catalog, catalog.resource("lisens-demo"), "drift@testfylke.no",
                               proxy=internet.proxy_url, cookies=cookies, trust_ca=[str(internet.ca_cert_path)],
                               **FAST)
        assert "value" not in repr(job)
        report = crawl(job)
        cli_result = CliRunner().invoke(cli, [
            "links", "lisens-demo", "--lists", str(LOGINDATA / "lisens.yaml"), "--vendors", str(LOGINDATA / "vendors"),
            "--state-dir", str(tmp_path / "state"), "--proxy", internet.proxy_url, "--trust-ca",
            str(internet.ca_cert_path), "--contact", "drift@testfylke.no", "--timeout", "2", "--ignore-robots"])
    finally:
        login.uninstall(internet)
    assert cli_result.exit_code == 0, cli_result.output
    assert "crawling with the saved login session (chromium, saved" in cli_result.stderr
    cli_report = json.loads(cli_result.stdout)
    assert {link["url"]: link["status"] for link in cli_report["links"]}[f"{URL}kapittel-1.html"] == "ok"
    assert not [c["value"] for c in cookies if c["value"] in cli_result.output]
    assert report.link(URL).status == "ok", report.link(URL)
    assert report.link(f"{URL}kapittel-1.html").status == "ok"
    assert report.pages_crawled >= 2 and report.summary["login_required"] == 0
    assert not any(r.host == IDP for r in internet.requests)
    text = report.to_json()
    leaked = [c["value"] for c in cookies if c["value"] in text]
    assert not leaked and password not in text
    assert json.loads(text)["resource"] == "lisens-demo"
