"""Host patterns, shared infrastructure and the deny catalog: what may reach an allowlist at all."""

from __future__ import annotations

import pytest
from nettsjekk.core.deny import CATEGORIES, deny_category, load_deny_catalog
from nettsjekk.core.hosts import HostPattern, WildcardRefused, allowlist_pattern
from nettsjekk.core.shared_suffixes import shared_suffixes, wildcard_refusal
from nettsjekk.lists.models import KNOWN_COMPROMISED
from nettsjekk.core.errors import InvalidHostname, ListFileError


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("evil.com\nhttp_access allow all", "contains whitespace or control characters"),
        ("*.com", "'*.com' is refused: com is a suffix on the Public Suffix List"),
        ("exa mple.no", "contains whitespace or control characters"),
        ("a" * 300 + ".no", "a label has 300 characters; at most 63"),
        ('x.no" ; alert(1) ; "', "contains whitespace or control characters"),
        ("x.no#comment", "may hold only letters, digits and inner hyphens"),
        ("www.*.no", "a wildcard may only be the first label"),
        ("10.0.0.1", "is an IP address"),
        ("localhost", "is not a full host name"),
    ],
)
def test_hostile_or_broken_entries_are_rejected_with_a_clear_error(raw, message):
    with pytest.raises(InvalidHostname) as caught:
        allowlist_pattern(raw)

    assert message in str(caught.value)
    assert "\n" not in str(caught.value).replace("\\n", "")


def test_hosts_are_normalised_to_lower_case_punycode():
    assert str(HostPattern.parse("WWW.Ordbøkene.NO.")) == "www.xn--ordbkene-84a.no"
    assert str(HostPattern.parse("*.SNL.no")) == "*.snl.no"
    with pytest.raises(InvalidHostname):
        HostPattern("WWW.snl.no")  # only normalised values may be constructed directly


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("*.cloudfront.net", "cloudfront.net is shared infrastructure (Amazon CloudFront"),
        ("*.googleapis.com", "googleapis.com is shared infrastructure (Google APIs"),
        ("*.gstatic.com", "gstatic.com is shared infrastructure"),
        ("*.cloudflare.com", "cloudflare.com is shared infrastructure"),
        ("*.cdn.jsdelivr.net", "lies inside shared infrastructure jsdelivr.net"),
        ("*.github.io", "github.io is shared infrastructure"),
        ("*.s3.amazonaws.com", "Public Suffix List"),
        ("*.co.uk", "Public Suffix List"),
    ],
)
def test_no_wildcard_over_shared_infrastructure_or_a_suffix(raw, why):
    with pytest.raises(WildcardRefused) as caught:
        allowlist_pattern(raw)

    assert why in str(caught.value)


def test_a_tenant_of_a_private_suffix_may_be_wildcarded_and_exact_hosts_are_always_fine():
    assert str(allowlist_pattern("*.d111abc.cloudfront.net")) == "*.d111abc.cloudfront.net"
    assert str(allowlist_pattern("*.kommune.github.io")) == "*.kommune.github.io"
    assert str(allowlist_pattern("fonts.gstatic.com")) == "fonts.gstatic.com"
    assert wildcard_refusal("snl.no") is None
    assert "covers shared infrastructure cdn.example.no" in wildcard_refusal("example.no", {"cdn.example.no": "a CDN"})


def test_the_shared_suffix_file_holds_the_well_known_cdns_each_with_a_reason():
    table = shared_suffixes()
    for suffix in ("googleapis.com", "gstatic.com", "cloudfront.net", "amazonaws.com", "azureedge.net", "azurefd.net",
                   "akamaized.net", "akamaihd.net", "fastly.net", "jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com",
                   "bootstrapcdn.com", "github.io"):
        assert len(table[suffix]) > 10, suffix


@pytest.mark.parametrize(
    ("host", "category"),
    [
        ("translate.googleapis.com", "translation"),
        ("generativelanguage.googleapis.com", "ai"),
        ("www.google.com", "search_engine"),
        ("translate.google.com", "translation"),
        ("www.youtube.com", "video"),
        ("cdn.polyfill.io", "compromised"),
        ("api.openai.com", "ai"),
        ("chatgpt.com", "ai"),
        ("widget.intercom.io", "communication"),
        ("www.facebook.com", "social"),
        ("WWW.YouTube.COM.", "video"),
        ("fonts.googleapis.com", None),
        ("snl.no", None),
        ("not a host", None),
    ],
)
def test_deny_category_matches_hosts_and_subdomains_most_specific_first(host, category):
    assert deny_category(host) == category


def test_the_deny_catalog_is_solid_every_category_has_hosts_with_reasons():
    catalog = load_deny_catalog()
    assert len(catalog.entries) >= 100
    for category in CATEGORIES:
        hosts = catalog.hosts(category)
        assert len(hosts) >= 5, category
        assert all(len(entry.reason) >= 3 for entry in hosts)
    for domain in KNOWN_COMPROMISED:  # the list validator's compromised hosts are denied too
        assert deny_category(domain) == "compromised"


def test_a_broken_deny_catalog_names_file_line_and_field(tmp_path):
    duplicate, unknown = tmp_path / "duplicate.yaml", tmp_path / "unknown.yaml"
    duplicate.write_text("version: x\ncategories:\n  video:\n    description: video\n    hosts:\n"
                         "      - {host: youtube.com, reason: YouTube}\n      - {host: youtube.com, reason: again}\n",
                         encoding="utf-8")
    unknown.write_text("version: x\ncategories:\n  chat:\n    description: chat\n    hosts: [{host: a.no, reason: abc}]\n",
                       encoding="utf-8")

    with pytest.raises(ListFileError) as caught:
        load_deny_catalog(duplicate)
    assert caught.value.problems == [
        f"{duplicate}:7: categories.video.hosts[1].host: 'youtube.com' is already listed under video"]

    with pytest.raises(ListFileError) as caught:
        load_deny_catalog(unknown)
    assert caught.value.problems[0].startswith(f"{unknown}:3: categories.chat")
