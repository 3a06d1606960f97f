"""JavaScript globals a widget or SDK defines on ``window`` (``global`` matchers)."""

from __future__ import annotations

from nettsjekk.probes.findings import Evidence
from nettsjekk.probes.rulebook import LoadedRule
from nettsjekk.probes.detectors.base import Candidate, PageSnapshot, indexed_matchers


class GlobalsDetector:
    id = "globals"
    kinds = ("global",)

    def detect(self, rules: list[LoadedRule], snapshot: PageSnapshot) -> list[Candidate]:
        found = []
        for rule, _matcher, _kind, path in indexed_matchers(tuple(rules), self.kinds):
            for frame in snapshot.frames:
                kind = frame.data["globals"].get(path)
                if kind:
                    evidence = Evidence(kind="global", value=f"window.{path}",
                                        snippet=f"typeof window.{path} === '{kind}' in {frame.url}")
                    found.append(Candidate(rule, evidence, frame.main))
                    break
        return found
