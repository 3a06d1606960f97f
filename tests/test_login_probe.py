"""Licensed resources behind a login, in Chromium and Firefox, on the fake internet.

``www.lisens-demo.no`` is a licensed resource behind the fake Feide at ``idp.feide-test.no``
(``nettsjekk.fakenet.login_site`` gives them their logic). Without a session a probe meets the
login wall; the vendor's login recipe, with the test account taken from the environment, saves a
session; with it the probe sees what a logged-in pupil sees (a chat and an AI assistant);
after the provider expires its sessions the same session gives ``login_expired``.
"""

from __future__ import annotations

import json
import secrets
import stat
from pathlib import Path

import pytest

from nettsjekk.fakenet.login_site import FakeLogin
from nettsjekk.checkpoints.logins import LoginSetup, login_scripted
from nettsjekk.lists.catalog import load_catalog
from nettsjekk.probes.replay import ReplayOptions, replay
from nettsjekk.probes.sessions import SessionStore

pytestmark = pytest.mark.browser
LOGINDATA = Path(__file__).parent / "logindata"
IDP, SITE = "idp.feide-test.no", "www.lisens-demo.no"
URL = f"https://{SITE}/"
USER = "elev1@testfylke.no"


@pytest.fixture()
def fake_feide(internet, monkeypatch):
    """The fake Feide with one test account, whose name and password are in the environment."""
    password = secrets.token_urlsafe(16)
    monkeypatch.setenv("NETTSJEKK_TEST_FEIDE_USER", USER)
    monkeypatch.setenv("NETTSJEKK_TEST_FEIDE_PASSWORD", password)
    login = FakeLogin(IDP, [SITE], {USER: password}).install(internet)
    yield login, password
    login.uninstall(internet)


@pytest.fixture()
def setup(tmp_path, fake_internet) -> LoginSetup:
    catalog = load_catalog([LOGINDATA / "lisens.yaml"], LOGINDATA / "vendors")
    return LoginSetup(catalog, SessionStore(tmp_path / "state"), fake_internet.proxy_url)


def test_a_licensed_resource_without_session_then_logged_in_then_expired(browsers, fake_internet, fake_feide, setup,
                                                                         engine):
    login, password = fake_feide
    hosts = setup.catalog.login_hosts()
    probe = lambda **extra: browsers.probe(URL, engine, fake_internet.proxy_url, login_hosts=hosts,  # noqa: E731
                                           settle_s=0.5, max_subpages=0, **extra)

    walled = probe(detect=True)
    assert (walled.ok, walled.error) == (False, "login_required")
    assert IDP in walled.error_detail and walled.login.state == "required" and walled.login.host == IDP
    assert walled.login.kind == "login_host" and walled.findings == []
    authorize = next(r.url for r in walled.requests if r.host == IDP)
    assert "state=REDACTED" in authorize and "client_id=www.lisens-demo.no" in authorize

    session = login_scripted(setup, "lisens-demo", engine, service=browsers)
    assert login.logins == 1
    assert stat.S_IMODE(session.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(session.path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(setup.sessions.folder.stat().st_mode) == 0o700
    cookie_values = [c["value"] for c in json.loads(session.path.read_text())["storage_state"]["cookies"]]
    assert cookie_values and set(cookie_values) <= set(login.session_values())

    inside = probe(detect=True, session=session)
    assert inside.ok and inside.error is None, inside.error_detail
    assert inside.login.state == "ok" and inside.login.session_saved_at == session.saved_at
    assert inside.final_url == URL and "innlogget" in inside.title
    rules = {f.rule for f in inside.findings}
    assert {"comm-intercom-messenger", "ai-ui-text"} <= rules, rules

    replayed = browsers.run(replay(browsers.browsers, URL, engine, lambda host: host != "widget.intercom.io",
                                   options=ReplayOptions(proxy=fake_internet.proxy_url, settle_s=0.3, check_links=False,
                                                         storage_state=session.storage_state)))
    assert replayed.works and "innlogget" in replayed.title, replayed.summary()
    assert IDP not in {r.host for r in replayed.requests}, "the exam-mode replay reused the session"
    assert [b.host for b in replayed.denied] == ["widget.intercom.io"]

    login.expire_sessions()
    expired = probe(detect=False, session=session)
    assert (expired.ok, expired.error) == (False, "login_expired")
    assert session.saved_at_text in expired.error_detail and IDP in expired.error_detail
    assert f"nettsjekk login lisens-demo --browser {engine}" in expired.error_detail
    assert expired.login.state == "expired" and expired.login.session_saved_at == session.saved_at

    written = "\n".join(r.to_json() for r in (walled, inside, expired))
    for secret in [*cookie_values, password]:
        assert secret not in written


def test_a_person_logs_in_in_the_browser_window_and_the_session_is_saved(browsers, fake_feide, setup):
    """``nettsjekk login`` without a recipe: the browser waits for the person (here a stand-in that
    types like one) and saves the session once the page is back on the resource, logged in."""
    from nettsjekk.checkpoints.logins import login_manual

    login, password = fake_feide

    async def person(page) -> None:  # noqa: ANN001 - a Playwright page
        await page.wait_for_selector("#password")
        await page.fill("#username", USER)
        await page.fill("#password", password)
        await page.click("#logg-inn")

    session = login_manual(setup, "lisens-demo", "chromium", timeout_s=30, service=browsers, wait_for_enter=False,
                           person=person)
    assert session.method == "manual" and login.logins == 1
    assert {c["name"] for c in session.storage_state["cookies"]} == {"lisens_sesjon", "feide_sso"}
    assert stat.S_IMODE(session.path.stat().st_mode) == 0o600


def test_a_wrong_password_fails_the_scripted_login_without_saying_the_password(browsers, fake_feide, setup,
                                                                              monkeypatch):
    from nettsjekk.core.errors import LoginFailed

    monkeypatch.setenv("NETTSJEKK_TEST_FEIDE_PASSWORD", "feil-passord-123")
    with pytest.raises(LoginFailed) as failure:
        login_scripted(setup, "lisens-demo", "chromium", service=browsers, timeout_s=8)
    assert "feil-passord-123" not in str(failure.value) and "wrong user name or password" in str(failure.value)
    assert fake_feide[0].failed_logins == 1 and setup.sessions.sessions() == []


def test_a_missing_credential_is_named_not_guessed(setup, monkeypatch):
    from nettsjekk.core.errors import ConfigError

    monkeypatch.setenv("NETTSJEKK_TEST_FEIDE_USER", USER)
    monkeypatch.delenv("NETTSJEKK_TEST_FEIDE_PASSWORD", raising=False)
    with pytest.raises(ConfigError, match=r"\$NETTSJEKK_TEST_FEIDE_PASSWORD, which is not set"):
        login_scripted(setup, "lisens-demo", "chromium")


@pytest.mark.parametrize(("path", "kind"), [("/logg-inn.html", "password_form"), ("/konto/", "http_401")])
def test_a_vendors_own_sign_in_form_and_a_401_are_login_walls(browsers, internet, path, kind):
    result = browsers.probe(f"https://{SITE}{path}", "chromium", internet.proxy_url, login_hosts=())
    assert (result.ok, result.error) == (False, "login_required")
    assert (result.login.host, result.login.kind) == (SITE, kind)
    assert SITE in result.error_detail


def test_a_page_with_a_small_login_box_and_real_content_is_not_a_wall(browsers, internet):
    result = browsers.probe(f"https://{SITE}/om-argumentasjon.html", "chromium", internet.proxy_url, login_hosts=())
    assert result.ok and result.error is None and result.login is None
