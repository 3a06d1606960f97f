"""What a link crawl returns: the JSON contract of ``nettsjekk links`` (documented in README.md).

Every URL loses its user name and password (``https://user:pass@host/`` -> ``https://REDACTED@host/``)
and every detail its secrets (``probes.redact``) as the result is made, so none reaches the report;
the rest of a URL stays as found, so the browser recheck can still open it.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from nettsjekk.probes.redact import redact_text, redact_userinfo

LinkStatus = Literal["ok", "redirect", "broken", "timeout", "bot_blocked", "login_required", "forbidden_destination",
                     "skipped"]
STATUSES: tuple[str, ...] = ("ok", "redirect", "broken", "timeout", "bot_blocked", "login_required",
                             "forbidden_destination", "skipped")
RecheckOutcome = Literal["passed", "failed", "challenged", "unavailable"]


class Hop(BaseModel):
    """One redirect: ``url`` answered ``status`` and sent the client on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    status: int

    _redacted = field_validator("url")(lambda cls, value: redact_userinfo(value))


class Recheck(BaseModel):
    """What a real browser saw when it opened the link (a fresh context through the same proxy)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    browser: str
    outcome: RecheckOutcome = Field(description="passed: the page loaded; failed: the browser failed too; "
                                                "challenged: the browser got a bot wall as well")
    http_status: int | None = None
    reason: str | None = None
    detail: str | None = None

    _redacted = field_validator("detail")(lambda cls, value: redact_text(value))


class LinkResult(BaseModel):
    """One unique link (fragment removed) and what checking it found."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    source: str | None = Field(description="the first page the link was found on; None for start URLs")
    text: str = Field(default="", description="the link text, alt or title, whitespace collapsed")
    status: LinkStatus
    http_status: int | None = Field(default=None, description="status of the last answer; None when none came")
    reason: str | None = Field(default=None, description="why: dns, http_4xx, cloudflare, robots, video, ...")
    redirects: list[Hop] = Field(default_factory=list, description="every redirect hop, in order")
    final_url: str | None = Field(default=None, description="where the redirects ended")
    tag: str = Field(default="a", description="the element the link came from: a, area, iframe, img, script, link")
    depth: int = Field(default=0, description="clicks from a start URL")
    detail: str | None = Field(default=None, description="the server's, proxy's or crawler's own words")
    allowlisted: bool | None = Field(default=None, description="the exam allowlist lets this host through; "
                                                               "None when no catalogue was given")
    recheck: Recheck | None = None

    _urls = field_validator("url", "source", "final_url")(lambda cls, value: redact_userinfo(value))
    _texts = field_validator("detail", "text")(lambda cls, value: redact_text(value))


class LinkReport(BaseModel):
    """Every link of one resource, with counts per status."""

    model_config = ConfigDict(extra="forbid")

    resource: str = Field(description="the resource id, or the start URL when crawling a bare URL")
    pages_crawled: int = 0
    links: list[LinkResult] = Field(default_factory=list)
    summary: dict[str, int] = Field(default_factory=dict, description="links per status")
    start_urls: list[str] = Field(default_factory=list)
    stopped: str = Field(default="finished", description="finished, time_budget, run_budget or killed")
    page_cap_reached: bool = Field(default=False, description="more pages were in scope than max_pages")
    elapsed_s: float = 0.0
    requests: int = Field(default=0, description="HTTP requests the crawler made (robots.txt and retries included)")

    _starts = field_validator("start_urls")(lambda cls, values: [redact_userinfo(v) for v in values])

    @property
    def broken(self) -> list[LinkResult]:
        """The links reported broken."""
        return [link for link in self.links if link.status == "broken"]

    def link(self, url: str) -> LinkResult:
        """The result for ``url``; ``KeyError`` when the crawl never saw it."""
        for result in self.links:
            if result.url == url:
                return result
        raise KeyError(url)

    def with_links(self, links: list[LinkResult]) -> LinkReport:
        """A copy holding ``links`` with the summary recounted."""
        return self.model_copy(update={"links": links, "summary": summarize(links)})

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


def summarize(links: list[LinkResult]) -> dict[str, int]:
    """Links per status, every status present (zero counts included), in ``STATUSES`` order."""
    counts = Counter(link.status for link in links)
    return {status: counts.get(status, 0) for status in STATUSES}
