"""Turns one final answer (or download failure) into a link status, reason and detail.

Order of judgement for an answer of 400 or more: a proxy's own error (Squid's ``X-Squid-Error``,
e.g. ``ERR_DNS_FAIL`` becomes ``broken``/``dns``), then a bot wall (``bot_blocked`` with the
provider), then 429 (``bot_blocked``/``rate_limited``), then the suspect statuses (a bare 403 is
``bot_blocked``/``suspected`` until a browser says more), and only then ``broken``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from nettsjekk.probes.classify import reason_for_status

from nettsjekk.probes.crawler.botwall import detect_wall
from nettsjekk.probes.crawler.policy import policy


@dataclass(frozen=True)
class Verdict:
    """A link's status with its reason, the last HTTP status and the words behind it."""

    status: str
    reason: str | None = None
    http_status: int | None = None
    detail: str | None = None


def judge_response(status: int, headers: Mapping[str, str], body: bytes = b"", *, host: str = "",
                   redirected: bool = False, set_cookies: list[str] | None = None) -> Verdict:
    """The verdict for a final answer; ``headers`` keys lower case."""
    diagnosis = reason_for_status(status, dict(headers))
    if diagnosis is None:
        return Verdict("redirect" if redirected else "ok", None, status)
    if headers.get("x-squid-error"):
        kind = "timeout" if diagnosis.reason == "timeout" else "broken"
        return Verdict(kind, diagnosis.reason, status, diagnosis.detail)
    wall = detect_wall(status, headers, body, host, set_cookies)
    if wall:
        return Verdict("bot_blocked", wall.provider, status, f"HTTP {status}; {wall.evidence}")
    if status == 429:
        return Verdict("bot_blocked", "rate_limited", status, "HTTP 429 Too Many Requests after every retry")
    if status in policy().suspect_statuses:
        return Verdict("bot_blocked", "suspected", status,
                       f"HTTP {status} without a challenge marker; many sites refuse non-browsers this way")
    return Verdict("broken", diagnosis.reason, status, diagnosis.detail)


def failure_reason(exc: BaseException) -> str:
    """The short reason for a download failure: timeout, tls, dns, proxy, connection or unknown."""
    names = _qualified_names(exc)
    for reason, patterns in policy().failures:
        if any(pattern in name for name in names for pattern in patterns):
            return reason
    return "unknown"


def judge_failure(exc: BaseException) -> Verdict:
    """The verdict for a download that produced no answer."""
    reason = failure_reason(exc)
    detail = _one_line(exc)
    return Verdict("timeout" if reason == "timeout" else "broken", reason, None, detail)


def _qualified_names(exc: BaseException, depth: int = 0) -> list[str]:
    """``module.Class`` of the exception, its bases, its cause, and the failures it wraps (Twisted's
    ``ResponseNeverReceived``/``ResponseFailed`` carry a list of inner failures in ``reasons``)."""
    names = [f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__]
    inner = [getattr(reason, "value", reason) for reason in getattr(exc, "reasons", None) or ()]
    for value in [exc.__cause__, *inner]:
        if isinstance(value, BaseException) and depth < 5:
            names += _qualified_names(value, depth + 1)
    return names


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300]}" if text else type(exc).__name__
