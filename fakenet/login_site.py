"""A fake identity provider (Feide-like OAuth) and licensed sites that trust it, for tests and the demo.

Real logins need logic (check a password, issue a code, trade it for a session), which routes as
data cannot carry. ``FakeLogin`` registers handlers (``FakeInternet.set_handler``) on one or more
fake-internet locations; the pages themselves stay files in the host folders:

* a **licensed site** (``site_hosts``): every path needs its session cookie. Without one (or with
  one that has expired) it redirects to the identity provider's
  ``/oauth/authorize?client_id=<site>&redirect_uri=https://<site>/callback&state=...``. With one it
  serves its files as usual (``index.html`` is what a logged-in pupil sees). ``/callback?code=``
  trades a one-time code for the session cookie ``lisens_sesjon``.
* the **identity provider** (``idp_host``): ``/oauth/authorize`` answers at once with a code when its
  own single-sign-on cookie ``feide_sso`` is valid, and otherwise shows a login form (user name and
  password) that posts to ``/login``; right credentials set ``feide_sso`` and go back with a code,
  wrong ones show the form again with an error.

Without the handlers (a fake internet that only serves the folders) the sites' ``_routes.yaml``
send every visitor to the identity provider's static ``login.html``: a login wall that never opens.

``expire_sessions()`` makes every session and single-sign-on cookie issued so far invalid, as when
a session times out or the vendor logs everyone out. State is shared by every location the login
is installed on, as a real site's is, and guarded by a lock (each location serves on its own thread).
"""

from __future__ import annotations

import html
import secrets
import threading
from collections.abc import Iterable
from urllib.parse import urlencode, urlsplit

from nettsjekk.fakenet.routes import Route
from nettsjekk.fakenet.server import FakeInternet, HandlerRequest

SITE_COOKIE = "lisens_sesjon"
IDP_COOKIE = "feide_sso"
_LOGIN_PAGE = """<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><title>Logg inn med Feide</title>
<style>body{{font-family:sans-serif;background:#f3f5f8;margin:0}}main{{max-width:360px;margin:60px auto;
background:#fff;padding:32px;border-radius:8px}}label{{display:block;margin-top:12px}}input{{width:100%;padding:8px}}
.feil{{color:#b00020}}</style></head>
<body><main><h1>Feide</h1><p>Logg inn med Feide-brukeren din for å bruke {client}.</p>{error}
<form method="post" action="/login">
<input type="hidden" name="client_id" value="{client}"><input type="hidden" name="redirect_uri" value="{redirect}">
<input type="hidden" name="state" value="{state}">
<label for="username">Brukernavn</label><input id="username" name="username" autocomplete="username">
<label for="password">Passord</label><input id="password" name="password" type="password" autocomplete="current-password">
<p><button id="logg-inn" type="submit">Logg inn</button></p>
</form></main></body></html>
"""


class FakeLogin:
    """An identity provider at ``idp_host`` with ``users`` (name -> password), and the licensed
    ``site_hosts`` that send their visitors to it."""

    def __init__(self, idp_host: str, site_hosts: Iterable[str], users: dict[str, str]) -> None:
        self.idp_host = idp_host.lower()
        self.site_hosts = tuple(h.lower() for h in site_hosts)
        self.users = dict(users)
        self._lock = threading.Lock()
        self._codes: dict[str, tuple[str, str]] = {}
        """One-time code -> (site, user)."""
        self._site_sessions: dict[str, tuple[str, str]] = {}
        """Session cookie value -> (site, user)."""
        self._sso: dict[str, str] = {}
        """Single-sign-on cookie value -> user."""
        self.logins = 0
        """Successful password logins (single sign-on reuse not counted)."""
        self.failed_logins = 0

    # -- set-up ----------------------------------------------------------------------------
    def install(self, *rigs: FakeInternet) -> FakeLogin:
        for rig in rigs:
            rig.set_handler(self.idp_host, "/oauth/authorize", self._authorize)
            rig.set_handler(self.idp_host, "/login", self._login)
            for site in self.site_hosts:
                rig.set_handler(site, "/callback", self._callback)
                rig.set_handler(site, "/*", self._site)
        return self

    def uninstall(self, *rigs: FakeInternet) -> None:
        for rig in rigs:
            rig.set_handler(self.idp_host, "/oauth/authorize", None)
            rig.set_handler(self.idp_host, "/login", None)
            for site in self.site_hosts:
                rig.set_handler(site, "/callback", None)
                rig.set_handler(site, "/*", None)

    def expire_sessions(self) -> None:
        """Every session and single-sign-on cookie issued so far stops working."""
        with self._lock:
            self._site_sessions.clear()
            self._sso.clear()
            self._codes.clear()

    def session_values(self) -> list[str]:
        """The cookie values that are valid now (for tests that look for leaks)."""
        with self._lock:
            return [*self._site_sessions, *self._sso]

    def authorize_url(self, site: str, state: str | None = None) -> str:
        query = urlencode({"client_id": site, "redirect_uri": f"https://{site}/callback", "response_type": "code",
                           "state": state or secrets.token_urlsafe(12)})
        return f"https://{self.idp_host}/oauth/authorize?{query}"

    # -- the licensed site -----------------------------------------------------------------
    def _site(self, request: HandlerRequest) -> Route:
        token = request.cookies.get(SITE_COOKIE, "")
        with self._lock:
            valid = self._site_sessions.get(token, ("", ""))[0] == request.host
        if not valid:
            return Route(status=302, redirect=self.authorize_url(request.host))
        path = request.path.lstrip("/")
        if not path or path.endswith("/"):
            path += "index.html"
        return Route(file=path)

    def _callback(self, request: HandlerRequest) -> Route:
        code = request.query.get("code", "")
        with self._lock:
            site, user = self._codes.pop(code, ("", ""))
            if site != request.host:
                return Route(status=302, redirect=self.authorize_url(request.host))
            token = secrets.token_urlsafe(24)
            self._site_sessions[token] = (site, user)
        return Route(status=302, redirect="/", headers={
            "Set-Cookie": f"{SITE_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=28800"})

    # -- the identity provider ---------------------------------------------------------------
    def _authorize(self, request: HandlerRequest) -> Route:
        query = request.query
        client, redirect = query.get("client_id", ""), query.get("redirect_uri", "")
        if not self._known_client(client, redirect):
            return Route(status=400, body="<!doctype html><title>Ugyldig forespørsel</title><p>Ukjent tjeneste.</p>")
        with self._lock:
            user = self._sso.get(request.cookies.get(IDP_COOKIE, ""))
            if user:
                return Route(status=302, redirect=self._back(client, redirect, query.get("state", ""), user))
        return self._form(client, redirect, query.get("state", ""))

    def _login(self, request: HandlerRequest) -> Route:
        if request.method != "POST":
            return Route(status=405, body="<!doctype html><title>405</title>")
        form = request.form()
        client, redirect, state = form.get("client_id", ""), form.get("redirect_uri", ""), form.get("state", "")
        if not self._known_client(client, redirect):
            return Route(status=400, body="<!doctype html><title>Ugyldig forespørsel</title><p>Ukjent tjeneste.</p>")
        user, password = form.get("username", ""), form.get("password", "")
        if not user or self.users.get(user) != password:
            with self._lock:
                self.failed_logins += 1
            return self._form(client, redirect, state, error="Feil brukernavn eller passord.")
        sso = secrets.token_urlsafe(24)
        with self._lock:
            self.logins += 1
            self._sso[sso] = user
            target = self._back(client, redirect, state, user)
        return Route(status=302, redirect=target, headers={
            "Set-Cookie": f"{IDP_COOKIE}={sso}; Path=/; Secure; HttpOnly; SameSite=Lax"})

    def _back(self, client: str, redirect: str, state: str, user: str) -> str:
        """Issue a one-time code for ``client`` (call with the lock held)."""
        code = secrets.token_urlsafe(16)
        self._codes[code] = (client, user)
        return f"{redirect}?{urlencode({'code': code, 'state': state})}"

    def _known_client(self, client: str, redirect: str) -> bool:
        parts = urlsplit(redirect)
        return client in self.site_hosts and parts.scheme == "https" and parts.hostname == client

    def _form(self, client: str, redirect: str, state: str, error: str = "") -> Route:
        return Route(status=200, body=_LOGIN_PAGE.format(
            client=html.escape(client), redirect=html.escape(redirect), state=html.escape(state),
            error=f'<p class="feil" role="alert">{html.escape(error)}</p>' if error else ""))
