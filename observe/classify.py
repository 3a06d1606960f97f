"""Each host of the log in one of three classes: allowed by the allowlist in force, forbidden by the
deny catalog (with its category), or other; hosts of the ignore list are left out altogether.

The allowlist is anything with ``entry_for(host)``: the entry that lets ``host`` through, or None
(an allowlist file read back by ``allowlists.readback``, or one compiled by ``allowlists.compiler``).
Answers are cached per host, so a log of millions of lines costs one lookup per distinct host.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict, Field

from nettsjekk.core.deny import DenyCatalog, load_deny_catalog
from nettsjekk.core.yamldoc import load_model

IGNORE_FILE = Path(__file__).parent / "ignore_hosts.yaml"
ALLOWED, FORBIDDEN, OTHER, IGNORED = "allowed", "forbidden", "other", "ignored"


class AllowlistInForce(Protocol):
    def entry_for(self, host: str) -> str | None: ...


class _IgnoreHost(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    host: str
    why: str = Field(min_length=3)


class _IgnoreFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: str
    hosts: list[_IgnoreHost]


def default_ignore_hosts() -> list[str]:
    """The sourced default list of update, telemetry and certificate hosts (``ignore_hosts.yaml``)."""
    return [entry.host for entry in load_model(IGNORE_FILE, _IgnoreFile).hosts]


class Verdict(NamedTuple):
    kind: str
    """``allowed``, ``forbidden``, ``other`` or ``ignored``."""
    category: str | None
    allowed_by: str | None


def _covered(host: str, domains: frozenset[str]) -> bool:
    labels = host.split(".")
    return any(".".join(labels[start:]) in domains for start in range(len(labels)))


class Classifier:
    """Sorts hosts; ``categories`` are the deny categories that count as observations (others: ``other``)."""

    def __init__(self, allowlist: AllowlistInForce | None, categories: tuple[str, ...] | None = None,
                 ignore: list[str] = (), deny: DenyCatalog | None = None) -> None:
        self.allowlist = allowlist
        self.categories = set(categories) if categories is not None else None
        self.ignore = frozenset(host.lower().rstrip(".") for host in ignore)
        self.deny = deny or load_deny_catalog()
        self._cache: dict[str, Verdict] = {}

    def __call__(self, host: str) -> Verdict:
        verdict = self._cache.get(host)
        if verdict is None:
            verdict = self._cache[host] = self._classify(host)
        return verdict

    def _classify(self, host: str) -> Verdict:
        if _covered(host, self.ignore):
            return Verdict(IGNORED, None, None)
        allowed_by = self.allowlist.entry_for(host) if self.allowlist is not None else None
        entry = self.deny.match(host)
        if entry is not None and (self.categories is None or entry.category in self.categories):
            return Verdict(FORBIDDEN, entry.category, allowed_by)
        return Verdict(ALLOWED if allowed_by else OTHER, None, allowed_by)
