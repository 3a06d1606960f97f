"""Shared fixtures: the fake internet and real browsers driven through nettsjekk's own seam."""

from __future__ import annotations

from pathlib import Path

import pytest

from nettsjekk.fakenet import FakeInternet
from nettsjekk.probes.browsers import BrowserSettings
from nettsjekk.probes.probe import ProbeOptions
from nettsjekk.probes.service import ProbeService

SITES = Path(__file__).parent / "sites"
ENGINES = ("chromium", "firefox")


@pytest.fixture(scope="session", autouse=True)
def private_state_folder(tmp_path_factory):
    """Login sessions of the tester's own machine (``~/.local/state/nettsjekk``) never reach a test, and no
    test writes there: the default state folder is a temporary one (subprocesses inherit it)."""
    import os

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
    """One temporary Prefect server and database for the session (per xdist worker; the flow tests share
    the ``prefect`` xdist group, so with ``--dist loadgroup`` one worker starts it once)."""
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
