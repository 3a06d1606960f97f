"""What the watch checks of each resource: its home page and the hosts it needs, from the latest
finished checkpoint run in the results store (the hosts that served it a document, script, style
sheet, XHR or fetch), at most ``MAX_HOSTS`` per resource, the busiest first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from nettsjekk.checkpoints.store import Store

NEEDED_TYPES = {"document", "script", "stylesheet", "xhr", "fetch"}
MAX_HOSTS = 8


@dataclass(frozen=True)
class Target:
    """One resource as the watch sees it."""

    resource_id: str
    name: str
    url: str
    login: str
    hosts: tuple[str, ...]
    """Needed hosts other than the home page's own."""

    @property
    def home_host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


def latest_run(store: Store) -> str | None:
    """The latest finished checkpoint run, or None."""
    finished = [run for run in store.runs() if run["status"] == "finished"]
    return finished[-1]["id"] if finished else None


def needed_hosts(store: Store, run_id: str | None) -> dict[str, tuple[str, ...]]:
    """Per resource id, the hosts that answered it in ``run_id`` (types in ``NEEDED_TYPES``)."""
    if run_id is None:
        return {}
    counts: dict[str, Counter] = {}
    for cell in store.cells(run_id):
        seen = counts.setdefault(cell.key.resource_id, Counter())
        for request in cell.result.requests:
            if (request.host and request.type in NEEDED_TYPES and request.failure is None
                    and request.status is not None and request.status < 400):
                seen[request.host.lower()] += 1
    return {rid: tuple(host for host, _ in seen.most_common()) for rid, seen in counts.items()}


def targets(resources, store: Store | None) -> tuple[list[Target], str | None]:
    """The watch's targets for ``resources`` (list entries), and the run their hosts come from."""
    run_id = latest_run(store) if store is not None else None
    hosts = needed_hosts(store, run_id) if store is not None else {}
    found = []
    for resource in resources:
        home = (urlsplit(str(resource.url)).hostname or "").lower()
        extra = tuple(h for h in hosts.get(resource.id, ()) if h != home)[:MAX_HOSTS]
        found.append(Target(resource.id, resource.name, str(resource.url), resource.login, extra))
    return found, run_id
