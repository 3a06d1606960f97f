"""Sessions, redaction, login recipes, the fake identity provider and ``nettsjekk login``, without browsers."""

from __future__ import annotations

import stat
import urllib.request
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from nettsjekk.fakenet import FakeInternet, HandlerRequest, Route
from nettsjekk.fakenet.login_site import IDP_COOKIE, SITE_COOKIE, FakeLogin
from nettsjekk.cli.login import register
from nettsjekk.reports.build import _login
from nettsjekk.lists.catalog import validate_paths
from nettsjekk.lists.recipes import LoginRecipe
from nettsjekk.probes.redact import REDACTED, redact_headers, redact_text, redact_url, scrub
from nettsjekk.probes.results import LoginInfo, ProbeResult
from nettsjekk.probes.sessions import SessionStore, cookie_header, session_cookies

LOGINDATA = Path(__file__).parent / "logindata"
SITES = Path(__file__).parent / "sites"
STATE = {"cookies": [
    {"name": "lisens_sesjon", "value": "hemmelig-okt-verdi-123", "domain": "www.lisens-demo.no", "path": "/",
     "expires": -1, "httpOnly": True, "secure": True, "sameSite": "Lax"},
    {"name": "feide_sso", "value": "hemmelig-sso-verdi-456", "domain": ".feide-test.no", "path": "/",
     "expires": -1, "httpOnly": True, "secure": True, "sameSite": "Lax"}],
    "origins": [{"origin": "https://www.lisens-demo.no", "localStorage": [{"name": "t", "value": "lagret-token-789"}]}]}


# ---------------------------------------------------------------- redaction


@pytest.mark.parametrize(("url", "expected"), [
    ("https://sp.no/cb?code=abc123&state=xyz", f"https://sp.no/cb?code={REDACTED}&state={REDACTED}"),
    ("https://idp.no/sso?SAMLRequest=PHNh%2Bx&RelayState=r1&lang=nb",
     f"https://idp.no/sso?SAMLRequest={REDACTED}&RelayState={REDACTED}&lang=nb"),
    ("https://sp.no/#access_token=t0k&id_token=j.w.t&expires_in=3600",
     f"https://sp.no/#access_token={REDACTED}&id_token={REDACTED}&expires_in=3600"),
    ("https://sp.no/app;jsessionid=ABC123?x=1", f"https://sp.no/app;jsessionid={REDACTED}?x=1"),
    ("https://sp.no/search?q=code&page=2", "https://sp.no/search?q=code&page=2"),
    ("https://sp.no/", "https://sp.no/"),
])
def test_redact_url(url, expected):
    assert redact_url(url) == expected


def test_redact_text_headers_and_scrub():
    text = "net::ERR_FAILED at https://sp.no/cb?code=abc&session=s1 (popup https://x.no/?token=t)"
    assert "abc" not in redact_text(text) and "s1" not in redact_text(text) and "=t)" not in redact_text(text)
    headers = redact_headers({"Cookie": "a=b", "Set-Cookie": "c=d", "Authorization": "Bearer x", "Accept": "*/*",
                              "Referer": "https://sp.no/?code=1"})
    assert headers == {"Cookie": REDACTED, "Set-Cookie": REDACTED, "Authorization": REDACTED, "Accept": "*/*",
                       "Referer": f"https://sp.no/?code={REDACTED}"}
    assert scrub('{"v": "x hemmelig/verdi y", "u": "a=hemmelig%2Fverdi", "k": "kort"}', ["hemmelig/verdi", "kort"]) \
        == '{"v": "x REDACTED y", "u": "a=REDACTED", "k": "kort"}'


# ---------------------------------------------------------------- the session store


def test_sessions_are_private_ignored_by_git_found_across_engines_and_forgotten(tmp_path):
    store = SessionStore(tmp_path / "state")
    session = store.save("lisens-demo", "chromium", STATE, url="https://www.lisens-demo.no/", method="scripted")
    assert stat.S_IMODE(session.path.stat().st_mode) == 0o600
    for folder in (store.root, store.folder, session.path.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert (store.root / ".gitignore").read_text().splitlines()[-1] == "*"
    assert "hemmelig" not in repr(session) and "hemmelig" not in str(session)
    assert set(session.secrets()) == {"hemmelig-okt-verdi-123", "hemmelig-sso-verdi-456", "lagret-token-789"}

    assert store.find("lisens-demo", "firefox").engine == "chromium"  # cookies work across engines
    assert store.load("lisens-demo", "firefox") is None
    session.path.chmod(0o644)
    assert store.load("lisens-demo", "chromium").saved_at == session.saved_at
    assert stat.S_IMODE(session.path.stat().st_mode) == 0o600  # tightened before use
    assert [s.engine for s in store.sessions()] == ["chromium"]

    assert store.forget("lisens-demo") == [session.path] and store.sessions() == []
    assert not (store.folder / "lisens-demo").exists()


def test_session_cookies_for_the_link_crawler(tmp_path, monkeypatch):
    monkeypatch.setenv("NETTSJEKK_STATE_DIR", str(tmp_path))
    SessionStore().save("lisens-demo", "firefox", STATE, url="https://www.lisens-demo.no/", method="manual")
    assert len(session_cookies("lisens-demo", "chromium")) == 2
    sent = session_cookies("lisens-demo", "chromium", url="https://www.lisens-demo.no/kapittel-1.html")
    assert [c["name"] for c in sent] == ["lisens_sesjon"]
    assert [c["name"] for c in session_cookies("lisens-demo", "firefox", url="https://idp.feide-test.no/x")] == [
        "feide_sso"]
    assert session_cookies("lisens-demo", "firefox", url="http://www.lisens-demo.no/") == []  # secure cookies
    assert cookie_header(sent) == "lisens_sesjon=hemmelig-okt-verdi-123"
    assert session_cookies("ukjent", "chromium") == []


# ---------------------------------------------------------------- recipes and vendor files


@pytest.mark.parametrize(("credentials", "message"), [
    ({"password": "hunter2"}, "never written in YAML"),
    ({"password": {"env": "A", "secret": "b"}}, "exactly one of env"),
    ({"password": {"env": "lower-case"}}, "not an environment variable name"),
])
def test_a_recipe_never_holds_a_credential(credentials, message):
    with pytest.raises(ValueError, match=message):
        LoginRecipe.model_validate({"steps": [{"click": "#x"}], "success": {"selector": "#in"},
                                    "credentials": credentials})


def test_a_recipe_fills_only_named_credentials():
    with pytest.raises(ValueError, match="'pin' is not under credentials"):
        LoginRecipe.model_validate({"steps": [{"fill": {"selector": "#p", "credential": "pin"}}],
                                    "success": {"url": "^https://x/"}, "credentials": {"password": {"env": "PW"}}})


def test_credentials_come_from_the_environment_or_a_prefect_secret_block(monkeypatch):
    from prefect.blocks import system

    from nettsjekk.checkpoints.logins import resolve_credentials
    from nettsjekk.core.errors import ConfigError

    class FakeSecret:
        def __init__(self, value: str) -> None:
            self.value = value

        def get(self) -> str:
            return self.value

    blocks = {"feide-test-password": FakeSecret("fra-blokka-123")}
    monkeypatch.setattr(system.Secret, "load", classmethod(lambda cls, name: blocks[name]))
    monkeypatch.setenv("NETTSJEKK_FEIDE_USER", "elev@skole.no")
    recipe = LoginRecipe.model_validate({
        "steps": [{"fill": {"selector": "#u", "credential": "username"}},
                  {"fill": {"selector": "#p", "credential": "password"}}],
        "success": {"selector": "#in"},
        "credentials": {"username": {"env": "NETTSJEKK_FEIDE_USER"}, "password": {"secret": "feide-test-password"}}})
    assert resolve_credentials(recipe, "acme") == {"username": "elev@skole.no", "password": "fra-blokka-123"}
    del blocks["feide-test-password"]
    with pytest.raises(ConfigError, match="Prefect Secret block 'feide-test-password', which could not be read"):
        resolve_credentials(recipe, "acme")


def test_login_hosts_must_be_opened_by_the_vendor_file(tmp_path):
    vendor = tmp_path / "vendor_whitelists" / "acme.yaml"
    vendor.parent.mkdir()
    vendor.write_text("id: acme\nname: Acme\nsources: [s]\ndomains: [www.acme.no, '*.acme-login.no']\n"
                      "login_hosts:\n  - login.acme-login.no\n  - idp.elsewhere.no\n", encoding="utf-8")
    problems, _ = validate_paths([str(vendor)])
    assert problems == [f"{vendor}:7: login_hosts[1]: 'idp.elsewhere.no' is not under domains (a login host must "
                        "be reachable in the exam network); add it there"]


# ---------------------------------------------------------------- the fake internet's handlers


def test_a_handler_gives_a_host_logic_and_falls_back_to_its_files():
    seen: list[HandlerRequest] = []

    def handler(request: HandlerRequest) -> Route | None:
        seen.append(request)
        if request.method == "POST":
            return Route(status=303, redirect="/takk", headers={"Set-Cookie": f"u={request.form()['navn']}"})
        return None if request.query.get("fil") else Route(body=f"hei {request.cookies.get('u', 'ukjent')}")

    with FakeInternet([SITES]) as rig:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": rig.proxy_url}),
                                             _NoRedirect())
        rig.set_handler("www.eksamensressurs.no", "/skjema*", handler)
        get = urllib.request.Request("http://www.eksamensressurs.no/skjema/a?x=1", headers={"Cookie": "u=kari"})
        assert opener.open(get).read() == b"hei kari"
        post = urllib.request.Request("http://www.eksamensressurs.no/skjema", data=b"navn=ola", method="POST")
        with pytest.raises(urllib.error.HTTPError) as answer:
            opener.open(post)
        assert answer.value.code == 303 and answer.value.headers["Set-Cookie"] == "u=ola"
        with pytest.raises(urllib.error.HTTPError) as fallback:  # None: the host answers as without handler
            opener.open("http://www.eksamensressurs.no/skjema/b?fil=1")
        assert fallback.value.code == 404
        rig.set_handler("www.eksamensressurs.no", "/skjema*", None)
        assert b"<html" in opener.open("http://www.eksamensressurs.no/").read().lower()
    assert [(r.method, r.path, r.host) for r in seen] == [("GET", "/skjema/a", "www.eksamensressurs.no"),
                                                          ("POST", "/skjema", "www.eksamensressurs.no"),
                                                          ("GET", "/skjema/b", "www.eksamensressurs.no")]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


def _request(method: str, host: str, target: str, cookies: dict | None = None, body: bytes = b"") -> HandlerRequest:
    cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
    return HandlerRequest(method, "https", host, target, {"cookie": cookie} if cookie else {}, body)


def test_the_fake_identity_provider_logs_in_issues_one_time_codes_and_expires_sessions():
    login = FakeLogin("idp.feide-test.no", ["www.lisens-demo.no"], {"elev": "riktig-passord"})
    away = login._site(_request("GET", "www.lisens-demo.no", "/"))
    assert away.status == 302 and away.redirect.startswith("https://idp.feide-test.no/oauth/authorize?")
    form = login._authorize(_request("GET", "idp.feide-test.no", away.redirect.split("idp.feide-test.no", 1)[1]))
    assert 'type="password"' in form.body and "www.lisens-demo.no" in form.body
    fields = "client_id=www.lisens-demo.no&redirect_uri=https%3A%2F%2Fwww.lisens-demo.no%2Fcallback&state=s1"
    wrong = login._login(_request("POST", "idp.feide-test.no", "/login", body=f"{fields}&username=elev&"
                                                                              "password=feil".encode()))
    assert wrong.status == 200 and "Feil brukernavn" in wrong.body and login.failed_logins == 1
    right = login._login(_request("POST", "idp.feide-test.no", "/login", body=f"{fields}&username=elev&"
                                                                              "password=riktig-passord".encode()))
    assert right.status == 302 and right.headers["Set-Cookie"].startswith(f"{IDP_COOKIE}=")
    callback = right.redirect.split("www.lisens-demo.no", 1)[1]
    assert "state=s1" in callback
    back = login._callback(_request("GET", "www.lisens-demo.no", callback))
    token = back.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    assert "HttpOnly" in back.headers["Set-Cookie"] and "Secure" in back.headers["Set-Cookie"]
    assert login._callback(_request("GET", "www.lisens-demo.no", callback)).redirect.startswith("https://idp")  # once
    assert login._site(_request("GET", "www.lisens-demo.no", "/", {SITE_COOKIE: token})).file == "index.html"
    login.expire_sessions()
    assert login._site(_request("GET", "www.lisens-demo.no", "/", {SITE_COOKIE: token})).status == 302


# ---------------------------------------------------------------- the CLI and the test template


@pytest.fixture()
def cli_group():
    @click.group()
    def cli() -> None:
        pass

    register(cli)
    return cli


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "nettsjekk.yaml"
    path.write_text(f"lists: [{LOGINDATA / 'lisens.yaml'}]\nvendor_dir: {LOGINDATA / 'vendors'}\nstate_dir: state\n",
                    encoding="utf-8")
    return path


def test_login_refuses_without_a_display_and_lists_and_forgets_sessions(cli_group, tmp_path):
    config = _config(tmp_path)
    runner = CliRunner()
    refused = runner.invoke(cli_group, ["login", "lisens-demo", "--config", str(config)], env={"DISPLAY": "",
                                                                                             "WAYLAND_DISPLAY": ""})
    assert refused.exit_code != 0 and "xvfb-run" in str(refused.exception) and "--scripted" in str(refused.exception)

    store = SessionStore(tmp_path / "state")
    store.save("lisens-demo", "chromium", STATE, url="https://www.lisens-demo.no/", method="manual")
    listed = runner.invoke(cli_group, ["login", "--list", "--config", str(config)])
    assert listed.exit_code == 0 and "lisens-demo" in listed.output and "chromium" in listed.output
    assert "hemmelig" not in listed.output
    forgot = runner.invoke(cli_group, ["login", "--forget", "lisens-demo", "--config", str(config)])
    assert forgot.exit_code == 0 and "deleted 1 session file" in forgot.output and store.sessions() == []
    unknown = runner.invoke(cli_group, ["login", "ukjent", "--config", str(config)])
    assert unknown.exit_code != 0 and "unknown resource id 'ukjent'" in str(unknown.exception)


def test_the_login_column_of_the_test_template():
    def result(state: str | None) -> ProbeResult:
        return ProbeResult(url="https://x.no/", browser="chromium", login=LoginInfo(state=state) if state else None)

    assert [_login("feide", result(s)) for s in ("ok", "expired", "required", None)] == [
        "yes", "expired", "no", "not_tested"]
    assert _login("none", result(None)) == "not_needed" and _login("none", result("required")) == "no"
