"""The page's markup: script and iframe sources, and elements by CSS selector (also in shadow roots)."""

from __future__ import annotations

import re

from ..findings import Evidence
from ..rulebook import LoadedRule
from .base import Candidate, PageSnapshot, matchers_of


class MarkupDetector:
    id = "markup"
    kinds = ("script_src", "iframe_src", "selector")

    def detect(self, rules: list[LoadedRule], snapshot: PageSnapshot) -> list[Candidate]:
        found = []
        for rule, matcher in matchers_of(rules, self.kinds):
            for frame in snapshot.frames:
                candidate = self._match(rule, matcher.kind, matcher.value, frame.data, frame.main)
                if candidate:
                    found.append(candidate)
                    break
        return found

    def _match(self, rule: LoadedRule, kind: str, value: str, data: dict, main: bool) -> Candidate | None:
        if kind == "selector":
            hits = data["selectors"].get(value) or []
            if not hits:
                return None
            best = next((h for h in hits if h["visible"]), hits[0])
            return Candidate(rule, Evidence(kind="element", value=value, snippet=best["snippet"]), main,
                             best["ref"], best["visible"])
        items = data["scripts"] if kind == "script_src" else data["iframes"]
        for item in items:
            if item["src"] and re.search(value, item["src"], re.IGNORECASE):
                evidence = Evidence(kind="script" if kind == "script_src" else "iframe", value=item["src"],
                                    snippet=item["snippet"])
                return Candidate(rule, evidence, main, item.get("ref"), item.get("visible", False))
        return None
