"""Recognises bot walls (challenge pages, CAPTCHAs, bot managers) from status, headers and body.

The signatures live in ``data/botwalls.yaml``. A wall is never a broken link: the crawler reports
``bot_blocked`` and a real browser rechecks it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from nettsjekk.core.hosts import HostPattern
from nettsjekk.probes.crawler.policy import read_yaml

BODY_WINDOW = 64 * 1024


@dataclass(frozen=True)
class Signal:
    """Conditions that must all hold; empty fields are not checked."""

    header: str = ""
    value: re.Pattern[str] | None = None
    body: str = ""
    cookie: str = ""
    host: str = ""

    def matches(self, headers: Mapping[str, str], body: str, cookies: list[str], host: str) -> bool:
        """True when every condition of the signal holds for this answer."""
        if self.header and self.header not in headers:
            return False
        if self.value is not None and not self.value.search(headers.get(self.header, "")):
            return False
        if self.body and self.body not in body:
            return False
        if self.cookie and not any(name.startswith(self.cookie) for name in cookies):
            return False
        return not self.host or HostPattern.domain(self.host).covers(host)

    def describe(self) -> str:
        """The signal as evidence, e.g. ``header cf-mitigated: challenge``."""
        parts = []
        if self.header:
            parts.append(f"header {self.header}" + (f" ~ {self.value.pattern}" if self.value else ""))
        parts += [f"body contains {self.body!r}"] * bool(self.body)
        parts += [f"cookie {self.cookie}*"] * bool(self.cookie)
        parts += [f"host {self.host}"] * bool(self.host)
        return " + ".join(parts)


@dataclass(frozen=True)
class Wall:
    """A recognised bot wall: who runs it and the signal that gave it away."""

    provider: str
    evidence: str


@lru_cache(maxsize=1)
def _walls() -> tuple[frozenset[int], tuple[tuple[str, tuple[Signal, ...]], ...]]:
    data = read_yaml("botwalls.yaml")
    walls = tuple((w["provider"], tuple(_signal(s) for s in w["signals"])) for w in data["walls"])
    return frozenset(data["statuses"]), walls


def _signal(spec: dict) -> Signal:
    value = re.compile(spec["value"], re.IGNORECASE) if "value" in spec else None
    return Signal(spec.get("header", "").lower(), value, spec.get("body", "").lower(),
                  spec.get("cookie", ""), spec.get("host", ""))


def detect_wall(status: int, headers: Mapping[str, str], body: bytes | str = b"", host: str = "",
                set_cookies: list[str] | None = None) -> Wall | None:
    """The bot wall behind an answer, or None. ``headers`` keys must be lower case."""
    statuses, walls = _walls()
    if status not in statuses:
        return None
    text = (body.decode("utf-8", "replace") if isinstance(body, bytes) else body)[:BODY_WINDOW].lower()
    cookies = [c.split("=", 1)[0].strip() for c in set_cookies or ()]
    for provider, signals in walls:
        for signal in signals:
            if signal.matches(headers, text, cookies, host):
                return Wall(provider, signal.describe())
    return None
