"""From one answer or failure to a link status; and how a browser recheck settles it."""

from __future__ import annotations

import pytest
from OpenSSL import SSL
from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.exceptions import DownloadTimeoutError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from nettsjekk.probes.crawler.recheck import apply_recheck, needs_recheck
from nettsjekk.probes.crawler.results import LinkResult, Recheck
from nettsjekk.probes.crawler.verdict import judge_failure, judge_response


@pytest.mark.parametrize(("status", "headers", "expected"), [
    (200, {}, ("ok", None)),
    (404, {}, ("broken", "http_4xx")),
    (410, {}, ("broken", "http_4xx")),
    (500, {}, ("broken", "http_5xx")),
    (502, {"x-squid-error": "ERR_DNS_FAIL 0"}, ("broken", "dns")),
    (403, {"x-squid-error": "ERR_ACCESS_DENIED 0"}, ("broken", "blocked")),
    (504, {"x-squid-error": "ERR_READ_TIMEOUT 0"}, ("timeout", "timeout")),
    (403, {"cf-mitigated": "challenge"}, ("bot_blocked", "cloudflare")),
    (429, {}, ("bot_blocked", "rate_limited")),
    (403, {}, ("bot_blocked", "suspected")),
    (999, {}, ("bot_blocked", "suspected")),
])
def test_answers(status, headers, expected):
    verdict = judge_response(status, headers)
    assert (verdict.status, verdict.reason, verdict.http_status) == (*expected, status)


def test_an_answer_after_redirects_is_a_redirect():
    assert judge_response(200, {}, redirected=True).status == "redirect"


@pytest.mark.parametrize(("exc", "expected"), [
    (DownloadTimeoutError("Getting x took longer than 2 seconds."), ("timeout", "timeout")),
    (DNSLookupError("x"), ("broken", "dns")),
    (ConnectionRefusedError("x"), ("broken", "connection")),
    (TunnelError("Could not open CONNECT tunnel"), ("broken", "proxy")),
    (ResponseNeverReceived([Failure(SSL.Error([("SSL routines", "", "certificate verify failed")]))]), ("broken", "tls")),
    (ValueError("odd"), ("broken", "unknown")),
])
def test_failures(exc, expected):
    verdict = judge_failure(exc)
    assert (verdict.status, verdict.reason) == expected and verdict.detail


def link(status: str, http_status: int | None = None, reason: str | None = None) -> LinkResult:
    return LinkResult(url="https://x.no/a", source="https://x.no/", status=status, http_status=http_status,
                      reason=reason, detail="crawler said so")


def seen(outcome: str, http_status: int | None = None, reason: str | None = None) -> Recheck:
    return Recheck(browser="chromium", outcome=outcome, http_status=http_status, reason=reason, detail="browser said so")


@pytest.mark.parametrize(("before", "after", "expected"), [
    (link("bot_blocked", 403, "cloudflare"), seen("passed", 200), ("bot_blocked", "cloudflare")),
    (link("bot_blocked", 403, "suspected"), seen("failed", 403, "http_4xx"), ("broken", "http_4xx")),
    (link("bot_blocked", 403, "suspected"), seen("failed", None, "timeout"), ("timeout", "timeout")),
    (link("bot_blocked", 403, "cloudflare"), seen("challenged", 403, "cloudflare"), ("bot_blocked", "cloudflare")),
    (link("broken", 503, "http_5xx"), seen("failed", 503, "http_5xx"), ("broken", "http_5xx")),
    (link("broken", 503, "http_5xx"), seen("passed", 200), ("bot_blocked", "browser_only")),
    (link("broken", 503, "http_5xx"), seen("unavailable"), ("broken", "http_5xx")),
])
def test_a_recheck_settles_the_status_and_is_kept_on_the_link(before, after, expected):
    settled = apply_recheck(before, after)
    assert (settled.status, settled.reason) == expected and settled.recheck == after


def test_only_walls_and_ambiguous_breaks_are_rechecked():
    assert needs_recheck(link("bot_blocked", 429, "rate_limited"))
    assert needs_recheck(link("broken", 503, "http_5xx"))
    assert not needs_recheck(link("broken", 404, "http_4xx"))
    assert not needs_recheck(link("broken", None, "dns"))
    assert not needs_recheck(link("ok", 200))
