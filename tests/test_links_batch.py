"""A list of resources is crawled side by side by ONE crawler process: each resource keeps its own
results and budget, an outside page several resources link to is asked once, and a resource that
runs out of time does not hold up the others. Then ``nettsjekk links`` given several targets, end to end."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nettsjekk.probes.crawler import job_for_url
from nettsjekk.probes.crawler import runner
from nettsjekk.probes.crawler.runner import crawl_batch

from test_links_scope import write_catalog

FAST = {"timeout_s": 1.5, "backoff_s": 0.2, "throttle_start_delay_s": 0.05, "budget_s": 30}
CONTACT = "drift@lenkesjekk-test.no"
EXT = "http://ekstern.lenkesjekk-ekstern.no"


def job(internet, url: str, **options):
    return job_for_url(url, CONTACT, proxy=internet.proxy_url, **{**FAST, **options})


@pytest.fixture(scope="module")
def side_by_side(fake_internet):
    """Three crawls in one batch: two neighbours sharing outside links, and one that runs out of its
    1 s budget on a page that never answers. (outcomes in arrival order, crawler processes started, requests)"""
    started = []
    real_popen = runner.subprocess.Popen

    def counting_popen(*args, **kwargs):
        started.append(args[0])
        return real_popen(*args, **kwargs)

    fake_internet.reset()
    jobs = [job(fake_internet, "http://lenker.lenkesjekk-test.no/", budget_s=1.0, timeout_s=5),
            job(fake_internet, "http://www.nabo-en.no/"), job(fake_internet, "http://www.nabo-to.no/")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner.subprocess, "Popen", counting_popen)
        outcomes = list(crawl_batch(jobs))
    requests = list(fake_internet.requests)
    fake_internet.reset()
    return outcomes, started, requests


def reports(side_by_side) -> dict:
    return {job.resource: report for job, report in side_by_side[0]}


def test_one_crawler_process_crawls_every_resource(side_by_side):
    outcomes, started, _ = side_by_side
    assert len(started) == 1
    assert sorted(job.resource for job, _ in outcomes) == ["http://lenker.lenkesjekk-test.no/",
                                                           "http://www.nabo-en.no/", "http://www.nabo-to.no/"]


def test_each_resource_keeps_its_own_links_and_finds_its_broken_one(side_by_side):
    found = reports(side_by_side)
    one, two = found["http://www.nabo-en.no/"], found["http://www.nabo-to.no/"]
    assert (one.stopped, two.stopped) == ("finished", "finished")
    assert [link.url for link in one.broken] == [f"{EXT}/borte-for-begge.html"]
    assert [link.url for link in two.broken] == [f"{EXT}/borte-for-begge.html"]
    assert one.link(f"{EXT}/borte-for-begge.html").source == "http://www.nabo-en.no/"
    assert two.link(f"{EXT}/borte-for-begge.html").source == "http://www.nabo-to.no/tema.html"
    assert two.link(f"{EXT}/artikkel.html").status == "ok" and two.pages_crawled == 3
    assert not any(link.url.startswith("http://www.nabo-to.no") for link in one.links)


def test_an_outside_page_two_resources_link_to_is_asked_once(side_by_side):
    requests = side_by_side[2]
    asked = [(r.method, r.status) for r in requests
             if r.host == "ekstern.lenkesjekk-ekstern.no" and r.path == "/borte-for-begge.html"]
    assert asked == [("HEAD", 404), ("GET", 404)]  # a 404 to HEAD is asked again with GET, once for both


def test_a_resource_that_runs_out_of_time_does_not_stop_the_others(side_by_side):
    outcomes = side_by_side[0]
    slow = reports(side_by_side)["http://lenker.lenkesjekk-test.no/"]
    assert slow.stopped == "time_budget"
    assert slow.link(f"{EXT}/heng").reason == "budget"
    finished_first = [job.resource for job, report in outcomes if report.stopped == "finished"]
    assert len(finished_first) == 2


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nettsjekk.cli.main", "links", *args], capture_output=True,
                          text=True, timeout=180, env=env)


NEIGHBOURS = """\
list: local
county: agder
version: test
resources:
  - id: nabo-en
    name: Nabo en
    url: http://www.nabo-en.no/
    vendor: naboer
    source: tests
  - id: nabo-to
    name: Nabo to
    url: http://www.nabo-to.no/
    vendor: naboer
    source: tests
"""


def test_links_of_a_whole_list_print_one_report_per_resource_and_exit_1(internet, tmp_path):
    list_file, vendors = write_catalog(tmp_path)
    local = tmp_path / "agder.yaml"
    local.write_text(NEIGHBOURS, encoding="utf-8")
    (vendors / "naboer.yaml").write_text("id: naboer\nname: Naboer\nsources: [tests]\n"
                                         "domains: [www.nabo-en.no, www.nabo-to.no]\n", encoding="utf-8")

    result = run_cli("--list", "local", "--lists", str(list_file), "--lists", str(local), "--vendors", str(vendors), "--proxy",
                     internet.proxy_url, "--contact", CONTACT, "--timeout", "1.5", "--no-recheck")

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(report["resource"] for report in printed) == ["nabo-en", "nabo-to"]
    for report in printed:
        assert [link["url"] for link in report["links"] if link["status"] == "broken"] == [f"{EXT}/borte-for-begge.html"]
        assert report["stopped"] == "finished"


def test_links_of_several_urls_as_text_and_without_a_target_is_one_line(internet):
    result = run_cli("http://ren.lenkesjekk-test.no/", "http://www.nabo-en.no/", "--proxy", internet.proxy_url,
                     "--contact", CONTACT, "--timeout", "1.5", "--format", "text", "--no-recheck")
    assert result.returncode == 1, result.stderr
    assert "http://ren.lenkesjekk-test.no/: 3 pages crawled, 3 links (finished)" in result.stdout
    assert "http://www.nabo-en.no/: 2 pages crawled, 4 links (finished)" in result.stdout
    assert f"{EXT}/borte-for-begge.html" in result.stdout

    nothing = run_cli("--contact", CONTACT)
    assert nothing.returncode == 2 and "Traceback" not in nothing.stderr
    assert nothing.stderr.strip().splitlines() == [
        "error: name a URL or RESOURCE_ID to crawl, or pass --list national|local|all"]
