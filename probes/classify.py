"""Turns what a browser or proxy said into nettsjekk's short error reasons.

The mapping lives in ``data/net_errors.yaml``. When a browser only says that the proxy tunnel
failed, ``diagnose_proxy`` asks the proxy itself (a ``CONNECT`` of our own) and reads its
``X-Squid-Error`` header, so an unknown host is reported as ``dns`` and a denied one as ``blocked``.
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
    """The status and headers (names as the proxy wrote them) an HTTP proxy answers to a ``CONNECT`` for
    ``target_url``'s host; None when it cannot be asked or gives no readable answer in ``timeout_s``."""
    proxy, target = urlsplit(proxy_url), urlsplit(target_url)
    if proxy.scheme not in ("http", "") or not proxy.hostname or not target.hostname:
        return None
    port = target.port or (443 if target.scheme == "https" else 80)
    try:
        return await asyncio.wait_for(_connect(proxy.hostname, proxy.port or 3128, target.hostname, port), timeout_s)
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
        return None


async def _connect(proxy_host: str, proxy_port: int, host: str, port: int) -> tuple[int, dict[str, str]]:
    reader, writer = await asyncio.open_connection(proxy_host, proxy_port)
    try:
        writer.write(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    finally:
        writer.close()
    status = int(head[0].split(" ")[1])
    headers = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if ":" in line)}
    return status, headers
