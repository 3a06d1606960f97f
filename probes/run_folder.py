"""One temporary folder per run, and every process of the run found by it.

A process that starts browsers gets ``$TMPDIR/nettsjekk-run-<id>/`` (``RunFolder.current()``): browser
profiles, NSS trust stores, the Playwright driver's own temporary files (Chromium's profile, downloads)
live there, and a ``pid`` file names the run's process (pid and start time, so a reused pid is not
mistaken for it). Every process the run starts carries the folder: in its command line (profiles) or
in its environment (``NETTSJEKK_RUN_DIR``, inherited by the driver, the browsers, their helpers and
Prefect's ephemeral server). That is how a watchdog (``probes.watchdog``), the next run and
``nettsjekk doctor`` find what a killed run left behind.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PREFIX = "nettsjekk-run-"
TAG = "NETTSJEKK_RUN_DIR"
PROC = Path("/proc")


@dataclass(frozen=True)
class RunProcess:
    """A process that belongs to a run: found by the run's folder in its command line or environment."""

    pid: int
    command: str


@dataclass(frozen=True)
class Leftover:
    """What a run that has ended left behind: its folder (if still on disk) and its processes."""

    folder: Path
    processes: tuple[RunProcess, ...]
    size_bytes: int

    def describe(self) -> str:
        on_disk = f"{self.size_bytes / 1e6:.1f} MB on disk" if self.folder.exists() else "folder already gone"
        return f"{self.folder}: {len(self.processes)} process(es) still running, {on_disk}"


def start_time(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (clock ticks since boot), ``None`` when it is gone."""
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def owner_alive(folder: Path) -> bool:
    """Whether the process named in ``folder/pid`` is still the one that made the folder."""
    try:
        pid, started = (folder / "pid").read_text().split()
    except (OSError, ValueError):
        return _young(folder)  # being made right now, or not a run folder at all
    return start_time(int(pid)) == started


def _young(folder: Path, grace_s: float = 60) -> bool:
    try:
        return time.time() - folder.stat().st_mtime < grace_s
    except OSError:
        return False


def run_processes(folder: Path, exclude: frozenset[int] = frozenset()) -> list[RunProcess]:
    """Every process whose command line or environment names ``folder``."""
    in_command, in_environment = str(folder).encode(), f"{TAG}={folder}\0".encode()
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) in exclude or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            environment = (entry / "environ").read_bytes()
        except OSError:
            continue  # gone meanwhile, or another user's
        if in_command in command or in_environment in environment:
            found.append(RunProcess(int(entry.name), command.replace(b"\0", b" ").decode(errors="replace").strip()))
    return found


def kill_run_processes(folder: Path, exclude: frozenset[int] = frozenset(), deadline_s: float = 5) -> list[RunProcess]:
    """SIGKILL every process of the run until none is left (a dying browser may still fork); the ones
    that would not die are returned."""
    deadline = time.monotonic() + deadline_s
    while True:
        left = run_processes(folder, exclude)
        if not left or time.monotonic() > deadline:
            return left
        for process in left:
            with contextlib.suppress(OSError):
                os.kill(process.pid, signal.SIGKILL)
        time.sleep(0.1)


def folder_size(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            total += path.lstat().st_size
    return total


def leftovers(base: Path | None = None) -> list[Leftover]:
    """Folders and processes of runs whose process no longer exists (live runs are not listed)."""
    base = base or Path(tempfile.gettempdir())
    folders = {folder for folder in base.glob(f"{PREFIX}*") if folder.is_dir() and not owner_alive(folder)}
    folders |= {folder for folder in _tagged_folders() if folder.parent == base and not owner_alive(folder)}
    return [Leftover(folder, tuple(run_processes(folder)), folder_size(folder) if folder.exists() else 0)
            for folder in sorted(folders)]


def _tagged_folders() -> set[Path]:
    """Run folders named in the environment of running processes (their folder may be gone already)."""
    marker = f"{TAG}=".encode()
    found = set()
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for variable in (entry / "environ").read_bytes().split(b"\0"):
                if variable.startswith(marker):
                    found.add(Path(variable[len(marker):].decode(errors="replace")))
    return found


def remove_leftover(leftover: Leftover) -> bool:
    """Kill the leftover's processes and delete its folder; ``True`` when nothing is left."""
    stubborn = kill_run_processes(leftover.folder)
    shutil.rmtree(leftover.folder, ignore_errors=True)
    return not stubborn and not leftover.folder.exists()


class RunFolder:
    """The temporary folder of the run in this process, with a watchdog that clears it up after us."""

    _current: RunFolder | None = None
    _lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path
        self._watchdog: subprocess.Popen | None = None

    @classmethod
    def current(cls) -> RunFolder:
        """This process's run folder, made on first use (and folders of dead runs removed then)."""
        with cls._lock:
            if cls._current is None:
                for leftover in leftovers():
                    remove_leftover(leftover)
                cls._current = cls._create(Path(tempfile.gettempdir()))
            return cls._current

    @classmethod
    def _create(cls, base: Path) -> RunFolder:
        path = base / f"{PREFIX}{uuid.uuid4().hex[:12]}"
        path.mkdir(mode=0o700)
        (path / "pid").write_text(f"{os.getpid()} {start_time(os.getpid())}\n")
        folder = cls(path)
        folder._watchdog = _start_watchdog(path)
        os.environ[TAG] = str(path)  # every process started from now on carries the run's folder
        atexit.register(folder.remove)
        return folder

    @contextlib.contextmanager
    def temporary_files_here(self) -> Iterator[None]:
        """``TMPDIR`` points into the run folder while a child process starts (the Playwright driver
        keeps Chromium's profile and downloads in its temporary folder)."""
        with RunFolder._lock:
            before = os.environ.get("TMPDIR")
            os.environ["TMPDIR"] = str(self.path)
            try:
                yield
            finally:
                if before is None:
                    os.environ.pop("TMPDIR", None)
                else:
                    os.environ["TMPDIR"] = before

    def remove(self) -> None:
        """End of the run: kill what is left of it, delete the folder, let the watchdog go."""
        kill_run_processes(self.path, frozenset({self._watchdog.pid} if self._watchdog else ()))
        shutil.rmtree(self.path, ignore_errors=True)
        if self._watchdog and self._watchdog.stdin:
            self._watchdog.stdin.close()


def _start_watchdog(folder: Path) -> subprocess.Popen:
    """A process in its own session (so killing the run's process group spares it) that waits for this
    process to end, however it ends, then kills the run's processes and deletes its folder."""
    environment = {name: value for name, value in os.environ.items() if name != TAG}
    return subprocess.Popen([sys.executable, "-m", "nettsjekk.probes.watchdog", str(folder)],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, env=environment)
