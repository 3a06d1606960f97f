"""Host patterns: the one type for a host or ``*.domain``, read, normalised and matched in one place.

A pattern is one of three scopes:

=============  =================  ===========================================================
scope          written            covers
=============  =================  ===========================================================
host           ``www.snl.no``     that host only
subdomains     ``*.snl.no``       every subdomain of ``snl.no`` (``www.snl.no``, ``a.b.snl.no``),
                                  **not** ``snl.no`` itself
domain         ``.snl.no``        ``snl.no`` and every subdomain
=============  =================  ===========================================================

**The rule: ``*.x`` never covers ``x``.** Wherever a person or a file writes ``*.x`` (vendor
whitelists, login hosts, exceptions, the compiled allowlist, a wildcard export, a read-back file),
it means the subdomains only, which is the least privilege an allowlist can give. The domain scope
exists for the places that mean "this domain and below" and say so by name:

* ``HostPattern.domain("youtube.com")``: the deny catalog's entries, a bot wall's ``host``, a
  Squid ``.x`` line read back;
* ``HostPattern.parse("*.intercom.io").with_apex()``: a detection rule's ``request_host``,
  ``link_host`` or ``form_action_host`` (a rule for ``*.intercom.io`` is about ``intercom.io`` too).

How each export target spells the same intent (``allowlists/exports.py``):

=========  ==============  ===================  ==================================================
target     host            subdomains ``*.x``   domain
=========  ==============  ===================  ==================================================
wildcard   ``www.x``       ``*.x``              (``x`` and ``*.x``)
Squid      ``www.x``       not expressible      ``.x``; the export writes ``*.x`` as ``.x``, so
                                                Squid also opens ``x`` (documented widening)
Chrome     ``.www.x``      not expressible      ``x``; the export writes ``*.x`` as ``x``, so
                                                Chrome also opens ``x`` (documented widening)
PAC        exact compare   ``dnsDomainIs(host, ".x")``   (both)
SEB        ``.www.x``      ``*.x``              ``x`` (no leading dot; the deny catalog's block rules)
plain      ``www.x``       the known hosts under it     (the known hosts)
=========  ==============  ===================  ==================================================

``tests/test_host_semantics.py`` checks each export against a model of its consumer.

Reading (``HostPattern.parse``): IDNA to punycode, lower case, one trailing dot dropped, LDH labels
of at most 63 characters and 253 in all (``normalize_hostname``), at least two labels, no IP
address, ``*`` only as a whole first label. So no pattern can carry a space, a newline, a quote or a
comment marker into a configuration file. Whether a wildcard is too broad is a separate question
with a different answer per use: ``covers_public_suffix`` (vendor files and rules refuse it), and
``exportable()`` (an allowlist also refuses shared infrastructure,
:mod:`nettsjekk.core.shared_suffixes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from nettsjekk.core.domains import (
    is_ip_address,
    normalize_hostname,
    public_suffix,
    registered_domain,
)
from nettsjekk.core.errors import InvalidHostname
from nettsjekk.core.shared_suffixes import wildcard_refusal

MAX_RAW_LENGTH = 300


class WildcardRefused(InvalidHostname):
    """A wildcard over a public suffix or shared infrastructure."""


@dataclass(frozen=True)
class HostPattern:
    """An exact host, the subdomains of ``base`` (``wildcard``), or ``base`` and its subdomains
    (``wildcard`` and ``apex``)."""

    base: str
    wildcard: bool = False
    apex: bool = False
    """With ``wildcard``: ``base`` itself is covered too (the domain scope)."""

    def __post_init__(self) -> None:
        shown = f"*.{self.base}" if self.wildcard else self.base
        if not isinstance(self.base, str) or normalize_hostname(self.base) != self.base:
            raise InvalidHostname(f"{shown!r} is not a normalised hostname; use HostPattern.parse")
        if is_ip_address(self.base):
            raise InvalidHostname(f"{shown!r} is an IP address; allowlists name hosts (IP addresses change)")
        if "." not in self.base and not self.covers_public_suffix:
            raise InvalidHostname(f"{shown!r} is not a full host name (expected something like 'www.example.no')")
        if self.apex and not self.wildcard:
            raise InvalidHostname(f"{shown!r}: only a wildcard can also cover its apex")

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
            raise InvalidHostname(f"{_short(raw)} is an IP address; list the host name (IP addresses change)")
        for label in base.split("."):
            if len(label) > 63:
                raise InvalidHostname(
                    f"{_short(raw)} is not a valid hostname (a label has {len(label)} characters; at most 63)"
                )
        if len(base) > MAX_RAW_LENGTH:
            raise InvalidHostname(f"{_short(raw)} is not a valid hostname (longer than 253 characters)")
        return cls(normalize_hostname(base), wildcard)

    @classmethod
    def domain(cls, raw: str) -> HostPattern:
        """``raw`` (a domain, written without ``*.``) and every subdomain of it."""
        pattern = cls.parse(raw)
        if pattern.wildcard:
            raise InvalidHostname(f"{_short(raw)}: write the domain without '*.'; it always covers its subdomains")
        return cls(pattern.base, True, True)

    def with_apex(self) -> HostPattern:
        """This pattern, and for a wildcard ``*.x`` also ``x`` itself (the domain scope)."""
        return HostPattern(self.base, True, True) if self.wildcard else self

    def exportable(self) -> HostPattern:
        """This pattern, or ``WildcardRefused`` for a wildcard over a public suffix or shared infrastructure."""
        refusal = wildcard_refusal(self.base) if self.wildcard else None
        if refusal:
            raise WildcardRefused(f"'*.{self.base}' is refused: {refusal}")
        return self

    @property
    def covers_public_suffix(self) -> bool:
        """True for a wildcard over a whole (public or private) suffix such as ``*.com`` or ``*.cloudfront.net``."""
        return self.wildcard and public_suffix(self.base) == self.base

    def __str__(self) -> str:
        if self.wildcard:
            return ("." if self.apex else "*.") + self.base
        return self.base

    @property
    def sort_key(self) -> tuple[str, tuple[str, ...], bool]:
        """Sort by registered domain, then by labels from the right, so a domain's hosts stand together."""
        return registered_domain(self.base), tuple(reversed(self.base.split("."))), self.wildcard

    def covers(self, host: str) -> bool:
        """True when this pattern lets ``host`` through (case and one trailing dot do not matter)."""
        host = host.lower().removesuffix(".")
        if host == self.base:
            return not self.wildcard or self.apex
        return self.wildcard and host.endswith("." + self.base)

    def covers_pattern(self, other: HostPattern) -> bool:
        """True when everything ``other`` lets through, this pattern lets through too."""
        if not other.wildcard:
            return self.covers(other.base)
        return self.wildcard and (other.base.endswith("." + self.base) or
                                  (other.base == self.base and (self.apex or not other.apex)))


@lru_cache(maxsize=4096)
def host_pattern(raw: str) -> HostPattern:
    """``HostPattern.parse(raw)``, remembered (for patterns matched again and again, like a vendor's)."""
    return HostPattern.parse(raw)


def covered_by(host: str, patterns: Iterable[str]) -> bool:
    """True when one of ``patterns`` (each a host or ``*.domain``, as written) covers ``host``.

    Something that is not a host pattern (an IP address, ``localhost``) covers only itself.
    """
    return any(_covers_written(p, host) for p in patterns)


def _covers_written(pattern: str, host: str) -> bool:
    try:
        return host_pattern(pattern).covers(host)
    except InvalidHostname:
        return pattern.lower() == host.lower()


def domains_covering(host: str) -> list[str]:
    """The domains whose domain scope covers ``host``, most specific first: ``host`` and each parent.

    A lookup table of domain-scope patterns (the deny catalog) finds the most specific one covering
    a host with these keys: ``HostPattern.domain(d).covers(host)`` holds for each ``d`` returned.
    """
    labels = host.lower().removesuffix(".").split(".")
    return [".".join(labels[start:]) for start in range(len(labels))]


def allowlist_pattern(raw: str) -> HostPattern:
    """``raw`` as an allowlist entry: parsed, and refused (``WildcardRefused``) when it is too broad."""
    return HostPattern.parse(raw).exportable()


def sorted_patterns(patterns: object) -> list[HostPattern]:
    """``patterns`` (any iterable of ``HostPattern``) in export order."""
    return sorted(patterns, key=lambda p: p.sort_key)  # type: ignore[arg-type, attr-defined]


def _short(value: str, limit: int = 60) -> str:
    """``repr(value)`` cut to about ``limit`` characters, so a message stays one readable line."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + "..."
