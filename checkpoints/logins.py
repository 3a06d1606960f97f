"""Licensed resources behind a login: saving sessions, and checking them before a checkpoint run.

Plain functions (Prefect only to read a ``Secret`` block when a login recipe names one):

* ``LoginSetup`` gathers what a login needs: the catalog (login hosts, recipes), the session
  store (``state_dir``), and the proxy and CA of the location to log in through.
* ``login_scripted`` runs the vendor's login recipe headless with credentials from the
  environment or a Prefect ``Secret`` block; ``login_manual`` opens a headed browser for a person.
  Both save the session (``probes.sessions``).
* ``check_sessions`` (before a checkpoint run) loads each saved session once per resource and
  engine; ``mark_expired`` turns the cells of a rejected session into ``login_expired`` results
  that say when it was saved and which ``nettsjekk login`` to run, instead of probing them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from nettsjekk.lists.catalog import Catalog, load_catalog
from nettsjekk.lists.models import Resource
from nettsjekk.probes.browsers import BrowserSettings
from nettsjekk.core.errors import ConfigError
from nettsjekk.probes.probe import ProbeOptions, probe_url
from nettsjekk.probes.recipes import LoginRecipe, manual_login, scripted_login
from nettsjekk.probes.results import LoginInfo, ProbeResult
from nettsjekk.probes.service import ProbeService
from nettsjekk.probes.sessions import Session, SessionStore

from nettsjekk.checkpoints.config import Config, Location, load_config
from nettsjekk.checkpoints.retries import CellOutcome
from nettsjekk.checkpoints.matrix import CellSpec, proxy_reachable

log = logging.getLogger(__name__)
HEALTH_TIMEOUT_S = 20.0


def login_command(resource_id: str, engine: str, config_source: str = "") -> str:
    """The command that saves a new session."""
    tail = f" --config {config_source}" if config_source else ""
    return f"nettsjekk login {resource_id} --browser {engine}{tail}"


# ---------------------------------------------------------------- logging in


@dataclass
class LoginSetup:
    """What ``nettsjekk login`` needs: lists, sessions, and the location to log in from."""

    catalog: Catalog
    sessions: SessionStore
    proxy: str | None = None
    trust_ca: tuple[Path, ...] = ()
    location: str = "local"
    config_source: str = ""

    @classmethod
    def from_config(cls, config: Config | None, location: str | None = None) -> LoginSetup:
        """From a configuration (its lists, ``state_dir`` and a location's proxy), or the bundled lists."""
        if config is None:
            if location:
                raise ConfigError("--location needs a configuration file (--config) that defines it")
            return cls(load_catalog(), SessionStore())
        vendor_dir = config.vendor_dir
        chosen = _login_location(config, location)
        return cls(load_catalog(config.list_paths, vendor_dir), SessionStore(config.state_dir), chosen.proxy,
                   tuple(config.path(ca) for ca in chosen.trust_ca), chosen.name, config.source)

    @classmethod
    def from_config_path(cls, path: Path, location: str | None = None, required: bool = False) -> LoginSetup:
        """``path`` when it exists (or ``required``), else the bundled lists and default state folder."""
        if Path(path).is_file() or required:
            return cls.from_config(load_config(Path(path)), location)
        return cls.from_config(None, location)

    @property
    def login_hosts(self) -> tuple[str, ...]:
        return self.catalog.login_hosts()

    def resource(self, resource_id: str) -> Resource:
        return self.catalog.resource(resource_id)

    def recipe(self, resource: Resource) -> LoginRecipe:
        vendor = self.catalog.vendor_of(resource)
        if vendor.login_recipe is None:
            raise ConfigError(f"vendor {vendor.id!r} has no login_recipe for a scripted login of {resource.id!r}; "
                              f"log in by hand: nettsjekk login {resource.id}")
        return vendor.login_recipe

    def browser_settings(self, headless: bool = True) -> BrowserSettings:
        return BrowserSettings(trust_ca=self.trust_ca, headless=headless)


def _login_location(config: Config, name: str | None) -> Location:
    if name:
        location = config.location(name)
        if location.kind == "pool":
            raise ConfigError(f"location {name!r} is a work pool; log in on that machine (nettsjekk login there)")
        return location
    for location in config.settings.locations:
        if location.kind != "pool":
            return location
    raise ConfigError(f"{config.source}: every location is a work pool; log in on the pool's machine")


def resolve_credentials(recipe: LoginRecipe, vendor_id: str) -> dict[str, str]:
    """The recipe's credentials from the environment or Prefect ``Secret`` blocks (values never shown)."""
    values: dict[str, str] = {}
    for name, source in recipe.credentials.items():
        if source.env:
            value = os.environ.get(source.env, "")
            if not value:
                raise ConfigError(f"the login recipe of vendor {vendor_id!r} takes its {name} from ${source.env}, "
                                  "which is not set: export it (the county's test account) and try again")
        else:
            value = _secret_block(source.secret or "", vendor_id, name)
        values[name] = value
    return values


def _secret_block(block: str, vendor_id: str, name: str) -> str:
    try:
        from prefect.blocks.system import Secret

        value = Secret.load(block).get()
    except Exception as exc:  # noqa: BLE001 - any failure means the same to the user
        raise ConfigError(f"the login recipe of vendor {vendor_id!r} takes its {name} from the Prefect Secret "
                          f"block {block!r}, which could not be read ({type(exc).__name__})") from None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"the Prefect Secret block {block!r} (the {name} of vendor {vendor_id!r}) is empty")
    return value


def login_scripted(setup: LoginSetup, resource_id: str, engine: str, service: ProbeService | None = None,
                   timeout_s: float = 60.0) -> Session:
    """Log ``resource_id`` in with its vendor's recipe (headless) and save the session."""
    resource = setup.resource(resource_id)
    recipe = setup.recipe(resource)
    credentials = resolve_credentials(recipe, resource.vendor)
    coroutine_for = lambda svc: scripted_login(svc.browsers, engine, str(resource.url), recipe, credentials,  # noqa: E731
                                               proxy=setup.proxy, login_hosts=setup.login_hosts, timeout_s=timeout_s)
    state = _run(setup, service, coroutine_for, headless=True, timeout_s=timeout_s + 30)
    return setup.sessions.save(resource.id, engine, state, url=str(resource.url), method="scripted")


def login_manual(setup: LoginSetup, resource_id: str, engine: str, timeout_s: float = 600.0,
                 service: ProbeService | None = None, wait_for_enter: bool = True, person=None) -> Session:  # noqa: ANN001
    """Open a headed browser at the resource; save the session once the person has logged in."""
    resource = setup.resource(resource_id)
    if service is None:
        require_display()

    def coroutine_for(svc: ProbeService):
        done = asyncio.Event()
        if wait_for_enter and sys.stdin and sys.stdin.isatty():
            loop = asyncio.get_running_loop()
            loop.add_reader(sys.stdin.fileno(), lambda: (sys.stdin.readline(), done.set()))
        return manual_login(svc.browsers, engine, str(resource.url), proxy=setup.proxy,
                            login_hosts=setup.login_hosts, timeout_s=timeout_s, done=done, person=person)

    state = _run(setup, service, lambda svc: _with_reader_cleanup(coroutine_for(svc)), headless=False,
                 timeout_s=timeout_s + 30)
    return setup.sessions.save(resource.id, engine, state, url=str(resource.url), method="manual")


async def _with_reader_cleanup(coroutine):  # noqa: ANN001, ANN202
    try:
        return await coroutine
    finally:
        if sys.stdin and sys.stdin.isatty():
            try:
                asyncio.get_running_loop().remove_reader(sys.stdin.fileno())
            except (ValueError, OSError):
                pass


def require_display() -> None:
    """A headed browser needs a display on Linux; say how to get one instead of crashing."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise ConfigError("nettsjekk login opens a browser window for a person to log in, and there is no "
                          "display here (DISPLAY is not set). Run it on a desktop, over 'ssh -X', or in a "
                          "virtual display you can watch: 'xvfb-run -a -s \"-screen 0 1366x900x24\" nettsjekk "
                          "login ...' with 'x11vnc -display :99' and a VNC viewer. A vendor with a login_recipe "
                          "can be logged in without a window: nettsjekk login RESOURCE_ID --scripted")


def _run(setup: LoginSetup, service: ProbeService | None, coroutine_for, *, headless: bool,  # noqa: ANN001
         timeout_s: float) -> dict:
    if service is not None:
        return service.run(coroutine_for(service), timeout=timeout_s)
    with ProbeService(setup.browser_settings(headless=headless)) as own:
        return own.run(coroutine_for(own), timeout=timeout_s)


# ---------------------------------------------------------------- before a checkpoint run


@dataclass
class SessionCheck:
    """The state of one resource's session in one engine, before the run."""

    resource_id: str
    engine: str
    state: str
    """``ok``, ``expired``, ``missing`` (the resource needs a login and has no session) or
    ``unchecked`` (the check could not load the resource; its cells are probed as usual)."""
    session: Session | None = None
    login: LoginInfo | None = None
    detail: str = ""
    command: str = ""

    def to_dict(self) -> dict:
        return {"resource": self.resource_id, "engine": self.engine, "state": self.state,
                "saved_at": self.session.saved_at if self.session else None, "detail": self.detail,
                "command": self.command}

    def message(self) -> str:
        if self.state == "expired":
            return (f"{self.resource_id} ({self.engine}): the session saved {self.session.saved_at_text} was not "
                    f"accepted; its cells are marked login_expired. Log in again: {self.command}")
        if self.state == "missing":
            return (f"{self.resource_id} ({self.engine}): needs a login and has no saved session, so its cells "
                    f"will report login_required. Save one: {self.command}")
        if self.state == "unchecked":
            return f"{self.resource_id} ({self.engine}): the session could not be checked ({self.detail})"
        return f"{self.resource_id} ({self.engine}): session saved {self.session.saved_at_text} is accepted"


def check_sessions(config: Config, catalog: Catalog, pending: list[CellSpec], service: ProbeService,
                   timeout_s: float = HEALTH_TIMEOUT_S) -> list[SessionCheck]:
    """Check every saved session the ``pending`` cells would use, once per resource and engine."""
    store = SessionStore(config.state_dir)
    hosts = catalog.login_hosts()
    firsts: dict[tuple[str, str], CellSpec] = {}
    for spec in pending:
        if spec.location.kind != "pool":
            firsts.setdefault((spec.resource_id, spec.engine), spec)
    checks: list[SessionCheck] = []
    to_probe: list[tuple[SessionCheck, CellSpec]] = []
    for (rid, engine), spec in firsts.items():
        session = store.find(rid, engine)
        command = login_command(rid, engine, config.source)
        if session is None:
            if _needs_login(catalog, rid):
                checks.append(SessionCheck(rid, engine, "missing", command=command))
            continue
        check = SessionCheck(rid, engine, "unchecked", session, command=command)
        checks.append(check)
        reachable = next((s for s in pending if (s.resource_id, s.engine) == (rid, engine)
                          and s.location.kind != "pool" and proxy_reachable(s.location.proxy)), None)
        if reachable is None:
            check.detail = "no location could be reached"
        else:
            to_probe.append((check, reachable))
    if to_probe:
        results = service.run(_probe_all(service, to_probe, hosts, timeout_s), timeout=timeout_s * 4 + 60)
        for (check, _), result in zip(to_probe, results):
            _judge(check, result)
    return checks


def _needs_login(catalog: Catalog, resource_id: str) -> bool:
    try:
        return catalog.resource(resource_id).login != "none"
    except ConfigError:
        return False


async def _probe_all(service: ProbeService, items: list[tuple[SessionCheck, CellSpec]], hosts: tuple[str, ...],
                     timeout_s: float) -> list[ProbeResult]:
    async def one(check: SessionCheck, spec: CellSpec) -> ProbeResult:
        options = ProbeOptions(timeout_s=timeout_s, proxy=spec.location.proxy, location=spec.location.name,
                               detect=False, session=check.session, login_hosts=spec.login_hosts or hosts or None)
        return await probe_url(service.browsers, spec.url, spec.engine, options)

    return list(await asyncio.gather(*(one(check, spec) for check, spec in items)))


def _judge(check: SessionCheck, result: ProbeResult) -> None:
    if result.error == "login_expired":
        check.state, check.login, check.detail = "expired", result.login, result.error_detail or ""
    elif result.ok:
        check.state, check.login = "ok", result.login
    else:
        check.detail = f"{result.error}: {result.error_detail}"


def mark_expired(run_id: str, store, pending: list[CellSpec], checks: list[SessionCheck]) -> list[tuple[CellSpec, CellOutcome]]:  # noqa: ANN001
    """Store a ``login_expired`` result for every pending cell (not on a work pool) whose session
    was rejected; return those cells and outcomes (they are not probed)."""
    expired = {(c.resource_id, c.engine): c for c in checks if c.state == "expired"}
    done = []
    for spec in pending:
        check = expired.get((spec.resource_id, spec.engine))
        if check is None or spec.location.kind == "pool":
            continue
        outcome = CellOutcome("failing", 0, expired_result(spec, check), [f"login_expired: {check.message()}"])
        store.save_cell(run_id, spec.key, outcome.status, outcome.attempts, outcome.result)
        done.append((spec, outcome))
    return done


def expired_result(spec: CellSpec, check: SessionCheck) -> ProbeResult:
    session = check.session
    assert session is not None
    login = check.login or LoginInfo(state="expired")
    login = login.model_copy(update={"state": "expired", "session_saved_at": session.saved_at,
                                     "session_engine": session.engine})
    where = f" at {login.host}" if login.host else ""
    detail = (f"the saved session ({session.engine}, saved {session.saved_at_text}) was not accepted: the resource "
              f"asked for a login again{where}; not probed. Log in again: {check.command}")
    return ProbeResult(url=spec.url, browser=spec.engine, location=spec.location.name,
                       started_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                       error="login_expired", error_detail=detail, login=login)
