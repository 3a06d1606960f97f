"""The stored submissions of the intake form as CSV: one row per submission.

Answers are the stored keys (``yes``, ``no``, ``unsure``, ``not_relevant``, ``not_tested``; roles
``ikt``, ``teacher``, ``pupil``), so a script can read them; times are UTC (ISO 8601). UTF-8 with a
byte-order mark (Excel reads æøå right); a cell that a spreadsheet would run as a formula gets a
leading apostrophe.
"""

from __future__ import annotations

import csv
import io

from nettsjekk.checkpoints.manual_tests import ManualTest

COLUMNS = ("id", "checkpoint", "resource_id", "location", "role", "initials", "loads", "login", "translation",
           "communication", "search_engine", "ai", "links_blocked", "comment", "browser", "os", "screenshot",
           "submitted_at")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def to_csv(tests: list[ManualTest]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for test in tests:
        writer.writerow([_cell(getattr(test, column)) for column in COLUMNS])
    return buffer.getvalue()


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text
