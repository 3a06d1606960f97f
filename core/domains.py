"""Hostnames and registered domains.

One offline ``TLDExtract`` (bundled Public Suffix List snapshot, private suffixes honoured) serves
the whole process, so results are the same on every machine and never touch the network.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

import tldextract

from nettsjekk.core.errors import InvalidHostname

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)
_LDH_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
MAX_HOSTNAME_LENGTH = 253


def normalize_hostname(raw: str) -> str:
    """Return ``raw`` as a lower-case ASCII (punycode) hostname, or raise ``InvalidHostname``.

    Accepts internationalised names (``blåbær.no`` becomes ``xn--blbr-roah.no``) and a single
    trailing dot. Rejects whitespace, control characters, empty or over-long labels, labels that
    start or end with a hyphen, and anything that is not letters, digits and hyphens.

    >>> normalize_hostname("WWW.Ordbøkene.no.")
    'www.xn--ordbkene-84a.no'
    """
    if not isinstance(raw, str) or not raw:
        raise InvalidHostname(f"{raw!r} is not a hostname (empty)")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        raise InvalidHostname(f"{raw!r} is not a valid hostname (contains whitespace or control characters)")
    name = raw[:-1] if raw.endswith(".") else raw
    try:
        ascii_name = ".".join(_label_to_ascii(label, raw) for label in name.split("."))
    except UnicodeError as exc:
        raise InvalidHostname(f"{raw!r} is not a valid hostname ({exc})") from exc
    if len(ascii_name) > MAX_HOSTNAME_LENGTH:
        raise InvalidHostname(f"{raw!r} is not a valid hostname (longer than {MAX_HOSTNAME_LENGTH} characters)")
    return ascii_name


def _label_to_ascii(label: str, raw: str) -> str:
    if not label:
        raise InvalidHostname(f"{raw!r} is not a valid hostname (empty label)")
    if label.isascii():
        ascii_label = label.lower()
    else:
        ascii_label = label.encode("idna").decode("ascii").lower()
    if len(ascii_label) > 63:
        raise InvalidHostname(f"{raw!r} is not a valid hostname (label {label[:20]!r}... is longer than 63 characters)")
    if not _LDH_LABEL.match(ascii_label):
        raise InvalidHostname(
            f"{raw!r} is not a valid hostname (label {label!r} may hold only letters, digits and inner hyphens)"
        )
    return ascii_label


def is_ip_address(host: str) -> bool:
    """True for an IPv4 or IPv6 literal (with or without brackets)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=65536)
def registered_domain(host: str) -> str:
    """The registered domain (eTLD+1) of ``host``; the host itself for IPs and bare suffixes.

    Private suffixes count as public ones, so two CloudFront distributions are two domains:

    >>> registered_domain("www.bbc.co.uk")
    'bbc.co.uk'
    >>> registered_domain("d111.cloudfront.net")
    'd111.cloudfront.net'
    """
    host = host.lower().rstrip(".")
    if not host or is_ip_address(host):
        return host
    return _EXTRACT(host).top_domain_under_public_suffix or host


def public_suffix(host: str) -> str:
    """The public suffix of ``host`` (private suffixes included), e.g. ``cloudfront.net``."""
    return _EXTRACT(host.lower().rstrip(".")).suffix
