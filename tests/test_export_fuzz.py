"""Issue 17, property-based: any text people write into lists, vendor files and exceptions leaves every
export parseable by its real consumer, holding exactly the hosts it would hold without that text.

Hypothesis fills every free-text field (list ``version``, resource ``name``/``notes``/``source``,
vendor ``name``/``notes``/``sources``, a doubtful entry's ``note``, exception ``reason``/``who``) with
arbitrary strings and known payloads (comment closers, line breaks of every kind, quotes, formula
starts, configuration lines, host names). The exports are read back by plistlib (SEB), json (Chrome),
the csv module, a JavaScript engine (PAC, Node from Playwright's driver) and ``squid -k parse``
(fewer examples: each parse takes about a second). Text that a file's own validation refuses is
fine too, as long as the refusal is a clean input error (exit 2).
"""

from __future__ import annotations

import csv
import json
import plistlib
import subprocess
import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path

import playwright
import pytest
import yaml
from allowlist_rig import SQUID, squid_parse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from nettsjekk.allowlists.compiler import compile_allowlist
from nettsjekk.allowlists.exemptions import load_exceptions
from nettsjekk.allowlists.exports import FORMATS, render_export, render_squid_snippet
from nettsjekk.allowlists.header import ExportContext, list_versions
from nettsjekk.allowlists.selection import select
from nettsjekk.core.deny import load_deny_catalog
from nettsjekk.core.errors import ConfigError

FIXTURES = Path(__file__).parent / "allowlist_fixtures"
NODE = Path(playwright.__file__).parent / "driver" / "node"
PAC_EVAL = Path(__file__).parent / "pac_eval.js"
TODAY = date(2026, 12, 3)
PAYLOADS = ["--->", "-->", "<!--", "--", "]]>", "</string></array><key>x</key>", "\n", "\r\n", "\r", "\u2028",
            "\u2029", "\u0085", '"', "'", "\\", "`", "${x}", "*/", "/*", "// ", "</script>", ",=1+1,", "=cmd|' /C calc'!A0",
            "+1", "-1", "@SUM(1)", "\x00", "\x1b[31m", "#", "\nhttp_access allow all\n", "evil.example.com",
            "*.evil.example", ".evil.example", "\ufeff", "\u202e", "\ufffe", "\uffff", "acl x dstdomain .evil.example",
            '"; } function FindProxyForURL() { return "DIRECT"; } //', "&amp;", "<![CDATA[", "{% raw %}", "{{ 7*7 }}"]
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
ONE_LINE = st.text(st.characters(exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), max_size=30)


def hostile(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(text, st.sampled_from(PAYLOADS)), min_size=1, max_size=4).map("".join)


FIELDS = st.fixed_dictionaries({
    "version": hostile(ANY_TEXT), "name": hostile(ANY_TEXT), "notes": hostile(ANY_TEXT), "source": hostile(ANY_TEXT),
    "vendor_name": hostile(ANY_TEXT), "vendor_notes": hostile(ANY_TEXT), "vendor_source": hostile(ANY_TEXT),
    "doubtful_note": hostile(ANY_TEXT), "reason": hostile(ONE_LINE), "who": hostile(ONE_LINE),
})
PLAIN = {"version": "v1", "name": "Navn", "notes": "", "source": "kilde", "vendor_name": "Forlag", "vendor_notes": "",
         "vendor_source": "kilde", "doubtful_note": "gammel", "reason": "ticket 4711", "who": "Kari"}


def write_sources(folder: Path, fields: dict[str, str]) -> Path:
    """The allowlist fixtures with ``fields`` in every free-text field, written as YAML."""
    listing = yaml.safe_load((FIXTURES / "lists" / "eksamen.yaml").read_text(encoding="utf-8"))
    listing["version"] = fields["version"]
    for resource in listing["resources"]:
        resource.update(name=fields["name"], notes=fields["notes"], source=fields["source"])
    vendor = yaml.safe_load((FIXTURES / "vendor_whitelists" / "ressurs-forlag.yaml").read_text(encoding="utf-8"))
    vendor.update(name=fields["vendor_name"], notes=fields["vendor_notes"], sources=[fields["vendor_source"]])
    for entry in vendor["domains"]:
        if isinstance(entry, dict) and entry.get("status") == "doubtful":
            entry["note"] = fields["doubtful_note"]
    exceptions = yaml.safe_load((FIXTURES / "exceptions.yaml").read_text(encoding="utf-8"))
    exceptions["exceptions"][0].update(reason=fields["reason"], who=fields["who"])
    (folder / "lists").mkdir()
    (folder / "vendors").mkdir()
    for name in ("_platform.yaml", "eksempel-ordbok.yaml"):
        (folder / "vendors" / name).write_bytes((FIXTURES / "vendor_whitelists" / name).read_bytes())
    for path, data in ((folder / "lists" / "eksamen.yaml", listing), (folder / "vendors" / "ressurs-forlag.yaml", vendor),
                       (folder / "exceptions.yaml", exceptions)):
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def exports_of(fields: dict[str, str]) -> dict[str, str] | None:
    """Every export of the fixtures with ``fields`` written in; None when the files refuse the text."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = write_sources(Path(scratch), fields)
        try:
            selection = select([folder / "lists"], folder / "vendors", [FIXTURES / "results.json"])
            exceptions = load_exceptions(folder / "exceptions.yaml", TODAY)
        except ConfigError:
            event("refused by the files' own validation")
            return None  # refused as bad input (exit 2): what the CLI would do
        deny = load_deny_catalog(FIXTURES / "deny.yaml")
        allowlist = compile_allowlist(selection.catalog, selection.resources, selection.inventory, deny=deny,
                                      exceptions=exceptions)
        context = ExportContext(TODAY, "T-7", list_versions(selection.catalog), deny.version)
        exports = {fmt: render_export(allowlist, fmt, context, deny=deny) for fmt in FORMATS}
        exports["squid.conf"] = render_squid_snippet("/etc/squid/nettsjekk-allowlist.txt", context)
        return exports


@lru_cache(maxsize=1)
def baseline() -> dict[str, object]:
    return read_back(exports_of(PLAIN))


def read_back(exports: dict[str, str]) -> dict[str, object]:
    """What each consumer reads from the exports: the entries, nothing else."""
    seb = plistlib.loads(exports["seb"].encode("utf-8"))
    chrome = json.loads(exports["chrome"])
    rows = list(csv.reader(exports["csv"].splitlines()))
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")], "a formula cell in the CSV"
    assert set(seb) == {"nettsjekkExportHeader", "URLFilterEnable", "URLFilterEnableContentFilter", "URLFilterRules"}
    assert set(chrome) == {"URLBlocklist", "URLAllowlist"} and chrome["URLBlocklist"] == ["*"]
    return {
        **{fmt: _entry_lines(exports[fmt]) for fmt in ("plain", "wildcard", "squid")},
        "squid.conf": _entry_lines(exports["squid.conf"]),
        "seb": [(rule["action"], rule["expression"]) for rule in seb["URLFilterRules"]],
        "seb_keys": sorted({key for rule in seb["URLFilterRules"] for key in rule}),
        "chrome": chrome["URLAllowlist"],
        "csv": [row[:3] for row in rows if row and row[0] != "#"],
        "csv_width": sorted({len(row) for row in rows if row and row[0] != "#"}),
        "csv_header_width": sorted({len(row) for row in rows if row and row[0] == "#"}),
    }


def _entry_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip() and not line.startswith("#")]


def evaluate_pac(texts: list[str]) -> list[dict]:
    """Run each PAC file in Node; the entries, the header and the answers for a few hosts."""
    with tempfile.TemporaryDirectory() as scratch:
        paths = []
        for number, text in enumerate(texts):
            path = Path(scratch) / f"{number}.pac"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        hosts = ["www.eksamensressurs.no", "evil.example.com", "a.evil.example", "www.google.com"]
        done = subprocess.run([str(NODE), str(PAC_EVAL), json.dumps(hosts), *paths], capture_output=True, text=True,
                              timeout=60, check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.skipif(not NODE.exists(), reason="Playwright's Node is not installed")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FIELDS)
def test_hostile_text_leaves_every_export_parseable_with_exactly_the_allowed_hosts(fields):
    exports = exports_of(fields)
    if exports is None:
        return

    assert read_back(exports) == baseline()
    pac, plain_pac = evaluate_pac([exports["pac"], exports_of(PLAIN)["pac"]])
    assert "error" not in pac, pac
    assert {k: pac[k] for k in ("exact", "suffixes", "verdicts", "allowed", "blocked")} == \
        {k: plain_pac[k] for k in ("exact", "suffixes", "verdicts", "allowed", "blocked")}
    assert pac["verdicts"]["evil.example.com"] == pac["blocked"] and pac["verdicts"]["www.eksamensressurs.no"] == "DIRECT"
    assert len(pac["header"]) == len(plain_pac["header"])


@pytest.mark.skipif(not Path(SQUID).exists(), reason="Debian's squid is not installed")
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FIELDS)
def test_hostile_text_leaves_the_squid_files_valid_for_squid(fields):
    exports = exports_of(fields)
    if exports is None:
        return
    with tempfile.TemporaryDirectory() as scratch:
        acl = Path(scratch) / "allowlist.dstdomain"
        acl.write_text(exports["squid"], encoding="utf-8")
        snippet = Path(scratch) / "acl.conf"
        snippet.write_text(exports["squid.conf"].replace("/etc/squid/nettsjekk-allowlist.txt", str(acl)),
                           encoding="utf-8")
        conf = Path(scratch) / "squid.conf"
        conf.write_text(f"http_port 127.0.0.1:3128\ninclude {snippet}\n", encoding="utf-8")

        code, output = squid_parse(conf)

    problems = [line for line in output.splitlines() if "ERROR" in line or "FATAL" in line]
    assert code == 0 and not problems, problems
    assert f'Processing: acl nettsjekk_exam dstdomain "{acl}"' in output
