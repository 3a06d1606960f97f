"""List files and vendor whitelists: exact problem messages, the bundled data, the catalog API."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from nettsjekk.lists.catalog import (
    Catalog,
    bundled_lists_dir,
    bundled_vendor_dir,
    load_catalog,
    normalized_url,
    validate_paths,
)
from nettsjekk.lists.models import DomainEntry, ListFile, Resource, Vendor, host_matches
from nettsjekk.core.errors import ConfigError, ListFileError

ACME = """\
id: acme
name: Acme
sources: [https://acme.example.org/whitelist]
domains:
  - acme.no
  - "*.acme.no"
"""

GOOD_LIST = """\
list: national
version: 2026-vår
resources:
  - id: acme-ordbok
    name: Acme ordbok
    url: https://www.acme.no/
    vendor: acme
    source: https://example.org/list
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write files below a temporary working directory, validate ``args``, return the problems."""
    monkeypatch.chdir(tmp_path)

    def run(files: dict[str, str], args: list[str]) -> list[str]:
        _write(tmp_path, files)
        problems, _summary = validate_paths(args)
        return problems

    return run


# ---------------------------------------------------------------- list files

LIST_CASES = [
    pytest.param(GOOD_LIST, [], id="valid"),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: htp://x
            vendor: acme
            source: s
        """,
        ["lists/bad.yaml:6: resources[0].url: 'htp://x' is not an http(s) URL"],
        id="url-scheme",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: https://www.acme.no/
            vendor: acme
            source: s
            colour: red
        """,
        [
            "lists/bad.yaml:9: resources[0].colour: unknown field (allowed: id, name, url, list, county, subjects, "
            "vendor, login, extra_urls, notes, source, confirmed, include, exclude, obey_robots)"
        ],
        id="unknown-field",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        lang: nb
        resources: []
        """,
        ["lists/bad.yaml:3: lang: unknown field (allowed: list, county, version, resources)"],
        id="unknown-top-level-field",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        resources:
          - id: acme-ordbok
            url: https://www.acme.no/
            source: s
        """,
        [
            "lists/bad.yaml:4: resources[0].name: required field is missing",
            "lists/bad.yaml:4: resources[0].vendor: required field is missing",
        ],
        id="missing-fields",
    ),
    pytest.param(
        """\
        list: national
        resources: []
        """,
        ["lists/bad.yaml:1: version: required field is missing"],
        id="missing-version",
    ),
    pytest.param(
        """\
        list: national
        version: 2026
        resources: []
        """,
        ["lists/bad.yaml:2: version: expected text, got the number 2026; put it in quotes if it is meant as text"],
        id="number-for-text",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: yes
            url: https://www.acme.no/
            vendor: acme
            source: s
            subjects: norsk
            confirmed: maybe
        """,
        [
            "lists/bad.yaml:5: resources[0].name: expected text, got true (a yes/no value); "
            "put it in quotes if it is meant as text",
            "lists/bad.yaml:9: resources[0].subjects: expected a list (lines starting with '- '), got 'norsk'",
            "lists/bad.yaml:10: resources[0].confirmed: expected true or false, got 'maybe'",
        ],
        id="wrong-types",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        resources:
          acme-ordbok: https://www.acme.no/
        """,
        ["lists/bad.yaml:3: resources: expected a list (lines starting with '- '), got a mapping"],
        id="resources-not-a-list",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        resources:
          - https://www.acme.no/
        """,
        ["lists/bad.yaml:4: resources[0]: expected a mapping (key: value lines), got 'https://www.acme.no/'"],
        id="resource-not-a-mapping",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        resources:
          - id: Acme_Ordbok
            name: " "
            url: https://www.acme.no/
            vendor: acme
            source: s
            login: maybe
            include: ["(unclosed"]
        """,
        [
            "lists/bad.yaml:4: resources[0].id: 'Acme_Ordbok' is not a valid id (use 2-64 lower-case letters a-z, "
            "digits and hyphens, not starting or ending with a hyphen)",
            "lists/bad.yaml:5: resources[0].name: must not be empty",
            "lists/bad.yaml:9: resources[0].login: 'maybe' is not allowed (choose one of: none, feide, other)",
            "lists/bad.yaml:10: resources[0].include[0]: '(unclosed' is not a valid regular expression "
            "(missing ), unterminated subpattern at position 0)",
        ],
        id="field-values",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: https://ex ample.acme.no/
            vendor: acme
            source: s
            extra_urls:
              - https://www.acme.no/
              - ftp://files.acme.no/
              - https://user:pw@www.acme.no/
              - https://10.0.0.1/
              - https://-bad-.acme.no/
        """,
        [
            "lists/bad.yaml:6: resources[0].url: 'https://ex ample.acme.no/' contains spaces or control characters",
            "lists/bad.yaml:11: resources[0].extra_urls[1]: 'ftp://files.acme.no/' is not an http(s) URL",
            "lists/bad.yaml:12: resources[0].extra_urls[2]: 'https://www.acme.no/': a URL must not contain "
            "a user name or password (write it without 'name:password@')",
            "lists/bad.yaml:13: resources[0].extra_urls[3]: 'https://10.0.0.1/' uses an IP address; "
            "use the host name (IP addresses change)",
            "lists/bad.yaml:14: resources[0].extra_urls[4]: 'https://-bad-.acme.no/' has an invalid host: "
            "'-bad-.acme.no' is not a valid hostname (label '-bad-' may hold only letters, digits and inner hyphens)",
        ],
        id="urls",
    ),
    pytest.param(
        f"""\
        list: national
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: https://{"a" * 300}.acme.no/
            vendor: acme
            source: s
        """,
        [
            "lists/bad.yaml:6: resources[0].url: 'https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'... "
            "has an invalid host: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'... is not a valid "
            "hostname (a label has 300 characters; at most 63)"
        ],
        id="url-long-label",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: https://www.acme.no/
            vendor: acme
        """,
        ["lists/bad.yaml:4: resources[0].source: required for a national resource (where does this entry come from?)"],
        id="national-needs-source",
    ),
    pytest.param(
        """\
        list: local
        county: agder
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: https://www.acme.no/
            vendor: acme
            login: feide
            confirmed: true
        """,
        ["lists/bad.yaml:10: resources[0].confirmed: confirmed: true needs a source"],
        id="confirmed-needs-source",
    ),
    pytest.param(
        """\
        list: local
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: https://www.acme.no/
            vendor: acme
        """,
        ["lists/bad.yaml:4: resources[0].county: required for a local resource (which county's list is it on?)"],
        id="local-needs-county",
    ),
    pytest.param(
        """\
        list: national
        county: agder
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: https://www.acme.no/
            vendor: acme
            source: s
            county: agder
        """,
        [
            "lists/bad.yaml:2: county: not allowed in a national list (national entries apply to every county)",
            "lists/bad.yaml:10: resources[0].county: not allowed for a national resource "
            "(national entries apply to every county)",
        ],
        id="national-has-no-county",
    ),
    pytest.param(
        """\
        list: local
        county: agder
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: https://www.acme.no/
            vendor: acme
            list: national
            county: oslo
        """,
        [
            "lists/bad.yaml:9: resources[0].list: 'national' contradicts the file's list: 'local'",
            "lists/bad.yaml:10: resources[0].county: 'oslo' contradicts the file's county: 'agder'",
        ],
        id="contradicts-file",
    ),
    pytest.param(
        """\
        list: nasjonal
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: https://www.acme.no/
            vendor: acme
            source: s
        """,
        ["lists/bad.yaml:1: list: 'nasjonal' is not allowed (choose one of: national, local)"],
        id="list-name",
    ),
    pytest.param(
        """\
        list: local
        county: Agder
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: https://www.acme.no/
            vendor: acme
        """,
        [
            "lists/bad.yaml:2: county: 'Agder' is not a valid id (use 2-64 lower-case letters a-z, digits and "
            "hyphens, not starting or ending with a hyphen)"
        ],
        id="county-slug",
    ),
    pytest.param(
        'list: national\nversion: v\nresources:\n  - id: acme-ordbok\n    name: "Acme\x01"\n',
        ["lists/bad.yaml:5: not valid YAML: control character U+0001 is not allowed"],
        id="control-character",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            name: Acme-ordboka
            url: https://www.acme.no/
            vendor: acme
            source: s
        """,
        ["lists/bad.yaml:6: resources[0].name: duplicate key 'name' (also at line 5); YAML keeps only the last one"],
        id="duplicate-key",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        yes: 1
        resources: []
        """,
        [
            "lists/bad.yaml:3: key 'yes' is not a field name "
            "(YAML reads it as a yes/no value; put it in quotes or fix it)"
        ],
        id="non-text-key",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: https://www.acme.no/
            vendor: acmee
            source: s
        """,
        ["lists/bad.yaml:7: resources[0].vendor: unknown vendor 'acmee'; did you mean 'acme'? (known: acme)"],
        id="unknown-vendor",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: https://www.acme.com/
            vendor: acme
            source: s
        """,
        [
            "lists/bad.yaml:6: resources[0].url: host 'www.acme.com' is not in the domains of vendor 'acme' "
            "(vendor_whitelists/acme.yaml); add it there"
        ],
        id="host-not-in-vendor",
    ),
    pytest.param(
        """\
        list: national
        version: 2026-vår
        resources:
          - id: acme-ordbok
            name: Acme ordbok
            url: https://www.acme.no/
            vendor: acme
            source: s
          - id: acme-ordbok-2
            name: Acme ordbok again
            url: HTTPS://WWW.Acme.no:443
            vendor: acme
            source: s
        """,
        [
            "lists/bad.yaml:11: resources[1].url: 'HTTPS://WWW.Acme.no:443' is the same address as 'acme-ordbok' "
            "at lists/bad.yaml:6"
        ],
        id="duplicate-url",
    ),
    pytest.param("", ["lists/bad.yaml:1: file is empty"], id="empty"),
    pytest.param("# only a comment\n", ["lists/bad.yaml:1: file is empty"], id="only-comments"),
    pytest.param(
        "list: national\nversion: v\nresources:\n\t- id: x\n\t  name: y\n",
        ["lists/bad.yaml:4: tab character; YAML needs spaces", "lists/bad.yaml:5: tab character; YAML needs spaces"],
        id="tabs",
    ),
    pytest.param(
        "list: national\nversion: [2026\nresources: []\n",
        ["lists/bad.yaml:3: not valid YAML: while parsing a flow sequence (line 2), expected ',' or ']', but got ':'"],
        id="not-yaml",
    ),
    pytest.param(
        "list: national\nversion: v: w\n",
        ["lists/bad.yaml:2: not valid YAML: mapping values are not allowed here"],
        id="not-yaml-colon",
    ),
    pytest.param(
        "- id: acme-ordbok\n- id: other\n",
        ["lists/bad.yaml:1: expected a mapping (key: value lines) at the top level, found a list"],
        id="top-level-list",
    ),
    pytest.param(
        "list: national\nversion: v\n",
        [
            "lists/bad.yaml:1: cannot tell what kind of file this is: a list file needs 'resources', "
            "a vendor file needs 'domains'"
        ],
        id="unknown-kind",
    ),
]


@pytest.mark.parametrize(("text", "expected"), LIST_CASES)
def test_list_file_problems(check, text: str, expected: list[str]) -> None:
    files = {"lists/bad.yaml": text, "vendor_whitelists/acme.yaml": ACME}
    assert check(files, ["lists/bad.yaml", "vendor_whitelists/acme.yaml"]) == expected


# ---------------------------------------------------------------- vendor files


def _vendor(domains: str, extra: str = "") -> str:
    return f"id: acme\nname: Acme\nsources: [https://acme.example.org/whitelist]\n{extra}domains:\n{domains}"


VENDOR_CASES = [
    pytest.param(ACME, [], id="valid"),
    pytest.param(
        _vendor('  - ex ample.com\n  - "a\\nb"\n  - "*.com"\n  - "*"\n  - ' + "x" * 300 + ".no\n"),
        [
            "vendor_whitelists/acme.yaml:5: domains[0]: 'ex ample.com' is not a valid hostname "
            "(contains whitespace or control characters)",
            "vendor_whitelists/acme.yaml:6: domains[1]: 'a\\nb' is not a valid hostname "
            "(contains whitespace or control characters)",
            "vendor_whitelists/acme.yaml:7: domains[2]: '*.com' covers a whole public suffix (com), "
            "i.e. every site under it",
            "vendor_whitelists/acme.yaml:8: domains[3]: '*' alone would allow every site; list the vendor's hosts",
            "vendor_whitelists/acme.yaml:9: domains[4]: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'"
            "... is not a valid hostname (a label has 300 characters; at most 63)",
        ],
        id="invalid-hostnames",
    ),
    pytest.param(
        _vendor('  - "*.cloudfront.net"\n  - www.*.acme.no\n  - 192.0.2.1\n  - localhost\n'),
        [
            "vendor_whitelists/acme.yaml:5: domains[0]: '*.cloudfront.net' covers a whole public suffix "
            "(cloudfront.net), i.e. every site under it",
            "vendor_whitelists/acme.yaml:6: domains[1]: 'www.*.acme.no': a wildcard may only be the first label, "
            "like '*.example.no'",
            "vendor_whitelists/acme.yaml:7: domains[2]: '192.0.2.1' is an IP address; list the host name "
            "(IP addresses change)",
            "vendor_whitelists/acme.yaml:8: domains[3]: 'localhost' is not a full host name "
            "(expected something like 'www.example.no')",
        ],
        id="wildcards-and-ips",
    ),
    pytest.param(
        _vendor("  - cdn.polyfill.io\n  - cloudfront.net\n"),
        [
            "vendor_whitelists/acme.yaml:5: domains[0]: 'cdn.polyfill.io' is a known-compromised CDN "
            "(polyfill.io attack, 2024); mark it status: doubtful with a note",
            "vendor_whitelists/acme.yaml:6: domains[1]: 'cloudfront.net' is a public suffix shared by many unrelated "
            "sites; mark it status: doubtful with a note",
        ],
        id="risky-hosts-must-be-doubtful",
    ),
    pytest.param(
        _vendor(
            "  - acme.no\n"
            "  - host: cloudfront.net\n    status: doubtful\n    note: shared CDN\n"
            "  - host: cdn.polyfill.io\n    status: doubtful\n"
        ),
        ["vendor_whitelists/acme.yaml:9: domains[2].note: a doubtful entry needs a note saying why"],
        id="doubtful-needs-note",
    ),
    pytest.param(
        _vendor("  - host: www.acme.no\n    status: guess\n    colour: red\n  - 42\n"),
        [
            "vendor_whitelists/acme.yaml:6: domains[0].status: 'guess' is not allowed "
            "(choose one of: confirmed, inferred, doubtful)",
            "vendor_whitelists/acme.yaml:7: domains[0].colour: unknown field (allowed: host, status, source, note)",
            "vendor_whitelists/acme.yaml:8: domains[1]: expected a host name or a mapping with host, status, "
            "source and note",
        ],
        id="entry-shape",
    ),
    pytest.param(
        _vendor("  - acme.no\n  - ACME.no.\n"),
        ["vendor_whitelists/acme.yaml:6: domains[1]: 'acme.no' is listed twice (also at [0])"],
        id="duplicate-host",
    ),
    pytest.param(
        _vendor("  - acme.no\n  - www.acme.no\n") + "blocked_hosts:\n  - chat.acme.no\n  - www.acme.no\n",
        [
            "vendor_whitelists/acme.yaml:9: blocked_hosts[1]: 'www.acme.no' is also in domains[1]; "
            "a host cannot be both allowed and blocked",
        ],
        id="allowed-and-blocked",
    ),
    pytest.param(
        "id: acme\nname: Acme\ndomains:\n  - acme.no\n  - host: www.acme.no\n    status: inferred\n",
        [
            "vendor_whitelists/acme.yaml:4: domains[0].source: a confirmed entry needs a source "
            "(here, or in the vendor's sources)"
        ],
        id="confirmed-needs-source",
    ),
    pytest.param(
        "id: acme-corp\nname: Acme\nsources: [s]\nverified: 2024-13-01\ndomains: []\n",
        [
            "vendor_whitelists/acme.yaml:1: id: 'acme-corp' must equal the file name (acme.yaml)",
            "vendor_whitelists/acme.yaml:4: verified: expected a date like 2026-05-20, got '2024-13-01'",
            "vendor_whitelists/acme.yaml:5: domains: needs at least one entry",
        ],
        id="id-date-empty",
    ),
    pytest.param(
        "id: acme\nname: Acme\nsources: [s]\nverified: 2026-11-23\ndomains: [acme.no]\n",
        [],
        id="verified-date",
    ),
]


@pytest.mark.parametrize(("text", "expected"), VENDOR_CASES)
def test_vendor_file_problems(check, text: str, expected: list[str]) -> None:
    assert check({"vendor_whitelists/acme.yaml": text}, ["vendor_whitelists/acme.yaml"]) == expected


# ---------------------------------------------------------------- across files


def test_duplicate_id_across_files_names_both(check) -> None:
    other = (
        GOOD_LIST.replace("https://www.acme.no/", "https://ordbok.acme.no/")
        .replace("list: national", "list: local\ncounty: agder")
        .replace("    source: https://example.org/list\n", "")
    )
    problems = check(
        {"lists/national.yaml": GOOD_LIST, "lists/local/agder.yaml": other, "vendor_whitelists/acme.yaml": ACME},
        ["lists/national.yaml", "lists/local/agder.yaml", "vendor_whitelists"],
    )
    assert problems == [
        "lists/local/agder.yaml:5: resources[0].id: 'acme-ordbok' is already used at lists/national.yaml:4"
    ]


def test_duplicate_url_across_files(check) -> None:
    other = GOOD_LIST.replace("acme-ordbok", "acme-other").replace("https://www.acme.no/", "https://WWW.ACME.NO")
    problems = check(
        {"lists/a.yaml": GOOD_LIST, "lists/b.yaml": other, "vendor_whitelists/acme.yaml": ACME},
        ["lists", "vendor_whitelists"],
    )
    assert problems == [
        "lists/b.yaml:6: resources[0].url: 'https://WWW.ACME.NO' is the same address as 'acme-ordbok' at lists/a.yaml:6"
    ]


def test_folders_are_searched_and_paths_shown_as_given(check) -> None:
    bad = GOOD_LIST.replace("https://www", "htp://www")
    problems = check({"data/lists/local/x.yaml": bad, "data/vendor_whitelists/acme.yaml": ACME}, ["./data/"])
    assert problems == ["data/lists/local/x.yaml:6: resources[0].url: 'htp://www.acme.no/' is not an http(s) URL"]


def test_missing_path_and_empty_folder(check, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert check({}, ["nope.yaml", "empty"]) == [
        "nope.yaml: no such file or folder",
        "empty: no .yaml files in this folder",
    ]


def test_not_utf8(check, tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "bad.yaml").write_bytes(b"list: national\nname: \xff\xfe\n")
    assert check({}, ["lists/bad.yaml"]) == ["lists/bad.yaml:2: not UTF-8 text; save the file as UTF-8"]


def test_list_files_alone_are_checked_against_bundled_vendors(check) -> None:
    text = GOOD_LIST.replace("acme-ordbok", "x-snl").replace("https://www.acme.no/", "https://snl.no/x")
    assert check({"mine.yaml": text.replace("vendor: acme", "vendor: snl")}, ["mine.yaml"]) == []


def test_summary_counts(check, tmp_path: Path) -> None:
    _write(tmp_path, {"lists/a.yaml": GOOD_LIST, "vendor_whitelists/acme.yaml": ACME})
    problems, summary = validate_paths(["lists", "vendor_whitelists"])
    assert (problems, summary) == ([], "validated 1 list file (1 resource) and 1 vendor file: 0 problems")
    problems, summary = validate_paths(["lists/a.yaml", "nope"])
    assert summary.startswith("validated 1 list file (1 resource) and ")
    assert summary.endswith(" vendor files (bundled): 2 problems")
    assert re.fullmatch(
        r"lists/a\.yaml:7: resources\[0\]\.vendor: unknown vendor 'acme'.* \(known: _platform, .*\)", problems[0]
    )
    assert problems[1] == "nope: no such file or folder"


def test_aliases_cannot_blow_up(check) -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)
    )
    problems = check({"lists/bad.yaml": laughs + "list: national\nversion: v\nresources: *h\n"}, ["lists/bad.yaml"])
    assert len(problems) == 8 + 9  # eight unknown keys a-h, nine resources that are lists


def test_merge_keys_are_not_duplicates(check) -> None:
    text = """\
    defaults: &d
      vendor: acme
      source: s
      name: Default
    list: national
    version: v
    resources:
      - <<: *d
        id: acme-ordbok
        name: Acme ordbok
        url: https://www.acme.no/
    """
    problems = check({"lists/a.yaml": text, "vendor_whitelists/acme.yaml": ACME}, ["lists", "vendor_whitelists"])
    assert problems == [
        "lists/a.yaml:1: defaults: unknown field (allowed: list, county, version, resources)",
    ]


# ---------------------------------------------------------------- bundled data


def _bundled_files() -> list[Path]:
    return sorted([*bundled_lists_dir().rglob("*.yaml"), *bundled_vendor_dir().rglob("*.yaml")])


@pytest.mark.parametrize("path", _bundled_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_bundled_file_is_valid(path: Path) -> None:
    problems, summary = validate_paths([str(path)])
    assert problems == [], summary


def test_bundled_catalog_validates_as_a_whole() -> None:
    problems, summary = validate_paths([])
    assert problems == []
    assert summary.endswith(": 0 problems")
    assert " 3 list files " in summary


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_national_list_entries_are_sourced_and_confirmed(catalog: Catalog) -> None:
    national = catalog.list_files[next(p for p in catalog.list_files if p.endswith("national.yaml"))]
    assert len(national.resources) == 23
    assert all(r.confirmed and r.source.startswith("https://") for r in national.resources)


def test_every_resource_host_is_opened_by_its_vendor(catalog: Catalog) -> None:
    for resource in catalog.resources:
        assert catalog.vendor_of(resource).covers(resource.host), resource.id


def test_risky_vendor_hosts_are_kept_as_doubtful(catalog: Catalog) -> None:
    lexin = {e.host: e for e in catalog.vendor("lexin").domains}
    unibok = {e.host: e for e in catalog.vendor("unibok").domains}
    assert lexin["cdn.polyfill.io"].status == "doubtful" and lexin["cdn.polyfill.io"].note
    assert unibok["cloudfront.net"].status == "doubtful" and unibok["cloudfront.net"].note
    assert "cloudfront.net" not in catalog.vendor("unibok").allowed_hosts()


def test_ndla_blocks_communication_hosts(catalog: Catalog) -> None:
    ndla = catalog.vendor("ndla")
    assert [e.host for e in ndla.blocked_hosts] == ["samskrive.ndla.no", "deling.ndla.no"]
    assert ndla.covers("ndla.no") and not ndla.covers("samskrive.ndla.no")


def test_platform_hosts(catalog: Catalog) -> None:
    platform = catalog.platform
    assert platform is not None
    status = {e.host: e.status for e in platform.domains}
    assert status["pgsa.udir.no"] == "confirmed"
    assert {status[h] for h in ("idp.feide.no", "auth.dataporten.no", "api.dataporten.no")} == {"inferred"}


def test_demo_list(catalog: Catalog) -> None:
    demo = catalog.list_files[next(p for p in catalog.list_files if p.endswith("demo.yaml"))]
    assert [(r.id, r.url, r.vendor) for r in demo.resources] == [
        ("demo-ordbok", "https://ordbok.demo-eksamen.no/", "demo-ordbok"),
        ("demo-leksikon", "https://leksikon.demo-eksamen.no/", "demo-leksikon"),
        ("demo-chatbot", "https://www.laeremiddel-demo.no/", "demo-laeremiddel"),
        ("demo-broken", "https://gammel.demo-eksamen.no/", "demo-leksikon"),
        ("demo-lisens", "https://lisens.laeremiddel-demo.no/", "demo-laeremiddel"),
    ]
    assert catalog.vendor("demo-ordbok").allowed_hosts() == ["ordbok.demo-eksamen.no", "static.demo-cdn.no"]
    assert catalog.vendor("demo-leksikon").allowed_hosts() == [
        "leksikon.demo-eksamen.no",
        "gammel.demo-eksamen.no",
        "bilder.demo-cdn.no",
    ]
    assert catalog.vendor("demo-laeremiddel").allowed_hosts() == [
        "www.laeremiddel-demo.no", "lisens.laeremiddel-demo.no", "idp.feide-demo.no"]
    assert catalog.vendor("demo-laeremiddel").login_hosts == ["idp.feide-demo.no"]


def test_local_list_uses_feide(catalog: Catalog) -> None:
    local = catalog.select("local", county="vestfold-og-telemark")
    assert local and all(r.login == "feide" for r in local)
    assert {r.id for r in local if r.confirmed} == {"unibok", "ordnett"}
    assert all(r.notes for r in local if not r.confirmed)


# ---------------------------------------------------------------- API


def test_load_catalog_raises_with_every_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    bad = GOOD_LIST.replace("https://www.acme.no/", "htp://x").replace("vendor: acme", "vendor: nobody")
    _write(tmp_path, {"lists/a.yaml": bad, "lists/b.yaml": "", "vendors/acme.yaml": ACME})
    with pytest.raises(ListFileError) as caught:
        load_catalog(["lists"], "vendors")
    assert caught.value.problems == [
        "lists/a.yaml:6: resources[0].url: 'htp://x' is not an http(s) URL",
        "lists/b.yaml:1: file is empty",
    ]
    assert str(caught.value).splitlines() == caught.value.problems


def test_catalog_lookups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, {"lists/a.yaml": GOOD_LIST, "vendors/acme.yaml": ACME})
    catalog = load_catalog(["lists/a.yaml"], "vendors")
    resource = catalog.resource("acme-ordbok")
    assert catalog.vendor_of(resource).id == "acme"
    assert catalog.origins == {"acme-ordbok": "lists/a.yaml:4"}
    assert catalog.select("local") == [] and catalog.select("national") == [resource]
    assert catalog.platform is None
    with pytest.raises(ConfigError, match=r"unknown resource id 'nope' \(known: acme-ordbok\)"):
        catalog.resource("nope")
    with pytest.raises(ConfigError, match=r"unknown vendor 'nope' \(known: acme\)"):
        catalog.vendor("nope")


def test_models_on_their_own() -> None:
    entry = DomainEntry.model_validate("WWW.Ordbøkene.no")
    assert (entry.host, entry.status) == ("www.xn--ordbkene-84a.no", "confirmed")
    vendor = Vendor.model_validate({"id": "v-1", "name": "V", "sources": ["s"], "domains": ["*.v.no"]})
    assert vendor.covers("a.b.v.no") and not vendor.covers("v.no")
    resource = Resource(id="ab", name="A", url="https://WWW.V.no/x", list="local", county="agder", vendor="v-1")
    assert resource.host == "www.v.no"
    listing = ListFile.model_validate(
        {
            "list": "local",
            "county": "agder",
            "version": "v",
            "resources": [{"id": "ab", "name": "A", "url": "https://v.no", "vendor": "v-1"}],
        }
    )
    assert listing.resources[0].county == "agder" and listing.resources[0].list == "local"


@pytest.mark.parametrize(
    ("pattern", "host", "expected"),
    [
        ("*.snl.no", "www.snl.no", True),
        ("*.snl.no", "snl.no", False),
        ("*.snl.no", "xsnl.no", False),
        ("snl.no", "snl.no", True),
        ("snl.no", "www.snl.no", False),
    ],
)
def test_host_matches(pattern: str, host: str, expected: bool) -> None:
    assert host_matches(pattern, host) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://SNL.no:443/", "https://snl.no"),
        ("http://snl.no:80/a/", "http://snl.no/a"),
        ("https://snl.no:8443/", "https://snl.no:8443"),
        ("https://snl.no/a?b=1#c", "https://snl.no/a?b=1"),
    ],
)
def test_normalized_url(url: str, expected: str) -> None:
    assert normalized_url(url) == expected


def test_unknown_vendor_hints_at_the_bundled_folder(check) -> None:
    text = GOOD_LIST.replace("vendor: acme", "vendor: snl").replace("https://www.acme.no/", "https://snl.no/")
    problems = check({"lists/a.yaml": text, "vendor_whitelists/acme.yaml": ACME}, ["lists", "vendor_whitelists"])
    assert len(problems) == 1
    assert problems[0].startswith(
        "lists/a.yaml:7: resources[0].vendor: unknown vendor 'snl' (known: acme); the bundled "
    )
    assert problems[0].endswith("vendor_whitelists has it: add that folder to the paths")
