"""Shared fixtures: the fake internet and real browsers driven through nettsjekk's own seam.

How the two test workers share the suite (``pytest -n 2 --dist loadgroup``): every test module is one
xdist group, so its module-scoped fixtures (a whole ``nettsjekk verify`` run, a Squid, a fresh venv) run
once on one worker instead of once per worker. A module that sets ``SHARDED = True`` (the labelled
corpus) is spread over both workers test by test; an explicit ``xdist_group`` mark wins.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from nettsjekk.fakenet import FakeInternet
from nettsjekk.probes.browsers import BrowserSettings
from nettsjekk.probes.probe import ProbeOptions
from nettsjekk.probes.service import ProbeService

SITES = Path(__file__).parent / "sites"
ENGINES = ("chromium", "firefox")


def pytest_configure(config):
    """Each worker gets a Prefect home of its own (profiles, the ephemeral server's database), so two
    workers never share one SQLite file ("database is locked")."""
    if "PREFECT_HOME" not in os.environ or os.environ.get("PYTEST_XDIST_WORKER"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix=f"nettsjekk-tests-prefect-{worker}-")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("xdist_group") is None and not getattr(item.module, "SHARDED", False):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


def pytest_collection_finish(session):
    """Refuse to run when xdist silently ignores the groups (pytest 9.2 with pytest-xdist 3.8 did)."""
    if session.config.getoption("loadgroup", default=False):
        lost = [item.nodeid for item in session.items
                if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
        if lost:
            raise pytest.UsageError(f"pytest-xdist ignored the xdist_group of {len(lost)} tests (first: {lost[0]}); "
                                    "use the pytest version pinned in pyproject.toml")


@pytest.fixture(scope="session", autouse=True)
def private_state_folder(tmp_path_factory):
    """Login sessions of the tester's own machine (``~/.local/state/nettsjekk``) never reach a test, and no
    test writes there: the default state folder is a temporary one (subprocesses inherit it)."""

    folder = tmp_path_factory.mktemp("state")
    before = os.environ.get("NETTSJEKK_STATE_DIR")
    os.environ["NETTSJEKK_STATE_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("NETTSJEKK_STATE_DIR", None)
    else:
        os.environ["NETTSJEKK_STATE_DIR"] = before


@pytest.fixture(scope="session")
def prefect_api():
    """One temporary Prefect server and database per test worker, started by the first module that asks."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


@pytest.fixture(scope="session")
def fake_internet():
    """The fake internet over tests/sites, for the whole session (reset per test)."""
    with FakeInternet([SITES], name="test-location") as rig:
        yield rig


@pytest.fixture()
def internet(fake_internet):
    fake_internet.reset()
    yield fake_internet
    fake_internet.reset()


class BrowserHarness(ProbeService):
    """The probe service with the test defaults: no detection unless rules are given, a short settle."""

    def probe(self, url: str, engine: str, proxy: str, **options):  # type: ignore[override]
        options.setdefault("detect", "rules" in options)
        options.setdefault("settle_s", 1.0)
        return super().probe(url, engine, ProbeOptions(proxy=proxy, **options))


@pytest.fixture(scope="session")
def browsers(fake_internet):
    harness = BrowserHarness(BrowserSettings(trust_ca=(fake_internet.ca_cert_path,)))
    yield harness
    harness.close()


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param
