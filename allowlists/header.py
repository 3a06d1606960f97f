"""The header every export starts with: date, list versions, checkpoint, exceptions, what was left out.

Header text comes from files and options people write, so every line is made safe before it can
reach a template: control, format and line-separator characters become ``?`` (a newline in a
comment would start a new configuration line), and the checkpoint name is checked up front.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from nettsjekk.lists.catalog import Catalog

from nettsjekk.core.errors import ExportOptionError
from nettsjekk.allowlists.model import Allowlist

_CHECKPOINT = re.compile(r"[\w][\w .:+/-]{0,63}")


@dataclass(frozen=True)
class ExportContext:
    """What the header says about the run that produced the export."""

    generated_on: date
    checkpoint: str = ""
    lists: tuple[str, ...] = ()
    deny_version: str = ""
    options: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.checkpoint and not _CHECKPOINT.fullmatch(self.checkpoint):
            raise ExportOptionError(
                f"checkpoint name {self.checkpoint[:40]!r} is not allowed: use up to 64 letters, digits, "
                "spaces and . : + / - (e.g. 'T-7' or '2026-05-20 morning')"
            )


def list_versions(catalog: Catalog) -> tuple[str, ...]:
    """``path (version V)`` for every list file of the catalog, sorted."""
    return tuple(sorted(f"{path} (version {lf.version})" for path, lf in catalog.list_files.items()))


_UNSAFE = ("Cc", "Cf", "Zl", "Zp", "Cs")


def clean(text: str) -> str:
    """``text`` as one safe line: control, format, separator and lone surrogate characters, and the
    two code points XML cannot hold (U+FFFE, U+FFFF), become ``?``."""
    flat = " ".join(text.split())
    return "".join("?" if unicodedata.category(ch) in _UNSAFE or ch in "\ufffe\uffff" else ch for ch in flat)


def header_lines(allowlist: Allowlist, context: ExportContext, fmt: str) -> list[str]:
    """The header as plain lines (no comment markers), each cleaned."""
    exact = sum(1 for p in allowlist.patterns() if not p.wildcard)
    wild = len(allowlist.entries) - exact
    lines = [
        f"nettsjekk allowlist, format {fmt}, generated {context.generated_on.isoformat()}",
        f"checkpoint: {context.checkpoint or '(none given)'}",
        f"lists: {'; '.join(context.lists) or '(none)'}",
        f"deny catalog: version {context.deny_version or '(bundled)'}",
        f"resources ({len(allowlist.resources)}): {', '.join(sorted(allowlist.resources)) or '(none)'}",
        f"entries: {len(allowlist.entries)} ({_count(exact, 'exact host')}, {_count(wild, 'wildcard')})",
    ]
    lines += [f"exception in force: {e.describe()}" for e in allowlist.exceptions.active]
    lines += [f"option: {option}" for option in context.options]
    lines += [f"left out: {item.describe()}" for item in allowlist.left_out]
    lines += [f"note: {note}" for note in allowlist.notes]
    return [clean(line) for line in lines]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
