"""Detection rules as data: ``probes/rules/<category>.yaml`` plus any files a county adds.

A rule file::

    category: ai
    rules:
      - id: ai-intercom-fin
        name: Intercom Fin AI agent
        name_nb: Intercom Fin KI-agent   # optional; Norwegian reports show it instead of name
        description: What it is and why it is forbidden during an exam.
        severity: block              # block | review | info
        references: [https://www.intercom.com/fin]
        matchers:
          - request_host: api-iam.intercom.io      # host, or *.domain (the domain and every subdomain)
          - request_url: 'intercom\\.io/.*/fin'     # regular expression on the full URL
          - script_src: 'widget\\.intercom\\.io/widget/'
          - iframe_src: 'intercom-sheet'
          - selector: '#intercom-container'
          - text: {pattern: '\\bspør\\s+ki\\b', lang: nb}   # visible text of buttons, links, labels
          - text: {pattern: 'translate this page', lang: en, scope: page}
          - global: Intercom                        # property path on window, e.g. google.translate.TranslateElement
          - form_action_host: www.google.com
          - link_host: chatgpt.com
          - link_url: '^mailto:'                    # regular expression on a link's full href
          - feature: translator                     # a scored first-party feature (probes/features.yaml)

Regular expressions are case-insensitive. ``link_host``, ``link_url`` and ``form_action_host`` never
match the probed resource's own registered domain (its own search form or language switch is not a finding).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from nettsjekk.core.hosts import HostPattern
from nettsjekk.lists.models import check_regex
from nettsjekk.core.errors import InvalidHostname, ListFileError, RuleFileError
from nettsjekk.core.yamldoc import load_model
from nettsjekk.probes.featurebook import known_feature

RULES_DIR = Path(__file__).parent / "rules"
CATEGORIES = ("ai", "translation", "communication", "search_engine", "social", "video")
LANGUAGES = ("any", "nb", "nn", "en", "sv", "da", "de", "fr", "es", "se")
Severity = Literal["block", "review", "info"]


def _host_pattern(value: str) -> str:
    try:
        pattern = HostPattern.parse(value)
    except InvalidHostname as exc:
        raise ValueError(str(exc)) from exc
    if pattern.covers_public_suffix:
        raise ValueError(f"{value!r} covers a whole public suffix")
    return str(pattern)


@lru_cache(maxsize=4096)
def rule_host(value: str) -> HostPattern:
    """A rule's host matcher as a pattern: ``x.no`` that host only; ``*.x.no`` the domain ``x.no``
    and every subdomain (a rule about a service is about its apex too)."""
    return HostPattern.parse(value).with_apex()


Regex = Annotated[str, AfterValidator(check_regex)]
HostPatternText = Annotated[str, AfterValidator(_host_pattern)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextPattern(Strict):
    pattern: Regex
    lang: Literal[LANGUAGES] = "any"  # type: ignore[valid-type]
    scope: Literal["interactive", "page"] = "interactive"
    """``interactive``: buttons, links, labels, placeholders, titles; ``page``: any visible text."""


class Matcher(Strict):
    """Exactly one way of recognising a feature."""

    request_host: HostPatternText | None = None
    request_url: Regex | None = None
    script_src: Regex | None = None
    iframe_src: Regex | None = None
    selector: str | None = None
    text: TextPattern | None = None
    global_: str | None = Field(default=None, alias="global")
    form_action_host: HostPatternText | None = None
    link_host: HostPatternText | None = None
    link_url: Regex | None = None
    feature: Annotated[str, AfterValidator(known_feature)] | None = None
    """A first-party feature scored from the page's own controls (``probes/features.yaml``)."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Matcher:
        given = [name for name in MATCHER_KINDS if getattr(self, _attr(name)) is not None]
        if len(given) != 1:
            raise ValueError(f"a matcher needs exactly one of: {', '.join(MATCHER_KINDS)} (got {given or 'none'})")
        if self.global_ is not None and not re.fullmatch(r"[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*", self.global_):
            raise ValueError(f"{self.global_!r} is not a property path like google.translate.TranslateElement")
        return self

    @property
    def kind(self) -> str:
        return next(name for name in MATCHER_KINDS if getattr(self, _attr(name)) is not None)

    @property
    def value(self) -> str | TextPattern:
        return getattr(self, _attr(self.kind))


MATCHER_KINDS = ("request_host", "request_url", "script_src", "iframe_src", "selector", "text", "global",
                 "form_action_host", "link_host", "link_url", "feature")


def _attr(kind: str) -> str:
    return "global_" if kind == "global" else kind


class Rule(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
    category: Literal[CATEGORIES] | None = None  # type: ignore[valid-type]
    name: Annotated[str, Field(min_length=1)]
    name_nb: Annotated[str, Field(min_length=1)] | None = None
    """The name in bokmål, shown in Norwegian reports (``name`` is shown when it is missing)."""
    description: Annotated[str, Field(min_length=1)]
    severity: Severity
    references: list[str] = Field(default_factory=list)
    matchers: Annotated[list[Matcher], Field(min_length=1)]


class RuleFile(Strict):
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    rules: list[Rule]

    @model_validator(mode="after")
    def _categories_agree(self) -> RuleFile:
        for rule in self.rules:
            if rule.category not in (None, self.category):
                raise ValueError(f"rule {rule.id!r} says category {rule.category!r} in a {self.category!r} file")
        return self


@dataclass(frozen=True, eq=False)
class LoadedRule:
    """A rule with its category settled and where it came from."""

    rule: Rule
    category: str
    origin: str

    @property
    def id(self) -> str:
        return self.rule.id


@lru_cache(maxsize=1)
def default_rules() -> tuple[LoadedRule, ...]:
    """The bundled rules, loaded once per process."""
    return tuple(load_rules())


def default_rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.yaml"))


def load_rules(extra: Iterable[Path] = (), include_defaults: bool = True) -> list[LoadedRule]:
    """Load the bundled rule files and ``extra`` ones (files or folders); ids must be unique."""
    files = [*default_rule_files()] if include_defaults else []
    for path in map(Path, extra):
        files += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    loaded: list[LoadedRule] = []
    seen: dict[str, str] = {}
    for path in files:
        rule_file = load_model(path, RuleFile, error=RuleFileError)
        for rule in rule_file.rules:
            if rule.id in seen:
                raise RuleFileError([f"{path}: rules: id {rule.id!r} is already used in {seen[rule.id]}"])
            seen[rule.id] = str(path)
            loaded.append(LoadedRule(rule, rule_file.category, str(path)))
    return loaded
