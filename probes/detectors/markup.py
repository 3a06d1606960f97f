"""The page's markup: script and iframe sources, and elements by CSS selector (also in shadow roots)."""

from __future__ import annotations

from nettsjekk.probes.findings import Evidence
from nettsjekk.probes.rulebook import LoadedRule
from nettsjekk.probes.detectors.base import Candidate, PageSnapshot, indexed_matchers, regex


class MarkupDetector:
    id = "markup"
    kinds = ("script_src", "iframe_src", "selector")

    def detect(self, rules: list[LoadedRule], snapshot: PageSnapshot) -> list[Candidate]:
        found = []
        for rule, _matcher, kind, value in indexed_matchers(tuple(rules), self.kinds):
            for frame in snapshot.frames:
                candidate = self._match(rule, kind, value, frame.data, frame.main)
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
        pattern = regex(value)
        for item in items:
            if item["src"] and pattern.search(item["src"]):
                evidence = Evidence(kind="script" if kind == "script_src" else "iframe", value=item["src"],
                                    snippet=item["snippet"])
                return Candidate(rule, evidence, main, item.get("ref"), item.get("visible", False))
        return None
