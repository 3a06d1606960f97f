"""Proxy access logs as a stream of requests: Squid's native format and Apache's combined format.

Squid's native ``logformat squid`` is
``%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt``::

    1733212800.123    412 10.20.1.17 TCP_DENIED/403 3901 CONNECT chatgpt.com:443 - HIER_NONE/- text/html
    1733212801.004  20311 10.20.1.17 TCP_TUNNEL/200 5120 CONNECT snl.no:443 - HIER_DIRECT/151.101.1.1 -

The combined format (``%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"``) as a forward proxy
writes it, with ``CONNECT host:443`` and absolute URLs::

    10.20.1.17 - - [03/Dec/2026:09:14:02 +0100] "CONNECT chatgpt.com:443 HTTP/1.1" 403 0 "-" "Mozilla/5.0"

A line that is neither is *malformed*: counted, the first ones kept with file and line, never fatal.
A well-formed line without a host (Squid's ``NONE_NONE/000 0 - error:transaction-end-before-headers``
for a connection closed before its request, a relative URL) is a request to no host: read, not observed.
Files are read line by line (``.gz`` through gzip), so memory stays flat however long the log.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, NamedTuple

from nettsjekk.core.errors import ConfigError

FORMATS = ("squid", "combined", "auto")
MALFORMED_SHOWN = 10
_SNIFF_LINES = 50
_COMBINED = re.compile(
    r'^(?P<client>\S+) \S+ (?P<user>\S+) \[(?P<time>[^\]]+)\] "(?P<request>[^"]*)" (?P<status>\d{3}|-) (?P<bytes>\S+)')
_COMBINED_TIME = "%d/%b/%Y:%H:%M:%S %z"
_CONNECT_HOSTS: dict[str, str] = {}
_CONNECT_CACHE_SIZE = 100_000


class Request(NamedTuple):
    """One logged request: when (Unix time), from which client, to which host, and what the proxy did."""

    time: float
    client: str
    host: str
    method: str
    code: str
    """Squid's result code (``TCP_DENIED``, ``TCP_TUNNEL``, ``NONE_NONE`` …); empty in combined logs."""
    status: int
    """HTTP status the client got (0 when there was none, Squid's ``/000``)."""
    hierarchy: str
    """Squid's hierarchy code (``HIER_DIRECT``, ``HIER_NONE`` …); empty in combined logs."""

    @property
    def denied(self) -> bool:
        """The proxy refused it: a ``*_DENIED`` result, or its own 403 without asking anyone upstream.
        ``TCP_DENIED/407`` is not: that is the proxy asking for the user's login, which browsers answer."""
        if self.status == 407:
            return False
        return "DENIED" in self.code or (self.status == 403 and self.hierarchy in ("", "HIER_NONE"))

    @property
    def let_through(self) -> bool:
        """The proxy forwarded it: a 2xx/3xx answer (``TCP_TUNNEL/200``, ``TCP_MISS/200`` …), or any answer
        from upstream (Squid's hierarchy names a peer or direct connection). A tunnel that failed before
        reaching anyone (Squid 6 logs ``TCP_TUNNEL/503 … HIER_NONE/-``, Squid 5 ``TAG_NONE/503``) is not."""
        if self.denied or self.status == 407 or not 100 <= self.status <= 599:
            return False
        return self.status < 400 or self.hierarchy not in ("", "HIER_NONE")


class Malformed(NamedTuple):
    path: str
    line: int
    text: str


@dataclass
class LogStats:
    """What reading the logs counted: every line, the malformed ones, and the first of those."""

    lines: int = 0
    malformed: int = 0
    examples: list[Malformed] = field(default_factory=list)

    def bad(self, path: str, number: int, text: str) -> None:
        self.malformed += 1
        if len(self.examples) < MALFORMED_SHOWN:
            self.examples.append(Malformed(path, number, text.rstrip("\n")[:200]))


def host_of(method: str, url: str) -> str:
    """The host a request went to: ``host:port`` for CONNECT, else the host of an absolute URL;
    empty when the URL names none (a relative path). Lower case, without port or brackets."""
    if method == "CONNECT" or "://" not in url:
        authority = url if method == "CONNECT" else ""
    else:
        authority = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0]
        authority = authority.rpartition("@")[2]
    if authority.startswith("["):
        return authority[1:].partition("]")[0].lower()
    if authority.count(":") == 1:
        authority = authority.partition(":")[0]
    return authority.rstrip(".").lower()


def parse_squid(line: str) -> Request | None:
    """One line of Squid's native format, or None when it is not one. (The hosts of ``CONNECT host:port``
    targets are cached: a log repeats a few thousand of them millions of times.)"""
    parts = line.split()
    if len(parts) < 10:
        return None
    method, url = parts[5], parts[6]
    if method == "CONNECT":
        host = _CONNECT_HOSTS.get(url)
        if host is None:
            host = host_of(method, url)
            if len(_CONNECT_HOSTS) < _CONNECT_CACHE_SIZE:
                _CONNECT_HOSTS[url] = host
    else:
        host = host_of(method, url)
    code, _, status = parts[3].partition("/")
    try:
        request = Request(float(parts[0]), parts[2], host, method, code, int(status or 0),
                          parts[8].partition("/")[0])
    except ValueError:
        return None
    return request if code else None


def parse_combined(line: str) -> Request | None:
    """One line of the Apache combined (or common) format as a forward proxy writes it, or None."""
    match = _COMBINED.match(line)
    if match is None:
        return None
    words = match["request"].split()
    if len(words) < 2:
        return None
    try:
        when = datetime.strptime(match["time"], _COMBINED_TIME).timestamp()
    except ValueError:
        return None
    host = host_of(words[0], words[1])
    status = match["status"]
    return Request(when, match["client"], host, words[0], "", int(status) if status != "-" else 0, "")


PARSERS = {"squid": parse_squid, "combined": parse_combined}


def open_log(path: Path) -> IO[str]:
    """``path`` as text lines; ``.gz`` (a rotated log) through gzip. Bytes that are not UTF-8 are replaced."""
    try:
        with path.open("rb") as probe:
            gz = probe.read(2) == b"\x1f\x8b"
        if gz:
            return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="\n")
        return path.open("r", encoding="utf-8", errors="replace", newline="\n")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the log ({exc.strerror or exc})") from exc


def sniff_format(path: Path) -> str:
    """``squid`` or ``combined``: whichever reads more of the first lines of ``path``."""
    with open_log(path) as stream:
        head = [line for _, line in zip(range(_SNIFF_LINES), stream) if line.strip()]
    scores = {name: sum(parse(line) is not None for line in head) for name, parse in PARSERS.items()}
    best = max(scores, key=scores.get)
    if scores[best] == 0:
        if not head:
            return "squid"
        raise ConfigError(f"{path}: neither a Squid access.log nor a combined log (first line: {head[0][:80]!r}); "
                          "give --format squid or --format combined if it is one")
    return best


def read_requests(paths: list[Path], fmt: str, stats: LogStats) -> Iterator[Request]:
    """Every request in ``paths`` (in order), counting lines and malformed lines in ``stats``."""
    for path in paths:
        yield from _read_file(path, fmt, stats)


def _read_file(path: Path, fmt: str, stats: LogStats) -> Iterator[Request]:
    parse = PARSERS[sniff_format(path) if fmt == "auto" else fmt]
    shown = str(path)
    with open_log(path) as stream:
        number = 0
        try:
            for number, line in enumerate(stream, start=1):
                request = parse(line)
                if request is None:
                    if line.strip():
                        stats.bad(shown, number, line)
                    continue
                yield request
        except (OSError, EOFError) as exc:  # a truncated .gz: what was read counts, the rest is one problem
            stats.bad(shown, number + 1, f"(unreadable from here on: {exc})")
        stats.lines += number


def parse_line(line: str, fmt: str) -> Request | None:
    """One line in ``fmt`` (``squid`` or ``combined``); ``auto`` tries Squid first."""
    if fmt == "auto":
        return parse_squid(line) or parse_combined(line)
    return PARSERS[fmt](line)
