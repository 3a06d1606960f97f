"""The exceptions nettsjekk raises, with messages a county administrator can act on.

    NettsjekkError
    ├── ConfigError            a file the user wrote is wrong (lists, vendor whitelists, settings)
    │   └── ListFileError      ...with the file, line and field of every problem
    ├── InvalidHostname        a hostname that may not reach an allowlist or a probe
    ├── InvalidUrl             a URL that nettsjekk cannot probe (not http/https, malformed)
    └── EngineUnavailable      a browser engine is not installed on this machine
"""

from __future__ import annotations


class NettsjekkError(Exception):
    """Base class: every error nettsjekk raises on purpose."""


class ConfigError(NettsjekkError):
    """A file or option the user wrote is wrong."""


class ListFileError(ConfigError):
    """One or more problems in list or vendor whitelist files.

    ``problems`` holds one line per problem, each ``path:line: field: message``.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class InvalidHostname(NettsjekkError, ValueError):
    """A hostname that is not a valid DNS name."""


class InvalidUrl(NettsjekkError, ValueError):
    """A URL nettsjekk cannot probe."""


class EngineUnavailable(NettsjekkError):
    """A browser engine cannot be launched here."""
