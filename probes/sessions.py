"""Saved login sessions: one Playwright ``storage_state`` per resource and engine, kept safe.

A session is what a browser holds after a person (or a login recipe) logged in with the county's
test account: cookies and local storage. ``nettsjekk login`` saves it; probes, detection, the link
crawl and the exam-mode replay of that resource reuse it, so they see what a logged-in pupil sees.

Where: ``<state folder>/sessions/<resource>/<engine>.json``. The state folder is ``state_dir:`` of
``nettsjekk.yaml``, else ``$NETTSJEKK_STATE_DIR``, else ``$XDG_STATE_HOME/nettsjekk``, else
``~/.local/state/nettsjekk``: outside the repository. Folders are created ``0700`` (with a
``.gitignore`` of ``*``, so no session is ever committed, wherever the folder is), files are
written ``0600`` atomically, and a file that others can read is tightened before use.

A ``Session`` never shows its cookies: its ``repr`` names the resource, engine and time only, and
``secrets()`` lists the values that must be scrubbed from anything written (see ``redact.scrub``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from nettsjekk.core.errors import ConfigError
from nettsjekk.probes.redact import MIN_SECRET_LENGTH

log = logging.getLogger(__name__)
SESSIONS = "sessions"
FORMAT = "nettsjekk-session/1"
ENGINE_ORDER = ("chromium", "firefox", "webkit")


def default_state_dir() -> Path:
    """``$NETTSJEKK_STATE_DIR``, else ``$XDG_STATE_HOME/nettsjekk``, else ``~/.local/state/nettsjekk``."""
    if os.environ.get("NETTSJEKK_STATE_DIR"):
        return Path(os.environ["NETTSJEKK_STATE_DIR"]).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base).expanduser() / "nettsjekk"


def state_dir(configured: Path | str | None = None) -> Path:
    """The state folder: ``configured`` (``state_dir:`` of the configuration) or the default."""
    return Path(configured).expanduser() if configured else default_state_dir()


@dataclass(frozen=True, repr=False)
class Session:
    """A saved login of one resource in one engine. ``storage_state`` goes to
    ``Browsers.new_context``; nothing else of it may be written anywhere."""

    resource_id: str
    engine: str
    saved_at: str
    """UTC, ISO 8601."""
    method: str
    """``manual`` (a person logged in) or ``scripted`` (a login recipe)."""
    url: str
    path: Path
    storage_state: dict = field(compare=False)

    def __repr__(self) -> str:
        return f"Session({self.resource_id!r}, {self.engine!r}, saved_at={self.saved_at!r}, method={self.method!r})"

    __str__ = __repr__

    def secrets(self) -> list[str]:
        """Every cookie and storage value long enough to be a secret."""
        values = [c.get("value", "") for c in self.storage_state.get("cookies", [])]
        for origin in self.storage_state.get("origins", []):
            values += [item.get("value", "") for item in origin.get("localStorage", [])]
        return [v for v in values if isinstance(v, str) and len(v) >= MIN_SECRET_LENGTH]

    @property
    def saved_at_text(self) -> str:
        """``2026-11-23 14:02 UTC`` for messages."""
        try:
            return dt.datetime.fromisoformat(self.saved_at).strftime("%Y-%m-%d %H:%M UTC")
        except ValueError:
            return self.saved_at


class SessionStore:
    """The sessions in one state folder."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = state_dir(root)

    @property
    def folder(self) -> Path:
        return self.root / SESSIONS

    def path(self, resource_id: str, engine: str) -> Path:
        _check_name(resource_id, "resource id")
        _check_name(engine, "engine")
        return self.folder / resource_id / f"{engine}.json"

    # -- writing ---------------------------------------------------------------------------
    def save(self, resource_id: str, engine: str, storage_state: dict, *, url: str, method: str) -> Session:
        """Write the session (``0600`` in ``0700`` folders) and return it."""
        path = self.path(resource_id, engine)
        for folder in (self.root, self.folder, path.parent):
            _private_dir(folder)
        _ignore_everything(self.root)
        saved_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        document = {"format": FORMAT, "resource": resource_id, "engine": engine, "saved_at": saved_at,
                    "method": method, "url": url, "storage_state": storage_state}
        _write_private(path, json.dumps(document, ensure_ascii=False))
        log.info("saved the %s session of %s (%d cookies) in %s", engine, resource_id,
                 len(storage_state.get("cookies", [])), path)
        return Session(resource_id, engine, saved_at, method, url, path, storage_state)

    def forget(self, resource_id: str, engine: str | None = None) -> list[Path]:
        """Delete the session of ``resource_id`` in ``engine`` (every engine when None)."""
        folder = self.folder / resource_id
        _check_name(resource_id, "resource id")
        targets = [self.path(resource_id, engine)] if engine else sorted(folder.glob("*.json"))
        removed = []
        for target in targets:
            if target.is_file():
                target.unlink()
                removed.append(target)
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        return removed

    # -- reading ---------------------------------------------------------------------------
    def load(self, resource_id: str, engine: str) -> Session | None:
        """The session saved for ``resource_id`` in exactly ``engine``, or None."""
        path = self.path(resource_id, engine)
        if not path.is_file():
            return None
        _tighten(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or not isinstance(data.get("storage_state"), dict):
                raise ValueError("not a nettsjekk session file")
            return Session(data["resource"], data["engine"], data["saved_at"], data.get("method", "manual"),
                           data.get("url", ""), path, data["storage_state"])
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring the session file %s: %s", path, exc)
            return None

    def find(self, resource_id: str, engine: str) -> Session | None:
        """The session for ``engine``, else one saved in another engine (cookies work across
        engines), else None."""
        own = self.load(resource_id, engine)
        if own is not None:
            return own
        for other in ENGINE_ORDER:
            if other != engine:
                found = self.load(resource_id, other)
                if found is not None:
                    return found
        return None

    def sessions(self) -> list[Session]:
        """Every saved session, by resource and engine."""
        found = []
        if self.folder.is_dir():
            for path in sorted(self.folder.glob("*/*.json")):
                session = self.load(path.parent.name, path.stem)
                if session is not None:
                    found.append(session)
        return found


def session_cookies(resource_id: str, engine: str, *, state: Path | str | None = None,
                    url: str | None = None) -> list[dict]:
    """The cookies of the saved session of ``resource_id`` (``engine``'s, or another engine's),
    as Playwright cookie dicts (``name``, ``value``, ``domain``, ``path``, ``expires``,
    ``httpOnly``, ``secure``, ``sameSite``); only those sent to ``url`` when given. Empty when
    there is no session. For the link crawler: never log or record the values.
    """
    session = SessionStore(state).find(resource_id, engine)
    if session is None:
        return []
    cookies = [dict(c) for c in session.storage_state.get("cookies", [])]
    return cookies if url is None else cookies_for(cookies, url)


def cookies_for(cookies: list[dict], url: str) -> list[dict]:
    """Those of ``cookies`` a browser sends to ``url`` (domain, path and ``secure``; expiry is the site's call)."""
    parts = urlsplit(url)
    host, path = (parts.hostname or "").lower(), parts.path or "/"
    return [c for c in cookies if _cookie_matches(c, host, path, parts.scheme)]


def cookie_header(cookies: list[dict]) -> str:
    """``name=value; name2=value2`` for a ``Cookie`` request header."""
    return "; ".join(f"{c['name']}={c['value']}" for c in cookies)


def _cookie_matches(cookie: dict, host: str, path: str, scheme: str) -> bool:
    domain = str(cookie.get("domain", "")).lower()
    if domain.startswith("."):
        domain_ok = host == domain[1:] or host.endswith(domain)
    else:
        domain_ok = host == domain
    cookie_path = cookie.get("path") or "/"
    path_ok = path == cookie_path or path.startswith(cookie_path.rstrip("/") + "/") or cookie_path == "/"
    return domain_ok and path_ok and (scheme == "https" or not cookie.get("secure"))


def _check_name(value: str, what: str) -> None:
    if not value or "/" in value or "\\" in value or value.startswith(".") or "\0" in value:
        raise ConfigError(f"{value!r} is not a valid {what}")


def _private_dir(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o077:
        folder.chmod(0o700)


def _ignore_everything(root: Path) -> None:
    marker = root / ".gitignore"
    if not marker.exists():
        marker.write_text("# nettsjekk's state: saved login sessions. Never commit them.\n*\n", encoding="utf-8")


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by the owner only."""
    fd, tmp = tempfile.mkstemp(prefix=".session-", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    path.chmod(0o600)


def _tighten(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("the session file %s was readable by others (mode %o); it is now 0600", path, mode)
        path.chmod(0o600)
