"""What a probe returns: the JSON contract of ``nettsjekk probe`` (documented in README.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nettsjekk.probes.findings import DetectorError, Finding

ERROR_REASONS = ("dns", "connection", "timeout", "tls", "http_4xx", "http_5xx", "redirect_loop", "proxy",
                 "blocked", "download", "unresponsive", "aborted", "crash", "login_required", "login_expired",
                 "unknown")
LOGIN_ERRORS = ("login_required", "login_expired")
"""A login wall: no retry helps, a (new) session does (``nettsjekk login``)."""
STAGES = ("navigation", "document", "script", "settle", "subpages")


class RequestRecord(BaseModel):
    """One request the page's context made: the document, subresources, redirects, iframes,
    popups, workers and WebSockets alike."""

    model_config = ConfigDict(extra="forbid")

    url: str
    host: str = Field(description="exact hostname, lower case, punycode")
    domain: str = Field(description="registered domain (eTLD+1, private suffixes honoured)")
    type: str = Field(description="Playwright resource type: document, script, xhr, fetch, websocket, ...")
    status: int | None = Field(default=None, description="HTTP status; None when no response arrived")
    failure: str | None = Field(default=None, description="the browser's failure text, e.g. net::ERR_ABORTED")
    page: str | None = Field(default=None, description="the page being visited when the request started")
    cause: str | None = Field(default=None, description="why it failed: blocked (the location's proxy refused the "
                                                        "host), dns, tls, timeout, connection, http_4xx, http_5xx, "
                                                        "proxy, orb, unknown ...; None when it did not fail or was "
                                                        "only cancelled (probes.classify.request_cause)")
    content_type: str | None = Field(default=None, exclude=True,
                                     description="the response's Content-Type (for detection; not stored)")


class PageVisit(BaseModel):
    """A page detection looked at: the home page, same-site sub-pages and the resource's extra URLs."""

    model_config = ConfigDict(extra="forbid")

    url: str
    status: int | None = None
    error: str | None = None
    findings: int = 0
    settled: Literal["quiet", "time", "none"] | None = Field(
        default=None, description="how watching for late widgets ended: quiet (network and timers), time (the "
                                  "settle time ran out), none (no settle time)")


class LoginInfo(BaseModel):
    """What the probe met of a login: a wall it could not pass, or the saved session that got it in."""

    model_config = ConfigDict(extra="forbid")

    state: Literal["required", "expired", "ok"] = Field(
        description="required: a login wall and no session; expired: the saved session was not accepted; "
                    "ok: the saved session got the probe in")
    host: str | None = Field(default=None, description="the host of the login page (identity provider or sign-in form)")
    kind: str | None = Field(default=None, description="how the wall was recognised: login_host, http_401, "
                                                        "password_form")
    session_saved_at: str | None = Field(default=None, description="when the session used was saved (UTC, ISO 8601)")
    session_engine: str | None = Field(default=None, description="the engine the session was saved in")


class ProbeResult(BaseModel):
    """The outcome of loading one URL in one engine from one location."""

    model_config = ConfigDict(extra="forbid")

    url: str
    final_url: str | None = None
    browser: str
    browser_version: str = ""
    location: str = "local"
    started_at: str = Field(default="", description="UTC time the probe started, ISO 8601")
    status: int | None = None
    ok: bool = False
    error: str | None = Field(default=None, description=f"one of {', '.join(ERROR_REASONS)}")
    error_detail: str | None = Field(default=None, description="the browser's or proxy's own words")
    stage: str | None = Field(default=None, description=f"the stage that ran out or failed: {', '.join(STAGES)}")
    title: str | None = None
    elapsed_ms: int = 0
    requests: list[RequestRecord] = Field(default_factory=list)
    hosts: list[str] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    screenshot: str | None = None
    pages: list[PageVisit] = Field(default_factory=list, description="pages the detectors looked at")
    detector_errors: list[DetectorError] = Field(default_factory=list)
    events: list[str] = Field(default_factory=list, description="what the page tried: dialogs, popups, downloads")
    login: LoginInfo | None = Field(default=None, description="a login wall met, or the session used; None: no login "
                                                               "involved")

    def categories(self, severities: tuple[str, ...] = ("block", "review")) -> set[str]:
        """Categories with at least one finding of the given severities."""
        return {f.category for f in self.findings if f.severity in severities}

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)
