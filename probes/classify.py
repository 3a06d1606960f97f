"""Turns what a browser or proxy said into nettsjekk's short error reasons.

The mapping lives in ``data/net_errors.yaml``. When a browser only says that the proxy tunnel
failed, ``diagnose_proxy`` asks the proxy itself (a ``CONNECT`` of our own) and reads its
``X-Squid-Error`` header, so an unknown host is reported as ``dns`` and a denied one as ``blocked``.
``request_cause`` does the same for each request of a page (a script, style sheet, image ...):
``blocked``, ``dns``, ``tls``, ``timeout``, ``connection``, ``http_4xx``, ``http_5xx``, ...;
``needs_proxy_answer`` says when only the proxy can tell.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

DATA_FILE = Path(__file__).parent / "data" / "net_errors.yaml"


@dataclass(frozen=True)
class Diagnosis:
    reason: str
    detail: str


@lru_cache(maxsize=1)
def _table() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


def reason_for(text: str) -> str | None:
    """The reason for a browser error text, or None when no pattern matches."""
    for entry in _table()["reasons"]:
        if any(pattern in text for pattern in entry["patterns"]):
            return entry["reason"]
    return None


def reason_for_any(texts: list[str]) -> tuple[str, str] | None:
    """The first classifiable text among ``texts``: (reason, text)."""
    for text in texts:
        reason = reason_for(text)
        if reason:
            return reason, text
    return None


ASK_THE_PROXY = ("proxy", "orb")
"""Causes only the proxy can explain: a failed tunnel, a body the browser refused (Chromium's ORB)."""
NO_FAILURE = (None, "aborted", "crash", "download")
"""Outcomes that say nothing about the host: a request the page or the probe cancelled."""


def request_cause(failure: str | None, status: int | None, proxy_error: str | None = None) -> str | None:
    """Why one recorded request failed, or None when it did not (or was only cancelled).

    ``proxy_error`` is the answer's ``X-Squid-Error`` header: the proxy's own word wins, then an
    HTTP status of 400 or more, then the browser's failure text. ``orb``: Chromium refused the
    answer (Opaque Response Blocking); ``proxy``: the tunnel failed. Both are worth asking the
    proxy about (``needs_proxy_answer``)."""
    if proxy_error:
        return _table()["proxy_errors"].get(proxy_error.split(" ")[0], "proxy")
    if status is not None and status >= 400:
        return "http_5xx" if status >= 500 else "http_4xx"
    if not failure:
        return None
    if any(pattern in failure for pattern in _table()["ask_the_proxy"]):
        return "orb"
    reason = reason_for(failure) or "unknown"
    return None if reason in NO_FAILURE else reason


def needs_proxy_answer(cause: str | None) -> bool:
    return cause in ASK_THE_PROXY


async def cause_from_proxy(proxy_url: str, url: str, cause: str, timeout_s: float = 5.0) -> str:
    """``cause`` made precise by the proxy's answer for ``url``'s host (``blocked``, ``dns``, ...);
    ``cause`` itself when the proxy cannot be asked, lets the host through, or the answer may be the
    site's own (an http answer without ``X-Squid-Error``). A tunnel refused with 403 is ``blocked``."""
    answer = await ask_proxy(proxy_url, url, timeout_s)
    if answer is None:
        return cause
    status, headers = answer
    squid = next((value for name, value in headers.items() if name.lower() == "x-squid-error"), None)
    if squid:
        return request_cause(None, status, squid) or cause
    if status == 200 or urlsplit(url).scheme == "http":
        return cause
    return "blocked" if status == 403 else "proxy"


def reason_for_status(status: int, headers: dict[str, str]) -> Diagnosis | None:
    """The reason a main document with ``status`` failed, or None for a success."""
    squid = headers.get("x-squid-error", "")
    proxy_reason = _table()["proxy_errors"].get(squid.split(" ")[0]) if squid else None
    if proxy_reason:
        return Diagnosis(proxy_reason, f"the proxy answered {status} {squid}")
    if status >= 500:
        return Diagnosis("http_5xx", f"the server answered HTTP {status}")
    if status >= 400:
        return Diagnosis("http_4xx", f"the server answered HTTP {status}")
    return None


async def diagnose_proxy(proxy_url: str, target_url: str, timeout_s: float = 5.0) -> Diagnosis | None:
    """Ask an HTTP proxy to open a tunnel to ``target_url``'s host and explain a refusal."""
    answer = await ask_proxy(proxy_url, target_url, timeout_s)
    if answer is None or answer[0] == 200:
        return None
    status, headers = answer
    return (reason_for_status(status, {name.lower(): value for name, value in headers.items()})
            or Diagnosis("proxy", f"the proxy refused the tunnel with {status}"))


async def ask_proxy(proxy_url: str, target_url: str, timeout_s: float = 5.0) -> tuple[int, dict[str, str]] | None:
    """The status and headers (names as the proxy wrote them) an HTTP proxy answers for ``target_url``'s
    host: to a ``CONNECT`` for https (what a browser's tunnel gets), to a ``HEAD`` of the host's root for
    http (proxies commonly refuse ``CONNECT`` to port 80); None when it cannot be asked or gives no
    readable answer in ``timeout_s``."""
    proxy, target = urlsplit(proxy_url), urlsplit(target_url)
    if proxy.scheme not in ("http", "") or not proxy.hostname or not target.hostname:
        return None
    port = target.port or (443 if target.scheme == "https" else 80)
    try:
        return await asyncio.wait_for(_ask(proxy.hostname, proxy.port or 3128, target.scheme, target.hostname, port),
                                      timeout_s)
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
        return None


async def _ask(proxy_host: str, proxy_port: int, scheme: str, host: str, port: int) -> tuple[int, dict[str, str]]:
    target = f"{host}:{port}"
    request = f"HEAD http://{target}/ HTTP/1.1" if scheme == "http" else f"CONNECT {target} HTTP/1.1"
    reader, writer = await asyncio.open_connection(proxy_host, proxy_port)
    try:
        writer.write(f"{request}\r\nHost: {target}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    finally:
        writer.close()
    status = int(head[0].split(" ")[1])
    headers = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if ":" in line)}
    return status, headers
