"""JavaScript globals a widget or SDK defines on ``window`` (``global`` matchers)."""

from __future__ import annotations

from ..findings import Evidence
from ..rulebook import LoadedRule
from .base import Candidate, PageSnapshot, matchers_of


class GlobalsDetector:
    id = "globals"
    kinds = ("global",)

    def detect(self, rules: list[LoadedRule], snapshot: PageSnapshot) -> list[Candidate]:
        found = []
        for rule, matcher in matchers_of(rules, self.kinds):
            for frame in snapshot.frames:
                kind = frame.data["globals"].get(matcher.global_)
                if kind:
                    evidence = Evidence(kind="global", value=f"window.{matcher.global_}",
                                        snippet=f"typeof window.{matcher.global_} === '{kind}' in {frame.url}")
                    found.append(Candidate(rule, evidence, frame.main))
                    break
        return found
