"""Read an allowlist file back: what an exported (or hand-edited) plain, wildcard or Squid file lets through.

One entry per line; ``#`` starts a comment. The three text formats share one reading:

* ``www.example.no``: exactly that host (plain, wildcard and Squid ``dstdomain`` alike);
* ``*.example.no``: every subdomain of ``example.no``, not the domain itself (``--format wildcard``);
* ``.example.no``: the domain and every subdomain (Squid ``dstdomain``).

Unlike the compiler, this reader refuses nothing a firewall would accept (a broad wildcard in a
hand-edited file is exactly what an exam-mode replay should show the consequences of); it only
refuses what is not a host name, naming the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nettsjekk.core.hosts import HostPattern
from nettsjekk.core.errors import ConfigError, InvalidHostname

READABLE = ("plain", "wildcard", "squid")


@dataclass(frozen=True)
class FileAllowlist:
    """The host patterns an allowlist file holds (:class:`~nettsjekk.core.hosts.HostPattern`)."""

    path: str
    patterns: frozenset[HostPattern]

    def allows(self, host: str) -> bool:
        """True when ``host`` (normalised) is let through."""
        return self.entry_for(host) is not None

    def entry_for(self, host: str) -> str | None:
        """The entry that lets ``host`` (normalised) through, as the file writes it (``host``,
        ``.domain`` or ``*.domain``), the most specific first; None when nothing does."""
        covering = [pattern for pattern in self.patterns if pattern.covers(host)]
        if not covering:
            return None
        return str(max(covering, key=lambda pattern: (len(pattern.base), not pattern.wildcard)))

    def __len__(self) -> int:
        return len(self.patterns)


def read_allowlist(path: str | Path) -> FileAllowlist:
    """The allowlist in ``path`` (plain, wildcard or Squid ``dstdomain``); ``ConfigError`` names every bad line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the allowlist file ({exc})") from exc
    _refuse_other_formats(path, text)
    patterns: set[HostPattern] = set()
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for token in line.split("#", 1)[0].split():
            try:
                patterns.add(_pattern(token))
            except InvalidHostname as exc:
                problems.append(f"{path}:{number}: {token[:80]!r}: {exc}")
    if problems:
        raise ConfigError("\n".join(problems))
    if not patterns:
        raise ConfigError(f"{path}: no hosts in the allowlist file (one host, *.domain or .domain per line)")
    return FileAllowlist(str(path), frozenset(patterns))


def _pattern(token: str) -> HostPattern:
    """``host``, ``*.domain`` or Squid's ``.domain`` (the domain and its subdomains)."""
    bare = token.removeprefix("*.").removeprefix(".")
    if "*" in bare or "/" in bare or ":" in bare:
        raise InvalidHostname("not a host name (write www.example.no, *.example.no or .example.no; no scheme, "
                              "path or port)")
    if "." not in bare.removesuffix("."):
        raise InvalidHostname("not a full host name (expected something like www.example.no)")
    return HostPattern.domain(bare) if token.startswith(".") else HostPattern.parse(token)


def _refuse_other_formats(path: Path, text: str) -> None:
    start = text.lstrip()
    what = ("a Chrome policy (JSON)" if start.startswith("{") else
            "a Safe Exam Browser (plist) file" if start.startswith("<") else
            "a PAC file" if "function FindProxyForURL" in text else None)
    if what:
        raise ConfigError(f"{path}: this looks like {what}; replay reads {', '.join(READABLE)} files "
                          "(export one with 'nettsjekk export --format squid')")
