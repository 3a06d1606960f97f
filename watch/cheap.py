"""The cheap check of one round: plain async HTTP through each location's proxy, no browser.

Per location and round: one TCP connection attempt to the proxy (does the location answer at all?),
one ``GET`` of each resource's home page (with the saved login session's cookies for a licensed
resource), and one ``HEAD /`` per needed host, shared by every resource that needs it. So a vendor
host gets one request per location per round however many resources use it, plus one ``GET`` per
home page it serves. Any HTTP answer from a needed host counts as reachable (a CDN's root is often a
404); a refusal of the proxy (``X-Squid-Error``, a ``CONNECT`` answered 403/502/503), no connection,
no answer in time or a 5xx is a failure with its cause.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from nettsjekk.watch.inventory import Target
from nettsjekk.watch.states import DEGRADED, DOWN, UP, Observation

USER_AGENT = "nettsjekk-watch/1 (exam-day availability check)"
SQUID_CAUSES = {"ERR_ACCESS_DENIED": "blocked", "ERR_DNS_FAIL": "dns", "ERR_CONNECT_FAIL": "connection",
                "ERR_READ_TIMEOUT": "timeout", "ERR_CONNECT_TIMEOUT": "timeout"}
CONNECT_CAUSES = {403: "blocked", 407: "blocked", 502: "dns", 503: "connection", 504: "timeout"}


@dataclass(frozen=True)
class Probe:
    """How one location is reached."""

    name: str
    proxy: str | None
    trust_ca: tuple[str, ...] = ()
    timeout_s: float = 10.0


@dataclass(frozen=True)
class Check:
    """One request's outcome: ``ok``, or the failure's cause."""

    ok: bool
    cause: str | None = None
    status: int | None = None
    final_host: str | None = None


@dataclass
class RoundCounts:
    """Requests made in one round, per host (the cost the README documents)."""

    per_host: dict[str, int] = field(default_factory=dict)

    def add(self, host: str) -> None:
        self.per_host[host] = self.per_host.get(host, 0) + 1


async def proxy_answers(proxy: str | None, timeout_s: float = 3.0) -> bool:
    """True when the location's proxy accepts a TCP connection (always True without a proxy)."""
    if not proxy:
        return True
    parts = urlsplit(proxy)
    try:
        _reader, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, parts.port), timeout_s)
    except (OSError, asyncio.TimeoutError):
        return False
    writer.close()
    return True


def _ssl_context(trust_ca: tuple[str, ...]) -> ssl.SSLContext:
    context = ssl.create_default_context()
    for pem in trust_ca:
        context.load_verify_locations(pem)
    return context


def cause_of(exc: Exception) -> str:
    """The error code of an httpx failure."""
    text = str(exc)
    if isinstance(exc, httpx.ProxyError):
        match = re.search(r"\b([1-5]\d\d)\b", text)
        return CONNECT_CAUSES.get(int(match.group(1)), "proxy") if match else "proxy"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return "tls"
    if isinstance(exc, httpx.TooManyRedirects):
        return "redirect_loop"
    return "connection"


def _answer_cause(response: httpx.Response) -> str | None:
    squid = response.headers.get("x-squid-error", "").split(" ")[0]
    if squid:
        return SQUID_CAUSES.get(squid, "proxy")
    if response.status_code >= 500:
        return "http_5xx"
    return None


class LocationChecker:
    """The cheap checks of one location in one round (an ``async with`` block)."""

    def __init__(self, probe: Probe, counts: RoundCounts | None = None, concurrency: int = 24) -> None:
        self.probe = probe
        self.counts = counts or RoundCounts()
        self._hosts: dict[str, asyncio.Task] = {}
        self._limit = asyncio.Semaphore(concurrency)
        self._client = httpx.AsyncClient(proxy=probe.proxy or None, verify=_ssl_context(probe.trust_ca),
                                         timeout=probe.timeout_s, follow_redirects=True, max_redirects=8,
                                         headers={"User-Agent": USER_AGENT}, trust_env=False)

    async def __aenter__(self) -> LocationChecker:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def _request(self, method: str, url: str, cookies: dict | None = None) -> Check:
        host = (urlsplit(url).hostname or "").lower()
        self.counts.add(host)
        async with self._limit:
            try:
                response = await self._client.request(method, url, cookies=cookies)
            except httpx.HTTPError as exc:
                return Check(False, cause_of(exc))
        cause = _answer_cause(response)
        if method == "GET" and cause is None and response.status_code >= 400:
            cause = "http_4xx"
        return Check(cause is None, cause, response.status_code, response.url.host)

    def host(self, host: str) -> asyncio.Task:
        """The check of ``https://host/`` this round (one request, shared by every resource)."""
        if host not in self._hosts:
            self._hosts[host] = asyncio.ensure_future(self._request("HEAD", f"https://{host}/"))
        return self._hosts[host]

    async def resource(self, target: Target, cookies: dict | None = None) -> Observation:
        """The observation of one resource: down when its home page fails, degraded when a needed host does."""
        host_tasks = [(host, self.host(host)) for host in target.hosts]
        home = await self._request("GET", target.url, cookies)
        fingerprint = f"{home.status}:{home.final_host}"
        if not home.ok:
            return Observation(DOWN, home.cause, target.home_host, fingerprint)
        for host, task in host_tasks:
            check = await task
            if not check.ok:
                return Observation(DEGRADED, check.cause, host, fingerprint)
        return Observation(UP, fingerprint=fingerprint)


@dataclass(frozen=True)
class Unreachable:
    """A location whose resources cannot be checked: ``proxy`` (its proxy refuses connections) or
    ``all_fail`` (every home page failed there, the way a dead uplink or a hung proxy looks)."""

    cause: str


ALL_FAIL_MIN = 2
"""A location where this many resources or more all fail is unreachable, not N outages."""


async def check_location(probe: Probe, targets: list[Target], cookies: dict[str, dict] | None = None,
                         counts: RoundCounts | None = None) -> dict[str, Observation] | Unreachable:
    """Every target's observation at one location, or why the location cannot be checked."""
    if not await proxy_answers(probe.proxy):
        return Unreachable("proxy")
    cookies = cookies or {}
    async with LocationChecker(probe, counts) as checker:
        found = await asyncio.gather(*(checker.resource(t, cookies.get(t.resource_id)) for t in targets))
    if len(found) >= ALL_FAIL_MIN and all(seen.state == DOWN for seen in found):
        return Unreachable("all_fail")
    return {target.resource_id: seen for target, seen in zip(targets, found)}


async def check_round(probes: list[Probe], targets: list[Target], cookies: dict[str, dict] | None = None,
                      counts: RoundCounts | None = None) -> dict[str, dict[str, Observation] | Unreachable]:
    """Every location at once: location name -> its observations, or ``Unreachable``."""
    results = await asyncio.gather(*(check_location(p, targets, cookies, counts) for p in probes))
    return {probe.name: result for probe, result in zip(probes, results)}

