"""The fake internet answers like the real one: virtual hosts, TLS tunnels, errors, routes."""

from __future__ import annotations

import http.client
import socket
import ssl
import time

import pytest

from nettsjekk.fakenet import FakeInternet, Route


def http_get(rig: FakeInternet, url: str, method: str = "GET") -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", rig.port, timeout=10)
    conn.request(method, url)
    response = conn.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def https_get(rig: FakeInternet, host: str, path: str = "/") -> tuple[int, dict, bytes]:
    context = ssl.create_default_context(cafile=str(rig.ca_cert_path))
    conn = http.client.HTTPSConnection("127.0.0.1", rig.port, timeout=10, context=context)
    conn.set_tunnel(host, 443)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def test_a_virtual_host_is_served_from_its_folder_over_http_and_https(internet):
    status, headers, body = http_get(internet, "http://www.example-ordbok.no/")
    assert status == 200 and b"<title>Eksempelordboka</title>" in body
    assert headers["content-type"].startswith("text/html")

    status, _, body = https_get(internet, "www.example-ordbok.no")
    assert status == 200 and b"Eksempelordboka" in body


def test_the_tls_certificate_is_for_the_host_and_signed_by_the_rig_ca(internet):
    context = ssl.create_default_context(cafile=str(internet.ca_cert_path))
    with socket.create_connection(("127.0.0.1", internet.port), timeout=10) as raw:
        raw.sendall(b"CONNECT www.example-ordbok.no:443 HTTP/1.1\r\nHost: www.example-ordbok.no:443\r\n\r\n")
        assert raw.recv(1024).startswith(b"HTTP/1.1 200")
        with context.wrap_socket(raw, server_hostname="www.example-ordbok.no") as tls:
            names = [value for kind, value in tls.getpeercert()["subjectAltName"] if kind == "DNS"]
    assert names == ["www.example-ordbok.no"]


def test_an_unknown_host_gets_502_with_a_squid_style_dns_error(internet):
    status, headers, _ = http_get(internet, "http://finnes-ikke.example/")
    assert status == 502 and headers["x-squid-error"] == "ERR_DNS_FAIL 0"

    with socket.create_connection(("127.0.0.1", internet.port), timeout=10) as raw:
        raw.sendall(b"CONNECT finnes-ikke.example:443 HTTP/1.1\r\n\r\n")
        assert raw.recv(1024).startswith(b"HTTP/1.1 502")


def test_special_paths_give_status_codes_and_redirects(internet):
    assert http_get(internet, "http://www.example-ordbok.no/__fakenet/status/418")[0] == 418
    status, headers, _ = http_get(internet, "http://www.example-ordbok.no/__fakenet/redirect/301?to=/x")
    assert (status, headers["location"]) == (301, "/x")
    status, headers, _ = http_get(internet, "http://www.example-ordbok.no/__fakenet/loop/0")
    assert (status, headers["location"]) == (302, "/__fakenet/loop/1")


def test_a_missing_file_is_404_and_no_path_escapes_the_host_folder(internet):
    assert http_get(internet, "http://www.example-ordbok.no/nope.html")[0] == 404
    assert http_get(internet, "http://www.example-ordbok.no/_routes.yaml")[0] == 404
    status, _, body = http_get(internet, "http://www.capture-test.no/../www.example-ordbok.no/index.html")
    assert status == 404 and b"Eksempelordboka" not in body


def test_routes_from_yaml_and_code_including_a_sequence_for_retries(internet):
    status, headers, _ = http_get(internet, "http://www.capture-test.no/start")
    assert (status, headers["location"]) == (301, "/")

    internet.set_route("www.example-ordbok.no", "/flaky",
                       Route(sequence=(Route(status=503), Route(status=200, body="ok"))))
    assert [http_get(internet, "http://www.example-ordbok.no/flaky")[0] for _ in range(3)] == [503, 200, 200]
    internet.reset()
    assert http_get(internet, "http://www.example-ordbok.no/flaky")[0] == 503


def test_latency_is_injected_per_location(fake_internet, tmp_path):
    with FakeInternet(fake_internet.roots, name="slow", latency_ms=300) as slow:
        started = time.monotonic()
        assert http_get(slow, "http://www.example-ordbok.no/")[0] == 200
        assert time.monotonic() - started >= 0.3


def test_a_location_can_block_a_host_like_a_firewall(fake_internet):
    with FakeInternet(fake_internet.roots, name="school", blocked_hosts={"www.example-ordbok.no"}) as school:
        status, headers, _ = http_get(school, "http://www.example-ordbok.no/")
    assert status == 403 and headers["x-squid-error"].startswith("ERR_ACCESS_DENIED")


def test_every_request_is_logged_for_assertions(internet):
    http_get(internet, "http://www.example-ordbok.no/")
    http_get(internet, "http://finnes-ikke.example/")
    assert internet.hosts_requested() == {"www.example-ordbok.no", "finnes-ikke.example"}


def test_a_hanging_path_holds_until_the_client_gives_up(internet):
    conn = http.client.HTTPConnection("127.0.0.1", internet.port, timeout=0.5)
    conn.request("GET", "http://www.example-ordbok.no/__fakenet/hang")
    with pytest.raises(socket.timeout):
        conn.getresponse()
