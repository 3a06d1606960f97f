"""The escalation: a real browser looks when the cheap check failed or saw something new.

The browser's word on the home page stands (it runs the page's scripts, follows its redirects, and
tells a refused host from a dead one the way a pupil's browser would); the needed hosts stay as the
cheap check found them. The browser starts on first use and stays for the watch.
"""

from __future__ import annotations

from pathlib import Path

from nettsjekk.probes.browsers import BrowserSettings
from nettsjekk.probes.probe import ProbeOptions
from nettsjekk.watch.cheap import Probe
from nettsjekk.watch.inventory import Target
from nettsjekk.watch.states import DEGRADED, DOWN, UP, Observation


LOGIN_WALLS = ("login_required", "login_expired")
"""The site answers with its login: up for the watch (pupils log in themselves)."""


class Escalator:
    """Full browser probes for the watch, in one engine."""

    def __init__(self, engine: str, trust_ca: tuple[Path, ...] = (), timeout_s: float = 20.0,
                 state_dir: Path | None = None) -> None:
        self.engine = engine
        self.trust_ca = trust_ca
        self.timeout_s = timeout_s
        self.state_dir = state_dir
        self._service = None
        self.probes = 0

    def _started(self):
        if self._service is None:
            from nettsjekk.probes.service import ProbeService

            self._service = ProbeService(BrowserSettings(trust_ca=self.trust_ca))
        return self._service

    def look(self, target: Target, where: Probe, cheap: Observation) -> Observation:
        """The browser's observation of ``target`` at ``where``, given the cheap check's."""
        from nettsjekk.probes.sessions import SessionStore

        session = SessionStore(self.state_dir).find(target.resource_id, self.engine) if target.login != "none" else None
        options = ProbeOptions(proxy=where.proxy, location=where.name, detect=False, settle_s=0.5, max_subpages=0,
                               timeout_s=self.timeout_s, budget_s=self.timeout_s + 10, session=session)
        self.probes += 1
        result = self._started().probe(target.url, self.engine, options)
        if not result.ok and result.error not in LOGIN_WALLS:
            return Observation(DOWN, result.error or "unknown", target.home_host, cheap.fingerprint)
        if cheap.state == DEGRADED:
            return cheap
        return Observation(UP, fingerprint=cheap.fingerprint)

    def close(self) -> None:
        if self._service is not None:
            self._service.close()
            self._service = None
