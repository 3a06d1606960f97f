"""The only kind of value an allowlist template ever receives: a validated host pattern.

``HostPattern.parse("www.ordbøkene.no")`` gives the exact host ``www.xn--ordbkene-84a.no``;
``HostPattern.parse("*.snl.no")`` the subdomains of ``snl.no`` (not ``snl.no`` itself). Every
pattern is IDNA-encoded, lower case, made of LDH labels of at most 63 characters and 253 in all
(``normalize_hostname``), has at least two labels, is not an IP address, and a wildcard never
covers a public suffix or shared infrastructure (:mod:`nettsjekk.core.shared_suffixes`). So no entry can carry a space,
a newline, a quote or a comment marker into a configuration file.
"""

from __future__ import annotations

from dataclasses import dataclass

from nettsjekk.core.domains import (
    is_ip_address,
    normalize_hostname,
    registered_domain,
)
from nettsjekk.core.errors import InvalidHostname

from nettsjekk.core.shared_suffixes import wildcard_refusal


class WildcardRefused(InvalidHostname):
    """A wildcard over a public suffix or shared infrastructure."""


@dataclass(frozen=True)
class HostPattern:
    """An exact host (``wildcard=False``) or the subdomains of ``base`` (``*.base``)."""

    base: str
    wildcard: bool = False

    def __post_init__(self) -> None:
        shown = f"*.{self.base}" if self.wildcard else self.base
        if not isinstance(self.base, str) or normalize_hostname(self.base) != self.base:
            raise InvalidHostname(f"{shown!r} is not a normalised hostname; use HostPattern.parse")
        if is_ip_address(self.base):
            raise InvalidHostname(f"{shown!r} is an IP address; allowlists name hosts (IP addresses change)")
        refusal = wildcard_refusal(self.base) if self.wildcard else None
        if refusal:
            raise WildcardRefused(f"'*.{self.base}' is refused: {refusal}")
        if "." not in self.base:
            raise InvalidHostname(f"{shown!r} is not a full host name (expected something like 'www.example.no')")

    @classmethod
    def parse(cls, raw: str) -> HostPattern:
        """``host`` or ``*.domain`` as written by a person or a file; raises ``InvalidHostname``."""
        if not isinstance(raw, str):
            raise InvalidHostname(f"{raw!r} is not a hostname")
        wildcard = raw.startswith("*.")
        base = raw[2:] if wildcard else raw
        if "*" in base:
            raise InvalidHostname(f"{_short(raw)}: a wildcard may only be the first label, like '*.example.no'")
        if is_ip_address(base):
            raise InvalidHostname(f"{_short(raw)} is an IP address; allowlists name hosts (IP addresses change)")
        for label in base.split("."):
            if len(label) > 63:
                raise InvalidHostname(
                    f"{_short(raw)} is not a valid hostname (a label has {len(label)} characters; at most 63)"
                )
        if len(base) > 300:
            raise InvalidHostname(f"{_short(raw)} is not a valid hostname (longer than 253 characters)")
        return cls(normalize_hostname(base), wildcard)

    def __str__(self) -> str:
        return f"*.{self.base}" if self.wildcard else self.base

    @property
    def sort_key(self) -> tuple[str, tuple[str, ...], bool]:
        """Sort by registered domain, then by labels from the right, so a domain's hosts stand together."""
        return registered_domain(self.base), tuple(reversed(self.base.split("."))), self.wildcard

    def covers(self, host: str) -> bool:
        """True when this pattern lets ``host`` (a normalised host) through."""
        return host.endswith("." + self.base) if self.wildcard else host == self.base

    def covers_pattern(self, other: HostPattern) -> bool:
        """True when everything ``other`` lets through, this pattern lets through too."""
        if other == self or not self.wildcard:
            return other == self
        return other.base.endswith("." + self.base)


def sorted_patterns(patterns: object) -> list[HostPattern]:
    """``patterns`` (any iterable of ``HostPattern``) in export order."""
    return sorted(patterns, key=lambda p: p.sort_key)  # type: ignore[arg-type, attr-defined]


def _short(value: str, limit: int = 60) -> str:
    """``repr(value)`` cut to about ``limit`` characters, so a message stays one readable line."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + "..."
