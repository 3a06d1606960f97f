"""A browser launcher that ties the browser's life to the Playwright driver that started it.

Playwright starts browsers in a process group of their own, so killing the run's process group spares
them, and Firefox (over WebDriver-BiDi, a WebSocket) keeps running when its driver is gone. The launcher
is a small script handed to Playwright as the browser's ``executable_path``: it asks the kernel for a
parent-death signal (``prctl(PR_SET_PDEATHSIG, SIGKILL)``) and then becomes the real browser (``exec``,
same pid, same pipes). When the driver dies, however it dies, the browser's main process is killed,
and its content processes and helpers end with it. The driver itself ends when the Python process does
(it reads its stdin pipe); the run's watchdog (``probes.watchdog``) kills whatever is left.
"""

from __future__ import annotations

import sys
from pathlib import Path

SCRIPT = '''#!{python} -S
"""nettsjekk: run {real} and let the kernel kill it when its parent (the Playwright driver) dies."""
import ctypes, os, signal, sys

parent = os.getppid()
if ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0) != 0:  # 1 = PR_SET_PDEATHSIG
    sys.exit("nettsjekk launcher: prctl(PR_SET_PDEATHSIG) failed: " + os.strerror(ctypes.get_errno()))
if os.getppid() != parent:
    sys.exit("nettsjekk launcher: the Playwright driver ended before the browser started")
os.execv({real!r}, [{real!r}, *sys.argv[1:]])
'''


def launcher_for(executable: str, folder: Path) -> Path:
    """The launcher of ``executable`` in ``folder`` (written on first use, executable by the owner)."""
    path = folder / "launchers" / Path(executable).name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SCRIPT.format(python=sys.executable, real=executable), encoding="utf-8")
        path.chmod(0o700)
    return path
