"""Hostnames are validated once and grouped into registered domains with a pinned suffix list."""

from __future__ import annotations

import pytest

from nettsjekk.core.domains import normalize_hostname, public_suffix, registered_domain
from nettsjekk.core.errors import InvalidHostname


@pytest.mark.parametrize(("host", "domain"), [
    ("www.bbc.co.uk", "bbc.co.uk"),
    ("d111abc.cloudfront.net", "d111abc.cloudfront.net"),
    ("user.github.io", "user.github.io"),
    ("lexin.oslomet.no", "oslomet.no"),
    ("www.nrk.no", "nrk.no"),
    ("fylke.kommune.no", "fylke.kommune.no"),  # kommune.no is a Norwegian public suffix
    ("127.0.0.1", "127.0.0.1"),
    ("cloudfront.net", "cloudfront.net"),
])
def test_registered_domains_honour_public_and_private_suffixes(host, domain):
    assert registered_domain(host) == domain


def test_public_suffix_of_a_cdn_host():
    assert public_suffix("d111abc.cloudfront.net") == "cloudfront.net"


@pytest.mark.parametrize(("raw", "clean"), [
    ("SNL.no", "snl.no"),
    ("ordbøkene.no", "xn--ordbkene-84a.no"),
    ("lexin.oslomet.no.", "lexin.oslomet.no"),
])
def test_hostnames_are_normalised_to_lower_case_punycode(raw, clean):
    assert normalize_hostname(raw) == clean


@pytest.mark.parametrize(("raw", "why"), [
    ("ex ample.com", "whitespace"),
    ("a\nb.no", "control characters"),
    ("evil.com\nhttp_access allow all", "whitespace"),
    ("-bad.no", "inner hyphens"),
    ("a..b.no", "empty label"),
    ("x" * 64 + ".no", "longer than 63"),
    (".".join(["abcdefghij"] * 26) + ".no", "longer than 253"),
    ("under_score.no", "letters, digits and inner hyphens"),
    ("", "empty"),
])
def test_invalid_hostnames_are_refused_with_the_reason(raw, why):
    with pytest.raises(InvalidHostname, match=why):
        normalize_hostname(raw)
