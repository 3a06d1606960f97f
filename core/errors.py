"""Every exception nettsjekk raises on purpose, with messages a county administrator can act on.

Each class carries the exit code the command line ends with (``exit_code``); the CLI maps an
error to its code by that attribute alone. The codes:

    0  every checked resource is OK (with or without conditions)
    1  a check failed: a resource is not OK or not tested, a probe failed, a leak was found
    2  bad input: a file, option or value the user wrote is wrong (nothing was run)
    3  this machine cannot do it: a browser is missing, the results store cannot be opened or
       written, a crawl or login could not run to its end

The tree:

    NettsjekkError                 (3)  base class; not raised itself
    ├── ConfigError                (2)  a file or option the user wrote is wrong
    │   ├── ListFileError          (2)  ...with ``file:line: field: message`` for every problem
    │   │   ├── ConfigFileError    (2)  nettsjekk.yaml
    │   │   ├── RuleFileError      (2)  a detection rule file
    │   │   └── ReviewFileError    (2)  reviews.yaml
    │   ├── ResultsFileError       (2)  a probe results file cannot be used (file and entry named)
    │   ├── DeniedHostError        (2)  an export would open a denied host (host, category, who)
    │   ├── ExpiredExceptionError  (2)  an exemption in the exceptions file has expired (file:line)
    │   ├── ExportLimitError       (2)  a target cannot hold the export (Chrome: over 1,000 entries)
    │   ├── ExportOptionError      (2)  an option that may not reach a file (PAC proxy, ACL path …)
    │   ├── InvalidHostname        (2)  a hostname that may not reach an allowlist or a probe
    │   └── InvalidUrl             (2)  a URL nettsjekk cannot probe (not http/https, malformed)
    ├── EngineUnavailable          (3)  a browser engine is not installed or does not start here
    ├── StoreError                 (3)  the results store cannot be opened, read or written
    ├── CrawlError                 (3)  the link crawl process died without a report
    ├── OrchestrationError         (3)  Prefect could not start or run the flow (e.g. its server did not start)
    └── LoginFailed                (3)  a login did not end logged in (credentials, changed page …)
"""

from __future__ import annotations

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3


class NettsjekkError(Exception):
    """Base class: every error nettsjekk raises on purpose."""

    exit_code = EXIT_ENVIRONMENT


class ConfigError(NettsjekkError):
    """A file or option the user wrote is wrong."""

    exit_code = EXIT_USAGE


class ListFileError(ConfigError):
    """One or more problems in list or vendor whitelist files.

    ``problems`` holds one line per problem, each ``path:line: field: message``.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class ConfigFileError(ListFileError):
    """Problems in ``nettsjekk.yaml``, one ``file:line: field: message`` line each."""


class RuleFileError(ListFileError):
    """Problems in a rule file, one ``path:line: field: message`` line each."""


class ReviewFileError(ListFileError):
    """Problems in ``reviews.yaml``, one ``file:line: field: message`` line each."""


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


class InvalidHostname(ConfigError, ValueError):
    """A hostname that is not a valid DNS name."""


class InvalidUrl(ConfigError, ValueError):
    """A URL nettsjekk cannot probe."""


class EngineUnavailable(NettsjekkError):
    """A browser engine cannot be launched here."""


class StoreError(NettsjekkError):
    """The results store cannot be opened, read or written."""


class CrawlError(NettsjekkError):
    """The crawl process died without a report (its stderr tail is in the message)."""


class OrchestrationError(NettsjekkError):
    """Prefect could not start or run a flow here (its ephemeral server did not come up in time, ...)."""


class LoginFailed(NettsjekkError):
    """A login did not end logged in (wrong credentials, a changed login page, a person who gave up)."""
