"""What changed since the previous checkpoint run, or since the approved baseline.

Per resource: hosts that appeared or vanished, findings that are new or gone, whether it started
or stopped failing; and per location, hosts and statuses that differ between the two runs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from nettsjekk.checkpoints.store import Store, StoredCell


@dataclass
class ResourceDrift:
    resource_id: str
    new_hosts: list[str] = field(default_factory=list)
    vanished_hosts: list[str] = field(default_factory=list)
    new_findings: list[str] = field(default_factory=list)
    gone_findings: list[str] = field(default_factory=list)
    verdict_before: str | None = None
    verdict_now: str | None = None
    location_changes: list[str] = field(default_factory=list)

    @property
    def newly_failing(self) -> bool:
        return self.verdict_now == "not OK" and self.verdict_before not in (None, "not OK")

    @property
    def changed(self) -> bool:
        return bool(self.new_hosts or self.vanished_hosts or self.new_findings or self.gone_findings
                    or self.location_changes or (self.verdict_before and self.verdict_before != self.verdict_now))


@dataclass
class Drift:
    run_id: str
    against: str | None
    kind: str
    resources: dict[str, ResourceDrift] = field(default_factory=dict)

    @property
    def changed(self) -> list[ResourceDrift]:
        return [r for r in self.resources.values() if r.changed]

    def to_dict(self) -> dict:
        return {"run": self.run_id, "against": self.against, "kind": self.kind,
                "resources": [{**vars(r), "newly_failing": r.newly_failing} for r in self.changed]}


def compare_runs(store: Store, run_id: str, other: str | None, kind: str) -> Drift:
    """Drift of ``run_id`` against ``other`` (``kind``: ``previous`` or ``baseline``)."""
    drift = Drift(run_id, other, kind)
    if other is None:
        return drift
    now_cells, then_cells = _by_resource(store.cells(run_id)), _by_resource(store.cells(other))
    now_verdicts, then_verdicts = store.verdicts(run_id), store.verdicts(other)
    for rid, cells in sorted(now_cells.items()):
        before = then_cells.get(rid, [])
        item = ResourceDrift(rid, verdict_now=now_verdicts.get(rid, (None,))[0],
                             verdict_before=then_verdicts.get(rid, (None,))[0] if before else None)
        if before:
            item.new_hosts, item.vanished_hosts = _diff(_hosts(cells), _hosts(before))
            item.new_findings, item.gone_findings = _diff(_findings(cells), _findings(before))
            item.location_changes = _location_changes(cells, before)
        drift.resources[rid] = item
    return drift


def _by_resource(cells: list[StoredCell]) -> dict[str, list[StoredCell]]:
    grouped: dict[str, list[StoredCell]] = defaultdict(list)
    for cell in cells:
        grouped[cell.key.resource_id].append(cell)
    return grouped


def _hosts(cells: list[StoredCell], location: str | None = None) -> set[str]:
    return {h for c in cells if location in (None, c.key.location) for h in c.result.hosts}


def _findings(cells: list[StoredCell]) -> set[str]:
    return {f"{f.category}/{f.rule}" for c in cells for f in c.result.findings if f.severity != "info"}


def _diff(now: set[str], then: set[str]) -> tuple[list[str], list[str]]:
    return sorted(now - then), sorted(then - now)


def _location_changes(now: list[StoredCell], then: list[StoredCell]) -> list[str]:
    changes = []
    for location in sorted({c.key.location for c in now}):
        new, gone = _diff(_hosts(now, location), _hosts(then, location))
        changes += [f"{location}: new host {h}" for h in new] + [f"{location}: host gone {h}" for h in gone]
        before = {c.key.engine: c.status for c in then if c.key.location == location}
        for cell in (c for c in now if c.key.location == location):
            if before.get(cell.key.engine) not in (None, cell.status):
                changes.append(f"{location}/{cell.key.engine}: {before[cell.key.engine]} -> {cell.status}")
    return changes
