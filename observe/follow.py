"""``--follow``: read a live log to its end, then keep reading what Squid appends, like ``tail -F``.

A rotated log (a new file under the same name, or the file truncated) is reopened from its start.
``stop()`` returning True ends the stream between polls (the CLI sets it on Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from nettsjekk.observe.logs import LogStats, Request, open_log, parse_line

POLL_S = 0.2


def follow_requests(path: Path, fmt: str, stats: LogStats, stop: Callable[[], bool],
                    poll_s: float = POLL_S) -> Iterator[Request]:
    """Requests of ``path`` as they are written; a partial last line waits for its newline."""
    for line, number in _follow_lines(path, stop, poll_s):
        stats.lines += 1
        request = parse_line(line, fmt)
        if request is None:
            if line.strip():
                stats.bad(str(path), number, line)
            continue
        yield request


def _follow_lines(path: Path, stop: Callable[[], bool], poll_s: float) -> Iterator[tuple[str, int]]:
    stream, identity, number, partial = open_log(path), _identity(path), 0, ""
    try:
        while not stop():
            chunk = stream.readline()
            if chunk:
                partial += chunk
                if partial.endswith("\n"):
                    number += 1
                    yield partial, number
                    partial = ""
                continue
            current = _identity(path)
            if current is not None and (current != identity or _shrunk(path, stream)):
                stream.close()
                stream, identity, number, partial = open_log(path), _identity(path), 0, ""
                continue
            time.sleep(poll_s)
    finally:
        stream.close()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _shrunk(path: Path, stream) -> bool:  # noqa: ANN001 - a text stream
    try:
        return os.stat(path).st_size < stream.buffer.tell() if hasattr(stream, "buffer") else False
    except (OSError, ValueError):
        return False
