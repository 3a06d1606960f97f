"""A county tester probes fixture sites through the fake internet in Chromium and Firefox."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_a_dictionary_loads_with_status_title_and_its_third_parties(browsers, internet, engine, scheme):
    result = browsers.probe(f"{scheme}://www.example-ordbok.no/", engine, internet.proxy_url)

    assert result.ok, result.error_detail
    assert (result.status, result.title, result.error) == (200, "Eksempelordboka", None)
    assert result.browser == engine and result.browser_version
    assert result.final_url == f"{scheme}://www.example-ordbok.no/"
    assert result.hosts == ["cdn.example.co.uk", "d111abc.cloudfront.net", "d222xyz.cloudfront.net",
                            "www.example-ordbok.no"]
    # co.uk is a public suffix; cloudfront.net a private one: two distributions are two domains
    assert result.domains == ["d111abc.cloudfront.net", "d222xyz.cloudfront.net", "example-ordbok.no",
                              "example.co.uk"]
    by_host = {r.host: r for r in result.requests}
    assert by_host["cdn.example.co.uk"].type == "stylesheet"
    assert by_host["d111abc.cloudfront.net"].type == "script"
    assert by_host["d222xyz.cloudfront.net"].status == 200


def test_redirects_iframes_popups_workers_and_websockets_are_all_recorded(browsers, internet, engine):
    # settle 3 s: on a loaded machine the iframe's own image arrived after the default 1 s (seen twice in CI-like runs)
    result = browsers.probe("https://www.capture-test.no/start", engine, internet.proxy_url, settle_s=3.0)

    assert result.ok and result.final_url == "https://www.capture-test.no/"
    statuses = [(r.url, r.status) for r in result.requests if r.host == "www.capture-test.no" and r.type == "document"]
    assert statuses[:2] == [("https://www.capture-test.no/start", 301), ("https://www.capture-test.no/", 200)]
    assert set(result.hosts) == {"www.capture-test.no", "embed.iframe-host.no", "img.iframe-asset.no",
                                 "api.worker-host.no", "ws.socket-host.no", "popup.popup-host.no"}
    assert any(r.type == "websocket" and r.host == "ws.socket-host.no" for r in result.requests)


def test_a_missing_page_fails_as_http_4xx(browsers, internet, engine):
    result = browsers.probe("https://www.example-ordbok.no/finnes-ikke", engine, internet.proxy_url)

    assert (result.ok, result.status, result.error) == (False, 404, "http_4xx")


def test_a_server_error_fails_as_http_5xx(browsers, internet, engine):
    result = browsers.probe("https://www.example-ordbok.no/__fakenet/status/503", engine, internet.proxy_url)

    assert (result.ok, result.status, result.error) == (False, 503, "http_5xx")


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_an_unknown_host_is_reported_as_a_dns_failure(browsers, internet, engine, scheme):
    result = browsers.probe(f"{scheme}://finnes-ikke.example-ordbok.no/", engine, internet.proxy_url)

    assert (result.ok, result.error) == (False, "dns")
    assert "ERR_DNS_FAIL" in result.error_detail


def test_a_never_ending_response_ends_as_timeout_within_the_limit(browsers, internet, engine):
    started = time.monotonic()
    result = browsers.probe("https://www.example-ordbok.no/__fakenet/stream", engine, internet.proxy_url,
                            timeout_s=4)
    took = time.monotonic() - started

    assert (result.ok, result.error) == (False, "timeout")
    assert result.elapsed_ms >= 4000
    assert took < 4 + 6, "the probe must end near its budget (budget + context close)"


def test_a_server_that_never_answers_ends_as_timeout(browsers, internet, engine):
    result = browsers.probe("https://www.example-ordbok.no/__fakenet/hang", engine, internet.proxy_url, timeout_s=3)

    assert (result.ok, result.status, result.error) == (False, None, "timeout")


def test_a_redirect_loop_ends_as_redirect_loop(browsers, internet, engine):
    result = browsers.probe("https://www.example-ordbok.no/__fakenet/loop/0", engine, internet.proxy_url)

    assert (result.ok, result.error) == (False, "redirect_loop")


def test_an_expired_certificate_fails_as_tls_while_the_test_ca_is_trusted(browsers, internet, engine):
    result = browsers.probe("https://expired.example-ordbok.no/", engine, internet.proxy_url)

    assert (result.ok, result.error) == (False, "tls")


def test_a_host_blocked_at_this_location_is_reported_as_blocked(browsers, internet, engine):
    internet.block_host("plain.http-only.no")
    try:
        result = browsers.probe("https://plain.http-only.no/", engine, internet.proxy_url)
    finally:
        internet.blocked_hosts.discard("plain.http-only.no")

    assert (result.ok, result.error) == (False, "blocked")


def test_a_screenshot_is_saved_when_asked(browsers, internet, engine, tmp_path):
    target = tmp_path / f"{engine}.png"
    result = browsers.probe("https://www.example-ordbok.no/", engine, internet.proxy_url, screenshot=target)

    assert result.screenshot == str(target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_result_is_the_documented_json(browsers, internet):
    result = browsers.probe("https://www.example-ordbok.no/", "chromium", internet.proxy_url)
    data = result.model_dump()

    assert set(data) >= {"url", "final_url", "browser", "browser_version", "location", "status", "ok", "error",
                         "title", "elapsed_ms", "requests", "hosts", "domains", "findings", "screenshot"}
    assert set(data["requests"][0]) == {"url", "host", "domain", "type", "status", "failure", "page", "cause"}
    assert data["requests"][0]["page"] == "https://www.example-ordbok.no/"
    assert data["started_at"].endswith("+00:00")
