"""First-party features: a vendor's own translator, AI assistant, chat or web search (``feature`` matchers).

``collect.js`` hands over the page's widgets (a text box with the buttons, choices, heading and form
around it; a lone button is a launcher). Each feature of ``probes/features.yaml`` scores every widget
from its words, its box, a language choice and where its form goes; requests the page made (a
``text/event-stream`` answer, a WebSocket, ``/api/chat``) add points to a widget that already names the
feature, never decide alone. The best widget at or above the feature's threshold is the finding, and
its evidence says what was seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from nettsjekk.core.domains import registered_domain
from nettsjekk.probes.detectors.base import Candidate, PageSnapshot, indexed_matchers, regex
from nettsjekk.probes.featurebook import Feature, load_features
from nettsjekk.probes.findings import Evidence
from nettsjekk.probes.results import RequestRecord
from nettsjekk.probes.rulebook import LoadedRule


@dataclass
class Score:
    """One widget's points for one feature, and the reasons, in words."""

    points: int = 0
    core: bool = False
    seen: list[str] = field(default_factory=list)

    def add(self, points: int, why: str, core: bool = False) -> None:
        self.points += points
        self.core = self.core or core
        self.seen.append(f"{why} ({points:+d})")


class FeatureDetector:
    id = "features"
    kinds = ("feature",)

    def detect(self, rules: list[LoadedRule], snapshot: PageSnapshot) -> list[Candidate]:
        found = []
        book = load_features()
        for rule, _matcher, _kind, name in indexed_matchers(tuple(rules), self.kinds):
            best = best_widget(book.features[name], snapshot)
            if best is not None:
                score, widget, main = best
                found.append(Candidate(rule, _evidence(widget, score), main, widget.get("ref"),
                                       bool(widget.get("visible"))))
        return found


def best_widget(feature: Feature, snapshot: PageSnapshot) -> tuple[Score, dict, bool] | None:
    """The highest-scoring widget of the page at or above the feature's threshold."""
    network = network_hits(feature, snapshot.requests)
    best: tuple[Score, dict, bool] | None = None
    for frame in snapshot.frames:
        for widget in frame.data.get("widgets") or ():
            score = score_widget(feature, widget, snapshot)
            if not score.core:
                continue
            for hit in network:
                score.add(feature.network.weight, f"network: {hit}")  # type: ignore[union-attr]
                break
            if score.points >= feature.threshold and (best is None or score.points > best[0].points):
                best = (score, widget, frame.main)
    return best


def score_widget(feature: Feature, widget: dict, snapshot: PageSnapshot) -> Score:
    """Points of one widget (network points aside)."""
    score = Score()
    parts = {"button": widget.get("buttons") or [], "box": [b["text"] for b in widget.get("boxes") or []],
             "heading": [widget.get("heading") or ""], "option": widget.get("options") or []}
    for signal in feature.signals:
        hit = next(((part, text, m) for part in signal.where for text in parts[part] if text
                    for m in [signal.regex.search(text)] if m), None)
        if hit:
            part, text, match = hit
            score.add(signal.weight, f"{signal.id}: {part} {_quote(text)}", signal.core)
    boxes = widget.get("boxes") or []
    if boxes:
        weight, kind, tag = max((getattr(feature.box, b["kind"]), b["kind"], b.get("tag", "?")) for b in boxes)
        if weight:
            score.add(weight, f"{kind} text box <{tag}>")
    if feature.languages is not None:
        names = _language_names(feature.languages.names, [*parts["option"], *parts["button"]])
        if len(names) >= feature.languages.min:
            score.add(feature.languages.weight, f"language choice ({', '.join(sorted(names)[:4])})")
    if feature.leaves_site is not None and widget.get("action"):
        host = (urlsplit(widget["action"]).hostname or "").lower()
        if host and not snapshot.is_own(host):
            score.add(feature.leaves_site.weight, f"form action leaves the site: {widget['action'][:120]}", True)
            if any(_names_own_domain(value, snapshot.own_domains) for value in widget.get("hidden") or ()):
                score.add(feature.leaves_site.site_restricted, "a hidden field limits it to this site")
    return score


def network_hits(feature: Feature, requests: list[RequestRecord]) -> list[str]:
    """Requests of the page that fit the feature's network signals, described."""
    signal = feature.network
    if signal is None:
        return []
    hits = []
    for request in requests:
        path = urlsplit(request.url)
        url_tail = path.path + ("?" + path.query if path.query else "")
        if request.type == "websocket":
            if any(regex(p).search(request.url) for p in signal.websockets):
                hits.append(f"WebSocket {request.url[:120]}")
        elif any(regex(p).search(url_tail) for p in signal.urls):
            hits.append(f"{request.type} {request.url[:120]}")
        elif request.content_type and any(request.content_type.lower().startswith(t) for t in signal.content_types):
            hits.append(f"{request.content_type.split(';')[0]} from {request.url[:120]}")
    return hits


def _language_names(names: list[str], texts: list[str]) -> set[str]:
    pattern = regex(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")
    return {m.group(1).lower() for text in texts for m in pattern.finditer(text)}


def _names_own_domain(value: str, own: frozenset[str]) -> bool:
    host = (urlsplit(value if "//" in value else f"//{value}").hostname or "").lower()
    return bool(host) and registered_domain(host) in own


def _quote(text: str) -> str:
    return '"' + (text if len(text) <= 60 else text[:57] + "...") + '"'


def _evidence(widget: dict, score: Score) -> Evidence:
    where = widget.get("where") or "document"
    action = f"; form {widget.get('method') or 'get'} {widget['action'][:120]}" if widget.get("action") else ""
    value = f"{'; '.join(score.seen)}{action}; {score.points} points in {where}"
    return Evidence(kind="element", value=value[:500], snippet=widget.get("snippet", "")[:300])
