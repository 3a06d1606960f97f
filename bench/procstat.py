"""What ``/proc`` says about this process tree: parents, descendants, CPU time, memory, browser processes.

Linux only. Every reader returns a neutral value (``None``, 0, ``b""``) for a process that is gone,
since processes end while they are being read. The benchmarks (``probes.py``, ``profile_probes.py``,
``hostile.py``) and ``tests/test_resilience.py`` share it; ``bench/`` is not installed, so a test adds
the folder to ``sys.path``.
"""

from __future__ import annotations

import os
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BROWSER_EXECUTABLES = {"chromium": "chrom", "firefox": "firefox"}
"""What the executable of each engine's main process is called (a part of its path)."""

_PARENTS: dict[int, int] = {}


def stat_fields(pid: int) -> list[bytes] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (``state`` first), or None when gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None


def parent_of(pid: int) -> int | None:
    """The parent of ``pid`` (read once: a process that outlives its parent is reparented to init, which is
    outside the tree either way)."""
    if pid not in _PARENTS:
        fields = stat_fields(pid)
        if fields is None:
            return None
        _PARENTS[pid] = int(fields[1])
    return _PARENTS[pid]


def live_pids() -> set[int]:
    """Every process now running (and forget the parents of those that ended: pids are reused)."""
    alive = {int(name) for name in os.listdir("/proc") if name.isdigit()}
    for pid in [p for p in list(_PARENTS) if p not in alive]:
        _PARENTS.pop(pid, None)
    return alive


def children_of(pid: int) -> list[int]:
    """The live processes whose parent is ``pid``."""
    return [child for child in live_pids() if parent_of(child) == pid]


def process_tree(root: int, exclude: set[int] = frozenset()) -> list[int]:  # type: ignore[assignment]
    """``root`` and its descendants, without the ``exclude`` processes and their descendants."""
    children: dict[int, list[int]] = {}
    for pid in live_pids():
        parent = parent_of(pid)
        if parent is not None:
            children.setdefault(parent, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in exclude:
            continue
        out.append(pid)
        todo += children.get(pid, [])
    return out


def cpu_seconds(pid: int, reaped: bool = True) -> float:
    """utime + stime (+ its reaped children's when ``reaped``) of a live process in seconds; 0 when gone."""
    fields = stat_fields(pid)
    if fields is None:
        return 0.0
    return sum(int(x) for x in fields[11:15 if reaped else 13]) / CLOCK_TICKS


def rss_bytes(pid: int) -> int:
    """Resident set size of ``pid``; 0 when gone."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def pss_bytes(pid: int) -> int:
    """Proportional set size of ``pid`` (shared pages split between their users); 0 when gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def argv(pid: int) -> list[bytes]:
    """The command line of ``pid``, one item per argument; empty when gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return []


def executable(pid: int) -> str:
    """The path of the program ``pid`` runs; '' when gone."""
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return ""


def browser_pids(engine: str, root: int | None = None) -> list[int]:
    """Main processes of ``engine`` whose parent is a Playwright driver started by ``root`` (this process)."""
    drivers = children_of(os.getpid() if root is None else root)
    name = BROWSER_EXECUTABLES[engine]
    return [child for driver in drivers for child in children_of(driver)
            if name in (argv(child) or [b""])[0].decode(errors="replace")]
