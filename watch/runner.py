"""Run a watch from the command line's choices: check everything, wait for ``--from``, run the rounds
until ``--to`` or ``--rounds``, close the open intervals however it ends (SIGTERM included)."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

from nettsjekk.checkpoints.config import load_config
from nettsjekk.watch.configure import build_setup, parse_every, window
from nettsjekk.watch.loop import Watch, utc_now


def _stop_on_signals(watcher: Watch) -> None:
    """SIGTERM and Ctrl-C end the watch after the round in progress (its open intervals closed)."""
    def handler(signum, frame):  # noqa: ARG001 - signal's signature
        watcher.stopping.set()

    for number in (signal.SIGTERM, signal.SIGINT):
        try:
            signal.signal(number, handler)
        except ValueError:  # not the main thread (a Prefect flow run): Prefect cancels it its own way
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
    watcher = Watch(setup, emit=emit)
    _stop_on_signals(watcher)
    if begin and utc_now() < begin:
        emit(f"waiting until {begin:%H:%M}")
        watcher.stopping.wait((begin - utc_now()).total_seconds())
    watcher.run(rounds, finish)
    emit(f"stopped after {watcher.rounds} rounds; open intervals closed")
    return watcher
