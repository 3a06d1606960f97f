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

from nettsjekk.core.domains import normalize_hostname
from nettsjekk.core.errors import ConfigError, InvalidHostname

READABLE = ("plain", "wildcard", "squid")


@dataclass(frozen=True)
class FileAllowlist:
    """The hosts an allowlist file lets through: ``exact`` hosts and the subdomains of ``suffixes``."""

    path: str
    exact: frozenset[str]
    suffixes: frozenset[str]

    def allows(self, host: str) -> bool:
        """True when ``host`` (normalised) is let through."""
        return self.entry_for(host) is not None

    def entry_for(self, host: str) -> str | None:
        """The entry that lets ``host`` (normalised) through, as a Squid/wildcard line, or None:
        ``host`` itself, ``.domain`` (the domain and its subdomains) or ``*.domain`` (subdomains only)."""
        if host in self.exact:
            return f".{host}" if host in self.suffixes else host
        labels = host.split(".")
        for start in range(1, len(labels)):
            base = ".".join(labels[start:])
            if base in self.suffixes:
                return f".{base}" if base in self.exact else f"*.{base}"
        return None

    def __len__(self) -> int:
        return len(self.exact) + len(self.suffixes)


def read_allowlist(path: str | Path) -> FileAllowlist:
    """The allowlist in ``path`` (plain, wildcard or Squid ``dstdomain``); ``ConfigError`` names every bad line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the allowlist file ({exc})") from exc
    _refuse_other_formats(path, text)
    exact: set[str] = set()
    suffixes: set[str] = set()
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for token in line.split("#", 1)[0].split():
            try:
                _add(token, exact, suffixes)
            except InvalidHostname as exc:
                problems.append(f"{path}:{number}: {token[:80]!r}: {exc}")
    if problems:
        raise ConfigError("\n".join(problems))
    if not exact and not suffixes:
        raise ConfigError(f"{path}: no hosts in the allowlist file (one host, *.domain or .domain per line)")
    return FileAllowlist(str(path), frozenset(exact), frozenset(suffixes))


def _add(token: str, exact: set[str], suffixes: set[str]) -> None:
    if token.startswith("*."):
        suffixes.add(_host(token[2:]))
    elif token.startswith("."):
        base = _host(token[1:])
        exact.add(base)
        suffixes.add(base)
    else:
        exact.add(_host(token))


def _host(raw: str) -> str:
    if "*" in raw or "/" in raw or ":" in raw:
        raise InvalidHostname("not a host name (write www.example.no, *.example.no or .example.no; no scheme, "
                              "path or port)")
    host = normalize_hostname(raw)
    if "." not in host:
        raise InvalidHostname("not a full host name (expected something like www.example.no)")
    return host


def _refuse_other_formats(path: Path, text: str) -> None:
    start = text.lstrip()
    what = ("a Chrome policy (JSON)" if start.startswith("{") else
            "a Safe Exam Browser (plist) file" if start.startswith("<") else
            "a PAC file" if "function FindProxyForURL" in text else None)
    if what:
        raise ConfigError(f"{path}: this looks like {what}; replay reads {', '.join(READABLE)} files "
                          "(export one with 'nettsjekk export --format squid')")
