"""Routes that depend on the client's User-Agent (``when_user_agent``): how the fake internet
serves a bot wall to crawlers and the real page to browsers."""

from __future__ import annotations

import http.client

import pytest

from nettsjekk.fakenet import Route
from nettsjekk.fakenet.routes import RouteTable


def get(rig, url: str, user_agent: str) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", rig.port, timeout=10)
    conn.request("GET", url, headers={"User-Agent": user_agent})
    response = conn.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def test_the_inner_route_answers_matching_user_agents_and_the_outer_one_the_rest(internet):
    guard = Route.from_spec({"body": "the page", "when_user_agent": {
        "pattern": "^(?!Mozilla/)", "route": {"status": 403, "body": "challenge", "headers": {"cf-mitigated": "challenge"}}}}, "test")
    internet.set_route("ren.lenkesjekk-test.no", "/vakt", guard)

    status, headers, body = get(internet, "http://ren.lenkesjekk-test.no/vakt", "nettsjekk-linkcheck/0.1 (+mailto:a@b.no)")
    assert (status, headers["cf-mitigated"], body) == (403, "challenge", b"challenge")

    status, headers, body = get(internet, "http://ren.lenkesjekk-test.no/vakt", "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/140")
    assert (status, body) == (200, b"the page") and "cf-mitigated" not in headers


def test_the_fixture_challenge_page_is_served_per_user_agent(internet):
    assert get(internet, "http://ekstern.lenkesjekk-ekstern.no/vakt.html", "curl/8.5")[0] == 403
    assert get(internet, "http://ekstern.lenkesjekk-ekstern.no/vakt.html", "Mozilla/5.0 Firefox/140")[0] == 200


@pytest.mark.parametrize(("spec", "message"), [
    ({"when_user_agent": {"pattern": "x"}}, "expected a mapping with exactly 'pattern' and 'route'"),
    ({"when_user_agent": {"pattern": "(", "route": {}}}, "is not a valid regular expression"),
    ({"when_user_agent": {"pattern": "x", "route": {"stauts": 403}}}, "unknown route keys ['stauts']"),
])
def test_a_wrong_when_user_agent_is_reported_with_its_place(spec, message):
    with pytest.raises(ValueError, match=r"^site/_routes.yaml: /x\.when_user_agent") as caught:
        Route.from_spec(spec, "site/_routes.yaml: /x")
    assert message in str(caught.value)


def test_a_route_without_when_user_agent_answers_everyone_alike():
    table = RouteTable()
    table.set("h.no", "/p", Route.from_spec({"status": 410}, "test"))
    assert table.match("h.no", "/p").for_user_agent("anything").status == 410
