"""``nettsjekk verify`` as a county runs it: a list of its own, two locations (``kontoret`` straight
through a forward proxy, ``skolen`` through a real Debian Squid that denies the CDN host a maths
site needs), the command run as a subprocess to its exit code, then the Testmal, the ICT report and
``summary.json`` read as a person would.

The lenkeprøve site has exactly three planted broken links (a page that answers 404, one that
answers 500, a host that does not exist) besides links that work, a YouTube link and a mailto:
exactly those three must be reported, from the page they are on.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from allowlist_rig import SQUID, SquidProxy

from nettsjekk.checkpoints.store import Store
from nettsjekk.fakenet import FakeInternet
from nettsjekk.reports.messages import Messages

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("verify-cli"),
              pytest.mark.skipif(not Path(SQUID).exists(), reason="Debian's squid is not installed")]

DATA = Path(__file__).parent / "verifydata"
SITES = DATA / "sites"
HOME = "https://www.lenkeprove.no/"
PLANTED = {  # url -> (HTTP status, reason)
    "https://www.lenkeprove.no/borte.html": (404, "http_4xx"),
    "https://www.lenkeprove.no/feil": (500, "http_5xx"),
    "https://www.nedlagt-lenkeprove.no/kart": (502, "dns"),  # the proxy's answer: the host does not exist
}
PLANTED_TEXT = {"https://www.lenkeprove.no/borte.html": "Gammel artikkel",
                "https://www.lenkeprove.no/feil": "Søk i arkivet",
                "https://www.nedlagt-lenkeprove.no/kart": "Kart (nedlagt tjeneste)"}
DENIED_AT_SCHOOL = "cdn.formelprove.no"
ALLOWED_AT_SCHOOL = ".lenkeprove.no\n.matteprove.no\n.ren-ordliste.no\n.nedlagt-lenkeprove.no\n"


def write_config(folder: Path, office: FakeInternet, school_proxy: str, **extra) -> Path:
    ca = [str(office.ca_cert_path)]
    settings = {
        "lists": [str(DATA / "lists" / "prove.yaml"), str(DATA / "lists" / "lokal.yaml")],
        "vendor_dir": str(DATA / "vendors"),
        "browsers": ["chromium"],
        "locations": [{"name": "kontoret", "kind": "proxy", "proxy": office.proxy_url, "trust_ca": ca},
                      {"name": "skolen", "kind": "proxy", "proxy": school_proxy, "trust_ca": ca}],
        "settle_s": 1, "subpage_settle_s": 0.2, "max_subpages": 1, "concurrency": 4, "timeout_s": 20,
        "retries": {"attempts": 2, "backoff_s": [0.2]},
        "links": {"mode": "first", "depth": 1, "max_pages": 20, "budget_s": 90, "timeout_s": 5,
                  "contact": "pytest@lenkeprove.no"},
        "database": "store.db", "output_dir": "runs", "tester": "Kari Tester",
        **extra,
    }
    path = folder / "nettsjekk.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


def verify(config: Path, *args: str, prefect_home: Path) -> subprocess.CompletedProcess:
    """``nettsjekk verify --checkpoint test-exam`` as a user types it (Prefect's own ephemeral server)."""
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    for name in ("PREFECT_API_URL", "PREFECT_LOGGING_LEVEL"):
        env.pop(name, None)
    command = [sys.executable, "-m", "nettsjekk.cli.main", "verify", "--checkpoint", "test-exam",
               "--config", str(config), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def office():
    with FakeInternet([SITES], name="kontoret") as rig:
        yield rig


@pytest.fixture(scope="module")
def squid(office):
    with SquidProxy(office.port, {"skolen": ALLOWED_AT_SCHOOL}) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory):
    return tmp_path_factory.mktemp("prefect-home")


@pytest.fixture(scope="module")
def county(tmp_path_factory, office, squid):
    """The county's folder with its nettsjekk.yaml."""
    folder = tmp_path_factory.mktemp("fylke")
    return write_config(folder, office, squid.url("skolen"))


@pytest.fixture(scope="module")
def exam_run(county, prefect_home, squid):
    """One full run of the county's list; several tests read it."""
    done = verify(county, prefect_home=prefect_home)
    store = Store(county.parent / "store.db")
    run_id = store.runs()[-1]["id"] if store.runs() else None
    run_dir = county.parent / "runs" / str(run_id)
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8")) if run_id else {}
    yield done, store, run_id, run_dir, summary
    store.close()


def test_the_run_finishes_with_exit_1_for_the_resource_that_loads_nowhere_and_no_traceback(exam_run):
    done, store, run_id, run_dir, summary = exam_run

    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert store.run(run_id)["status"] == "finished"
    assert {rid: v["verdict"] for rid, v in summary["verdicts"].items()}["gammel-lenkeprove"] == "not OK"
    assert f"run {run_id} (test-exam)" in done.stdout
    assert "links: 3 resources checked, 3 broken links; not checked: gammel-lenkeprove (not_loaded)" in done.stdout
    for report in ("test-template.html", "test-template.csv", "test-template.md", "ict/index.html"):
        assert (run_dir / "reports" / report).is_file(), report


def test_the_school_squid_really_denied_the_cdn_host_the_maths_site_needs(exam_run, squid):
    _, store, run_id, _, _ = exam_run
    at_school = next(c for c in store.cells(run_id) if (c.key.resource_id, c.key.location) == ("matteprove", "skolen"))
    at_office = next(c for c in store.cells(run_id) if (c.key.resource_id, c.key.location) == ("matteprove", "kontoret"))

    assert any(r.host == DENIED_AT_SCHOOL and r.failure for r in at_school.result.requests)
    assert any(r.host == DENIED_AT_SCHOOL and r.status == 200 for r in at_office.result.requests)
    assert re.search(rf"TCP_DENIED/403 \d+ CONNECT {re.escape(DENIED_AT_SCHOOL)}:443", squid.access_log())


def test_summary_json_names_exactly_the_planted_broken_links_with_page_status_and_reason(exam_run):
    *_, summary = exam_run

    (check,) = summary["links"]["lenkeprove"]
    assert (check["location"], check["checked"], check["reason"], check["stopped"]) == ("kontoret", True, None,
                                                                                         "finished")
    assert check["pages"] == 2 and check["links"] >= 6
    assert {link["url"]: (link["http_status"], link["reason"]) for link in check["broken"]} == PLANTED
    assert {link["page"] for link in check["broken"]} == {HOME}
    assert {link["url"]: link["text"] for link in check["broken"]} == PLANTED_TEXT
    (maths,) = summary["links"]["matteprove"]
    assert maths["checked"] and maths["broken"] == [] and maths["pages"] == 2
    (old,) = summary["links"]["gammel-lenkeprove"]
    assert (old["location"], old["checked"], old["reason"], old["broken"]) == (None, False, "not_loaded", [])


def test_the_testmal_counts_the_broken_links_on_every_row_and_says_why_a_resource_was_not_checked(exam_run):
    *_, run_dir, _ = exam_run
    t = Messages("nb")
    text = (run_dir / "reports" / "test-template.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    column, resource, location = t("column.broken_links"), t("column.resource"), t("column.location")

    broken = {(row[resource], row[location]): row[column] for row in rows}
    assert broken[("Lenkeprøve", "kontoret")] == "3 (ict/index.html#links-lenkeprove)"
    assert broken[("Lenkeprøve", "skolen")] == "3 (ict/index.html#links-lenkeprove)"
    assert broken[("Matteprøve", "skolen")] == "0"
    assert broken[("Gammel lenkeprøve", "kontoret")] == ("ikke sjekket: ressursen lastet ikke fra noe sted "
                                                         "(ict/index.html#links-gammel-lenkeprove)")
    html = (run_dir / "reports" / "test-template.html").read_text(encoding="utf-8")
    assert '<a href="ict/index.html#links-lenkeprove">3</a>' in html


def test_the_ict_report_lists_each_broken_link_with_its_page_text_status_and_reason_in_norwegian(exam_run):
    *_, run_dir, _ = exam_run
    t = Messages("nb")
    ict = (run_dir / "reports" / "ict" / "index.html").read_text(encoding="utf-8")
    section = ict[ict.index('id="links-lenkeprove"'):]
    section = section[:section.index("</article>")]

    rows = section.split("<tr>")[2:]
    assert len(rows) == 3
    for url, (status, reason) in PLANTED.items():
        row = next(r for r in rows if f"<td>{url}</td>" in r)
        assert f"<td>{PLANTED_TEXT[url]}</td>" in row and f"<td>{HOME}</td>" in row
        assert f"<td>{status}</td>" in row
        assert f"<td>{t.error(reason)}</td>" in row and f"[{reason}]" in row
    assert "sjekket fra kontoret: 2 sider" in section
    assert "ikke sjekket: ressursen lastet ikke fra noe sted" in ict


def test_an_all_ok_list_exits_0(county, prefect_home):
    done = verify(county, "--list", "local", "--location", "kontoret", prefect_home=prefect_home)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "ren-ordliste" in done.stdout and "OK" in done.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("--location", "mars"), re.escape("no location named 'mars' (known: kontoret, skolen)")),
    # without an earlier run the store does not exist yet, which is said first
    (("--resume", "nosuch"), r"no run 'nosuch' in|no such store: "),
])
def test_a_wrong_location_or_run_is_one_line_and_exit_2(county, prefect_home, args, message):
    done = verify(county, *args, prefect_home=prefect_home)

    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and re.search(message, line)


def test_a_bad_config_is_named_by_file_and_line_and_exit_2(tmp_path, prefect_home):
    config = tmp_path / "nettsjekk.yaml"
    config.write_text(f"lists: [{DATA / 'lists' / 'prove.yaml'}]\nlinks: {{mode: sometimes}}\n", encoding="utf-8")

    done = verify(config, prefect_home=prefect_home)

    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert f"{config}:2: links.mode" in done.stderr
