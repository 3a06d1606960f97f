"""What detectors share: the page snapshot they read and the candidates they return."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from nettsjekk.core.domains import registered_domain
from nettsjekk.probes.findings import Evidence
from nettsjekk.probes.rulebook import LoadedRule, rule_host
from nettsjekk.probes.results import RequestRecord

KIND_PRIORITY = {"element": 0, "text": 1, "iframe": 2, "script": 3, "global": 4, "request": 5, "form": 6, "link": 7}


@dataclass
class FrameData:
    """What ``collect.js`` returned for one frame."""

    url: str
    main: bool
    data: dict[str, Any]


@dataclass
class PageSnapshot:
    """Everything detectors may look at for one visited page."""

    page_url: str
    frames: list[FrameData]
    requests: list[RequestRecord]
    own_domains: frozenset[str] = field(default_factory=frozenset)

    def is_own(self, host: str) -> bool:
        """True for a host in one of the resource's own registered domains."""
        return registered_domain(host) in self.own_domains


@dataclass(frozen=True)
class Candidate:
    """A matcher that fired, with where its element lives (for a cropped screenshot)."""

    rule: LoadedRule
    evidence: Evidence
    main_frame: bool = True
    ref: int | None = None
    visible: bool = False

    @property
    def rank(self) -> tuple[int, int]:
        crop = 0 if (self.visible and self.main_frame and self.ref is not None) else 1
        return (crop, KIND_PRIORITY.get(self.evidence.kind, 9))


class Detector(Protocol):
    id: str
    kinds: tuple[str, ...]

    def detect(self, rules: list[LoadedRule], snapshot: PageSnapshot) -> list[Candidate]: ...


def matchers_of(rules: list[LoadedRule], kinds: tuple[str, ...]):
    """(rule, matcher) pairs whose matcher kind is one of ``kinds``."""
    for rule, matcher, _kind, _value in indexed_matchers(tuple(rules), kinds):
        yield rule, matcher


@lru_cache(maxsize=64)
def indexed_matchers(rules: tuple[LoadedRule, ...], kinds: tuple[str, ...]) -> tuple[tuple, ...]:
    """``(rule, matcher, kind, value)`` for every matcher of one of ``kinds``, in rule order.

    Computed once per rule set: a page's detection walks these for every link and request, and
    ``Matcher.kind`` is a property that searches the matcher's fields each time.
    """
    return tuple((rule, matcher, matcher.kind, matcher.value) for rule in rules for matcher in rule.rule.matchers
                 if matcher.kind in kinds)


@lru_cache(maxsize=1024)
def regex(pattern: str) -> re.Pattern[str]:
    """A rule's regular expression, compiled once (rule regexes are case-insensitive)."""
    return re.compile(pattern, re.IGNORECASE)


def host_matches(pattern: str, host: str) -> bool:
    """A rule's host ``pattern`` covers ``host``: ``x.no`` that host only; ``*.x.no`` ``x.no`` and
    every subdomain (:func:`nettsjekk.probes.rulebook.rule_host`)."""
    return rule_host(pattern).covers(host)
