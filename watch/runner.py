"""Run a watch from the command line's choices: check everything, wait for ``--from``, run the rounds
until ``--to`` or ``--rounds``, close the open intervals however it ends (SIGTERM included)."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

from nettsjekk.checkpoints.config import load_config
from nettsjekk.watch.configure import build_setup, parse_every, window
from nettsjekk.watch.loop import Watch, utc_now


def _stop_on_sigterm() -> None:
    def handler(signum, frame):  # noqa: ARG001 - signal's signature
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (a Prefect flow run in a worker thread): Prefect stops it
        pass


def run_watch(config_path: Path, start: str | None, end: str | None, every: str, rounds: int | None,
              status_page: Path | None, list_name: str | None, locations: list[str] | None, browser: bool,
              emit: Callable[[str], None] = print) -> Watch:
    config = load_config(config_path)
    every_s = parse_every(every)
    begin, finish = window(config, start, end)
    setup, notes = build_setup(config, list_name, locations, status_page, every_s, browser)
    for note in notes:
        emit(note)
    emit(f"watching {len(setup.targets)} resources at {', '.join(p.name for p in setup.probes)} every {every_s:g} s"
         + (f" until {finish:%H:%M}" if finish else "") + (f", {rounds} rounds" if rounds else ""))
    _stop_on_sigterm()
    watcher = Watch(setup, emit=emit)
    try:
        if begin and utc_now() < begin:
            emit(f"waiting until {begin:%H:%M}")
            time.sleep((begin - utc_now()).total_seconds())
        watcher.run(rounds, finish)
    except KeyboardInterrupt:
        emit("stopped; open intervals closed")
    return watcher

