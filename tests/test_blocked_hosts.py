"""A host a resource needs that one location blocks is a condition, and the firewall administrator is told
what to open where.

The county's story: a maths resource loads its formulas from a CDN host. At the office (``kontoret``,
straight through a forward proxy) everything loads; at the school (``skolen``) a real Debian Squid denies
that CDN host. A checkpoint run in Chromium and Firefox must call the resource *OK with conditions*
naming host, location and cause, put the host in ``summary.json``'s ``blocked_hosts``, and give the ICT
report an action list ("åpne ved skolen: ..."). Below it, the classification of single recorded
requests (what each browser really reports) and the analysis over stored cells.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from allowlist_rig import SQUID, SquidProxy
from nettsjekk.checkpoints.blocked_hosts import (
    BlockedHosts,
    HostNeeds,
    action_list,
    host_failures,
    host_reasons,
    left_out,
)
from nettsjekk.checkpoints.config import load_config
from nettsjekk.checkpoints.matrix import run_cell
from nettsjekk.checkpoints.plan import finish_run, prepare_run
from nettsjekk.checkpoints.store import CellKey, Store, StoredCell
from nettsjekk.checkpoints.verdict import CONDITIONS, OK, assess
from nettsjekk.fakenet import FakeInternet
from nettsjekk.probes.browsers import BrowserSettings
from nettsjekk.probes.classify import cause_from_proxy, request_cause
from nettsjekk.probes.results import ProbeResult, RequestRecord
from nettsjekk.probes.service import ProbeService
from nettsjekk.reports.build import build_report
from nettsjekk.reports.messages import Messages
from nettsjekk.reports.render import render_format

DATA = Path(__file__).parent / "blockeddata"
CDN = "cdn.formel-cdn.no"


# ---------------------------------------------------------------- the checkpoint, through a real Squid


def write_config(folder: Path, office: FakeInternet, squid: SquidProxy) -> Path:
    ca = str(office.ca_cert_path)
    settings = {
        "lists": [str(DATA / "lists.yaml")], "vendor_dir": str(DATA / "vendors"), "browsers": ["chromium", "firefox"],
        "locations": [{"name": "kontoret", "kind": "proxy", "proxy": office.proxy_url, "trust_ca": [ca]},
                      {"name": "skolen", "kind": "proxy", "proxy": squid.url("skolen"), "trust_ca": [ca]}],
        "settle_s": 1, "subpage_settle_s": 0.2, "max_subpages": 0, "concurrency": 2, "timeout_s": 60,
        "retries": {"attempts": 1, "backoff_s": [0.2]}, "database": "store.db", "output_dir": "runs",
        "tester": "Kari Nordmann",
    }
    path = folder / "nettsjekk.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def school_run(tmp_path_factory):
    """One checkpoint run (the flow's plain functions) over two locations; Squid at the school lets the two
    resources' own hosts through and nothing else."""
    if not Path(SQUID).exists():
        pytest.skip("Debian's squid is not installed")
    folder = tmp_path_factory.mktemp("blocked")
    with FakeInternet([DATA / "sites"], name="kontoret") as office, \
            SquidProxy(office.port, {"skolen": "www.matteprove.no\nwww.ordliste-prove.no\n"}) as squid:
        config = load_config(write_config(folder, office, squid))
        store = Store(config.database)
        with ProbeService(BrowserSettings(trust_ca=(office.ca_cert_path,))) as service:
            plan = prepare_run(config, store, "test-exam")
            with ThreadPoolExecutor(config.settings.concurrency) as pool:
                list(pool.map(lambda spec: run_cell(service, store, plan.run_id, spec, config, plan.rules,
                                                    plan.run_dir / "evidence", sleep=lambda s: None), plan.pending))
            summary = finish_run(plan, store)
        yield config, store, summary, squid.access_log()
        store.close()


@pytest.mark.browser
def test_a_cdn_host_the_school_squid_denies_makes_the_maths_resource_ok_with_conditions(school_run):
    config, store, summary, access_log = school_run

    verdict, reasons = summary.verdicts["matte"]
    assert verdict == CONDITIONS, reasons
    assert reasons == [f"needs {CDN}, which fails at location skolen: blocked (chromium, firefox)"]
    assert summary.verdicts["ordliste"] == (OK, [])
    assert "TCP_DENIED/403" in access_log and f"{CDN}:443" in access_log  # Squid itself said no
    at_school = [c for c in store.cells(summary.run_id) if (c.key.resource_id, c.key.location) == ("matte", "skolen")]
    failed = {c.key.engine: [(r.failure, r.cause) for r in c.result.requests if r.host == CDN] for c in at_school}
    assert failed == {"chromium": [("net::ERR_TUNNEL_CONNECTION_FAILED", "blocked")],
                      "firefox": [("NS_ERROR_PROXY_FORBIDDEN", "blocked")]}


@pytest.mark.browser
def test_summary_json_names_the_blocked_host_per_location(school_run):
    config, store, summary, _ = school_run

    written = json.loads((summary.run_dir / "summary.json").read_text(encoding="utf-8"))

    assert written["blocked_hosts"] == {"skolen": [
        {"host": CDN, "cause": "blocked", "needed_by": ["matte"], "engines": ["chromium", "firefox"],
         "types": ["script"], "everywhere": False}]}


@pytest.mark.browser
def test_the_ict_report_tells_the_firewall_administrator_what_to_open_where(school_run, tmp_path):
    config, store, summary, _ = school_run
    model = build_report(store, summary.run_id, config)

    norwegian = render_format(model, "ict", Messages("nb"), tmp_path / "nb").read_text(encoding="utf-8")
    english = render_format(model, "ict", Messages("en"), tmp_path / "en").read_text(encoding="utf-8")
    template = render_format(model, "csv", Messages("nb"), tmp_path / "testmal.csv").read_text(encoding="utf-8-sig")

    assert f"åpne ved skolen: {CDN}, trengs av Matteprøve, avvist av proxyen" in norwegian
    assert f"open at skolen: {CDN}, needed by Matteprøve, denied by the proxy" in english
    assert "kontoret" not in norwegian.split('id="actions"', 1)[1].split("</ul>", 1)[0]
    failed_table = norwegian.split('class="failed-hosts"', 1)[1].split("</table>", 1)[0]
    assert "sperret av stedets proxy [NS_ERROR_PROXY_FORBIDDEN]" in failed_table  # the cause in words, the code kept
    assert f"trenger {CDN}, som feiler på stedet skolen: sperret av stedets proxy [blocked]" in template
    assert model.resource("matte").extra_hosts[0].host == CDN  # seen, not in the vendor file: to open


# ---------------------------------------------------------------- one recorded request at a time


@pytest.mark.parametrize(("failure", "status", "proxy_error", "cause"), [
    ("net::ERR_BLOCKED_BY_ORB", None, None, "orb"),  # Chromium, a script whose answer was an error page: ask
    ("net::ERR_TUNNEL_CONNECTION_FAILED", None, None, "proxy"),  # Chromium, an https tunnel refused: ask
    ("NS_ERROR_PROXY_FORBIDDEN", None, None, "blocked"),  # Firefox, the proxy answered CONNECT with 403
    ("NS_BINDING_ABORTED", 403, "ERR_ACCESS_DENIED 0", "blocked"),  # Firefox, http through Squid
    ("net::ERR_ABORTED", 502, "ERR_DNS_FAIL 0", "dns"),  # Chromium, http to an unknown host through Squid
    ("net::ERR_NAME_NOT_RESOLVED", None, None, "dns"),
    ("NS_ERROR_UNKNOWN_HOST", None, None, "dns"),
    ("net::ERR_CERT_DATE_INVALID", None, None, "tls"),
    ("SEC_ERROR_EXPIRED_CERTIFICATE", None, None, "tls"),
    ("net::ERR_TIMED_OUT", None, None, "timeout"),
    ("NS_ERROR_NET_TIMEOUT", None, None, "timeout"),
    ("net::ERR_ABORTED", 404, None, "http_4xx"),
    (None, 503, None, "http_5xx"),
    ("net::ERR_ABORTED", None, None, None),  # cancelled by a navigation: says nothing about the host
    (None, 200, None, None),
])
def test_a_recorded_request_gets_its_cause(failure, status, proxy_error, cause):
    assert request_cause(failure, status, proxy_error) == cause


@pytest.fixture(scope="module")
def refusing_proxy():
    """A Squid-like location that refuses one host (403, ``ERR_ACCESS_DENIED``) and knows no unknown one."""
    with FakeInternet([DATA / "sites"], name="skolen", blocked_hosts={CDN}) as rig:
        yield rig


@pytest.mark.parametrize(("url", "browser_said", "cause"), [
    (f"http://{CDN}/formler.js", "orb", "blocked"),  # Chromium's ORB on the proxy's error page
    (f"https://{CDN}/formler.js", "proxy", "blocked"),  # a refused tunnel
    ("https://ukjent.formel-cdn.no/x.js", "proxy", "dns"),
    ("http://www.matteprove.no/x.js", "orb", "orb"),  # the proxy let it through: the site's own answer
])
def test_the_proxy_is_asked_when_the_browser_cannot_say(refusing_proxy, url, browser_said, cause):
    assert asyncio.run(cause_from_proxy(refusing_proxy.proxy_url, url, browser_said)) == cause


# ---------------------------------------------------------------- the analysis over stored cells


def cell(location: str, engine: str = "chromium", *requests: RequestRecord, status: str = "ok",
         resource: str = "matte") -> StoredCell:
    result = ProbeResult(url="https://www.matteprove.no/", browser=engine, location=location, ok=status == "ok",
                         requests=[page(), *requests], hosts=sorted({"www.matteprove.no", *(r.host for r in requests)}))
    return StoredCell(CellKey(resource, engine, location), status, 1, result)


def page(status: int = 200) -> RequestRecord:
    return request("www.matteprove.no", "document", status=status)


def request(host: str, kind: str = "script", status: int | None = 200, cause: str | None = None) -> RequestRecord:
    return RequestRecord(url=f"https://{host}/x", host=host, domain=host, type=kind, status=status, cause=cause)


VENDOR = HostNeeds(("www.matteprove.no", "*.matte-bilder.no"), ("chat.matteprove.no",), True)


def test_a_host_that_loads_at_one_location_and_is_blocked_at_the_other_is_a_condition_there():
    cells = [cell("kontoret", "chromium", request(CDN)),
             cell("skolen", "chromium", request(CDN, status=None, cause="blocked")),
             cell("skolen", "firefox", request(CDN, status=None, cause="blocked"))]

    failures = host_failures("matte", cells, VENDOR)
    assessment = assess(cells, None, host_reasons(failures))

    assert [(f.location, f.host, f.cause, f.engines, f.everywhere) for f in failures] == [
        ("skolen", CDN, "blocked", ("chromium", "firefox"), False)]
    assert assessment.verdict == CONDITIONS
    assert [str(r) for r in assessment.reasons] == [f"needs {CDN}, which fails at location skolen: blocked "
                                                    "(chromium, firefox)"]
    assert Messages("nb").reason(assessment.reasons[0]) == (
        f"trenger {CDN}, som feiler på stedet skolen: sperret av stedets proxy [blocked] (chromium, firefox)")


def test_a_vendor_host_never_seen_working_is_needed_and_an_undeclared_image_host_failing_everywhere_is_not():
    cells = [cell(loc, "chromium", request("bilder.matte-bilder.no", "image", None, "blocked"),
                  request("pynt.example-cdn.no", "image", None, "dns")) for loc in ("kontoret", "skolen")]

    failures = host_failures("matte", cells, VENDOR)

    assert [(f.location, f.host, f.cause, f.everywhere) for f in failures] == [
        ("kontoret", "bilder.matte-bilder.no", "blocked", True), ("skolen", "bilder.matte-bilder.no", "blocked", True)]
    assert sorted(action_list(failures)) == ["kontoret", "skolen"]  # denied at both: open it at both


def test_a_script_host_that_fails_everywhere_is_a_condition_of_its_own_but_no_firewall_action():
    cells = [cell(loc, "chromium", request("gone.example-cdn.no", "script", None, "dns"))
             for loc in ("kontoret", "skolen")]

    failures = host_failures("matte", cells, VENDOR)
    reasons = host_reasons(failures)

    assert [str(r) for r in reasons] == [
        "gone.example-cdn.no fails everywhere: dns (requests of type script do not load)"]
    assert action_list(failures) == {}
    assert assess(cells, None, reasons).verdict == CONDITIONS


def test_a_denied_or_vendor_blocked_host_is_left_out_never_needed():
    cells = [cell("kontoret", "chromium", request("widget.intercom.io"), request("chat.matteprove.no")),
             cell("skolen", "chromium", request("widget.intercom.io", status=None, cause="blocked"),
                  request("chat.matteprove.no", status=None, cause="blocked"))]

    assert host_failures("matte", cells, VENDOR) == []
    assert left_out(cells, VENDOR) == {"chat.matteprove.no": "vendor_blocked", "widget.intercom.io": "communication"}


def test_a_resource_blocked_outright_at_a_location_is_an_action_there_but_not_a_second_reason():
    refused = ProbeResult(url="https://www.matteprove.no/", browser="chromium", location="skolen", error="blocked",
                          requests=[request("www.matteprove.no", "document", None, "blocked")])
    cells = [cell("kontoret", "chromium"), StoredCell(CellKey("matte", "chromium", "skolen"), "failing", 1, refused)]

    hosts = BlockedHosts({"matte": host_failures("matte", cells, VENDOR)})

    assert hosts.reasons("matte") == []  # the cell's own error says it: "fails only at location skolen"
    assert hosts.action_list() == {"skolen": [{"host": "www.matteprove.no", "cause": "blocked", "needed_by": ["matte"],
                                               "engines": ["chromium"], "types": ["document"], "everywhere": False}]}
