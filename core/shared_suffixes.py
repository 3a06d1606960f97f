"""Shared infrastructure that no wildcard may cover (``core/shared_suffixes.yaml``).

A wildcard ``*.base`` is refused when ``base``

* is a public or private suffix of tldextract's bundled Public Suffix List (``*.no``, ``*.github.io``);
* is a shared-infrastructure domain from the data file (``*.gstatic.com``);
* lies above one (``*.cloudflare.com`` would cover ``cdnjs.cloudflare.com``);
* lies below one without being a tenant of its own: ``*.cdn.jsdelivr.net`` is refused, while
  ``*.d111abc.cloudfront.net`` (a registered domain of its own under the private suffix
  ``cloudfront.net``) is allowed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from nettsjekk.core.domains import (
    normalize_hostname,
    public_suffix,
    registered_domain,
)
from nettsjekk.core.errors import InvalidHostname
from nettsjekk.core.yamldoc import load_model
from pydantic import BaseModel, ConfigDict, Field, field_validator

DATA_FILE = Path(__file__).parent / "shared_suffixes.yaml"


class SharedSuffix(BaseModel):
    """One shared-infrastructure domain and why it is shared."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    suffix: str
    reason: str = Field(min_length=3)

    @field_validator("suffix")
    @classmethod
    def _valid_domain(cls, value: str) -> str:
        try:
            host = normalize_hostname(value)
        except InvalidHostname as exc:
            raise ValueError(str(exc)) from None
        if "." not in host:
            raise ValueError(f"{value!r} is not a domain (expected something like 'cloudfront.net')")
        return host


class SharedSuffixFile(BaseModel):
    """The data file: a list of shared suffixes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    suffixes: list[SharedSuffix] = Field(min_length=1)


@lru_cache(maxsize=4)
def shared_suffixes(path: Path = DATA_FILE) -> dict[str, str]:
    """Shared domain -> reason, from ``path`` (the bundled data file by default)."""
    data = load_model(path, SharedSuffixFile)
    return {entry.suffix: entry.reason for entry in data.suffixes}


def wildcard_refusal(base: str, suffixes: dict[str, str] | None = None) -> str | None:
    """Why ``*.base`` may not be exported, or None when it may. ``base`` is a normalised host."""
    table = shared_suffixes() if suffixes is None else suffixes
    if base in table:
        return f"{base} is shared infrastructure ({table[base]})"
    if public_suffix(base) == base:
        return f"{base} is a suffix on the Public Suffix List: every site under it would be opened"
    for suffix, reason in table.items():
        if suffix.endswith("." + base):
            return f"{base} covers shared infrastructure {suffix} ({reason})"
        if base.endswith("." + suffix) and not _is_tenant(base, suffix):
            return f"{base} lies inside shared infrastructure {suffix} ({reason})"
    return None


def _is_tenant(base: str, suffix: str) -> bool:
    """True when ``base`` belongs to one customer: its registered domain lies strictly under ``suffix``."""
    owner = registered_domain(base)
    return owner != suffix and owner.endswith("." + suffix)
