"""Issue 17: free text written by people (list versions, exception reasons) cannot break an export.

Each test is one reproduction from the hostile-input review: the text reaches the header of the export,
and the export must still parse in its consumer with the text kept as text.
"""

from __future__ import annotations

import csv
import plistlib
from datetime import date

import pytest
from nettsjekk.allowlists.exports import render_export
from nettsjekk.allowlists.header import ExportContext
from nettsjekk.allowlists.exemptions import ActiveException, ExceptionSet
from nettsjekk.allowlists.model import AllowEntry, Allowlist
from nettsjekk.core.hosts import HostPattern


def allowlist_with_reason(reason: str = "ticket 4711", who: str = "Kari") -> Allowlist:
    exception = ActiveException(HostPattern.parse("translate.googleapis.com"), reason, who, date(2027, 6, 30),
                                "exceptions.yaml:2")
    entries = (AllowEntry(HostPattern.parse("www.snl.no"), ()),)
    return Allowlist(entries, ("snl",), exceptions=ExceptionSet((exception,)))


def export(fmt: str, *, version: str = "2026", reason: str = "ticket 4711") -> str:
    context = ExportContext(date(2026, 12, 3), "T-7", (f"lists/national.yaml (version {version})",))
    return render_export(allowlist_with_reason(reason), fmt, context)


@pytest.mark.parametrize("version", ["2026 --- vår", "x --->", "<!-- -->", "a-", "]]> <plist>", "--"])
def test_a_list_version_full_of_dashes_leaves_the_seb_file_a_valid_plist(version):
    text = export("seb", version=version)

    settings = plistlib.loads(text.encode("utf-8"))
    assert [r["expression"] for r in settings["URLFilterRules"] if r["action"] == 1] == [".www.snl.no"]
    assert any(version in line for line in settings["nettsjekkExportHeader"])


def test_an_exception_reason_that_closes_the_comment_cannot_add_a_seb_rule():
    reason = '---><key>URLFilterRules</key><array><dict><key>action</key><integer>1</integer></dict></array><!--'
    settings = plistlib.loads(export("seb", reason=reason).encode("utf-8"))

    assert all(set(rule) == {"action", "active", "expression", "regex"} for rule in settings["URLFilterRules"])
    assert any(reason in line for line in settings["nettsjekkExportHeader"])


def test_a_comma_in_an_exception_reason_cannot_start_a_formula_cell_in_the_csv():
    text = export("csv", reason="ticket 4711,=1+1,end", version="v1,=2+2")
    cells = [cell for row in csv.reader(text.splitlines()) for cell in row]

    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any("ticket 4711,=1+1,end" in cell for cell in cells)  # kept whole, in one quoted cell
