"""One meaning of ``*.x`` everywhere: a property test of the compiled allowlist against every export.

For random vendor files (exact hosts and ``*.domain`` wildcards over a few made-up domains) the real
compiler builds the allowlist; then each export is read back by a small, faithful model of the device
that enforces it (for PAC, the generated file itself runs in node), and must let through exactly
the hosts the compiled allowlist lets through. The documented exceptions are named below.
"""

from __future__ import annotations

import json
import plistlib
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nettsjekk.allowlists.compiler import compile_allowlist
from nettsjekk.allowlists.exports import render_export
from nettsjekk.allowlists.header import ExportContext
from nettsjekk.core.deny import load_deny_catalog
from nettsjekk.core.hosts import HostPattern
from nettsjekk.lists.catalog import Catalog
from nettsjekk.lists.models import Resource, Vendor

import nettsjekk.core.hosts

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / ".venv" / "lib" / "python3.11" / "site-packages" / "playwright" / "driver" / "node"
DENY = load_deny_catalog(Path(__file__).parent / "allowlist_fixtures" / "deny.yaml")
CONTEXT = ExportContext(date(2026, 11, 23), "T-7", ("property test",), "test-1")
DOMAINS = ("eksamen-test.no", "ressurs-test.no")
LABELS = ("www", "api", "a", "b")
RESOURCE_URL = "https://www.eksamen-test.no/"

SQUID_AND_CHROME_ALSO_OPEN_THE_APEX = True
"""Squid's ``.x`` and Chrome's ``x`` cover ``x`` and its subdomains; neither can say "subdomains
only", so a wildcard ``*.x`` also opens ``x`` there (said in the export header and README)."""

hosts = st.builds(lambda labels, domain: ".".join([*labels, domain]),
                  st.lists(st.sampled_from(LABELS), max_size=2), st.sampled_from(DOMAINS))
patterns = st.builds(lambda host, wildcard: ("*." if wildcard else "") + host, hosts, st.booleans())


def compiled(written: list[str]):
    """The allowlist the compiler builds for one resource whose vendor file confirms ``written``."""
    vendor = Vendor.model_validate({"id": "prop-vendor", "name": "Property vendor", "sources": ["property test"],
                                    "domains": written})
    resource = Resource.model_validate({"id": "prop", "name": "Property", "url": RESOURCE_URL, "list": "national",
                                        "vendor": "prop-vendor", "source": "property test", "confirmed": True})
    return compile_allowlist(Catalog((resource,), {"prop-vendor": vendor}), [resource], deny=DENY)


def entries(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def wildcard_allows(text: str, host: str) -> bool:
    """A firewall's FQDN list: ``x`` that host, ``*.x`` every subdomain of x."""
    return any(host == e or (e.startswith("*.") and host.endswith(e[1:])) for e in entries(text))


def squid_allows(text: str, host: str) -> bool:
    """Squid ``dstdomain``: ``x`` that host, ``.x`` x and every subdomain."""
    return any(host == e.lstrip(".") or (e.startswith(".") and host.endswith(e)) for e in entries(text))


def plain_allows(text: str, host: str) -> bool:
    return host in entries(text)


def chrome_allows(text: str, host: str) -> bool:
    """Chrome's URLBlocklist/URLAllowlist: ``.x`` exactly x, ``x`` x and subdomains, ``*`` everything;
    the most specific (longest host) matching filter wins, the allowlist on a tie; nothing matching: allowed."""
    policy = json.loads(text)
    matching = [(len(f.lstrip(".")) if f != "*" else -1, allow)
                for allow, filters in ((True, policy.get("URLAllowlist", [])), (False, policy.get("URLBlocklist", [])))
                for f in filters if _chrome_filter_matches(f, host)]
    return max(matching, default=(0, True))[1]


def _chrome_filter_matches(f: str, host: str) -> bool:
    if f == "*":
        return True
    if f.startswith("."):
        return host == f[1:]
    return host == f or host.endswith("." + f)


def seb_allows(text: str, host: str) -> bool:
    """SEB's URL filter (SimplifiedRule): a host with a leading dot matches exactly; otherwise ``*`` is
    any text and any subdomain matches too. Every block rule is tested before any allow rule; default block."""
    rules = [r for r in plistlib.loads(text.encode())["URLFilterRules"] if r["active"]]
    matches = lambda r: re.fullmatch(r["expression"] if r["regex"] else _seb_host_regex(r["expression"]), host,
                                     re.IGNORECASE) is not None
    if any(matches(r) for r in rules if r["action"] != 1):
        return False
    return any(matches(r) for r in rules if r["action"] == 1)


def _seb_host_regex(expression: str) -> str:
    exact = expression.startswith(".")
    value = re.escape(expression[1:] if exact else expression).replace(r"\*", ".*")
    return value if exact or expression.isalnum() else r"(.+?\.)*" + value


def pac_allows(text: str, checked: list[str]) -> dict[str, bool]:
    """Run the generated PAC in node with the standard ``dnsDomainIs`` for every host at once."""
    script = text + """
function dnsDomainIs(host, domain) {
  return host.length >= domain.length && host.substring(host.length - domain.length) == domain;
}
const hosts = JSON.parse(process.argv[1]);
console.log(JSON.stringify(hosts.map((h) => FindProxyForURL("https://" + h + "/", h))));
"""
    done = subprocess.run([str(NODE), "-e", script, json.dumps(checked)], capture_output=True, text=True,
                          timeout=30, check=True)
    return dict(zip(checked, (answer == "DIRECT" for answer in json.loads(done.stdout)), strict=True))


def hosts_to_check(written: list[str], extra: list[str]) -> list[str]:
    """Every base, its apex and a fresh subdomain, the sibling domains, and random hosts."""
    bases = [w.removeprefix("*.") for w in written] + ["www.eksamen-test.no", *DOMAINS]
    return sorted({h for b in bases for h in (b, "zz." + b, "q.zz." + b)} | set(extra))


@pytest.mark.skipif(not NODE.exists(), reason="node (bundled with Playwright) runs the PAC file")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(patterns, min_size=1, max_size=6, unique=True), st.lists(hosts, max_size=6))
def test_every_export_allows_exactly_what_the_compiled_allowlist_allows(written, extra):
    allowlist = compiled(written)
    checked = hosts_to_check(written, extra)
    asked = [HostPattern.parse(w) for w in written] + [HostPattern.parse("www.eksamen-test.no")]
    wildcard_apexes = {p.base for p in allowlist.patterns() if p.wildcard}
    export = {fmt: render_export(allowlist, fmt, CONTEXT, deny=DENY) for fmt in ("plain", "wildcard", "squid",
                                                                                  "pac", "chrome", "seb")}
    pac = pac_allows(export["pac"], checked)

    for host in checked:
        allowed = allowlist.allows(host)
        assert allowed == any(p.covers(host) for p in asked), (host, "compiler", written)
        assert wildcard_allows(export["wildcard"], host) == allowed, (host, "wildcard", written)
        assert pac[host] == allowed, (host, "pac", written)
        assert seb_allows(export["seb"], host) == allowed, (host, "seb", written)
        widened = SQUID_AND_CHROME_ALSO_OPEN_THE_APEX and host in wildcard_apexes
        assert squid_allows(export["squid"], host) == (allowed or widened), (host, "squid", written)
        assert chrome_allows(export["chrome"], host) == (allowed or widened), (host, "chrome", written)
        assert plain_allows(export["plain"], host) == (host in allowlist.exact_hosts()), (host, "plain", written)
        assert not plain_allows(export["plain"], host) or allowed, (host, "plain", written)


@given(patterns, hosts)
def test_a_wildcard_covers_the_subdomains_and_with_apex_its_domain_too(written, host):
    pattern = HostPattern.parse(written)
    under = host.endswith("." + pattern.base)

    assert pattern.covers(host) == (host == pattern.base if not pattern.wildcard else under)
    assert pattern.with_apex().covers(host) == (host == pattern.base or (pattern.wildcard and under))
    assert HostPattern.domain(pattern.base).covers(host) == (host == pattern.base or under)
    assert pattern.covers(host.upper() + ".") == pattern.covers(host)


@given(patterns, patterns, hosts)
def test_covers_pattern_agrees_with_covers(outer, inner, host):
    a, b = HostPattern.parse(outer), HostPattern.parse(inner)
    for x in (a, a.with_apex()):
        for y in (b, b.with_apex()):
            if x.covers_pattern(y) and y.covers(host):
                assert x.covers(host), (str(x), str(y), host)


def test_the_rule_is_written_in_the_module_that_implements_it():
    assert "``*.x`` never covers ``x``" in nettsjekk.core.hosts.__doc__
