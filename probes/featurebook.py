"""First-party features as data: the vocabulary and weights of ``probes/features.yaml``.

A vendor's own translator, AI assistant, chat or web search has no third-party script to fingerprint;
``nettsjekk.probes.detectors.features`` scores what the page offers (a text box, its labels, the buttons
and choices around it, where its form goes, what the page requested) with the weights read here. A rule
points at one of these features with a ``feature:`` matcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from nettsjekk.core.errors import RuleFileError
from nettsjekk.core.yamldoc import load_model
from nettsjekk.lists.models import check_regex

FEATURES_FILE = Path(__file__).parent / "features.yaml"
Regex = Annotated[str, AfterValidator(check_regex)]
Part = Literal["button", "box", "heading", "option"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Signal(_Strict):
    """Words in one or more parts of a widget, worth ``weight`` points (once per widget)."""

    id: str
    weight: int
    where: Annotated[list[Part], Field(min_length=1)]
    core: bool = False
    """A core signal names the feature itself: without one a widget is never a finding."""
    patterns: dict[Literal["any", "nb", "nn", "en", "se"], list[Regex]]

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(_joined(self.patterns), re.IGNORECASE)


class BoxWeights(_Strict):
    multiline: int = 0
    single: int = 0
    search: int = 0


class LanguageChoice(_Strict):
    weight: int
    min: int = 2
    names: list[str]


class LeavesSite(_Strict):
    weight: int
    site_restricted: int = 0


class NetworkSignal(_Strict):
    """Requests that raise a widget that already has a core signal (never decide alone)."""

    weight: int
    urls: list[Regex] = Field(default_factory=list)
    content_types: list[str] = Field(default_factory=list)
    websockets: list[Regex] = Field(default_factory=list)


class Feature(_Strict):
    threshold: int
    box: BoxWeights = BoxWeights()
    languages: LanguageChoice | None = None
    leaves_site: LeavesSite | None = None
    network: NetworkSignal | None = None
    signals: list[Signal]


class Reveal(_Strict):
    """What the probe clicks before it reads the home page again (a consent banner, feature panels)."""

    settle_s: float = 1.5
    max_clicks: int = 3
    consent: dict[Literal["any", "nb", "nn", "en", "se"], list[Regex]]
    openers: dict[Literal["any", "nb", "nn", "en", "se"], list[Regex]]

    @cached_property
    def consent_regex(self) -> str:
        return _joined(self.consent)

    @cached_property
    def openers_regex(self) -> str:
        return _joined(self.openers)


def _joined(patterns: dict[str, list[str]]) -> str:
    return "|".join(f"(?:{p})" for ps in patterns.values() for p in ps)


class FeatureFile(_Strict):
    features: dict[str, Feature]
    reveal: Reveal


@dataclass(frozen=True)
class FeatureBook:
    features: dict[str, Feature]
    reveal: Reveal


@lru_cache(maxsize=4)
def load_features(path: Path = FEATURES_FILE) -> FeatureBook:
    """The features of ``path`` (the bundled file by default), read once per process."""
    loaded = load_model(path, FeatureFile, error=RuleFileError)
    return FeatureBook(loaded.features, loaded.reveal)


def known_feature(name: str) -> str:
    """A ``feature:`` matcher's value must name a feature of the bundled file."""
    names = load_features().features
    if name not in names:
        raise ValueError(f"{name!r} is not a feature of {FEATURES_FILE.name} (known: {', '.join(sorted(names))})")
    return name
