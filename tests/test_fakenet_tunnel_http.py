"""A CONNECT tunnel to port 80 carries plain HTTP (as through Squid): clients such as undici's
ProxyAgent tunnel even http:// requests, and must reach the same virtual hosts."""

from __future__ import annotations

import socket


def test_a_tunnel_to_port_80_speaks_plain_http(internet):
    with socket.create_connection(("127.0.0.1", internet.port), timeout=10) as raw:
        raw.sendall(b"CONNECT ren.lenkesjekk-test.no:80 HTTP/1.1\r\nHost: ren.lenkesjekk-test.no:80\r\n\r\n")
        assert raw.recv(1024).startswith(b"HTTP/1.1 200")
        raw.sendall(b"GET /a.html HTTP/1.1\r\nHost: ren.lenkesjekk-test.no\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200") and b"<title>A</title>" in answer
    assert [(r.scheme, r.path) for r in internet.requests if r.method == "GET"] == [("http", "/a.html")]
