"""The per-resource verdict a county signs off: ``OK``, ``OK with conditions``, ``not OK`` or ``not tested``.

* **not OK**: the resource loads nowhere; or it shows a forbidden feature (a ``block`` finding:
  translation, communication, web search, AI) anywhere.
* **OK with conditions**: it loads, but only at some locations (location-specific failure), in
  some browsers, or not in one browser at one location, or needed a retry (flaky), or has findings a person must review (a link to
  YouTube, a share button), or has findings a person reviewed and accepted, or a host it needs fails at a
  location, or a host of its pages, scripts or style sheets fails everywhere (``checkpoints.blocked_hosts``).
* **OK**: it loads everywhere it was tested and nothing was found.

* **not tested**: nothing could be said about the resource: no location could be reached, or it met
  a login wall everywhere it was tried (``login_required``: no saved session; ``login_expired``: the
  saved one was not accepted). The reason names the ``nettsjekk login`` to run. A run with such a
  resource is not a sign-off.

Cells whose location could not be reached say nothing about the resource and are left out; cells
stopped by a login wall say nothing about loading either: where the resource loads in other cells,
they are one condition ("not tested in ...: login needed"), not a failure of that browser or location.

Review decisions (``reviews.yaml``, see :mod:`nettsjekk.checkpoints.reviews`) change how a
finding counts, by its rule:

* **accepted** (and not expired): the finding never makes the resource ``not OK``; whatever its
  severity it becomes one condition "reviewed: ...", so the best verdict is ``OK with conditions``.
  A resource that does not load anywhere stays ``not OK``: reviews are about findings, not loading.
* **confirmed**: the finding counts exactly as without a review (``block``: not OK; ``review``: a
  condition); the reason says who confirmed it.
* **expired** acceptance: counts as open again, like no review; the reason says it expired.

Reasons are :class:`Reason` objects: ``str(reason)`` is the English text kept in the store and
shown by the CLI (rule names and error codes as they are); ``key``, ``params`` and ``codes`` let
reports say the same in another language (the rule's bokmål name, each error code explained).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nettsjekk.probes.results import LOGIN_ERRORS

from nettsjekk.checkpoints.store import StoredCell

if TYPE_CHECKING:
    from nettsjekk.checkpoints.reviews import ReviewBook, ReviewState

OK, CONDITIONS, NOT_OK, NOT_TESTED = "OK", "OK with conditions", "not OK", "not tested"

REASONS = {
    "not_tested": "not tested: no location could be reached",
    "login_needed": "not tested: {errors}; log in with 'nettsjekk login {resource}'",
    "login_cells": "not tested in {cells}: {errors}; log in with 'nettsjekk login {resource}'",
    "loads_nowhere": "does not load anywhere ({errors})",
    "finding": "{category}: {name} ({page})",
    "finding_review": "review {category}: {name} ({page})",
    "finding_confirmed": "{category}: {name} ({page}); confirmed by {by} on {date}: {reason}",
    "finding_review_confirmed": "review {category}: {name} ({page}); confirmed by {by} on {date}: {reason}",
    "finding_expired": "{category}: {name} ({page}); the acceptance by {by} expired on {expires}",
    "finding_review_expired": "review {category}: {name} ({page}); the acceptance by {by} expired on {expires}",
    "finding_accepted": "reviewed: {category}: {name} ({page}) accepted by {by} on {date}: {reason}",
    "location_specific": "fails only at location {location} (location-specific): {errors}",
    "engine_fails": "does not load in {engine}",
    "cell_fails": "does not load in {engine} at {location} ({errors})",
    "flaky": "unstable: needed a retry ({cells})",
    "host_fails_at": "needs {host}, which fails at location {location}: {errors} ({engines})",
    "host_fails_everywhere": "{host} fails everywhere: {errors} (requests of type {types} do not load)",
    "replay_link_reachable": "forbidden link reachable with the allowlist in {engines}: {url} ({category})",
    "replay_missing_hosts": "does not work with only its allowlist reachable in {engines}; missing: {hosts}",
    "replay_fails": "does not work with only its allowlist reachable in {engines} ({errors})",
    "replay_not_done": "not replayed in exam mode: {why}",
}
"""English text of every reason, by key (reports translate the keys; see reports/messages/)."""


@dataclass(frozen=True)
class Reason:
    """One reason for a verdict: a key of ``REASONS`` and the values it names."""

    key: str
    params: dict[str, str] = field(default_factory=dict)
    rule: str | None = None
    """The rule of a finding reason (for links to its evidence)."""
    codes: tuple[str, ...] = ()
    """The probe error codes the ``errors`` param lists (reports explain each one)."""

    def __str__(self) -> str:
        return REASONS[self.key].format(**self.params)


@dataclass(frozen=True)
class Assessment:
    """A resource's verdict and its reasons."""

    verdict: str
    reasons: list[Reason]

    def as_tuple(self) -> tuple[str, list[str]]:
        return self.verdict, [str(r) for r in self.reasons]


def resource_verdict(cells: Iterable[StoredCell], reviews: ReviewBook | None = None,
                     host_conditions: Iterable[Reason] = ()) -> tuple[str, list[str]]:
    """(verdict, reasons) for one resource's cells, with ``reviews`` applied when given."""
    return assess(cells, reviews, host_conditions).as_tuple()


def assess(cells: Iterable[StoredCell], reviews: ReviewBook | None = None,
           host_conditions: Iterable[Reason] = ()) -> Assessment:
    """The verdict with structured reasons (see the module docstring for how reviews count).
    ``host_conditions`` are the conditions of hosts the resource needs that failed somewhere
    (``checkpoints.blocked_hosts.host_reasons``); they count where the resource loads."""
    cells = [c for c in cells if c.status != "location_unreachable"]
    host_conditions = list(host_conditions)
    if not cells:
        return Assessment(NOT_TESTED, [Reason("not_tested")])
    blocking, conditions = _finding_reasons(cells, reviews)
    walled = [c for c in cells if c.status == "failing" and c.result.error in LOGIN_ERRORS]
    tested = [c for c in cells if c not in walled]
    loading = [c for c in tested if c.status in ("ok", "flaky")]
    if not tested:
        return Assessment(NOT_TESTED, [_login_reason("login_needed", walled)])
    if not loading:
        return Assessment(NOT_OK, [_error_reason("loads_nowhere", tested), *blocking])
    if blocking:
        return Assessment(NOT_OK, blocking + host_conditions + conditions)
    conditions = (_load_conditions(tested) + host_conditions
                  + ([_login_reason("login_cells", walled)] if walled else []) + conditions)
    return Assessment(CONDITIONS, conditions) if conditions else Assessment(OK, [])


def _login_reason(key: str, walled: list[StoredCell]) -> Reason:
    """Why cells stopped at a login wall say nothing, and the command that gets them past it."""
    cells = ", ".join(sorted({f"{c.key.engine}@{c.key.location}" for c in walled}))
    return _error_reason(key, walled, cells=cells, resource=walled[0].key.resource_id)


def location_specific(cells: Iterable[StoredCell]) -> list[str]:
    """Locations where the resource fails although it loads at another location."""
    by_location: dict[str, set[str]] = defaultdict(set)
    for cell in cells:
        if cell.status != "location_unreachable":
            by_location[cell.key.location].add(cell.status)
    loads_somewhere = any(s & {"ok", "flaky"} for s in by_location.values())
    return sorted(loc for loc, statuses in by_location.items() if loads_somewhere and statuses == {"failing"})


def _load_conditions(cells: list[StoredCell]) -> list[Reason]:
    reasons = [_error_reason("location_specific", [c for c in cells if c.key.location == loc], location=loc)
               for loc in location_specific(cells)]
    failing_engines = {c.key.engine for c in cells if c.status == "failing"}
    working_engines = {c.key.engine for c in cells if c.status in ("ok", "flaky")}
    broken_engines = failing_engines - working_engines
    reasons += [Reason("engine_fails", {"engine": engine}) for engine in sorted(broken_engines)]
    explained = set(location_specific(cells))
    reasons += [_error_reason("cell_fails", [c], engine=c.key.engine, location=c.key.location)
                for c in sorted(cells, key=lambda c: (c.key.location, c.key.engine))
                if c.status == "failing" and c.key.location not in explained and c.key.engine not in broken_engines]
    flaky = sorted({f"{c.key.engine}@{c.key.location}" for c in cells if c.status == "flaky"})
    if flaky:
        reasons.append(Reason("flaky", {"cells": ", ".join(flaky)}))
    return reasons


def _finding_reasons(cells: list[StoredCell], reviews: ReviewBook | None) -> tuple[list[Reason], list[Reason]]:
    """(reasons that make the resource not OK, reasons that are conditions), sorted by severity,
    category and rule; ``info`` findings are left out."""
    seen: dict[tuple[str, str, str], dict[str, str]] = {}
    for cell in cells:
        for f in cell.result.findings:
            names = {"name": f.name or f.rule, **({"name_nb": f.name_nb} if f.name_nb else {})}
            seen.setdefault((f.severity, f.category, f.rule), {"category": f.category, **names, "page": f.page})
    resource_id = cells[0].key.resource_id
    blocking: list[Reason] = []
    conditions: list[Reason] = []
    for (severity, _, rule), params in sorted(seen.items()):
        if severity not in ("block", "review"):
            continue
        state = reviews.finding(resource_id, rule) if reviews is not None else None
        reason = _finding_reason(severity, rule, params, state)
        (blocking if severity == "block" and reason.key != "finding_accepted" else conditions).append(reason)
    accepted = [r for r in conditions if r.key == "finding_accepted"]
    return blocking, [r for r in conditions if r.key != "finding_accepted"] + accepted


def _finding_reason(severity: str, rule: str, params: dict[str, str], state: ReviewState | None) -> Reason:
    prefix = "finding" if severity == "block" else "finding_review"
    if state is None:
        return Reason(prefix, params, rule)
    review = state.review
    signed = {**params, "by": review.by, "date": review.date.isoformat(), "reason": review.reason}
    if state.status == "accepted":
        return Reason("finding_accepted", signed, rule)
    if state.status == "confirmed":
        return Reason(f"{prefix}_confirmed", signed, rule)
    return Reason(f"{prefix}_expired", {**params, "by": review.by, "expires": str(review.expires)}, rule)


def _error_reason(key: str, failed: Iterable[StoredCell], **params: str) -> Reason:
    """A reason naming the cells' error codes, each once, sorted: ``errors`` is ``http_4xx, timeout``."""
    codes = tuple(sorted({c.result.error or "?" for c in failed}))
    return Reason(key, {**params, "errors": ", ".join(codes)}, codes=codes)
