"""``nettsjekk.yaml``: what a checkpoint run checks, where from, and how.

Validated as strictly as the lists: every mistake is one ``file:line: field: message`` line.
Relative paths are relative to the configuration file's folder.

    lists: [lists/national.yaml, lists/local/agder.yaml]
    browsers: [chromium, firefox]
    locations:
      - {name: kontoret, kind: local}
      - {name: skole-a, kind: proxy, proxy: "socks5://127.0.0.1:1080"}
      - {name: bergen, kind: pool, work_pool: bergen-pool}
    checkpoints:
      publication: {date: 2027-01-11, time: "08:00"}
      test-exam:   {date: 2027-03-02, time: "07:30"}
      pre-exam:    {date: 2027-05-18, time: "06:00"}
    concurrency: 4
    pool_wait_s: 300         # a work-pool location silent this long: its cells are unreachable
    replay: on                 # exam-mode replay of every resource under the run's allowlist
    retries: {attempts: 3, backoff_s: [2, 8]}
    output_dir: results
    database: results/nettsjekk.db
    tester: Kari Nordmann
    reviews: reviews.yaml      # review decisions (see README: Reports)
    state_dir: ~/.local/state/nettsjekk   # saved login sessions (see README: Licensed resources)
    observe:                   # nettsjekk observe (see README: Exam day: reading the proxy log)
      categories: [ai, translation, communication]
      ignore_hosts: [telemetry.example.no]
      burst_window_s: 60
      retention_days: 120
      pseudonymous_clients: true
    links: {mode: first, depth: 1, max_pages: 50, budget_s: 120, contact: it@agder.no}
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nettsjekk.core.deny import CATEGORIES, Category
from nettsjekk.core.errors import ConfigError, ConfigFileError, ListFileError
from nettsjekk.core.yamldoc import load_model

CHECKPOINTS = ("publication", "test-exam", "pre-exam")
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Location(Strict):
    """Where probes run from: this machine, through a proxy, or on a Prefect work pool at the site."""

    name: Slug
    kind: Literal["local", "proxy", "pool"]
    proxy: str | None = None
    work_pool: str | None = None
    trust_ca: list[str] = Field(default_factory=list)
    description: str = ""

    @model_validator(mode="after")
    def _kind_fields(self) -> Location:
        if self.kind == "proxy" and not self.proxy:
            raise ValueError(f"location {self.name!r} is kind 'proxy' but has no 'proxy: URL'")
        if self.kind == "pool" and not self.work_pool:
            raise ValueError(f"location {self.name!r} is kind 'pool' but has no 'work_pool: NAME'")
        if self.kind != "proxy" and self.proxy:
            raise ValueError(f"location {self.name!r} has a proxy but kind {self.kind!r}; use kind: proxy")
        return self

    @field_validator("proxy")
    @classmethod
    def _proxy_url(cls, value: str | None) -> str | None:
        from nettsjekk.probes.urls import check_proxy_url  # tldextract: only when a proxy is configured

        return value if value is None else check_proxy_url(value)


class Checkpoint(Strict):
    date: dt.date
    time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = "07:00"


class Retries(Strict):
    attempts: Annotated[int, Field(ge=1, le=10)] = 3
    backoff_s: list[Annotated[float, Field(ge=0)]] = Field(default_factory=lambda: [2.0, 8.0])


class ObserveSettings(Strict):
    """``observe:``: what the reading of the proxy log counts, and how long observations are kept."""

    categories: list[Category] = Field(default_factory=lambda: list(CATEGORIES))
    """The deny categories that are observations (leaks and attempts); other forbidden hosts count as other."""
    ignore_hosts: list[str] = Field(default_factory=list)
    """Hosts (and their subdomains) left out, in addition to the default list unless that is turned off."""
    ignore_default_hosts: bool = True
    """Leave out the sourced default list of update, telemetry and certificate hosts (observe/ignore_hosts.yaml)."""
    burst_window_s: Annotated[float, Field(ge=0, le=3600)] = 60.0
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 120
    pseudonymous_clients: bool = False
    """Store a keyed hash of each client instead of its address (reports still show the address)."""
    store: str | None = None
    """The observations database; default ``observations.db`` next to ``database``."""
    clients: str | None = None
    """A clients.csv (client address or host name, label) used when --clients is not given."""


class LinkCheck(Strict):
    """``links:``: the broken-link crawl of each resource in a checkpoint run (see README: Checkpoint runs)."""

    mode: Literal["first", "all", "off"] = "first"
    """``first``: one crawl per resource, from the first location (in configuration order) where it
    loaded; ``all``: one from every location where it loaded; ``off``: no crawl (every row says why)."""
    depth: Annotated[int, Field(ge=0, le=5)] = 1
    max_pages: Annotated[int, Field(ge=1)] = 50
    budget_s: Annotated[float, Field(gt=0)] = 120.0
    """Time budget of one resource's crawl; what it did not reach is reported, never counted as fine."""
    timeout_s: Annotated[float, Field(gt=0)] = 15.0
    """Per request."""
    concurrency: Annotated[int, Field(ge=1, le=32)] = 8
    """Crawls side by side in the one crawler process of the link phase (per location)."""
    contact: str | None = None
    """E-mail address sent in the crawler's User-Agent; default ``$NETTSJEKK_CONTACT``. Without one
    the links are not checked (the report says so)."""
    recheck: bool = True
    """Open bot-blocked and ambiguous links in a real browser before calling them broken."""


HourMinute = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class ExamDay(Strict):
    """``exam_days:`` entry: a day the exam-day watch runs, from and to (local time, ``timezone:``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    date: dt.date
    from_: HourMinute = Field("09:00", alias="from")
    to: HourMinute = "15:00"

    @model_validator(mode="after")
    def _from_before_to(self) -> ExamDay:
        if self.from_ >= self.to:
            raise ValueError(f"'from' ({self.from_}) must be before 'to' ({self.to})")
        return self


class EmailAlerts(Strict):
    """``alerts: email:``: the SMTP server the exam-day watch sends alerts through. The password is
    never written here: ``password_env`` names the environment variable that holds it."""

    server: str
    port: Annotated[int, Field(ge=1, le=65535)] = 25
    starttls: bool = False
    user: str | None = None
    password_env: str = "NETTSJEKK_SMTP_PASSWORD"
    from_: str = Field(alias="from")
    to: Annotated[list[str], Field(min_length=1)]
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Alerts(Strict):
    """``alerts:``: where the exam-day watch sends its alerts (see README: Exam-day watch)."""

    webhook: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    email: EmailAlerts | None = None
    lang: Literal["nb", "en"] = "nb"


class Settings(Strict):
    """The whole configuration file."""

    lists: Annotated[list[str], Field(min_length=1)]
    vendor_dir: str | None = None
    browsers: Annotated[list[Literal["chromium", "firefox", "webkit"]], Field(min_length=1)] = ["chromium", "firefox"]
    locations: Annotated[list[Location], Field(min_length=1)] = [Location(name="local", kind="local")]
    checkpoints: dict[Literal["publication", "test-exam", "pre-exam"], Checkpoint] = Field(default_factory=dict)
    timezone: str = "Europe/Oslo"
    concurrency: Annotated[int, Field(ge=1, le=64)] = 4
    pool_wait_s: Annotated[float, Field(gt=0, le=86400)] = 300.0
    """How long a work-pool location may go without an answer (its flow run starting, a cell arriving)
    before its remaining cells end ``location_unreachable`` and its flow run is cancelled."""
    retries: Retries = Retries()
    timeout_s: Annotated[float, Field(gt=0)] = 30.0
    settle_s: Annotated[float, Field(ge=0)] = 5.0
    subpage_settle_s: Annotated[float, Field(ge=0)] = 2.0
    max_subpages: Annotated[int, Field(ge=0)] = 5
    subpages_per_location: Literal["split", "all"] = "split"
    """``split``: the sub-pages of a resource are shared out between the run's locations (each is
    visited in every browser, at one location; the home page and extra_urls everywhere); ``all``:
    every cell visits every sub-page."""
    replay: bool = True
    """``on`` (the default): after the probes, each resource is loaded in each engine with only the
    run's compiled allowlist reachable, and its links to forbidden destinations are opened
    (``checkpoints.replay_phase``); ``off`` leaves the replay out (the Testmal then says "ikke testet")."""
    exceptions: str | None = None
    """The deny-guard exceptions file the exports are made with (``nettsjekk export --exceptions``):
    the run's exam-mode replay compiles its allowlist with it, as it will be deployed."""
    rules: list[str] = Field(default_factory=list)
    output_dir: str = "results"
    database: str = "results/nettsjekk.db"
    tester: Annotated[str, Field(max_length=200)] = ""
    """Who ran the tests (printed in every report): one line of text."""
    baseline: str | None = None
    reviews: str = "reviews.yaml"
    state_dir: str | None = None
    """Folder for saved login sessions; default ``$NETTSJEKK_STATE_DIR`` or ``~/.local/state/nettsjekk``."""
    observe: ObserveSettings = ObserveSettings()
    links: LinkCheck = LinkCheck()
    exam_days: list[ExamDay] = Field(default_factory=list)
    """The days and hours of the exam-day watch (``nettsjekk watch``, its Prefect schedule)."""
    alerts: Alerts = Alerts()

    @field_validator("tester")
    @classmethod
    def _one_line(cls, value: str) -> str:
        bad = next((ch for ch in value if ord(ch) < 32 or ord(ch) == 127 or ch in "\u2028\u2029"), None)
        if bad is not None:
            raise ValueError(f"must be one line of plain text (it contains U+{ord(bad):04X})")
        return value

    @model_validator(mode="after")
    def _unique_locations(self) -> Settings:
        names = [loc.name for loc in self.locations]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"location names must be unique; used twice: {', '.join(duplicates)}")
        return self


class Config:
    """Validated settings plus the folder their relative paths are relative to."""

    def __init__(self, settings: Settings, base: Path, source: str = "") -> None:
        self.settings = settings
        self.base = base
        self.source = source

    def path(self, value: str) -> Path:
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else self.base / candidate

    @property
    def list_paths(self) -> list[Path]:
        return [self.path(p) for p in self.settings.lists]

    @property
    def vendor_dir(self) -> Path | None:
        """The vendor whitelist folder (``vendor_dir:``); None for the bundled one."""
        return self.path(self.settings.vendor_dir) if self.settings.vendor_dir else None

    @property
    def database(self) -> Path:
        return self.path(self.settings.database)

    @property
    def observations_store(self) -> Path:
        """The observations database (``observe: store:``, else ``observations.db`` next to the results store)."""
        store = self.settings.observe.store
        return self.path(store) if store else self.database.parent / "observations.db"

    @property
    def output_dir(self) -> Path:
        return self.path(self.settings.output_dir)

    @property
    def reviews_path(self) -> Path:
        """The review decisions file (``reviews:``, default ``reviews.yaml`` next to this file)."""
        return self.path(self.settings.reviews)

    @property
    def state_dir(self) -> Path:
        """Where login sessions are kept (``state_dir:``, else the default of ``probes.sessions``)."""
        from nettsjekk.probes.sessions import state_dir

        return state_dir(self.path(self.settings.state_dir) if self.settings.state_dir else None)

    def location(self, name: str) -> Location:
        for location in self.settings.locations:
            if location.name == name:
                return location
        known = ", ".join(loc.name for loc in self.settings.locations)
        raise ConfigError(f"{self.source or 'configuration'}: no location named {name!r} (known: {known})")


def load_config(path: Path) -> Config:
    """Read and validate ``nettsjekk.yaml``; raise ``ConfigFileError`` with every problem."""
    if not Path(path).is_file():
        raise ConfigError(f"{path}: no such configuration file (see README: 'Configuration')")
    settings = load_model(Path(path), Settings, error=ConfigFileError)
    return Config(settings, Path(path).resolve().parent, str(path))
