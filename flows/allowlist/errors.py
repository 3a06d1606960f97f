"""Errors of the allowlist exports, each a ``ConfigError`` the CLI prints as one line (exit 2).

    ConfigError
    ├── ResultsFileError       a probe results file cannot be used (file and entry named)
    ├── DeniedHostError        an export would open a denied host (host, category, who pulled it in)
    ├── ExpiredExceptionError  an exception in the exceptions file has expired (file:line named)
    ├── ExportLimitError       a target cannot hold the export (Chrome: more than 1,000 entries)
    └── ExportOptionError      an option that cannot reach a file (checkpoint, PAC proxy, ACL path)
"""

from __future__ import annotations

from nettsjekk.probes.errors import ConfigError


class ResultsFileError(ConfigError):
    """A probe results file is missing, not JSON, or holds an entry that is not a probe result."""


class DeniedHostError(ConfigError):
    """The export would open hosts of the deny catalog; ``violations`` holds one line per host."""

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        count = len(violations)
        noun = "a denied host" if count == 1 else f"{count} denied hosts"
        super().__init__(
            f"export refused: it would open {noun}: {'; '.join(violations)}. Remove the entry from the vendor "
            "file, or add an exception (host, reason, who, expires) and pass --exceptions FILE"
        )


class ExpiredExceptionError(ConfigError):
    """One or more exceptions have expired; ``problems`` holds one ``file:line: message`` each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class ExportLimitError(ConfigError):
    """The target format cannot hold this many entries."""


class ExportOptionError(ConfigError):
    """An export option holds something that may not be written into a configuration file."""
