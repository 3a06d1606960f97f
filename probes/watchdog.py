"""The run's watchdog: ``python -m nettsjekk.probes.watchdog FOLDER``.

Started by ``RunFolder`` in a session of its own, with a pipe from the run as its stdin. The run never
writes to it; when the run's process ends (normal end, exception, SIGTERM, SIGKILL) the kernel closes
the pipe, the read returns, and the watchdog kills every process that still names the run's folder and
deletes the folder.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from nettsjekk.probes.run_folder import kill_run_processes


def main(folder: Path) -> None:
    sys.stdin.buffer.read()
    kill_run_processes(folder, deadline_s=30)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
