"""The link phase of ``verify-checkpoint`` in Prefect: one ``check-links`` task per crawl, after the
probe cells (what to crawl and how is ``checkpoints.link_phase``)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from prefect import get_run_logger, task
from prefect.cache_policies import NONE
from prefect.futures import wait

from nettsjekk.probes.service import ProbeService

from nettsjekk.checkpoints.link_phase import LinkTarget, check_resource_links, plan_link_checks, save_skipped
from nettsjekk.checkpoints.plan import Plan
from nettsjekk.checkpoints.store import Store

link_listeners: list[Callable[[int, int], None]] = []
"""Called with (crawls done, crawls in all) when the link phase starts and after each crawl (the CLI's progress bar)."""


@task(name="check-links", cache_policy=NONE, task_run_name="links · {target.resource_id} · {target.location.name}")
def check_links(plan: Plan, store: Store, service: ProbeService, target: LinkTarget, gate: threading.Semaphore) -> dict:
    """Crawl one resource from one location for broken links; the result is committed on completion."""
    with gate:
        check = check_resource_links(plan.config, plan.catalog, store, plan.run_id, target, service)
    if not check["checked"]:
        get_run_logger().warning("links of %s from %s not fully checked: %s %s", target.resource_id,
                                 target.location.name, check["reason"], check.get("detail") or "")
    return check


def run_link_phase(plan: Plan, store: Store, service: ProbeService) -> None:
    """Crawl every resource of the run as ``links:`` in the configuration says (crawls a resumed run
    already finished are not repeated), at most ``links.concurrency`` at once."""
    engines = list(dict.fromkeys(spec.engine for spec in plan.cells))
    locations = list({spec.location.name: spec.location for spec in plan.cells}.values())
    done = {(c["resource_id"], c["location"]) for c in store.link_checks(plan.run_id)}
    links = plan_link_checks(plan.config, store.cells(plan.run_id), locations, engines, done)
    save_skipped(store, plan.run_id, links.skipped)
    gate = threading.Semaphore(plan.config.settings.links.concurrency)
    total, finished = len(links.targets), []

    def tell() -> None:
        for listener in list(link_listeners):
            listener(len(finished), total)

    tell()
    futures = [check_links.submit(plan, store, service, target, gate) for target in links.targets]
    for future in futures:
        future.add_done_callback(lambda done: (finished.append(done), tell()))
    wait(futures)
    for future in futures:
        future.result()
