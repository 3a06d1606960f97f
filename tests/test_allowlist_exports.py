"""Every export format: golden files, the targets' own rules (SEB plist, Chrome policy shape and limit,
Squid's parser), and the ``nettsjekk export`` / ``whitelist-doc`` commands.

Set ``NETTSJEKK_UPDATE_GOLDEN=1`` to rewrite the golden files after an intended change.
"""

from __future__ import annotations

import csv
import json
import os
import plistlib
import shutil
from datetime import date
from pathlib import Path

import click
import pytest
from allowlist_rig import SQUID, parse_problems, squid_parse
from click.testing import CliRunner
from nettsjekk.allowlists.compiler import CompileOptions, compile_allowlist
from nettsjekk.core.deny import deny_category, load_deny_catalog
from nettsjekk.allowlists.doc import build_document, render_document
from nettsjekk.core.errors import ExportLimitError, ExportOptionError
from nettsjekk.allowlists.exemptions import load_exceptions
from nettsjekk.allowlists.header import ExportContext
from nettsjekk.core.hosts import HostPattern
from nettsjekk.allowlists.model import AllowEntry, Allowlist
from nettsjekk.allowlists.exports import (
    FORMATS,
    render_export,
    render_squid_snippet,
)
from nettsjekk.allowlists.selection import select
from nettsjekk.cli.main import FriendlyGroup
from nettsjekk.cli.export import register

FIXTURES = Path(__file__).parent / "allowlist_fixtures"
GOLDEN = Path(__file__).parent / "golden" / "allowlist"
CONTEXT = ExportContext(date(2026, 11, 23), "T-7", ("lists/eksamen.yaml (version test-2026)",), "test-1")
ACL_PATH = "/etc/squid/nettsjekk-allowlist.txt"
GOLDEN_NAMES = {"plain": "plain.txt", "wildcard": "wildcard.txt", "squid": "squid.dstdomain", "pac": "pac.js",
                "chrome": "chrome.json", "seb": "seb.plist", "csv": "allowlist.csv"}


def fixture_deny():
    return load_deny_catalog(FIXTURES / "deny.yaml")


def fixture_allowlist(exceptions=None) -> Allowlist:
    selection = select([FIXTURES / "lists"], FIXTURES / "vendor_whitelists", [FIXTURES / "results.json"])
    return compile_allowlist(selection.catalog, selection.resources, selection.inventory, deny=fixture_deny(),
                             exceptions=exceptions)


def export(fmt: str, allowlist: Allowlist | None = None, **params) -> str:
    return render_export(allowlist or fixture_allowlist(), fmt, CONTEXT, deny=fixture_deny(),
                         squid_acl_path=ACL_PATH, **params)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("NETTSJEKK_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_matches_its_golden_file(fmt):
    check_golden(GOLDEN_NAMES[fmt], export(fmt))


def test_the_squid_snippet_and_the_whitelist_document_match_their_golden_files():
    selection = select([FIXTURES / "lists"], FIXTURES / "vendor_whitelists", [FIXTURES / "results.json"])
    sections = build_document(selection.catalog, list(selection.resources), selection.inventory, fixture_deny())

    check_golden("squid.conf", render_squid_snippet(ACL_PATH, CONTEXT))
    check_golden("whitelist-doc.md", render_document(sections, "md", CONTEXT))
    check_golden("whitelist-doc.html", render_document(sections, "html", CONTEXT))


def test_exports_are_deterministic_and_hold_no_denied_host():
    for fmt in FORMATS:
        assert export(fmt) == export(fmt)
    for pattern in fixture_allowlist().patterns():
        assert deny_category(pattern.base) is None
        assert not fixture_deny().overlapping(pattern)
    assert "translate.googleapis.com" not in export("squid").split("# Use it in squid.conf")[1]


def test_the_seb_file_is_a_plist_with_url_filter_rules_blocks_first():
    settings = plistlib.loads(export("seb").encode("utf-8"))

    assert settings["URLFilterEnable"] is True and settings["URLFilterEnableContentFilter"] is True
    rules = settings["URLFilterRules"]
    assert all(set(rule) == {"active", "action", "expression", "regex"} for rule in rules)
    assert all(rule["active"] is True and rule["regex"] is False for rule in rules)
    assert [(r["action"], r["expression"]) for r in rules if r["action"] == 0] == [
        (0, "google.com"), (0, "intercom.io"), (0, "translate.googleapis.com"), (0, "youtube.com")]
    allows = [r["expression"] for r in rules if r["action"] == 1]
    assert ".www.eksamensressurs.no" in allows and "*.ressurs-media.no" in allows and ".pgsa.udir.no" in allows
    assert [r["action"] for r in rules] == sorted(r["action"] for r in rules)  # every block before any allow


def test_seb_leaves_out_the_block_rule_an_exception_overrides():
    allowlist = fixture_allowlist(load_exceptions(FIXTURES / "exceptions.yaml", date(2026, 11, 23)))
    rules = plistlib.loads(export("seb", allowlist).encode())["URLFilterRules"]

    assert {"action": 1, "active": True, "expression": ".translate.googleapis.com", "regex": False} in rules
    assert all(r["expression"] != "translate.googleapis.com" for r in rules)


def test_the_chrome_policy_blocks_everything_and_allows_exact_hosts_exactly():
    policy = json.loads(export("chrome"))

    assert set(policy) == {"URLBlocklist", "URLAllowlist"}
    assert policy["URLBlocklist"] == ["*"]
    assert ".www.eksamensressurs.no" in policy["URLAllowlist"]  # leading dot: this host only
    assert "ressurs-media.no" in policy["URLAllowlist"]  # no dot: the domain and its subdomains
    assert len(policy["URLAllowlist"]) == len(set(policy["URLAllowlist"]))


def test_the_chrome_policy_fails_above_1000_entries():
    def allowlist(count: int) -> Allowlist:
        return Allowlist(tuple(AllowEntry(HostPattern(f"h{i}.example.no"), ()) for i in range(count)), ("x",))

    assert len(json.loads(export("chrome", allowlist(1000)))["URLAllowlist"]) == 1000
    with pytest.raises(ExportLimitError, match="would need 1001 URLAllowlist entries; Chrome ignores every entry"):
        export("chrome", allowlist(1001))


def test_the_pac_file_sends_allowed_hosts_to_the_allowed_proxy_and_the_rest_to_a_black_hole():
    pac = export("pac", allowed_proxy="PROXY 127.0.0.1:3128")

    assert 'var ALLOWED = "PROXY 127.0.0.1:3128";' in pac and 'var BLOCKED = "PROXY 127.0.0.1:9";' in pac
    assert '"www.eksamensressurs.no": true' in pac and '".ressurs-media.no"' in pac
    assert "dnsDomainIs(host, SUFFIXES[i])" in pac and "host.toLowerCase()" in pac
    with pytest.raises(ExportOptionError, match="is not a PAC result"):
        export("pac", allowed_proxy='DIRECT"; alert(1); "')


def test_the_csv_has_provenance_and_reads_with_the_csv_module():
    lines = [line for line in export("csv").splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines))

    cdn = next(r for r in rows if r["entry"] == "static.eksamensressurs-cdn.no")
    assert cdn["decision"] == "export" and cdn["resources"] == "eksamensressurs"
    assert cdn["engines"] == "chromium firefox" and cdn["locations"] == "kontoret skolen"
    assert cdn["request_types"] == "script stylesheet" and "artikkel.html" in cdn["pages"]
    assert (cdn["first_seen"], cdn["last_seen"]) == ("2026-11-20T08:00:00+00:00", "2026-11-20T08:01:00+00:00")
    left = next(r for r in rows if r["entry"] == "translate.googleapis.com")
    assert left["decision"] == "left out" and left["why"].startswith("denied (translation")


@pytest.mark.skipif(not Path(SQUID).exists(), reason="Debian's squid is not installed")
def test_squid_parses_every_generated_squid_file_without_error(tmp_path):
    bundled = select(list_name="national", vendor="snl")
    overlapping = compile_allowlist(bundled.catalog, bundled.resources, bundled.inventory,
                                    CompileOptions(include_inferred=True))  # snl.no and *.snl.no
    national = select(list_name="national")
    cases = {"fixture": fixture_allowlist(), "overlap": overlapping,
             "national": compile_allowlist(national.catalog, national.resources, national.inventory,
                                           CompileOptions(include_inferred=True))}
    for name, allowlist in cases.items():
        acl = tmp_path / f"{name}.dstdomain"
        acl.write_text(render_export(allowlist, "squid", CONTEXT, squid_acl_path=str(acl)), encoding="utf-8")
        (tmp_path / f"{name}.acl.conf").write_text(render_squid_snippet(str(acl), CONTEXT), encoding="utf-8")
        conf = tmp_path / f"{name}.conf"
        conf.write_text(f"http_port 127.0.0.1:3128\ninclude {tmp_path / f'{name}.acl.conf'}\n", encoding="utf-8")
        code, output = squid_parse(conf)
        assert code == 0 and not parse_problems(output), f"{name}: {parse_problems(output)}"
        assert f"Processing: acl nettsjekk_exam dstdomain \"{acl}\"" in output
    assert ".snl.no" in acl_lines(tmp_path / "overlap.dstdomain") and "snl.no" not in acl_lines(tmp_path / "overlap.dstdomain")


def acl_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


@pytest.mark.skipif(not Path(SQUID).exists(), reason="Debian's squid is not installed")
def test_the_squid_check_itself_catches_the_parent_child_overlap_squid_refuses(tmp_path):
    acl = tmp_path / "bad.dstdomain"
    acl.write_text("snl.no\n.snl.no\n")
    conf = tmp_path / "bad.conf"
    conf.write_text(f'http_port 127.0.0.1:3128\nacl x dstdomain "{acl}"\nhttp_access allow x\n')

    _, output = squid_parse(conf)

    assert any("FATAL" in line for line in parse_problems(output))


# ---------------------------------------------------------------- the commands


@pytest.fixture()
def run():
    @click.group(cls=FriendlyGroup)
    def cli() -> None:
        """nettsjekk (test group)."""

    register(cli)

    def invoke(*args: str):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


SOURCES = ("--lists", FIXTURES / "lists", "--vendor-dir", FIXTURES / "vendor_whitelists")


def test_export_writes_the_file_and_says_what_it_did(run, tmp_path):
    target, conf = tmp_path / "exam.dstdomain", tmp_path / "exam.conf"

    done = run("export", "--format", "squid", *SOURCES, "--results", FIXTURES / "results.json", "--checkpoint", "T-7",
               "--squid-acl-path", target, "--squid-conf", conf, "-o", target)

    assert done.exit_code == 0, done.stderr
    text = target.read_text()
    assert "# checkpoint: T-7" in text and "www.eksamensressurs.no\n" in text and ".ressurs-media.no\n" in text
    assert f'acl nettsjekk_exam dstdomain "{target}"' in conf.read_text()
    assert done.stderr.startswith("10 entries (squid) for 2 resources;")


def test_export_refuses_a_denied_vendor_host_in_one_line_with_exit_2(run, tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, fixtures)
    vendor = fixtures / "vendor_whitelists" / "ressurs-forlag.yaml"
    vendor.write_text(vendor.read_text().replace("domains:\n", "domains:\n  - translate.googleapis.com\n"))
    sources = ("--lists", fixtures / "lists", "--vendor-dir", fixtures / "vendor_whitelists")

    refused = run("export", "--format", "plain", *sources)
    assert refused.exit_code == 2
    assert refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("error: export refused: it would open a denied host: translate.googleapis.com "
                                     "(translation: ")
    assert "pulled in by vendor ressurs-forlag (confirmed) for eksamensressurs" in refused.stderr

    allowed = run("export", "--format", "plain", *sources, "--exceptions", FIXTURES / "exceptions.yaml")
    assert allowed.exit_code == 0, allowed.stderr
    assert "# exception in force: translate.googleapis.com until 2099-06-30, approved by Kari Nordmann" in allowed.stdout
    assert "\ntranslate.googleapis.com\n" in allowed.stdout

    expired = run("export", "--format", "plain", *sources, "--exceptions", FIXTURES / "exceptions-expired.yaml")
    assert expired.exit_code == 2
    assert expired.stderr == (f"error: {FIXTURES / 'exceptions-expired.yaml'}:6: exceptions[0]: the exception for "
                              "www.youtube.com expired on 2024-06-30 (approved by Ola Nordmann); renew it with a new "
                              "date or remove it\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--vendor", "nope"), "error: unknown vendor 'nope'"),
     (("--checkpoint", "T-7\nhttp_access allow all"), "error: checkpoint name"),
     (("--results", "/nonexistent/results.json"), "error: /nonexistent/results.json: cannot read the results file"),
     (("--list", "local"), "error: no resources selected (list local)")],
)
def test_export_problems_are_one_line_with_exit_2(run, args, message):
    done = run("export", "--format", "chrome", *SOURCES, *args)

    assert done.exit_code == 2 and done.stderr.startswith(message) and done.stderr.count("\n") == 1, done.stderr


def test_whitelist_doc_writes_markdown_and_html(run, tmp_path):
    md = run("whitelist-doc", *SOURCES, "--results", FIXTURES / "results.json")
    assert md.exit_code == 0, md.stderr
    assert "## Ressurs forlag (test fixture) (`ressurs-forlag`)" in md.stdout
    assert "| bilder.mangler-i-lista.no | seen, not declared |" in md.stdout

    target = tmp_path / "doc.html"
    html = run("whitelist-doc", "--format", "html", *SOURCES, "-o", target)
    assert html.exit_code == 0 and target.read_text().startswith("<!doctype html>")
    assert "No probe results for these resources" in target.read_text()


def test_the_whitelist_document_escapes_what_vendor_files_say(run, tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, fixtures)
    vendor = fixtures / "vendor_whitelists" / "ressurs-forlag.yaml"
    vendor.write_text(vendor.read_text().replace("name: Ressurs forlag (test fixture)",
                                                 "name: \"<script>alert(1)</script> | *forlag*\""))
    sources = ("--lists", fixtures / "lists", "--vendor-dir", fixtures / "vendor_whitelists")

    html = run("whitelist-doc", "--format", "html", *sources).stdout
    md = run("whitelist-doc", *sources).stdout

    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in md and "\\| \\*forlag\\*" in md


def test_the_command_line_offers_exactly_the_formats_and_lists_the_code_knows():
    import nettsjekk.cli.export as cli_export
    import nettsjekk.cli.options as cli_options
    from nettsjekk.allowlists.selection import LIST_CHOICES

    assert cli_export.FORMATS == FORMATS and cli_options.LIST_CHOICES == LIST_CHOICES
