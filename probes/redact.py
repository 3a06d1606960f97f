"""Keeps credentials, session cookies and login tokens out of everything nettsjekk writes down.

Logins put secrets where a probe looks: OAuth and SAML hand codes and tokens over in query strings
(``?code=...``, ``#access_token=...``, ``SAMLResponse=...``), and cookies and ``Authorization``
travel in headers. Every URL a probe records, and every header anything records, passes through
here first:

* ``redact_url(url)``: the user name and password in front of the host (``https://user:pass@host/``)
  become ``REDACTED@``, and the value of every sensitive query or fragment parameter
  (``SENSITIVE_PARAMS``, compared case-insensitively) and of a ``;jsessionid=`` path parameter
  becomes ``REDACTED``;
* ``redact_userinfo(url)``: only the user name and password (the link crawler's URLs, which its
  browser recheck must still be able to open);
* ``redact_text(text)``: the same for every http(s) URL inside free text (browser error messages,
  events, evidence snippets);
* ``redact_headers(headers)``: ``Cookie``, ``Set-Cookie``, ``Authorization`` and the like become ``REDACTED``;
* ``scrub(text, secrets)``: known secret values (the cookie values of a saved session, a password)
  are replaced wherever they occur.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

REDACTED = "REDACTED"
SENSITIVE_PARAMS = frozenset(p.lower() for p in (
    "code", "token", "access_token", "id_token", "refresh_token", "SAMLResponse", "SAMLRequest", "SAMLart",
    "RelayState", "state", "session", "session_id", "sessionid", "sid", "jsessionid", "phpsessid", "ticket",
    "password", "passwd", "pwd", "client_secret", "login_hint", "id_token_hint", "nonce", "auth", "authorization",
    "api_key", "apikey", "key", "signature", "sig", "x-amz-signature", "x-amz-credential", "x-amz-security-token",
))
"""Query (and fragment) parameters whose values are never recorded."""
SENSITIVE_HEADERS = frozenset(("cookie", "set-cookie", "authorization", "proxy-authorization", "x-auth-token",
                               "x-csrf-token", "x-xsrf-token", "x-api-key"))
"""Headers whose values are never recorded."""
MIN_SECRET_LENGTH = 6
"""Shorter values are not scrubbed as text (they would also match ordinary words)."""

_URL_IN_TEXT = re.compile(r"""(?:https?|wss?)://[^\s"'<>`\\]+""", re.IGNORECASE)
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#;]*", re.IGNORECASE)


def redact_url(url: str | None) -> str | None:
    """``url`` without its user name and password, and with the values of sensitive parameters
    replaced by ``REDACTED`` (None stays None)."""
    if not url or ("=" not in url and "@" not in url):
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return _USERINFO.sub(r"\1" + REDACTED + "@", _redact_pairs(url))
    netloc = _without_userinfo(parts.netloc)
    path = _PATH_SESSION.sub(lambda m: f";{m.group(1)}={REDACTED}", parts.path)
    query = _redact_pairs(parts.query)
    fragment = _redact_pairs(parts.fragment) if "=" in parts.fragment else parts.fragment
    if (netloc, path, query, fragment) == (parts.netloc, parts.path, parts.query, parts.fragment):
        return url
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


def redact_userinfo(url: str | None) -> str | None:
    """``url`` with only its user name and password replaced (``https://REDACTED@host/``); the rest
    stays as it is, so the address can still be opened (the link crawler's browser recheck opens
    ``openable_url`` of it: the same address without user information)."""
    if not url or "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return _USERINFO.sub(r"\1" + REDACTED + "@", url)
    netloc = _without_userinfo(parts.netloc)
    return url if netloc == parts.netloc else urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def openable_url(url: str) -> str:
    """``url`` as a browser should open it after redaction: ``https://REDACTED@host/`` becomes
    ``https://host/`` (a visit without the user name and password the link carried), where the
    placeholder would otherwise be sent to the server as a user name."""
    parts = urlsplit(url)
    if parts.netloc.startswith(REDACTED + "@"):
        return urlunsplit((parts.scheme, parts.netloc[len(REDACTED) + 1:], parts.path, parts.query, parts.fragment))
    return url


def _without_userinfo(netloc: str) -> str:
    """``user:pass@host:port`` -> ``REDACTED@host:port`` (the last ``@`` ends the user information)."""
    return REDACTED + "@" + netloc.rpartition("@")[2] if "@" in netloc else netloc


def _redact_pairs(text: str) -> str:
    """``a=1&code=xyz`` -> ``a=1&code=REDACTED``; the order and the other values stay as written."""
    if "=" not in text:
        return text
    out = []
    for piece in re.split(r"([&;])", text):
        if piece in ("&", ";") or "=" not in piece:
            out.append(piece)
            continue
        name, _, _ = piece.partition("=")
        decoded = parse_qsl(piece, keep_blank_values=True)
        key = (decoded[0][0] if decoded else name).strip().lower()
        out.append(f"{name}={REDACTED}" if key in SENSITIVE_PARAMS else piece)
    return "".join(out)


def redact_text(text: str | None) -> str | None:
    """Every URL inside ``text`` passed through ``redact_url``."""
    if not text or "://" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)) or "", text)


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """A copy of ``headers`` with credential-bearing values replaced and URLs redacted."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name: REDACTED if name.lower() in SENSITIVE_HEADERS else (redact_text(value) or value)
            for name, value in items}


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret (raw, URL-encoded or JSON-escaped) replaced."""
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), _json_escaped(secret)}:
            if form in text:
                text = text.replace(form, REDACTED)
    return text


def _json_escaped(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)[1:-1]
