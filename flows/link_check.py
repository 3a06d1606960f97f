"""The link phase of ``verify-checkpoint`` in Prefect: one ``check-links`` task for all the run's crawls,
after the probe cells. The crawls run side by side in one crawler process per location (what to
crawl and how is ``checkpoints.link_phase``); each is committed, logged and counted as it finishes."""

from __future__ import annotations

from collections.abc import Callable

from prefect import get_run_logger, task
from prefect.cache_policies import NONE

from nettsjekk.probes.service import ProbeService

from nettsjekk.checkpoints.link_phase import LinkTarget, check_links_together, plan_link_checks, save_skipped
from nettsjekk.checkpoints.plan import Plan
from nettsjekk.checkpoints.store import Store

link_listeners: list[Callable[[int, int], None]] = []
"""Called with (crawls done, crawls in all) when the link phase starts and after each crawl (the CLI's progress bar)."""


@task(name="check-links", cache_policy=NONE, task_run_name="links · {label}")
def check_links(plan: Plan, store: Store, service: ProbeService, targets: list[LinkTarget], label: str) -> list[dict]:
    """Crawl the targets side by side for broken links; each result is committed as it completes."""
    logger = get_run_logger()
    total, finished = len(targets), []

    def tell() -> None:
        for listener in list(link_listeners):
            listener(len(finished), total)

    def on_done(check: dict) -> None:
        finished.append(check)
        if not check["checked"]:
            logger.warning("links of %s from %s not fully checked: %s %s", check["resource_id"], check["location"],
                           check["reason"], check.get("detail") or "")
        tell()

    tell()
    return check_links_together(plan.config, plan.catalog, store, plan.run_id, targets, service, on_done)


def run_link_phase(plan: Plan, store: Store, service: ProbeService) -> None:
    """Crawl every resource of the run as ``links:`` in the configuration says (crawls a resumed run
    already finished are not repeated), ``links.concurrency`` side by side."""
    engines = list(dict.fromkeys(spec.engine for spec in plan.cells))
    locations = list({spec.location.name: spec.location for spec in plan.cells}.values())
    done = {(c["resource_id"], c["location"]) for c in store.link_checks(plan.run_id)}
    links = plan_link_checks(plan.config, store.cells(plan.run_id), locations, engines, done)
    save_skipped(store, plan.run_id, links.skipped)
    if not links.targets:
        for listener in list(link_listeners):
            listener(0, 0)
        return
    count = len(links.targets)
    check_links(plan, store, service, links.targets, f"{count} crawl{'s' if count != 1 else ''}")
