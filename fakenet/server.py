"""An HTTP forward proxy that *is* the internet: virtual hosts served from folder trees.

``FakeInternet(roots=[...]).start()`` listens on 127.0.0.1 (a free port). Browsers use it through
Playwright's ``proxy`` option: plain http requests arrive in absolute form, https ones as ``CONNECT``
tunnels that the rig terminates with a certificate from its own CA (a tunnel to port 80 carries plain
http, as through Squid).

What it answers for ``scheme://host/path``:

* the file ``<root>/<host>/<path>`` (``index.html`` for folders), else 404 (the host's ``404.html``);
* a route from ``<root>/<host>/_routes.yaml`` or ``set_route`` (status, redirect, delay, hang, ...);
* a **handler** registered in Python with ``set_handler(host, path, handler)``: a callable that gets the
  whole request (``HandlerRequest``: method, path, query, headers, cookies, form body) and returns the
  ``Route`` to answer with, or None for what the host would answer otherwise. Handlers are how a test
  gives a host logic that data cannot carry (a fake identity provider: ``fakenet.login_site``);
  they run on the proxy's event loop, so they must be quick and must not block;
* special paths: ``/__fakenet/status/<code>``, ``/__fakenet/delay/<ms>/<path>``, ``/__fakenet/hang``,
  ``/__fakenet/stream``, ``/__fakenet/loop/<n>`` (a redirect loop), ``/__fakenet/redirect/<code>?to=URL``;
* 502 with ``X-Squid-Error: ERR_DNS_FAIL 0`` for a host no root has (Squid's own DNS-failure answer);
* 403 with ``X-Squid-Error: ERR_ACCESS_DENIED 0`` for a host this location blocks;
* 503 with ``X-Squid-Error: ERR_CONNECT_FAIL 111`` for a host taken down (``take_down(host)``, until
  ``bring_up(host)``): the origin refuses connections, as Squid reports it. With ``block_host`` /
  ``unblock_host`` this scripts outages at runtime (the exam-day watch's tests).

Several instances over the same roots, each with its own latency, blocked hosts and overlay root,
are several test "locations".
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import http
import mimetypes
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlsplit

import yaml

from nettsjekk.fakenet.routes import Route, RouteTable
from nettsjekk.fakenet.tls import BROKEN_TLS_MODES, CertificateAuthority

SPECIAL_PREFIX = "/__fakenet/"
HIDDEN_FILES = {"_routes.yaml", "_host.yaml"}
MAX_HEADER_BYTES = 64 * 1024
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


@dataclass(frozen=True)
class LoggedRequest:
    """One request the rig answered (for assertions such as "nothing reached youtube")."""

    scheme: str
    host: str
    method: str
    path: str
    status: int
    at: float


@dataclass
class _Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class HandlerRequest:
    """What a handler sees of one request."""

    method: str
    scheme: str
    host: str
    target: str
    """The path with its query string."""
    headers: dict[str, str]
    """Lower-case names."""
    body: bytes = b""

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}{self.target}"

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))

    @property
    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.headers.get("cookie", ""))
        except CookieError:
            return {}
        return {name: morsel.value for name, morsel in jar.items()}

    def form(self) -> dict[str, str]:
        """An ``application/x-www-form-urlencoded`` body, decoded."""
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))


Handler = Callable[[HandlerRequest], "Route | None"]


@dataclass
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes = b""
    hang: bool = False
    stream: bool = False


class FakeInternet:
    """A forward proxy serving virtual hosts from ``roots`` (searched in order, first match wins)."""

    def __init__(
        self,
        roots: list[Path | str] | Path | str,
        *,
        name: str = "local",
        latency_ms: int = 0,
        blocked_hosts: tuple[str, ...] | set[str] = (),
        workdir: Path | None = None,
    ) -> None:
        self.name = name
        self.roots = [Path(r) for r in (roots if isinstance(roots, list) else [roots])]
        self.latency_ms = latency_ms
        self.host_latency_ms: dict[str, int] = {}
        self.blocked_hosts = {h.lower() for h in blocked_hosts}
        self.down_hosts: set[str] = set()
        self.routes = RouteTable()
        self.handlers: dict[tuple[str, str], Handler] = {}
        self.requests: list[LoggedRequest] = []
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="fakenet-")
        self._workdir = workdir or Path(self._tmp.name)
        self.ca = CertificateAuthority(self._workdir)
        self._host_cache: dict[str, tuple[Path | None, dict]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self._lock = threading.Lock()
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeInternet:
        """Bind a free loopback port and serve in a background thread."""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"fakenet-{self.name}", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        """Close the listener and every open connection; safe to call twice."""
        if not self._loop or not self._loop.is_running():
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        if self._tmp:
            self._tmp.cleanup()

    def __enter__(self) -> FakeInternet:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ca_cert_path(self) -> Path:
        return self.ca.cert_path

    # -- behaviour set by tests -------------------------------------------------------------
    def set_route(self, host: str, path: str, route: Route) -> None:
        self.routes.set(host, path, route)

    def set_handler(self, host: str, path: str, handler: Handler | None) -> None:
        """Answer ``host``'s ``path`` (``/x*`` for a prefix) by calling ``handler``; None removes it.

        The handler returns a ``Route`` (status, headers, body, redirect, file, ...) or None to let
        the host answer as it would without the handler.
        """
        key = (host.lower(), path)
        if handler is None:
            self.handlers.pop(key, None)
        else:
            self.handlers[key] = handler

    def block_host(self, host: str) -> None:
        self.blocked_hosts.add(host.lower())

    def unblock_host(self, host: str) -> None:
        self.blocked_hosts.discard(host.lower())

    def take_down(self, host: str) -> None:
        """``host`` stops answering (the proxy says ``ERR_CONNECT_FAIL``) until ``bring_up``."""
        self.down_hosts.add(host.lower())

    def bring_up(self, host: str) -> None:
        self.down_hosts.discard(host.lower())

    def reset(self) -> None:
        """Forget the request log and restart ``sequence`` routes."""
        with self._lock:
            self.requests.clear()
        self.routes.reset_counters()

    def hosts_requested(self) -> set[str]:
        with self._lock:
            return {r.host for r in self.requests}

    # -- serving ----------------------------------------------------------------------------
    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._on_connection, "127.0.0.1", 0, limit=MAX_HEADER_BYTES)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            await self._serve_connection(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError, ValueError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            request = await _read_request(reader)
            if request is None:
                return
            if request.method == "CONNECT":
                await self._tunnel(request, reader, writer)
                return
            parts = urlsplit(request.target)
            if parts.scheme != "http" or not parts.hostname:
                await _write(writer, _Answer(400, {}, b"absolute http URL or CONNECT expected"), "GET")
                return
            path = parts.path or "/"
            path += f"?{parts.query}" if parts.query else ""
            if not await self._answer(request, "http", parts.hostname, path, reader, writer):
                return

    async def _tunnel(self, request: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = request.target.rsplit(":", 1)[0].strip("[]").lower()
        refusal = self._refusal(host)
        if refusal:
            self._log("https", host, "CONNECT", request.target, refusal.status)
            await _write(writer, refusal, "CONNECT")
            return
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        scheme = "http" if request.target.rsplit(":", 1)[-1] == "80" else "https"
        if scheme == "https":  # a tunnel to port 80 carries plain HTTP, as through Squid
            mode = self._host(host)[1].get("tls", "valid")
            await writer.start_tls(self.ca.server_context(host, mode if mode in BROKEN_TLS_MODES else "valid"))
        while True:
            inner = await _read_request(reader)
            if inner is None or not await self._answer(inner, scheme, host, inner.target, reader, writer):
                return

    async def _answer(self, request: _Request, scheme: str, host: str, path: str,
                      reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False when the connection must close."""
        host = host.lower()
        await self._latency(host)
        answer = self._refusal(host)
        if answer is None and request.headers.get("upgrade", "").lower() == "websocket":
            self._log(scheme, host, request.method, path, 101)
            await _websocket(request, reader, writer)
            return False
        if answer is None:
            answer = await self._handled(request, scheme, host, path)
        if answer is None:
            answer = await self._resolve(host, path, request.method, request.headers.get("user-agent", ""))
        self._log(scheme, host, request.method, path, answer.status)
        if answer.hang:
            await reader.read()  # hold the connection until the client gives up
            return False
        await _write(writer, answer, request.method)
        if answer.stream:
            await _stream_forever(writer)
            return False
        return request.headers.get("connection", "").lower() != "close"

    def _refusal(self, host: str) -> _Answer | None:
        if host in self.blocked_hosts:
            return _Answer(403, {"X-Squid-Error": "ERR_ACCESS_DENIED 0", "Content-Type": "text/plain"},
                           f"Access to {host} is denied at location {self.name}".encode())
        if host in self.down_hosts:
            return _Answer(503, {"X-Squid-Error": "ERR_CONNECT_FAIL 111", "Content-Type": "text/plain"},
                           f"Connection to {host} failed".encode())
        if self._host(host)[0] is None:
            return _Answer(502, {"X-Squid-Error": "ERR_DNS_FAIL 0", "X-Fakenet-Error": "unknown-host",
                                 "Content-Type": "text/plain"}, f"Unable to determine IP address of {host}".encode())
        return None

    async def _latency(self, host: str) -> None:
        delay = self.host_latency_ms.get(host, self._host(host)[1].get("latency_ms", self.latency_ms))
        if delay:
            await asyncio.sleep(delay / 1000)

    def _host(self, host: str) -> tuple[Path | None, dict]:
        """The folder serving ``host`` and its ``_host.yaml`` settings (cached)."""
        if host not in self._host_cache:
            folder = next((root / host for root in self.roots if (root / host).is_dir()), None)
            config: dict = {}
            if folder is not None:
                self.routes.load_folder(folder)
                host_file = folder / "_host.yaml"
                config = yaml.safe_load(host_file.read_text("utf-8")) or {} if host_file.is_file() else {}
            self._host_cache[host] = (folder, config)
        return self._host_cache[host]

    async def _resolve(self, host: str, path: str, method: str, user_agent: str = "") -> _Answer:
        if path.startswith(SPECIAL_PREFIX):
            return await self._special(host, path[len(SPECIAL_PREFIX):], method, user_agent)
        route = self.routes.match(host, path)
        if route is not None:
            return await self._from_route(host, path, route.for_user_agent(user_agent))
        return self._from_file(host, path)

    async def _handled(self, request: _Request, scheme: str, host: str, path: str) -> _Answer | None:
        """The answer of a handler registered for ``host`` and ``path``, or None."""
        bare = path.split("?", 1)[0]
        handler = self.handlers.get((host, bare))
        if handler is None:
            prefixes = [p for h, p in self.handlers if h == host and p.endswith("*") and bare.startswith(p[:-1])]
            handler = self.handlers[(host, max(prefixes, key=len))] if prefixes else None
        if handler is None:
            return None
        route = handler(HandlerRequest(request.method, scheme, host, path, dict(request.headers), request.body))
        return None if route is None else await self._from_route(host, bare, route)

    async def _from_route(self, host: str, path: str, route: Route) -> _Answer:
        if route.delay_ms:
            await asyncio.sleep(route.delay_ms / 1000)
        if route.hang:
            return _Answer(0, {}, hang=True)
        headers = dict(route.headers)
        if route.redirect:
            headers["Location"] = route.redirect
            return _Answer(route.status or 302, headers, b"")
        if route.stream:
            return _Answer(route.status or 200, {"Content-Type": "text/html; charset=utf-8", **headers}, stream=True)
        if route.size_bytes is not None:
            return _Answer(route.status or 200, {"Content-Type": "text/html; charset=utf-8", **headers},
                           _filler(route.size_bytes))
        if route.body is not None:
            content_type = route.content_type or "text/html; charset=utf-8"
            return _Answer(route.status or 200, {"Content-Type": content_type, **headers}, route.body.encode())
        answer = self._from_file(host, "/" + route.file.lstrip("/") if route.file else path)
        if route.status:
            answer.status = route.status
        if route.content_type:
            answer.headers["Content-Type"] = route.content_type
        answer.headers.update(headers)
        return answer

    def _from_file(self, host: str, path: str) -> _Answer:
        folder = self._host(host)[0]
        bare = path.split("?", 1)[0]
        target = (folder / bare.lstrip("/")).resolve()
        if not target.is_relative_to(folder.resolve()) or target.name in HIDDEN_FILES:
            return self._not_found(folder)
        if target.is_dir():
            if not bare.endswith("/"):
                return _Answer(301, {"Location": bare + "/"})
            target = target / "index.html"
        if not target.is_file():
            return self._not_found(folder)
        return _Answer(200, {"Content-Type": _content_type(target)}, target.read_bytes())

    def _not_found(self, folder: Path) -> _Answer:
        page = folder / "404.html"
        body = page.read_bytes() if page.is_file() else b"<!doctype html><title>404 Not Found</title><h1>Not Found</h1>"
        return _Answer(404, {"Content-Type": "text/html; charset=utf-8"}, body)

    async def _special(self, host: str, rest: str, method: str, user_agent: str = "") -> _Answer:
        parts = urlsplit(rest)
        kind, _, arg = parts.path.partition("/")
        if kind == "status" and arg.isdigit():
            return _Answer(int(arg), {"Content-Type": "text/html; charset=utf-8"},
                           f"<!doctype html><title>{arg}</title><h1>Status {arg}</h1>".encode())
        if kind == "delay":
            ms, _, inner = arg.partition("/")
            await asyncio.sleep(int(ms) / 1000)
            return await self._resolve(host, "/" + inner + (f"?{parts.query}" if parts.query else ""), method, user_agent)
        if kind == "hang":
            return _Answer(0, {}, hang=True)
        if kind == "stream":
            return _Answer(200, {"Content-Type": "text/html; charset=utf-8"}, stream=True)
        if kind == "loop":
            step = int(arg or 0)
            return _Answer(302, {"Location": f"{SPECIAL_PREFIX}loop/{(step + 1) % 2}"})
        if kind == "redirect" and arg.isdigit():
            target = parse_qs(parts.query).get("to", ["/"])[0]
            return _Answer(int(arg), {"Location": target})
        return _Answer(400, {"Content-Type": "text/plain"}, f"unknown fakenet path {rest!r}".encode())

    def _log(self, scheme: str, host: str, method: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append(LoggedRequest(scheme, host, method, path, status, time.time()))


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = await reader.readexactly(length) if length else b""
    return _Request(method.upper(), target, headers, body)


async def _write(writer: asyncio.StreamWriter, answer: _Answer, method: str) -> None:
    reason = http.HTTPStatus(answer.status).phrase if answer.status in http.HTTPStatus._value2member_map_ else "Status"
    headers = {"Server": "fakenet", "Cache-Control": "no-store", **answer.headers}
    if answer.stream:
        headers["Transfer-Encoding"] = "chunked"
    else:
        headers["Content-Length"] = str(len(answer.body))
    head = f"HTTP/1.1 {answer.status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    writer.write(head.encode("latin-1"))
    if method != "HEAD" and not answer.stream:
        writer.write(answer.body)
    await writer.drain()


async def _stream_forever(writer: asyncio.StreamWriter) -> None:
    """Send an HTML document that never ends, one chunk every 100 ms, until the client leaves."""
    for chunk in _endless_chunks():
        writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        await writer.drain()
        await asyncio.sleep(0.1)


def _endless_chunks():
    yield b"<!doctype html><html><head><title>Never ending</title></head><body>"
    while True:
        yield b"<p>" + b"still loading " * 20 + b"</p>\n"


async def _websocket(request: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Accept a WebSocket handshake, then hold the connection until the client closes it."""
    key = request.headers.get("sec-websocket-key", "")
    accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
    writer.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
    await writer.drain()
    await reader.read()


def _content_type(path: Path) -> str:
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed.endswith("javascript") else guessed


def _filler(size: int) -> bytes:
    head = b"<!doctype html><title>Large document</title><body>"
    line = b"<p>" + b"x" * 1020 + b"</p>\n"
    return (head + line * (size // len(line) + 1))[:size]
