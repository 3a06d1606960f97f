"""Findings: a forbidden feature seen on a page, with the evidence a person can check."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

EVIDENCE_KINDS = ("request", "script", "iframe", "element", "text", "global", "form", "link")


class Evidence(BaseModel):
    """What was matched: a request URL, a script or iframe src, an element (selector), a text,
    a window global, a form action or a link."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description=f"one of {', '.join(EVIDENCE_KINDS)}")
    value: str = Field(description="the URL, selector, matched text or global name")
    snippet: str = Field(default="", description="outerHTML or surrounding text, at most 300 characters")


class Finding(BaseModel):
    """One rule firing on one page (the strongest evidence is kept; ``matches`` counts the rest)."""

    model_config = ConfigDict(extra="forbid")

    category: str
    rule: str
    name: str = ""
    name_nb: str | None = Field(default=None, description="the rule's name in bokmål, when it has one (Norwegian "
                                                            "reports show it instead of name)")
    severity: str
    page: str
    evidence: Evidence
    screenshot: str | None = Field(default=None, description="PNG crop of the element, when it was visible")
    matches: int = Field(default=1, description="how many pieces of evidence matched this rule on this page")


class DetectorError(BaseModel):
    """A detector that failed on a page; the probe and the other detectors' findings survive."""

    model_config = ConfigDict(extra="forbid")

    detector: str
    page: str
    error: str
