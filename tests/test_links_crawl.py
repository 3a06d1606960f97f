"""One crawl of the link fixture (tests/sites/lenker.lenkesjekk-test.no and friends) through the
fake internet, and what it found for every seeded case; then the browser recheck of that report."""

from __future__ import annotations

import pytest

from nettsjekk.lists.catalog import load_catalog
from nettsjekk.probes.crawler import crawl, job_for_resource
from nettsjekk.probes.crawler.recheck import recheck_report

from test_links_scope import write_catalog

SITE = "http://lenker.lenkesjekk-test.no"
EXT = "http://ekstern.lenkesjekk-ekstern.no"
FAST = {"timeout_s": 1.5, "backoff_s": 0.2, "throttle_start_delay_s": 0.05, "budget_s": 60}


@pytest.fixture(scope="module")
def crawled(fake_internet, tmp_path_factory):
    """(report, requests the fake internet saw) for the whole fixture site, robots.txt obeyed."""
    list_file, vendors = write_catalog(tmp_path_factory.mktemp("catalog"))
    catalog = load_catalog([list_file], vendors)
    job = job_for_resource(catalog, catalog.resource("lenkesjekk-test"), "drift@lenkesjekk-test.no",
                           proxy=fake_internet.proxy_url, obey_robots=True,
                           trust_ca=[str(fake_internet.ca_cert_path)], **FAST)
    fake_internet.reset()
    report = crawl(job)
    return report, list(fake_internet.requests)


@pytest.fixture(scope="module")
def report(crawled):
    return crawled[0]


def hits(crawled, host: str, path: str) -> list:
    return [r for r in crawled[1] if r.host == host and r.path == path]


def verdict(report, url: str) -> tuple:
    found = report.link(url)
    return found.status, found.reason, found.http_status


def test_every_link_is_reported_once_and_counted(report):
    urls = [link.url for link in report.links]
    assert len(urls) == len(set(urls))
    assert f"{SITE}/om.html" in urls and not any("#" in url for url in urls)
    assert sum(report.summary.values()) == len(urls)
    assert report.stopped == "finished"


def test_seeded_404_and_410_are_broken(report):
    assert verdict(report, f"{SITE}/finnes-ikke.html") == ("broken", "http_4xx", 404)
    assert verdict(report, f"{SITE}/borte.html") == ("broken", "http_4xx", 410)
    assert verdict(report, f"{EXT}/mangler.html") == ("broken", "http_4xx", 404)
    assert report.link(f"{SITE}/mangler.png").tag == "img"


def test_a_500_then_200_recovers_on_retry(report, crawled):
    assert verdict(report, f"{SITE}/ustabil.html") == ("ok", None, 200)
    first, second = hits(crawled, "lenker.lenkesjekk-test.no", "/ustabil.html")
    assert (first.status, second.status) == (500, 200) and second.at - first.at >= 0.19


def test_a_persistent_503_is_broken_after_the_retries(report, crawled):
    assert verdict(report, f"{EXT}/nede") == ("broken", "http_5xx", 503)
    methods = [r.method for r in hits(crawled, "ekstern.lenkesjekk-ekstern.no", "/nede")]
    assert methods == ["HEAD", "GET", "GET", "GET"]


def test_an_unknown_host_is_broken_dns_over_http_and_https(report, crawled):
    assert verdict(report, "http://www.finnes-ikke-lenke.no/side") == ("broken", "dns", 502)
    assert verdict(report, "https://www.finnes-ikke-lenke.no/") == ("broken", "dns", 502)
    assert not any(r.method == "GET" and r.path == "/side" for r in crawled[1])  # no GET after the proxy's no


def test_a_never_ending_or_silent_answer_is_a_timeout(report):
    assert verdict(report, f"{SITE}/__fakenet/stream")[:2] == ("timeout", "timeout")
    assert verdict(report, f"{EXT}/heng")[:2] == ("timeout", "timeout")


def test_a_redirect_chain_is_recorded_hop_by_hop(report):
    chain = report.link(f"{SITE}/gammel")
    assert (chain.status, chain.http_status, chain.final_url) == ("redirect", 200, f"{SITE}/ny.html")
    assert [(hop.url, hop.status) for hop in chain.redirects] == [(f"{SITE}/gammel", 301), (f"{SITE}/eldre", 302)]


def test_a_redirect_loop_is_broken(report):
    loop = report.link(f"{SITE}/__fakenet/loop/0")
    assert (loop.status, loop.reason) == ("broken", "redirect_loop") and len(loop.redirects) == 2


def test_429_waits_for_retry_after_then_succeeds(report, crawled):
    assert verdict(report, f"{EXT}/travel.html") == ("ok", None, 200)
    first, second = hits(crawled, "ekstern.lenkesjekk-ekstern.no", "/travel.html")
    assert (first.status, second.status) == (429, 200) and second.at - first.at >= 1.9


def test_a_challenge_page_is_bot_blocked_never_broken(report):
    wall = report.link("https://ekstern.lenkesjekk-ekstern.no/vakt.html")
    assert (wall.status, wall.reason, wall.http_status) == ("bot_blocked", "cloudflare", 403)
    assert "cf-mitigated" in wall.detail


def test_robots_txt_is_obeyed(report, crawled):
    assert verdict(report, f"{SITE}/privat/hemmelig.html") == ("skipped", "robots", None)
    assert not hits(crawled, "lenker.lenkesjekk-test.no", "/privat/hemmelig.html")
    assert hits(crawled, "lenker.lenkesjekk-test.no", "/robots.txt")


def test_forbidden_destinations_are_reported_and_never_requested(report, crawled):
    assert verdict(report, "https://www.youtube.com/watch?v=dQw4w9WgXcQ") == ("forbidden_destination", "video", None)
    assert verdict(report, "https://www.facebook.com/udir") == ("forbidden_destination", "social", None)
    via = report.link(f"{SITE}/til-youtube")
    assert (via.status, via.reason, via.final_url) == ("forbidden_destination", "video", "https://www.youtube.com/watch?v=abc")
    assert verdict(report, "https://sporing.lenkeleverandor.no/klikk")[:2] == ("forbidden_destination", "vendor_blocked")
    assert not {"www.youtube.com", "www.facebook.com", "sporing.lenkeleverandor.no"} & {r.host for r in crawled[1]}


def test_mailto_tel_javascript_and_excluded_links_are_skipped(report):
    assert verdict(report, "mailto:post@lenkesjekk-test.no")[:2] == ("skipped", "mailto")
    assert verdict(report, "tel:+4712345678")[:2] == ("skipped", "tel")
    assert verdict(report, "javascript:void(0)")[:2] == ("skipped", "javascript")
    assert verdict(report, f"{SITE}/utskrift/side.html")[:2] == ("skipped", "excluded")


def test_the_vendor_host_is_crawled_like_the_site_itself(report):
    assert verdict(report, "https://static.lenkeleverandor.no/ressurs.html") == ("ok", None, 200)
    missing = report.link("https://static.lenkeleverandor.no/mangler.html")
    assert (missing.status, missing.source) == ("broken", "https://static.lenkeleverandor.no/ressurs.html")
    assert report.link("https://static.lenkeleverandor.no/ressurs.html").allowlisted is True


def test_external_pages_are_checked_with_head_but_not_crawled(report, crawled):
    assert [r.method for r in hits(crawled, "ekstern.lenkesjekk-ekstern.no", "/artikkel.html")] == ["HEAD"]
    assert not any(link.url.endswith("/ikke-crawlet.html") for link in report.links)
    assert report.link(f"{EXT}/artikkel.html").allowlisted is False
    assert report.link("https://ekstern.lenkesjekk-ekstern.no/innebygd.html").tag == "iframe"


def test_pages_up_to_the_depth_are_crawled_and_links_on_the_deepest_are_checked(report):
    assert report.link(f"{SITE}/dypt.html").depth == 2
    assert report.link(f"{SITE}/dypest.html").depth == 3
    assert not any(link.url.endswith("/aldri.html") for link in report.links)
    # index and ny.html (start URLs), om, ustabil, gammel (parsed at ny.html), ressurs, dypt
    assert report.pages_crawled == 7


def test_every_request_went_through_the_proxy(report, crawled):
    hosts = {r.host for r in crawled[1]}
    assert {"lenker.lenkesjekk-test.no", "ekstern.lenkesjekk-ekstern.no", "static.lenkeleverandor.no"} <= hosts
    assert all(hits(crawled, host, "/robots.txt") for host in hosts if host != "www.finnes-ikke-lenke.no")


@pytest.mark.browser
def test_a_browser_rechecks_walls_and_ambiguous_breaks(report, browsers, fake_internet):
    rechecked = browsers.run(recheck_report(report, browsers.browsers, engine="chromium", proxy=fake_internet.proxy_url,
                                            timeout_s=10, challenge_wait_s=1), timeout=120)
    wall = rechecked.link("https://ekstern.lenkesjekk-ekstern.no/vakt.html")
    assert (wall.status, wall.recheck.outcome, wall.recheck.http_status) == ("bot_blocked", "passed", 200)
    down = rechecked.link(f"{EXT}/nede")
    assert (down.status, down.recheck.outcome, down.recheck.http_status) == ("broken", "failed", 503)
    assert sum(1 for link in rechecked.links if link.recheck) == 2
    assert rechecked.summary["bot_blocked"] == report.summary["bot_blocked"]


def test_a_certificate_a_browser_would_refuse_makes_the_link_broken(internet):
    """The fake internet serves expired.example-ordbok.no with an expired certificate (signed by the run's
    CA, which the crawl trusts): pupils would meet a certificate error, so the link is broken/tls."""
    from nettsjekk.probes.crawler import job_for_url

    job = job_for_url("https://expired.example-ordbok.no/", "drift@lenkesjekk-test.no", proxy=internet.proxy_url,
                      trust_ca=[str(internet.ca_cert_path)], **FAST)
    found = crawl(job).link("https://expired.example-ordbok.no/")
    assert (found.status, found.reason) == ("broken", "tls"), found
    unchecked = crawl(job.model_copy(update={"verify_tls": False})).link("https://expired.example-ordbok.no/")
    assert unchecked.status != "broken" or unchecked.reason != "tls"
