"""``clients.csv``: which machine, room and seat a client address (or host name) is.

Two columns, ``client`` and ``label``, with or without that header line; ``#`` lines are comments::

    client,label
    10.20.1.17,Rom 204 plass 17
    elev-pc-18.skole.local,Rom 204 plass 18
"""

from __future__ import annotations

import csv
from pathlib import Path

from nettsjekk.core.errors import ConfigError


def read_clients(path: str | Path) -> dict[str, str]:
    """Client -> label from ``path``; ``ConfigError`` names the file and line of every bad row."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the clients file ({exc})") from exc
    labels: dict[str, str] = {}
    problems: list[str] = []
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in row]
        if number == 1 and cells[0].lower() == "client":
            continue
        if len(cells) != 2 or not cells[0] or not cells[1]:
            problems.append(f"{path}:{number}: expected two columns, client and label (got {len(cells)})")
        elif cells[0].lower() in labels:
            problems.append(f"{path}:{number}: client {cells[0]!r} is already listed")
        else:
            labels[cells[0].lower()] = cells[1]
    if problems:
        raise ConfigError("\n".join(problems))
    return labels
