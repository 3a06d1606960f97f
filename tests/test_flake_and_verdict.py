"""Retries, cell states and the per-resource verdict, on results a county would recognise."""

from __future__ import annotations

import pytest

from nettsjekk.checkpoints.config import Retries
from nettsjekk.checkpoints.retries import run_with_retries
from nettsjekk.checkpoints.store import CellKey, StoredCell
from nettsjekk.checkpoints.verdict import CONDITIONS, NOT_OK, NOT_TESTED, OK, location_specific, resource_verdict
from nettsjekk.probes.findings import Evidence, Finding
from nettsjekk.probes.results import ProbeResult


def result(ok: bool = True, error: str | None = None, status: int | None = 200, findings=()) -> ProbeResult:
    return ProbeResult(url="https://x.no/", browser="chromium", ok=ok, error=error, status=status,
                       findings=list(findings))


def attempts(*results: ProbeResult):
    queue = list(results)
    calls = []

    def attempt() -> ProbeResult:
        calls.append(1)
        return queue.pop(0)

    return attempt, calls


POLICY = Retries(attempts=3, backoff_s=[1, 4])


def test_a_transient_503_is_retried_with_backoff_and_ends_flaky():
    attempt, calls = attempts(result(False, "http_5xx", 503), result())
    slept = []
    outcome = run_with_retries(attempt, POLICY, sleep=slept.append)

    assert (outcome.status, outcome.attempts, len(calls), slept) == ("flaky", 2, 2, [1])
    assert outcome.history == ["http_5xx: None"]


@pytest.mark.parametrize("error", ["http_4xx", "dns", "tls", "redirect_loop", "blocked"])
def test_permanent_failures_are_not_retried(error):
    attempt, calls = attempts(result(False, error, 404))
    outcome = run_with_retries(attempt, POLICY, sleep=lambda s: None)

    assert (outcome.status, outcome.attempts, len(calls)) == ("failing", 1, 1)


def test_429_is_transient_although_it_is_4xx():
    attempt, calls = attempts(result(False, "http_4xx", 429), result(False, "http_4xx", 429), result(False, "http_4xx", 429))
    slept = []
    outcome = run_with_retries(attempt, POLICY, sleep=slept.append)

    assert (outcome.status, outcome.attempts, slept) == ("failing", 3, [1, 4])


def cell(resource="r", engine="chromium", location="a", status="ok", findings=(), error=None) -> StoredCell:
    ok = status in ("ok", "flaky")
    return StoredCell(CellKey(resource, engine, location), status, 1,
                      result(ok, None if ok else (error or "timeout"), 200 if ok else None, findings))


def finding(severity: str, category: str = "communication", rule: str = "chat") -> Finding:
    return Finding(category=category, rule=rule, name=rule.title(), severity=severity, page="https://x.no/",
                   evidence=Evidence(kind="element", value="#chat"))


def test_loads_everywhere_with_nothing_found_is_ok():
    assert resource_verdict([cell(), cell(location="b"), cell(engine="firefox")]) == (OK, [])


def test_a_forbidden_feature_anywhere_is_not_ok():
    verdict, reasons = resource_verdict([cell(), cell(location="b", findings=[finding("block")])])
    assert verdict == NOT_OK and reasons == ["communication: Chat (https://x.no/)"]


def test_a_failure_at_one_location_only_is_location_specific():
    cells = [cell(location="a"), cell(location="b", status="failing", error="blocked")]
    verdict, reasons = resource_verdict(cells)

    assert location_specific(cells) == ["b"]
    assert verdict == CONDITIONS
    assert reasons == ["fails only at location b (location-specific): blocked"]


def test_review_findings_and_flaky_cells_are_conditions():
    verdict, reasons = resource_verdict([cell(status="flaky", findings=[finding("review", "video", "yt-link")])])
    assert verdict == CONDITIONS
    assert reasons == ["unstable: needed a retry (chromium@a)", "review video: Yt-Link (https://x.no/)"]


def test_loading_nowhere_is_not_ok_and_unreachable_locations_do_not_count():
    assert resource_verdict([cell(status="failing", error="dns")])[0] == NOT_OK
    assert resource_verdict([cell(), cell(location="b", status="location_unreachable")]) == (OK, [])


def test_info_findings_never_change_the_verdict():
    assert resource_verdict([cell(findings=[finding("info", rule="mailto")])]) == (OK, [])


def test_a_resource_that_met_a_login_wall_everywhere_is_not_tested_and_the_reason_says_how_to_log_in():
    verdict, reasons = resource_verdict([cell("ordnett", status="failing", error="login_required"),
                                         cell("ordnett", engine="firefox", status="failing", error="login_expired")])
    assert verdict == NOT_TESTED
    assert reasons == ["not tested: login_expired, login_required; log in with 'nettsjekk login ordnett'"]


def test_login_walls_in_some_cells_are_a_condition_not_a_failing_browser():
    verdict, reasons = resource_verdict([cell("ordnett"), cell("ordnett", engine="firefox", status="failing",
                                                               error="login_expired")])
    assert verdict == CONDITIONS
    assert reasons == ["not tested in firefox@a: login_expired; log in with 'nettsjekk login ordnett'"]


def test_a_login_wall_does_not_hide_a_real_failure_elsewhere():
    verdict, reasons = resource_verdict([cell(status="failing", error="http_5xx"),
                                         cell(engine="firefox", status="failing", error="login_required")])
    assert verdict == NOT_OK and reasons == ["does not load anywhere (http_5xx)"]


def test_no_reachable_location_is_not_tested():
    assert resource_verdict([cell(status="location_unreachable")]) == (
        NOT_TESTED, ["not tested: no location could be reached"])


def test_one_browser_failing_at_one_location_only_is_a_condition_naming_that_cell():
    verdict, reasons = resource_verdict([cell(), cell(location="b"), cell(engine="firefox"),
                                         cell(engine="firefox", location="b", status="failing", error="timeout")])
    assert verdict == CONDITIONS
    assert reasons == ["does not load in firefox at b (timeout)"]
