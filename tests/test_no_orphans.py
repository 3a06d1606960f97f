"""No browser outlives its run (issue 25): a `nettsjekk verify` killed with SIGKILL or stopped with SIGTERM
leaves no process running within 10 seconds, and no temporary folder beyond the next run.

A run's processes are found the way an administrator would: by the run's temporary folder
(``$TMPDIR/nettsjekk-run-<id>``, named in its ``pid`` file) in ``/proc/*/cmdline``, or in the environment
every process of the run inherits (Firefox's crash helper, Prefect's ephemeral server).

Every run here, and every ``doctor`` that looks for its leftovers, gets a ``TMPDIR`` of its test's own:
any nettsjekk run starting elsewhere on the machine (the other test worker) removes the leftovers it
finds in *its* temporary folder, and would otherwise tidy up the very leftover a test is looking at.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from nettsjekk.checkpoints.store import Store
from nettsjekk.fakenet import FakeInternet

pytestmark = [pytest.mark.browser]
ROOT = Path(__file__).resolve().parent.parent
DEMO_WEB, DEMO_LIST = ROOT / "demo_web", ROOT / "lists" / "demo.yaml"
NETTSJEKK = [sys.executable, "-m", "nettsjekk.cli.main"]
PROMISE_S = 10


@pytest.fixture(scope="module")
def demo_web():
    with FakeInternet([DEMO_WEB], name="kontoret", latency_ms=300) as rig:
        yield rig


# -- the stories ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ["chromium", "firefox"])
def test_a_run_killed_with_sigkill_leaves_no_browser_and_the_next_run_removes_its_folder(
        engine, prefect_api, demo_web, tmp_path):
    """The harshest end: SIGKILL of the run's whole process group *and* of its watchdog, so nothing of
    nettsjekk's own is left to clean up. The browsers still die (the kernel's parent-death signal), the
    folder stays until ``nettsjekk doctor`` sees it and the next run removes it."""
    run = start_verify(tmp_path, engine, demo_web, prefect_api)
    folder = wait_until_probing(run, tmp_path, engine)

    os.killpg(run.pid, signal.SIGKILL)
    for watchdog in processes_of(folder, "nettsjekk.probes.watchdog"):
        os.kill(watchdog, signal.SIGKILL)
    run.wait()

    assert gone_within(PROMISE_S, folder) == [], "processes of the killed run still running"
    assert folder.is_dir(), "nothing was left to remove the folder: the next run must"
    doctor = nettsjekk("doctor", tmp=tmp_path)
    assert doctor.returncode == 1 and str(folder) in doctor.stdout
    assert "Traceback" not in doctor.stderr

    probe = nettsjekk("probe", "https://ordbok.demo-eksamen.no/", "--browser", engine, "--proxy", demo_web.proxy_url,
                      "--trust-ca", str(demo_web.ca_cert_path), "--timeout", "60", tmp=tmp_path)
    assert probe.returncode == 0, probe.stderr
    assert not folder.exists(), "the next run removes the folder of the killed one"
    assert str(folder) not in nettsjekk("doctor", tmp=tmp_path).stdout


@pytest.mark.parametrize("engine", ["chromium", "firefox"])
def test_a_run_stopped_with_sigterm_closes_its_browsers_and_is_recorded_as_stopped(
        engine, prefect_api, demo_web, tmp_path):
    run = start_verify(tmp_path, engine, demo_web, prefect_api)
    folder = wait_until_probing(run, tmp_path, engine)

    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=120)

    assert run.returncode == 143, stderr
    assert "was stopped by SIGTERM" in stderr and "--resume" in stderr
    assert "Traceback" not in stderr
    assert gone_within(PROMISE_S, folder) == []
    assert not folder.exists()
    store = Store(tmp_path / "store.db")
    assert [run["status"] for run in store.runs()] == ["stopped"]


@pytest.mark.timeout(600)  # the ephemeral server alone takes minutes to start on a busy machine
def test_a_run_killed_with_sigkill_takes_its_ephemeral_prefect_server_along(demo_web, tmp_path):
    """Without a Prefect server configured, a run starts its own (uvicorn), which used to outlive a
    `kill -9` of the nettsjekk process, parented to init."""
    env = {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300"}
    run = start_verify(tmp_path, "chromium", demo_web, api=None, **env)
    folder = wait_until_probing(run, tmp_path, "chromium", timeout=420)
    assert processes_of(folder, "uvicorn"), "the ephemeral server carries the run's mark"

    run.kill()
    run.wait()

    assert gone_within(PROMISE_S, folder) == []
    assert not folder.exists()


def test_the_watchdog_ends_every_process_that_carries_the_run_when_the_run_is_killed(tmp_path):
    """Without browsers: a run whose only child carries nothing but the run's mark in its environment
    (as Prefect's ephemeral server does) is cleared by the watchdog when the run's group is killed."""
    run, folder, child = start_fake_run(tmp_path)

    os.killpg(run.pid, signal.SIGKILL)
    run.wait()

    assert gone_within(PROMISE_S, folder) == []
    assert not pid_alive(child)
    assert not folder.exists()


def test_doctor_names_a_leftover_and_cleans_it_up(tmp_path):
    run, folder, child = start_fake_run(tmp_path)
    for watchdog in processes_of(folder, "nettsjekk.probes.watchdog"):
        os.kill(watchdog, signal.SIGKILL)
    os.killpg(run.pid, signal.SIGKILL)  # the child is in a session of its own: it survives this
    run.wait()
    assert pid_alive(child)

    found = nettsjekk("doctor", tmp=tmp_path)
    assert found.returncode == 1 and str(folder) in found.stdout and f"pid {child}" in found.stdout
    cleaned = nettsjekk("doctor", "--clean", tmp=tmp_path)
    assert cleaned.returncode == 0, cleaned.stderr
    assert "Traceback" not in found.stderr + cleaned.stderr
    assert gone_within(PROMISE_S, folder) == [] and not folder.exists()


# -- helpers -------------------------------------------------------------------------------------------------

def start_verify(folder: Path, engine: str, rig: FakeInternet, api: str | None, **env: str) -> subprocess.Popen:
    settings = {"lists": [str(DEMO_LIST)], "browsers": [engine], "settle_s": 1, "max_subpages": 0, "concurrency": 2,
                "locations": [{"name": "kontoret", "kind": "proxy", "proxy": rig.proxy_url,
                               "trust_ca": [str(rig.ca_cert_path)]}],
                "retries": {"attempts": 1}, "database": str(folder / "store.db"), "output_dir": str(folder / "runs")}
    config = folder / "nettsjekk.yaml"
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "TMPDIR": str(temporary_base(folder)), **env}
    env.pop("PREFECT_API_URL", None)
    if api:
        env["PREFECT_API_URL"] = api
    return subprocess.Popen([*NETTSJEKK, "verify", "--checkpoint", "pre-exam", "--config", str(config)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_until_probing(run: subprocess.Popen, folder: Path, engine: str, timeout: float = 240) -> Path:
    """The run's temporary folder, once a cell is stored and the engine's browser is running in it."""
    deadline = time.monotonic() + timeout
    browser = {"chromium": "chromium", "firefox": "firefox"}[engine]
    while time.monotonic() < deadline:
        assert run.poll() is None, f"the run ended before it could be killed: {run.stderr.read()}"
        run_folder = folder_of(run.pid, temporary_base(folder))
        if run_folder and stored_cells(folder / "store.db") and processes_of(run_folder, browser):
            return run_folder
        time.sleep(0.2)
    raise AssertionError("the run did not start probing in time")


def temporary_base(test_folder: Path) -> Path:
    """The ``TMPDIR`` of the runs (and doctors) of one test: short, as Chromium needs (its socket path)."""
    base = Path("/tmp") / f"nettsjekk-test-{hashlib.sha1(str(test_folder).encode()).hexdigest()[:10]}"
    base.mkdir(exist_ok=True)
    return base


@pytest.fixture(autouse=True)
def _remove_temporary_base(tmp_path):
    yield
    shutil.rmtree(temporary_base(tmp_path), ignore_errors=True)


def folder_of(pid: int, base: Path) -> Path | None:
    for pid_file in base.glob("nettsjekk-run-*/pid"):
        if pid_file.read_text().split()[:1] == [str(pid)]:
            return pid_file.parent
    return None


def stored_cells(db: Path) -> int:
    try:
        with sqlite3.connect(db) as connection:
            return connection.execute("SELECT count(*) FROM cells").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def processes_of(folder: Path, containing: str = "") -> list[int]:
    """Pids whose command line names ``folder`` (or whose environment carries it) and ``containing``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command, environment = (entry / "cmdline").read_bytes(), (entry / "environ").read_bytes()
        except OSError:
            continue
        mine = str(folder).encode() in command or f"NETTSJEKK_RUN_DIR={folder}\0".encode() in environment
        if mine and containing.encode() in command:
            found.append(int(entry.name))
    return found


def gone_within(seconds: float, folder: Path) -> list[int]:
    """Poll until no process of the run is left or the deadline passes; the ones still running."""
    deadline = time.monotonic() + seconds
    while (left := processes_of(folder)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def pid_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def nettsjekk(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "TMPDIR": str(temporary_base(tmp))}
    return subprocess.run([*NETTSJEKK, *args], capture_output=True, text=True, timeout=300, check=False, env=env)


FAKE_RUN = """
import subprocess, sys
from nettsjekk.probes.run_folder import RunFolder
folder = RunFolder.current()
child = subprocess.Popen(["sleep", "600"], start_new_session=True)
print(folder.path, child.pid, flush=True)
sys.stdin.read()
"""


def start_fake_run(tmp_path: Path) -> tuple[subprocess.Popen, Path, int]:
    """A run without browsers: its run folder, and a child in a session of its own (so killing the run's
    process group spares it) that carries the run's mark only in its environment."""
    env = {**os.environ, "TMPDIR": str(temporary_base(tmp_path))}
    run = subprocess.Popen([sys.executable, "-c", FAKE_RUN], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                           start_new_session=True, cwd=tmp_path, env=env)
    folder, child = run.stdout.readline().split()
    return run, Path(folder), int(child)
