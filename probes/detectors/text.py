"""Visible words: "Spør KI", "Translate this page", a sentence-translation box's placeholder."""

from __future__ import annotations

import re

from nettsjekk.probes.findings import Evidence
from nettsjekk.probes.rulebook import LoadedRule
from nettsjekk.probes.detectors.base import Candidate, PageSnapshot, indexed_matchers, regex


class TextDetector:
    id = "text"
    kinds = ("text",)

    def detect(self, rules: list[LoadedRule], snapshot: PageSnapshot) -> list[Candidate]:
        found = []
        for rule, _matcher, _kind, text in indexed_matchers(tuple(rules), self.kinds):
            pattern = regex(text.pattern)
            for frame in snapshot.frames:
                candidate = self._match(rule, pattern, text.scope, frame.data, frame.main)
                if candidate:
                    found.append(candidate)
                    break
        return found

    def _match(self, rule: LoadedRule, pattern: re.Pattern, scope: str, data: dict, main: bool) -> Candidate | None:
        for item in data["texts"]:
            hit = pattern.search(item["text"])
            if hit:
                return Candidate(rule, Evidence(kind="text", value=hit.group(0), snippet=item["snippet"]), main,
                                 item["ref"], item["visible"])
        if scope == "page":
            hit = pattern.search(data["pageText"])
            if hit:
                around = data["pageText"][max(0, hit.start() - 100): hit.end() + 100]
                return Candidate(rule, Evidence(kind="text", value=hit.group(0), snippet=around), main)
        return None
