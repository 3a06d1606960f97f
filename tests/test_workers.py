"""Schools with a Prefect worker of their own: real processes, end to end.

The county runs ``prefect server start``; each school runs ``prefect worker start --pool <school>-pool``
on a machine inside its exam network, whose only way out is the school's proxy (``HTTPS_PROXY``, with
``NO_PROXY`` for the Prefect API). The county's ``nettsjekk verify`` covers two such schools and its
own office; every cell lands in the county's store under the location that probed it. Then one
school's worker dies in the middle of a run: its cells still to do end ``location_unreachable``
after ``pool_wait_s`` while the others finish, and when the worker starts again it runs nothing stale.

One server for the module; one engine; a list of two resources.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from nettsjekk.checkpoints.store import Store
from nettsjekk.fakenet import FakeInternet

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("prefect")]
ROOT = Path(__file__).resolve().parent.parent
DEMO_WEB = ROOT / "demo_web"
SCHOOLS = ("bergen", "trondheim")
POOL_WAIT_S = 40  # a busy 2-core machine takes a while to start a worker's flow-run process
BLOCKED_AT_BERGEN = "leksikon.demo-eksamen.no"  # proves bergen's cells went through bergen's proxy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(check, timeout_s: float, what: str, step: float = 0.5):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(step)
    raise AssertionError(f"{what} within {timeout_s} s")


def _healthy(api: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api}/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _descendants(root: int) -> list[int]:
    """Every process below ``root`` (from /proc), children first found first."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class County:
    """The county's Prefect server, the fake internet of each school and of the office, and the workers."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.api = f"http://127.0.0.1:{_free_port()}/api"
        self.processes: dict[str, subprocess.Popen] = {}
        self.base_env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false",
                         "PREFECT_LOGGING_LEVEL": "WARNING"}
        for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "PREFECT_API_URL"):
            self.base_env.pop(name, None)

    def _start(self, name: str, argv: list[str], env: dict, cwd: Path) -> None:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 - kept open with the process
        self.processes[name] = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                                start_new_session=True)

    def start_server(self) -> None:
        port = self.api.split(":")[-1].split("/")[0]
        env = {**self.base_env, "PREFECT_HOME": str(self.folder / "server-home")}
        self._start("server", [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                               "--port", port], env, self.folder)
        server = self.processes["server"]

        def up() -> bool:
            if server.poll() is not None:
                raise AssertionError("prefect server start ended: " + (self.folder / "server.log").read_text()[-2000:])
            return _healthy(self.api)

        _wait_until(up, 180, "the Prefect server did not answer")

    def start_worker(self, school: str, rig: FakeInternet) -> None:
        """``prefect worker start`` at the school: out through the school's proxy, the API kept off it."""
        site = self.folder / f"site-{school}"
        site.mkdir(exist_ok=True)
        env = {**self.base_env, "PREFECT_API_URL": self.api, "PREFECT_HOME": str(site / "prefect-home"),
               "HTTPS_PROXY": rig.proxy_url, "HTTP_PROXY": rig.proxy_url, "NO_PROXY": "127.0.0.1,localhost",
               "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_PREFETCH_SECONDS": "1"}
        self._start(f"worker-{school}", [sys.executable, "-m", "prefect", "worker", "start", "--pool",
                                         f"{school}-pool", "--type", "process", "--limit", "1"], env, site)

    def kill(self, name: str) -> None:
        """SIGKILL the process and all it started (a worker's flow-run process runs in a session of its
        own, with its browser): the machine went away."""
        process = self.processes.pop(name)
        for pid in [process.pid, *_descendants(process.pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.processes):
            process = self.processes.pop(name)
            below = _descendants(process.pid)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            for pid in below:  # a flow-run process of a worker lives in a session of its own
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


def _client(api: str):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    return temporary_settings({PREFECT_API_URL: api}), get_client


@pytest.fixture(scope="module")
def county():
    with tempfile.TemporaryDirectory(prefix="nettsjekk-county-") as tmp, \
            FakeInternet([DEMO_WEB], name="kontoret") as office, \
            FakeInternet([DEMO_WEB], name="bergen", blocked_hosts={BLOCKED_AT_BERGEN}) as bergen, \
            FakeInternet([DEMO_WEB], name="trondheim") as trondheim:
        rig = County(Path(tmp))
        rig.rigs = {"kontoret": office, "bergen": bergen, "trondheim": trondheim}
        try:
            rig.start_server()
            rig.config = _write_config(rig.folder, rig.rigs)
            _register(rig)
            for school in SCHOOLS:
                rig.start_worker(school, rig.rigs[school])
            yield rig
        finally:
            rig.stop_all()


def _write_config(folder: Path, rigs: dict[str, FakeInternet]) -> Path:
    demo = yaml.safe_load((ROOT / "lists" / "demo.yaml").read_text(encoding="utf-8"))
    demo["resources"] = [r for r in demo["resources"] if r["id"] in ("demo-ordbok", "demo-leksikon")]
    (folder / "liste.yaml").write_text(yaml.safe_dump(demo, allow_unicode=True), encoding="utf-8")
    # every fake internet signs with its own CA: a worker trusts the one of its own school
    office = rigs["kontoret"]
    settings = {
        "lists": ["liste.yaml"], "browsers": ["chromium"],
        "locations": [{"name": "kontoret", "kind": "proxy", "proxy": office.proxy_url,
                       "trust_ca": [str(office.ca_cert_path)]},
                      *({"name": school, "kind": "pool", "work_pool": f"{school}-pool",
                         "trust_ca": [str(rigs[school].ca_cert_path)]} for school in SCHOOLS)],
        "settle_s": 0.5, "subpage_settle_s": 0.2, "max_subpages": 0, "concurrency": 2, "timeout_s": 20,
        "retries": {"attempts": 1}, "replay": False, "links": {"mode": "off"}, "pool_wait_s": POOL_WAIT_S,
        "database": "store.db", "output_dir": "runs", "tester": "pytest",
    }
    path = folder / "nettsjekk.yaml"
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return path


def _register(rig: County) -> None:
    """``prefect work-pool create`` and ``nettsjekk schedule --location`` for each school."""
    from prefect.client.schemas.actions import WorkPoolCreate

    from nettsjekk.flows.schedule import build_location_deployment

    settings, get_client = _client(rig.api)
    with settings, get_client(sync_client=True) as client:
        for school in SCHOOLS:
            client.create_work_pool(WorkPoolCreate(name=f"{school}-pool", type="process"))
            build_location_deployment(school, f"{school}-pool").apply()


def _verify(rig: County, **popen) -> subprocess.Popen:
    env = {**rig.base_env, "PREFECT_API_URL": rig.api, "PREFECT_HOME": str(rig.folder / "county-home")}
    return subprocess.Popen([sys.executable, "-m", "nettsjekk.cli.main", "verify", "--checkpoint", "test-exam",
                             "--config", str(rig.config)], env=env, cwd=rig.folder, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, **popen)


def _cells(rig: County) -> tuple[str, dict]:
    store = Store(rig.folder / "store.db")
    try:
        run_id = store.runs()[-1]["id"]
        return run_id, {(c.key.resource_id, c.key.location): c for c in store.cells(run_id)}
    finally:
        store.close()


def _flow_runs(rig: County, school: str) -> dict[str, str]:
    """The school's verify-location flow runs: id -> state name (the filter endpoint, as flows/location.py reads it)."""
    settings, get_client = _client(rig.api)
    with settings, get_client(sync_client=True) as client:
        answer = client.request("POST", "/flow_runs/filter", json={
            "deployments": {"name": {"any_": [school]}}, "limit": 50, "offset": 0})
    return {item["id"]: (item.get("state") or {}).get("name", "") for item in answer.json()}


def test_two_schools_with_their_own_workers_and_the_office_fill_the_county_store(county):
    run = _verify(county)
    output, _ = run.communicate(timeout=240)

    assert "Traceback" not in output, output
    run_id, cells = _cells(county)
    assert sorted(cells) == sorted((rid, loc) for rid in ("demo-leksikon", "demo-ordbok")
                                   for loc in ("kontoret", *SCHOOLS)), output
    for (resource_id, location), cell in cells.items():
        assert cell.result.location == location
        expected = "failing" if (location, resource_id) == ("bergen", "demo-leksikon") else "ok"
        assert cell.status == expected, f"{resource_id} at {location}: {cell.status} {cell.result.error_detail}"
    # bergen's worker went out through bergen's proxy, which blocks the encyclopaedia; nobody else's did
    assert BLOCKED_AT_BERGEN in (cells[("demo-leksikon", "bergen")].result.error_detail or "") or \
        cells[("demo-leksikon", "bergen")].result.error == "blocked"
    assert "fails only at location bergen (location-specific): blocked" in output
    assert run.returncode == 0, output  # OK with conditions: a location-specific block is not a failed resource


def test_a_worker_killed_mid_run_leaves_its_cells_unreachable_and_runs_nothing_stale_when_back(county):
    before = _flow_runs(county, "trondheim")
    run = _verify(county)
    try:
        _wait_until(lambda: any(state == "Running" and run_id not in before
                                for run_id, state in _flow_runs(county, "trondheim").items()), 150,
                    "trondheim's worker did not start its flow run")
        county.kill("worker-trondheim")
        output, _ = run.communicate(timeout=POOL_WAIT_S + 150)
    finally:
        if run.poll() is None:
            run.kill()

    assert "Traceback" not in output, output
    _, cells = _cells(county)
    trondheim = [c for (_, loc), c in cells.items() if loc == "trondheim"]
    assert len(trondheim) == 2 and any(c.status == "location_unreachable" for c in trondheim), output
    for cell in trondheim:
        if cell.status == "location_unreachable":
            assert f"no answer from work pool trondheim-pool for {POOL_WAIT_S} s" in cell.result.error_detail
    assert {c.status for (_, loc), c in cells.items() if loc == "kontoret"} == {"ok"}
    assert cells[("demo-ordbok", "bergen")].status == "ok"

    states = _flow_runs(county, "trondheim")
    stale = [run_id for run_id, state in states.items() if run_id not in before]
    assert [states[run_id] for run_id in stale] == ["Cancelled"], "the orphaned flow run of trondheim was not cancelled"
    county.start_worker("trondheim", county.rigs["trondheim"])
    time.sleep(8)  # the worker polls every second (PREFECT_WORKER_QUERY_SECONDS=1)
    after = _flow_runs(county, "trondheim")
    assert [after[run_id] for run_id in stale] == ["Cancelled"]
    assert not any(state in ("Pending", "Running", "Submitting") for state in after.values())
