"""A crawl job: everything one crawl needs, as JSON that crosses the process boundary."""

from __future__ import annotations

import functools
import re
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nettsjekk.core.errors import ConfigError
from nettsjekk.probes.urls import check_probe_url

from nettsjekk.probes.crawler.scope import Scope, host_of, site_patterns

if TYPE_CHECKING:
    from nettsjekk.lists.catalog import Catalog
    from nettsjekk.lists.models import Resource

_EMAIL = re.compile(r"^[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+$")


class CrawlJob(BaseModel):
    """One resource's crawl. Defaults are the polite production values; tests shorten the times."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    resource: str = Field(description="resource id, or the start URL for a bare URL")
    start_urls: list[str] = Field(min_length=1)
    scope_hosts: list[str] = Field(description="host patterns crawled as the resource's own pages")
    contact: str = Field(description="e-mail address site owners can write to; goes into the User-Agent")
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    blocked_hosts: list[str] = Field(default_factory=list, description="vendor hosts that must stay blocked")
    exam_hosts: list[str] | None = Field(default=None, description="every host the exam allowlist lets through")
    depth: int = Field(default=2, ge=0, description="crawl pages up to this many clicks from a start URL")
    max_pages: int = Field(default=200, ge=1)
    proxy: str | None = None
    obey_robots: bool = True
    per_host_concurrency: int = Field(default=2, ge=1)
    total_concurrency: int = Field(default=32, ge=1)
    autothrottle: bool = True
    throttle_start_delay_s: float = Field(default=0.5, ge=0)
    timeout_s: float = Field(default=20.0, gt=0, description="per request")
    retries: int = Field(default=2, ge=0, description="extra attempts after a 5xx or 429")
    timeout_retries: int = Field(default=1, ge=0, description="extra attempts after a timeout or lost connection")
    backoff_s: float = Field(default=1.0, ge=0, description="first backoff; doubles on every attempt")
    max_retry_after_s: float = Field(default=120.0, ge=0, description="a longer Retry-After is not waited for")
    max_redirects: int = Field(default=10, ge=1)
    budget_s: float = Field(default=600.0, gt=0, description="time budget of this crawl")
    check_assets: bool = True
    log_level: str = "WARNING"
    verify_tls: bool = Field(default=True, description="a certificate a browser would refuse (expired, wrong host, "
                             "unknown authority) makes the link broken/tls")
    trust_ca: list[str] = Field(default_factory=list, description="extra CA certificates (PEM files) to trust besides "
                                "the system's, e.g. a TLS-inspecting exam proxy's")
    login_hosts: list[str] = Field(default_factory=list, description="identity-provider and sign-in hosts: a redirect "
                                   "there is a login wall (status login_required), not a broken link")
    cookies: list[dict] = Field(default_factory=list, repr=False,
                                description="a saved login session's cookies (nettsjekk login), sent where a browser "
                                            "would send them; never logged or reported")

    @field_validator("contact")
    @classmethod
    def _contact_is_email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an e-mail address (site owners must be able to reach us)")
        return value

    @property
    def user_agent(self) -> str:
        """``nettsjekk-linkcheck/<version> (+mailto:<contact>)``."""
        return f"nettsjekk-linkcheck/{nettsjekk_version()} (+mailto:{self.contact})"

    def scope(self) -> Scope:
        """The crawl scope this job describes."""
        return Scope.build(self.scope_hosts, self.include, self.exclude, self.blocked_hosts, self.exam_hosts)


@functools.cache
def nettsjekk_version() -> str:
    """The installed nettsjekk version ('0' when running from an uninstalled tree); read once per
    process (reading package metadata costs milliseconds, and every check's User-Agent needs it)."""
    try:
        return version("nettsjekk")
    except PackageNotFoundError:
        return "0"


def job_for_url(url: str, contact: str, **options: Any) -> CrawlJob:
    """A job crawling ``url``'s site (its registered domain and everything below it)."""
    url = check_probe_url(url)
    return _job(resource=url, start_urls=[url], scope_hosts=site_patterns(host_of(url)), contact=contact, **options)


def job_for_resource(catalog: Catalog, resource: Resource, contact: str, **options: Any) -> CrawlJob:
    """A job for a list entry: its site plus its vendor's hosts, its include/exclude patterns and
    robots setting, and the catalogue's allowlist (every vendor's allowed hosts)."""
    vendor = catalog.vendor_of(resource)
    exam = [entry.host for v in catalog.vendors.values() for entry in v.domains if entry.allows]
    options.setdefault("obey_robots", resource.obey_robots)
    options.setdefault("login_hosts", list(catalog.login_hosts()))
    return _job(
        resource=resource.id, start_urls=[resource.url, *resource.extra_urls], contact=contact,
        scope_hosts=site_patterns(resource.host) + [entry.host for entry in vendor.domains],
        include=list(resource.include), exclude=list(resource.exclude),
        blocked_hosts=[entry.host for entry in vendor.blocked_hosts], exam_hosts=exam, **options,
    )


def _job(**fields: Any) -> CrawlJob:
    """Build a job; invalid settings become one ``ConfigError`` line per problem."""
    try:
        return CrawlJob(**fields)
    except ValidationError as exc:
        lines = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
                 for e in exc.errors()]
        raise ConfigError("invalid link-crawl settings: " + "; ".join(lines)) from None
