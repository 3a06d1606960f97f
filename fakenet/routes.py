"""Routes: what a virtual host answers on one path, as data.

A host folder may hold ``_routes.yaml``, a mapping of paths to route specs::

    /old:      {status: 301, redirect: /new}
    /gone:     {status: 410}
    /flaky:    {sequence: [{status: 503}, {status: 200, file: ok.html}]}
    /slow:     {delay_ms: 3000}
    /api:      {body: '{"ok": true}', content_type: application/json, headers: {X-Test: "1"}}
    /forever:  {hang: true}
    /stream:   {stream: true}
    /guarded:  {file: page.html, when_user_agent: {pattern: '^(?!Mozilla/)', route: {status: 403}}}

A ``sequence`` answers its items in turn (then repeats the last), for retry tests.
``when_user_agent`` answers with its inner ``route`` when the request's ``User-Agent`` matches
``pattern`` (a regular expression, searched), and with the outer route otherwise; the example
serves a bot wall to every client that does not claim to be a browser.
Paths may end in ``*`` to match a prefix. Tests set routes in code with ``FakeInternet.set_route``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import re

import yaml

ROUTE_KEYS = {"status", "redirect", "file", "body", "content_type", "headers", "delay_ms", "hang", "stream",
              "sequence", "size_bytes", "when_user_agent"}


@dataclass(frozen=True)
class Route:
    """One answer. ``None`` fields fall back to serving the file at the requested path."""

    status: int | None = None
    redirect: str | None = None
    file: str | None = None
    body: str | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_ms: int = 0
    hang: bool = False
    stream: bool = False
    size_bytes: int | None = None
    sequence: tuple[Route, ...] = ()
    when_user_agent: tuple[re.Pattern[str], Route] | None = None

    @classmethod
    def from_spec(cls, spec: dict[str, Any], where: str) -> Route:
        """Build a route from a ``_routes.yaml`` mapping; ``where`` names it in errors."""
        if not isinstance(spec, dict):
            raise ValueError(f"{where}: a route must be a mapping, not {type(spec).__name__}")
        unknown = set(spec) - ROUTE_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown route keys {sorted(unknown)} (allowed: {sorted(ROUTE_KEYS)})")
        values = dict(spec)
        values["headers"] = {str(k): str(v) for k, v in (values.get("headers") or {}).items()}
        values["sequence"] = tuple(
            cls.from_spec(item, f"{where}.sequence[{i}]") for i, item in enumerate(values.get("sequence") or ())
        )
        if values.get("when_user_agent") is not None:
            values["when_user_agent"] = cls._user_agent_branch(values["when_user_agent"], f"{where}.when_user_agent")
        return cls(**values)

    @classmethod
    def _user_agent_branch(cls, spec: Any, where: str) -> tuple[re.Pattern[str], Route]:
        if not isinstance(spec, dict) or set(spec) != {"pattern", "route"}:
            raise ValueError(f"{where}: expected a mapping with exactly 'pattern' and 'route'")
        try:
            pattern = re.compile(str(spec["pattern"]))
        except re.error as exc:
            raise ValueError(f"{where}.pattern: {spec['pattern']!r} is not a valid regular expression ({exc})") from None
        return pattern, cls.from_spec(spec["route"], f"{where}.route")

    def for_user_agent(self, user_agent: str) -> Route:
        """The route that answers a client with this ``User-Agent``."""
        if self.when_user_agent is not None and self.when_user_agent[0].search(user_agent):
            return self.when_user_agent[1]
        return self


class RouteTable:
    """Routes per host and path, plus the per-path counters that ``sequence`` routes need."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], Route] = {}
        self._hits: dict[tuple[str, str], int] = {}

    def set(self, host: str, path: str, route: Route) -> None:
        self._routes[(host.lower(), path)] = route
        self._hits.pop((host.lower(), path), None)

    def load_folder(self, host_dir: Path) -> None:
        """Read ``host_dir/_routes.yaml`` if it exists."""
        routes_file = host_dir / "_routes.yaml"
        if not routes_file.is_file():
            return
        data = yaml.safe_load(routes_file.read_text(encoding="utf-8")) or {}
        for path, spec in data.items():
            self.set(host_dir.name, str(path), Route.from_spec(spec, f"{routes_file}: {path}"))

    def match(self, host: str, path: str) -> Route | None:
        """The route for ``host`` and ``path`` (query included or not), advancing sequences."""
        host = host.lower()
        bare = path.split("?", 1)[0]
        key = next((k for k in ((host, path), (host, bare)) if k in self._routes), None)
        if key is None:
            key = self._prefix_match(host, bare)
        if key is None:
            return None
        route = self._routes[key]
        if not route.sequence:
            return route
        hit = self._hits.get(key, 0)
        self._hits[key] = hit + 1
        return route.sequence[min(hit, len(route.sequence) - 1)]

    def _prefix_match(self, host: str, path: str) -> tuple[str, str] | None:
        candidates = [k for k in self._routes if k[0] == host and k[1].endswith("*") and path.startswith(k[1][:-1])]
        return max(candidates, key=lambda k: len(k[1]), default=None)

    def reset_counters(self) -> None:
        self._hits.clear()
