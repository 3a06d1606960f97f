"""Login walls: recognise that a probe ended on a login page instead of the resource.

A probe has met a login wall when

* the page (or a frame of it) is on a **login host**: an identity provider such as Feide
  (``login_hosts`` of ``vendor_whitelists/_platform.yaml``) or a vendor's own sign-in host (the
  vendor file's ``login_hosts``); the probed URL's own host never counts as one;
* the main document answered **401** (HTTP authentication);
* a visible **password field is the main content**: a page with little other text, or one whose
  address or title says it is a login page (``data/login.yaml``).

Login hosts are data; ``bundled_login_hosts()`` collects them from the bundled vendor files for
callers without a catalog (``nettsjekk probe``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import yaml
from playwright.async_api import Error as PlaywrightError

from nettsjekk.core.hosts import covered_by

if TYPE_CHECKING:
    from playwright.async_api import Frame, Page

log = logging.getLogger(__name__)
DATA_FILE = Path(__file__).parent / "data" / "login.yaml"
FRAME_CHECK_S = 3.0
KINDS = ("login_host", "http_401", "password_form")

_FIELDS_JS = """() => {
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none' && style.opacity !== '0';
  };
  const fields = [...document.querySelectorAll('input[type="password" i]')].filter(shown).length;
  const text = document.body ? (document.body.innerText || '').replace(/\\s+/g, ' ').trim().length : 0;
  return {fields, text, title: document.title || ''};
}"""


@dataclass(frozen=True)
class LoginWall:
    """A login page the probe could not pass: its host, how it was recognised, and where."""

    host: str
    kind: str
    url: str

    def describe(self) -> str:
        how = {"login_host": f"it went to the login host {self.host}",
               "http_401": f"{self.host} answered 401 (a login is required)",
               "password_form": f"{self.host} shows a sign-in form (a password field is the main content)"}
        return how.get(self.kind, self.host)


@dataclass(frozen=True)
class _Heuristics:
    max_text_chars: int
    url_patterns: tuple[re.Pattern[str], ...]
    title_patterns: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def heuristics() -> _Heuristics:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return _Heuristics(int(data["max_text_chars"]),
                       tuple(re.compile(p, re.IGNORECASE) for p in data["url_patterns"]),
                       tuple(re.compile(p, re.IGNORECASE) for p in data["title_patterns"]))




@lru_cache(maxsize=1)
def bundled_login_hosts() -> tuple[str, ...]:
    """Every ``login_hosts`` entry of the bundled vendor files (read plainly; ``nettsjekk validate``
    checks them)."""
    import nettsjekk.vendor_whitelists

    hosts: set[str] = set()
    for path in sorted(Path(nettsjekk.vendor_whitelists.__file__).parent.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:  # a broken vendor file is reported by validate
            log.debug("skipping %s: %s", path, exc)
            continue
        for entry in data.get("login_hosts") or () if isinstance(data, dict) else ():
            if isinstance(entry, str):
                hosts.add(entry.strip().lower())
    return tuple(sorted(hosts))


def login_host_of(url: str, login_hosts: tuple[str, ...], own_host: str = "") -> str | None:
    """The host of ``url`` when it is a login host (and not ``own_host``, the probed resource's)."""
    host = (urlsplit(url).hostname or "").lower()
    if not host or host == own_host.lower():
        return None
    return host if covered_by(host, login_hosts) else None


def wall_for_status(status: int | None, url: str) -> LoginWall | None:
    """A 401 answer of the main document is a login wall."""
    if status == 401:
        return LoginWall((urlsplit(url).hostname or "").lower(), "http_401", url)
    return None


def looks_like_login_page(url: str, title: str) -> bool:
    """The address or title says this is a login page."""
    parts = urlsplit(url)
    where = parts.path + ("?" + parts.query if parts.query else "")
    rules = heuristics()
    return any(p.search(where) for p in rules.url_patterns) or any(p.search(title) for p in rules.title_patterns)


async def find_login_wall(page: Page, login_hosts: tuple[str, ...], own_host: str) -> LoginWall | None:
    """The login wall ``page`` shows now, or None."""
    host = login_host_of(page.url, login_hosts, own_host)
    if host:
        return LoginWall(host, "login_host", page.url)
    for frame in page.frames:
        wall = await _frame_wall(page, frame, login_hosts, own_host)
        if wall:
            return wall
    return None


async def _frame_wall(page: Page, frame: Frame, login_hosts: tuple[str, ...], own_host: str) -> LoginWall | None:
    main = frame == page.main_frame
    if not main and not login_host_of(frame.url, login_hosts, own_host):
        return None  # a password field in some iframe is not the page's main content
    try:
        seen = await asyncio.wait_for(frame.evaluate(_FIELDS_JS), FRAME_CHECK_S)
    except (asyncio.TimeoutError, PlaywrightError) as exc:
        log.debug("login check of %s: %s", frame.url, str(exc).splitlines()[0] if str(exc) else exc)
        return None
    if not seen or not seen.get("fields"):
        return None
    host = (urlsplit(frame.url).hostname or "").lower()
    if not main:
        return LoginWall(host, "login_host", frame.url)
    if seen["text"] <= heuristics().max_text_chars or looks_like_login_page(frame.url, seen.get("title", "")):
        return LoginWall(host, "password_form", frame.url)
    return None
