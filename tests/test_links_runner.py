"""Crawls run in child processes, so one Python process can crawl as often as it likes, within
time budgets per crawl and per run."""

from __future__ import annotations

import pytest

from nettsjekk.probes.crawler import CrawlError, crawl, crawl_many, job_for_url

FAST = {"timeout_s": 1.5, "backoff_s": 0.2, "throttle_start_delay_s": 0.05}


def job(internet, url: str = "http://ren.lenkesjekk-test.no/", **options):
    return job_for_url(url, "drift@lenkesjekk-test.no", proxy=internet.proxy_url, **{**FAST, **options})


def test_two_crawls_in_one_process_both_work(internet):
    first = crawl(job(internet, max_pages=1))
    second = crawl(job(internet, depth=0))
    assert (first.pages_crawled, first.page_cap_reached) == (1, True)
    assert {link.url for link in first.links} == {f"http://ren.lenkesjekk-test.no/{p}" for p in ("", "a.html", "b.html")}
    assert first.summary["ok"] == 3 and first.stopped == "finished"
    assert (second.pages_crawled, second.summary["ok"], second.stopped) == (1, 3, "finished")


def test_the_time_budget_stops_a_crawl_and_names_what_was_left(internet):
    report = crawl(job(internet, "http://lenker.lenkesjekk-test.no/", budget_s=1.0, timeout_s=5))
    assert report.stopped == "time_budget"
    left = [link for link in report.links if link.reason == "budget"]
    assert left and all(link.status == "skipped" for link in left)
    assert report.link("http://ekstern.lenkesjekk-ekstern.no/heng").reason == "budget"


def test_the_run_budget_leaves_jobs_that_no_longer_fit_unstarted(internet):
    reports = crawl_many([job(internet), job(internet, depth=0)], run_budget_s=1.0)
    assert [r.stopped for r in reports] == ["run_budget", "run_budget"]
    assert internet.requests == []


def test_a_crawl_process_that_dies_is_an_error_with_its_last_words(internet, tmp_path):
    dying = tmp_path / "python"
    dying.write_text("#!/bin/sh\necho 'Traceback: boom' >&2\nexit 3\n")
    dying.chmod(0o755)
    with pytest.raises(CrawlError, match=r"^the link crawl of http://ren.lenkesjekk-test.no/ failed: Traceback: boom$"):
        crawl(job(internet), python=str(dying))
