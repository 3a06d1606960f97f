"""The exam-day watch as a Prefect flow (``exam-watch``), with one schedule per ``exam_days:`` entry.

Each scheduled run starts at the day's ``from`` time (in ``timezone:``) and watches until its ``to``
time (``nettsjekk.watch.runner``); ``nettsjekk watch --schedule`` serves the deployment here, or
registers it for a work pool with ``--pool`` (then ``prefect worker start --pool NAME`` where
nettsjekk is installed and the locations' proxies are reachable).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger
from prefect.deployments.runner import EntrypointType
from prefect.schedules import RRule, Schedule

from nettsjekk.checkpoints.config import Config
from nettsjekk.core.errors import ConfigError


@flow(name="exam-watch", log_prints=True)
def exam_watch(config_path: str, every: str = "2m", status_page: str | None = None, list_name: str | None = None,
               browser: bool = True, rounds: int | None = None) -> dict:
    """Watch today's exam window (``exam_days:``; ``rounds`` ends it sooner) and return the rounds and alerts."""
    from nettsjekk.checkpoints.config import load_config
    from nettsjekk.watch.configure import window
    from nettsjekk.watch.runner import run_watch

    logger = get_run_logger()
    begin, finish = window(load_config(Path(config_path)), None, None)
    if finish is None:
        raise ConfigError(f"{config_path}: today is not among exam_days:, so the watch has no window")
    watcher = run_watch(Path(config_path), None, None, every, rounds, Path(status_page) if status_page else None,
                        list_name, None, browser, logger.info)
    return {"rounds": watcher.rounds, "alerts": [a.to_json() for a in watcher.alerts]}


def exam_day_schedules(config: Config, config_path: Path, every: str = "2m",
                       status_page: str | None = None) -> list[Schedule]:
    """One single-shot schedule per exam day, at its ``from`` time in the configured time zone."""
    schedules = []
    for day in sorted(config.settings.exam_days, key=lambda d: d.date):
        start = f"{day.date:%Y%m%d}T{day.from_.replace(':', '')}00"
        schedules.append(RRule(f"DTSTART:{start}\nRRULE:FREQ=DAILY;COUNT=1", timezone=config.settings.timezone,
                               parameters={"config_path": str(config_path), "every": every, "status_page": status_page},
                               slug=f"exam-{day.date.isoformat()}"))
    return schedules


def build_watch_deployment(config: Config, config_path: Path, name: str, work_pool: str | None = None,
                           every: str = "2m", status_page: str | None = None):
    """A runner deployment of ``exam-watch`` carrying every exam day's schedule."""
    if not config.settings.exam_days:
        raise ConfigError(f"{config_path}: no exam_days: to schedule the watch for")
    return exam_watch.to_deployment(
        name, schedules=exam_day_schedules(config, config_path.resolve(), every, status_page),
        parameters={"config_path": str(config_path.resolve()), "every": every, "status_page": status_page},
        work_pool_name=work_pool, entrypoint_type=EntrypointType.MODULE_PATH,
        description="nettsjekk exam-day watch: " + ", ".join(d.date.isoformat() for d in config.settings.exam_days))
