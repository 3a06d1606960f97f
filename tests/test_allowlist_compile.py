"""Inventory, least-privilege compiler and deny guard, on the fixture lists and probe results."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from nettsjekk.allowlists.compiler import CompileOptions, compile_allowlist
from nettsjekk.core.deny import load_deny_catalog
from nettsjekk.core.errors import (
    DeniedHostError,
    ExpiredExceptionError,
    ResultsFileError,
)
from nettsjekk.allowlists.exemptions import load_exceptions
from nettsjekk.allowlists.header import ExportContext, header_lines
from nettsjekk.allowlists.inventory import compare, declarations
from nettsjekk.allowlists.probe_results import load_results
from nettsjekk.allowlists.selection import select
from nettsjekk.core.errors import ListFileError

FIXTURES = Path(__file__).parent / "allowlist_fixtures"
RESULTS = FIXTURES / "results.json"
TODAY = date(2026, 11, 23)


def fixture_selection(results=(RESULTS,), vendor_dir=FIXTURES / "vendor_whitelists", lists=FIXTURES / "lists"):
    return select([lists], vendor_dir, list(results))


def deny():
    return load_deny_catalog(FIXTURES / "deny.yaml")


def compiled(selection, **options):
    return compile_allowlist(selection.catalog, selection.resources, selection.inventory,
                             CompileOptions(**options), deny())


def copy_fixtures(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, target)
    return target


def test_the_inventory_keeps_every_host_with_pages_engines_locations_types_and_times():
    inventory = fixture_selection().inventory

    cdn = inventory.sightings[("eksamensressurs", "static.eksamensressurs-cdn.no")]
    assert cdn.pages == {"https://www.eksamensressurs.no/", "https://www.eksamensressurs.no/artikkel.html"}
    assert cdn.engines == {"chromium", "firefox"} and cdn.locations == {"kontoret", "skolen"}
    assert cdn.types == {"script", "stylesheet"}
    assert (cdn.first_seen, cdn.last_seen) == ("2026-11-20T08:00:00+00:00", "2026-11-20T08:01:00+00:00")
    assert inventory.probed == {"eksamensressurs": 2, "ordbok-eksempel": 2}
    assert sorted(h for rid, h in inventory.sightings if rid == "ordbok-eksempel") == [
        "cdn.example.co.uk", "d111abc.cloudfront.net", "d222xyz.cloudfront.net", "www.example-ordbok.no"]


def test_three_way_comparison_required_and_declared_seen_undeclared_declared_unseen():
    selection = fixture_selection()
    vendor, platform = selection.catalog.vendor("ressurs-forlag"), selection.catalog.platform

    result = compare(selection.inventory.hosts_of(["eksamensressurs"]), declarations(vendor) + declarations(platform),
                     {"ressurs-forlag"})

    assert [h for h, _, _ in result.required_declared] == [
        "api.eksamensressurs.no", "lyd.ressurs-media.no", "static.eksamensressurs-cdn.no", "www.eksamensressurs.no"]
    assert [h for h, _ in result.seen_undeclared] == ["bilder.mangler-i-lista.no", "translate.googleapis.com"]
    assert [d.host for d in result.declared_unseen] == ["gammel.eksamensressurs.no", "cloudfront.net"]


def test_least_privilege_exact_hosts_declared_wildcards_platform_once_no_doubtful_no_denied():
    allowlist = compiled(fixture_selection())

    assert [str(p) for p in allowlist.patterns()] == [
        "d111abc.cloudfront.net", "d222xyz.cloudfront.net", "static.eksamensressurs-cdn.no", "api.eksamensressurs.no",
        "www.eksamensressurs.no", "www.example-ordbok.no", "cdn.example.co.uk", "bilder.mangler-i-lista.no",
        "*.ressurs-media.no", "pgsa.udir.no"]
    wildcard = next(e for e in allowlist.entries if e.pattern.wildcard)
    assert wildcard.covered == ("lyd.ressurs-media.no",)
    left = {item.entry: item.why for item in allowlist.left_out}
    assert left["translate.googleapis.com"].startswith("denied (translation: Google Translate API)")
    assert left["gammel.eksamensressurs.no"].startswith("doubtful in the vendor file, never exported")
    assert left["cloudfront.net"].startswith("doubtful")
    assert left["idp.feide.no"] == "inferred in the vendor file and never seen by a probe; not exported"


def test_inferred_entries_are_exported_only_when_a_probe_saw_them_unless_asked():
    without_probes = fixture_selection(results=())

    plain = compiled(without_probes)
    assert "api.eksamensressurs.no" not in [str(p) for p in plain.patterns()]
    assert any("no probe results for eksamensressurs, ordbok-eksempel" in note for note in plain.notes)

    widened = compiled(without_probes, include_inferred=True)
    assert {"api.eksamensressurs.no", "d111abc.cloudfront.net", "idp.feide.no"} <= {str(p) for p in widened.patterns()}
    context = ExportContext(TODAY, options=("inferred vendor entries exported (--include-inferred)",))
    assert "option: inferred vendor entries exported (--include-inferred)" in header_lines(widened, context, "plain")


def test_own_domain_wildcards_come_only_from_configuration_and_never_over_shared_infrastructure(tmp_path):
    allowlist = compiled(fixture_selection(), own_domain_wildcards=True)
    patterns = {str(p) for p in allowlist.patterns()}
    assert "*.example-ordbok.no" in patterns and "www.example-ordbok.no" not in patterns  # folded into it
    # *.eksamensressurs.no would open chat.eksamensressurs.no, which the vendor blocks: exact hosts instead
    assert "*.eksamensressurs.no" not in patterns and "www.eksamensressurs.no" in patterns
    left = {item.entry: item.why for item in allowlist.left_out}
    assert left["*.eksamensressurs.no"].startswith("it would open chat.eksamensressurs.no")

    fixtures = copy_fixtures(tmp_path)
    lists = fixtures / "lists" / "eksamen.yaml"
    lists.write_text(lists.read_text().replace("https://www.example-ordbok.no/", "https://ordbok.cdn.jsdelivr.net/"))
    vendor = fixtures / "vendor_whitelists" / "eksempel-ordbok.yaml"
    vendor.write_text(vendor.read_text().replace("  - www.example-ordbok.no\n", "  - ordbok.cdn.jsdelivr.net\n"))
    shared = compiled(fixture_selection((), fixtures / "vendor_whitelists", fixtures / "lists"),
                      own_domain_wildcards=True)
    assert "*.jsdelivr.net" not in {str(p) for p in shared.patterns()}
    refused = next(item for item in shared.left_out if item.entry == "*.jsdelivr.net")
    assert "jsdelivr.net is shared infrastructure" in refused.why


def test_hosts_the_vendor_blocks_are_never_exported_not_even_under_a_vendor_wildcard(tmp_path):
    fixtures = copy_fixtures(tmp_path)
    vendor = fixtures / "vendor_whitelists" / "ressurs-forlag.yaml"
    vendor.write_text(vendor.read_text().replace("  - www.eksamensressurs.no\n", "  - \"*.eksamensressurs.no\"\n"))
    results = json.loads(RESULTS.read_text())
    results["results"][0]["requests"].append({"url": "https://chat.eksamensressurs.no/", "host": "chat.eksamensressurs.no",
                                              "domain": "eksamensressurs.no", "type": "xhr", "status": 200,
                                              "failure": None, "page": "https://www.eksamensressurs.no/"})
    (fixtures / "results.json").write_text(json.dumps(results))

    allowlist = compiled(fixture_selection([fixtures / "results.json"], fixtures / "vendor_whitelists",
                                           fixtures / "lists"))

    assert not allowlist.allows("chat.eksamensressurs.no")
    assert allowlist.allows("www.eksamensressurs.no") and allowlist.allows("api.eksamensressurs.no")
    left = {item.entry: item.why for item in allowlist.left_out}
    assert left["chat.eksamensressurs.no"] == "listed under blocked_hosts of vendor ressurs-forlag"
    assert left["*.eksamensressurs.no"].startswith("it would open chat.eksamensressurs.no, which vendor ressurs-forlag")


def _vendor_lists(tmp_path: Path, host: str) -> Path:
    fixtures = copy_fixtures(tmp_path)
    vendor = fixtures / "vendor_whitelists" / "ressurs-forlag.yaml"
    vendor.write_text(vendor.read_text().replace("domains:\n", f"domains:\n  - \"{host}\"\n"))
    return fixtures


def test_the_deny_guard_stops_an_export_whose_vendor_file_lists_a_denied_host(tmp_path):
    fixtures = _vendor_lists(tmp_path, "translate.googleapis.com")
    selection = fixture_selection((), fixtures / "vendor_whitelists", fixtures / "lists")

    with pytest.raises(DeniedHostError) as caught:
        compile_allowlist(selection.catalog, selection.resources, selection.inventory)

    message = str(caught.value)
    assert message.startswith("export refused: it would open a denied host: translate.googleapis.com (translation: ")
    assert "pulled in by vendor ressurs-forlag (confirmed) for eksamensressurs" in message
    assert "--exceptions FILE" in message and "\n" not in message


def test_a_vendor_wildcard_over_a_denied_host_fails_naming_the_catalog_entry(tmp_path):
    fixtures = _vendor_lists(tmp_path, "*.google.com")
    selection = fixture_selection((), fixtures / "vendor_whitelists", fixtures / "lists")

    with pytest.raises(DeniedHostError, match=r"open a denied host: \*\.google\.com \(search_engine: Google search"):
        compile_allowlist(selection.catalog, selection.resources, selection.inventory)


def test_an_exception_lets_a_denied_host_through_and_every_header_says_so(tmp_path):
    fixtures = _vendor_lists(tmp_path, "translate.googleapis.com")
    selection = fixture_selection((), fixtures / "vendor_whitelists", fixtures / "lists")
    exceptions = load_exceptions(FIXTURES / "exceptions.yaml", TODAY)

    allowlist = compile_allowlist(selection.catalog, selection.resources, selection.inventory,
                                  exceptions=exceptions)

    assert allowlist.allows("translate.googleapis.com")
    entry = next(e for e in allowlist.entries if str(e.pattern) == "translate.googleapis.com")
    assert entry.exception is not None and entry.exception.who == "Kari Nordmann, eksamenskontoret"
    lines = header_lines(allowlist, ExportContext(TODAY), "squid")
    assert (f"exception in force: translate.googleapis.com until 2099-06-30, approved by Kari Nordmann, "
            f"eksamenskontoret: Eksamensressurs reads words aloud through this API; the translate button is hidden "
            f"(ticket 4711) ({FIXTURES / 'exceptions.yaml'}:3)") in lines


def test_an_expired_exception_fails_the_export_naming_file_and_line():
    path = FIXTURES / "exceptions-expired.yaml"

    with pytest.raises(ExpiredExceptionError) as caught:
        load_exceptions(path, TODAY)

    assert str(caught.value) == (
        f"{path}:6: exceptions[0]: the exception for www.youtube.com expired on 2024-06-30 (approved by Ola "
        "Nordmann); renew it with a new date or remove it")


def test_a_malformed_exception_file_names_the_line(tmp_path):
    path = tmp_path / "exceptions.yaml"
    path.write_text("exceptions:\n  - host: \"evil.no\\nhttp_access allow all\"\n    reason: x\n    who: y\n"
                    "    expires: 2099-01-01\n", encoding="utf-8")

    with pytest.raises(ListFileError) as caught:
        load_exceptions(path, TODAY)

    assert caught.value.problems[0].startswith(f"{path}:2: exceptions[0].host: 'evil.no\\nhttp_access allow all' is not")


def test_a_hostile_host_in_a_results_file_is_rejected_naming_file_and_entry(tmp_path):
    results = json.loads(RESULTS.read_text())
    results["results"][1]["requests"][2]["host"] = "evil.com\nhttp_access allow all"
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))

    with pytest.raises(ResultsFileError) as caught:
        fixture_selection([path])

    assert str(caught.value).startswith(f"{path}: results[1].requests[2].host: 'evil.com\\nhttp_access allow all' "
                                        "is not a valid hostname")


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", ":1: not valid JSON"), ('{"runs": []}', 'not a results file (expected an object with a "results"'),
     ('{"results": [{"url": "https://x.no/"}]}', 'results[0]: expected a probe result with a "resource" id'),
     ('{"results": [{"resource": "x", "url": "https://x.no/"}]}', "results[0].browser: Field required")],
)
def test_a_broken_results_file_is_one_clear_line(tmp_path, content, message):
    path = tmp_path / "results.json"
    path.write_text(content)

    with pytest.raises(ResultsFileError) as caught:
        load_results([path])

    assert message in str(caught.value) and str(caught.value).startswith(str(path))
