"""Documented exceptions to the deny guard: a YAML file an administrator signs off.

::

    exceptions:
      - host: translate.googleapis.com
        reason: Ordbok X needs its pronunciation API; the translation UI is switched off (ticket 4711)
        who: Kari Nordmann, Agder fylkeskommune
        expires: 2026-06-30

An exception lets exactly that host (or ``*.domain``) through the deny guard until the end of the
day ``expires``. Every active exception is printed in the header of every export; an expired one
fails the export, naming the file and line, so nobody forgets to review it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from nettsjekk.core.errors import InvalidHostname, ListFileError
from nettsjekk.core.yamldoc import Report, Source, read_doc, report_validation
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nettsjekk.core.errors import ExpiredExceptionError
from nettsjekk.core.hosts import HostPattern, allowlist_pattern

MAX_TEXT = 300


def check_line(value: str) -> str:
    """Accept one line of printable text (it is written into configuration-file comments)."""
    bad = [ch for ch in value if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")]
    if bad:
        raise ValueError(f"must be one line of plain text (it contains U+{ord(bad[0]):04X})")
    if not value.strip():
        raise ValueError("must not be empty")
    if len(value) > MAX_TEXT:
        raise ValueError(f"is longer than {MAX_TEXT} characters; put the details in the ticket it refers to")
    return value.strip()


class AllowException(BaseModel):
    """One exception as written in the file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(description="host or *.domain the exception lets through")
    reason: str
    who: str = Field(description="who approved it")
    expires: date = Field(description="last day the exception holds")

    @field_validator("host")
    @classmethod
    def _pattern(cls, value: str) -> str:
        try:
            return str(allowlist_pattern(value))
        except InvalidHostname as exc:
            raise ValueError(str(exc)) from None

    @field_validator("reason", "who")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return check_line(value)


class ExceptionFile(BaseModel):
    """The exceptions file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exceptions: list[AllowException]


@dataclass(frozen=True)
class ActiveException:
    """An exception in force, with where it was written (``file:line``)."""

    pattern: HostPattern
    reason: str
    who: str
    expires: date
    where: str

    def describe(self) -> str:
        """One line for export headers."""
        return f"{self.pattern} until {self.expires.isoformat()}, approved by {self.who}: {self.reason} ({self.where})"


@dataclass(frozen=True)
class ExceptionSet:
    """The active exceptions of one file (possibly none)."""

    active: tuple[ActiveException, ...] = ()

    def find(self, pattern: HostPattern) -> ActiveException | None:
        """The exception for exactly ``pattern``, if any."""
        return next((e for e in self.active if e.pattern == pattern), None)


def load_exceptions(path: Path | str | None, today: date) -> ExceptionSet:
    """Read an exceptions file; ``None`` means none. Raises ``ListFileError`` for a bad file and
    ``ExpiredExceptionError`` when any exception expired before ``today``."""
    if path is None:
        return ExceptionSet()
    report = Report()
    source = Source(Path(path), str(path), report.next_order())
    doc = read_doc(source, report)
    if doc is None or report.problems:
        raise ListFileError(report.lines())
    try:
        model = ExceptionFile.model_validate(doc.data)
    except ValidationError as exc:
        report_validation(doc, ExceptionFile, exc, report)
        raise ListFileError(report.lines()) from None
    return _active(model, doc, str(path), today)


def _active(model: ExceptionFile, doc, shown: str, today: date) -> ExceptionSet:
    expired, active = [], []
    for index, entry in enumerate(model.exceptions):
        line = doc.line(("exceptions", index, "expires"))
        if entry.expires < today:
            expired.append(f"{shown}:{line}: exceptions[{index}]: the exception for {entry.host} expired on "
                           f"{entry.expires.isoformat()} (approved by {entry.who}); renew it with a new date or remove it")
        else:
            where = f"{shown}:{doc.line(('exceptions', index))}"
            active.append(ActiveException(allowlist_pattern(entry.host), entry.reason, entry.who, entry.expires, where))
    if expired:
        raise ExpiredExceptionError(expired)
    return ExceptionSet(tuple(active))
