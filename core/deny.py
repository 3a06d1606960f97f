"""The deny catalog (``core/deny.yaml``): destinations an exam network never opens.

Entries are domains by category (ai, translation, search_engine, communication, social, video,
compromised). An entry covers its host and every subdomain; when entries nest, the most specific
one answers (``translate.google.com`` is translation, ``www.google.com`` search_engine).

Families of domains (Google's ~190 country domains, Yandex's regional ones) are written once as data
under ``generated:``: a source, the date the list was taken, the domains, and one entry template per
category (``translate.{domain}``). A host written out under ``categories:`` wins over a generated one.

>>> deny_category("generativelanguage.googleapis.com")
'ai'
>>> deny_category("fonts.googleapis.com") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from nettsjekk.core.domains import normalize_hostname
from nettsjekk.core.errors import InvalidHostname
from nettsjekk.core.yamldoc import load_model
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from nettsjekk.core.hosts import HostPattern, domains_covering

DATA_FILE = Path(__file__).parent / "deny.yaml"
CATEGORIES = ("ai", "translation", "search_engine", "communication", "social", "video", "compromised")
Category = Literal["ai", "translation", "search_engine", "communication", "social", "video", "compromised"]


class DenyHost(BaseModel):
    """One denied domain (subdomains included) and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str
    reason: str = Field(min_length=3)
    source: str = ""

    @field_validator("host")
    @classmethod
    def _domain(cls, value: str) -> str:
        if value.startswith("*."):
            raise ValueError(f"{value!r}: write the domain without '*.'; an entry always covers its subdomains")
        if "." not in value.rstrip("."):
            raise ValueError(f"{value!r} is not a domain (expected something like 'youtube.com')")
        try:
            return HostPattern.domain(value).base
        except InvalidHostname as exc:
            raise ValueError(str(exc)) from None


class DenyGroup(BaseModel):
    """A category: what it is, and its hosts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field(min_length=3)
    hosts: list[DenyHost] = Field(min_length=1)


class DenyTemplate(BaseModel):
    """One entry per domain of a family: ``host`` and ``reason`` with ``{domain}`` in them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: Category
    host: str = Field(pattern=r"\{domain\}")
    reason: str = Field(min_length=3)


class DenyFamily(BaseModel):
    """Domains of one operator, denied alike (e.g. Google search and Translate on every country domain)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=3)
    source: str = Field(min_length=3, description="where the list of domains comes from (URL)")
    as_of: str = Field(min_length=4, description="when the list was taken, and how")
    domains: list[str] = Field(min_length=1)
    entries: list[DenyTemplate] = Field(min_length=1)

    def expand(self) -> list[tuple[str, DenyHost]]:
        """``(category, entry)`` for every domain and template, each host validated like a written one."""
        source = f"{self.source} ({self.as_of})"
        return [(t.category, DenyHost(host=t.host.format(domain=d), reason=t.reason.format(domain=d), source=source))
                for d in self.domains for t in self.entries]


class DenyFile(BaseModel):
    """The whole catalog file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    categories: dict[Category, DenyGroup]
    generated: list[DenyFamily] = Field(default_factory=list)

    @model_validator(mode="after")
    def _each_host_once(self) -> DenyFile:
        first: dict[str, str] = {}
        details = []
        for category, group in self.categories.items():
            for index, entry in enumerate(group.hosts):
                if entry.host in first:
                    message = f"{entry.host!r} is already listed under {first[entry.host]}"
                    error = PydanticCustomError("nettsjekk", "{message}", {"message": message})
                    details.append(InitErrorDetails(type=error, loc=("categories", category, "hosts", index, "host"),
                                                    input=entry.host))
                first.setdefault(entry.host, category)
        if details:
            raise ValidationError.from_exception_data("nettsjekk", details)
        return self


@dataclass(frozen=True)
class DenyEntry:
    """A denied domain with its category and reason."""

    host: str
    category: str
    reason: str
    source: str = ""


@dataclass(frozen=True)
class DenyCatalog:
    """Denied domains by host, with most-specific-first lookup."""

    version: str
    entries: dict[str, DenyEntry]

    def match(self, host: str) -> DenyEntry | None:
        """The most specific entry covering ``host`` (a normalised hostname), or None."""
        return next((self.entries[d] for d in domains_covering(host) if d in self.entries), None)

    def overlapping(self, pattern: HostPattern) -> list[DenyEntry]:
        """Entries that ``pattern`` would open some host of, most specific first."""
        found = self.match(pattern.base)
        hits = [found] if found is not None else []
        if pattern.wildcard:
            hits += [e for host, e in sorted(self.entries.items()) if host != pattern.base and pattern.covers(host)]
        return hits

    def hosts(self, category: str | None = None) -> list[DenyEntry]:
        """Every entry (of ``category``), sorted by host."""
        return [e for _, e in sorted(self.entries.items()) if category is None or e.category == category]


def load_deny_catalog(path: Path | None = None) -> DenyCatalog:
    """Read a deny catalog; ``None`` is the bundled one. Raises ``ListFileError`` naming file and line."""
    return _load(path or DATA_FILE)


@lru_cache(maxsize=4)
def _load(path: Path) -> DenyCatalog:
    data = load_model(path, DenyFile)
    entries = {
        entry.host: DenyEntry(entry.host, category, entry.reason, entry.source)
        for family in data.generated
        for category, entry in family.expand()
    }
    entries.update({
        entry.host: DenyEntry(entry.host, category, entry.reason, entry.source)
        for category, group in data.categories.items()
        for entry in group.hosts
    })
    return DenyCatalog(data.version, entries)


def deny_category(host: str) -> str | None:
    """The deny category of ``host`` (``ai``, ``translation``, ...), or None when it is not denied.

    ``host`` may be written any way a URL holds it (upper case, IDN, trailing dot); something that
    is not a hostname at all is not denied (None).
    """
    try:
        name = normalize_hostname(host)
    except InvalidHostname:
        return None
    entry = load_deny_catalog().match(name)
    return entry.category if entry else None
