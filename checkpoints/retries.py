"""Retries for transient failures only, and the cell states they lead to.

A cell is ``ok`` when the first attempt loaded, ``flaky`` when a retry recovered, ``failing``
after its retries (or at once for a permanent failure such as a 404 or an unknown host), and
``location_unreachable`` when the location's own proxy or worker could not be reached.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from nettsjekk.probes.results import ProbeResult

from nettsjekk.checkpoints.config import Retries

log = logging.getLogger(__name__)
PERMANENT_ERRORS = frozenset({"http_4xx", "dns", "tls", "redirect_loop", "blocked"})
TRANSIENT_STATUSES = frozenset({408, 425, 429})


@dataclass
class CellOutcome:
    status: str
    attempts: int
    result: ProbeResult
    history: list[str] = field(default_factory=list)
    """The error of every failed attempt, in order."""


def is_transient(result: ProbeResult) -> bool:
    """Worth another attempt: timeouts, resets, 5xx, a crashed browser; not a 404 or a DNS failure."""
    if result.ok:
        return False
    if result.status in TRANSIENT_STATUSES:
        return True
    return result.error not in PERMANENT_ERRORS


def run_with_retries(attempt: Callable[[], ProbeResult], policy: Retries,
                     sleep: Callable[[float], None] = time.sleep) -> CellOutcome:
    """Call ``attempt`` until it loads, fails permanently, or the attempts run out."""
    history: list[str] = []
    for number in range(1, policy.attempts + 1):
        result = attempt()
        if result.ok:
            return CellOutcome("ok" if number == 1 else "flaky", number, result, history)
        history.append(f"{result.error}: {result.error_detail}")
        if not is_transient(result) or number == policy.attempts:
            return CellOutcome("failing", number, result, history)
        delay = policy.backoff_s[min(number - 1, len(policy.backoff_s) - 1)] if policy.backoff_s else 0
        log.info("%s failed (%s); attempt %d in %.1f s", result.url, result.error, number + 1, delay)
        sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
