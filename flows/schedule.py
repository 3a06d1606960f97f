"""Schedules: one deployment of ``verify-checkpoint`` with one schedule per checkpoint date.

``serve`` runs them from this process (a single machine); ``deploy`` registers them on a Prefect
server for a work pool, run by ``prefect worker start --pool NAME`` where nettsjekk is installed.
"""

from __future__ import annotations

from pathlib import Path

from prefect.deployments.runner import EntrypointType
from prefect.schedules import RRule, Schedule

from nettsjekk.flows.checkpoint import verify_checkpoint
from nettsjekk.checkpoints.config import Config


def checkpoint_schedules(config: Config, config_path: Path) -> list[Schedule]:
    """One single-shot schedule per checkpoint date, in the configured time zone."""
    schedules = []
    for name, when in sorted(config.settings.checkpoints.items(), key=lambda item: item[1].date):
        start = f"{when.date:%Y%m%d}T{when.time.replace(':', '')}00"
        schedules.append(RRule(f"DTSTART:{start}\nRRULE:FREQ=DAILY;COUNT=1", timezone=config.settings.timezone,
                               parameters={"config_path": str(config_path), "checkpoint": name}, slug=name))
    return schedules


def build_deployment(config: Config, config_path: Path, name: str, work_pool: str | None = None):
    """A runner deployment of ``verify-checkpoint`` carrying every checkpoint schedule."""
    return verify_checkpoint.to_deployment(
        name, schedules=checkpoint_schedules(config, config_path.resolve()),
        parameters={"config_path": str(config_path.resolve()), "checkpoint": "pre-exam"},
        work_pool_name=work_pool, entrypoint_type=EntrypointType.MODULE_PATH,
        description="nettsjekk checkpoints: " + ", ".join(config.settings.checkpoints),
    )


def build_location_deployment(location_name: str, work_pool: str):
    """The ``verify-location/<location>`` deployment a site's worker runs for pool locations."""
    from nettsjekk.flows.location import verify_location

    return verify_location.to_deployment(location_name, work_pool_name=work_pool,
                                         entrypoint_type=EntrypointType.MODULE_PATH,
                                         description=f"nettsjekk cells of location {location_name}")
