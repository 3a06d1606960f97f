"""Crawl scope, forbidden destinations and crawl jobs built from list entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from nettsjekk.lists.catalog import load_catalog
from nettsjekk.probes.crawler import job_for_resource, job_for_url
from nettsjekk.probes.crawler.forbidden import forbidden_category
from nettsjekk.probes.crawler.scope import Scope
from nettsjekk.core.errors import ConfigError, InvalidUrl

LIST = """\
list: national
version: test
resources:
  - id: lenkesjekk-test
    name: Lenkesjekk-test
    url: http://lenker.lenkesjekk-test.no/
    vendor: lenkeleverandor
    source: tests
    extra_urls: [http://lenker.lenkesjekk-test.no/ny.html]
    exclude: ['/utskrift/']
    obey_robots: false
"""
VENDOR = """\
id: lenkeleverandor
name: Lenkeleverandør
sources: [tests]
domains: [lenker.lenkesjekk-test.no, ren.lenkesjekk-test.no, static.lenkeleverandor.no]
blocked_hosts: [sporing.lenkeleverandor.no]
"""


def write_catalog(folder: Path) -> tuple[Path, Path]:
    """A list file and a vendor folder for the link-crawl fixture hosts."""
    (folder / "vendors").mkdir(parents=True, exist_ok=True)
    (folder / "vendors" / "lenkeleverandor.yaml").write_text(VENDOR, encoding="utf-8")
    (folder / "liste.yaml").write_text(LIST, encoding="utf-8")
    return folder / "liste.yaml", folder / "vendors"


def test_scope_covers_the_site_and_the_vendor_hosts_and_nothing_else():
    scope = Scope.build(["lenkesjekk-test.no", "*.lenkesjekk-test.no", "static.lenkeleverandor.no"])
    assert scope.is_internal("https://lenker.lenkesjekk-test.no/a")
    assert scope.is_internal("http://lenkesjekk-test.no/")
    assert scope.is_internal("https://static.lenkeleverandor.no/x.js")
    assert not scope.is_internal("https://cdn.lenkeleverandor.no/x.js")
    assert not scope.is_internal("https://lenkesjekk-test.no.evil.example/")


def test_include_limits_what_is_followed_and_exclude_what_is_touched():
    scope = Scope.build(["*.snl.no"], include=[r"/artikkel/"], exclude=[r"\?print=1"])
    assert scope.is_followable("https://www.snl.no/artikkel/fjord")
    assert not scope.is_followable("https://www.snl.no/sok")
    assert scope.is_excluded("https://www.snl.no/artikkel/fjord?print=1")
    assert not scope.is_followable("https://www.snl.no/artikkel/fjord?print=1")


@pytest.mark.parametrize(("url", "category"), [
    ("https://www.youtube.com/watch?v=1", "video"),
    ("https://youtu.be/abc", "video"),
    ("https://m.facebook.com/udir", "social"),
    ("https://www.google.no/search?q=x", "search_engine"),
    ("https://translate.google.com/", "translation"),
    ("https://chatgpt.com/", "ai"),
    ("https://web.whatsapp.com/", "communication"),
    ("https://snl.no/", None),
    ("https://notyoutube.com/", None),
])
def test_forbidden_destinations(url, category):
    assert forbidden_category(url) == category


def test_a_job_for_a_resource_carries_its_scope_patterns_robots_and_the_allowlist(tmp_path):
    list_file, vendors = write_catalog(tmp_path)
    catalog = load_catalog([list_file], vendors)
    job = job_for_resource(catalog, catalog.resource("lenkesjekk-test"), "drift@agder.no", depth=1)
    assert job.start_urls == ["http://lenker.lenkesjekk-test.no/", "http://lenker.lenkesjekk-test.no/ny.html"]
    assert job.scope_hosts[:2] == ["lenkesjekk-test.no", "*.lenkesjekk-test.no"]
    assert "static.lenkeleverandor.no" in job.scope_hosts
    assert (job.exclude, job.blocked_hosts, job.obey_robots, job.depth) == (
        ["/utskrift/"], ["sporing.lenkeleverandor.no"], False, 1)
    scope = job.scope()
    assert scope.allowlisted("https://static.lenkeleverandor.no/a") is True
    assert scope.allowlisted("https://sporing.lenkeleverandor.no/a") is False
    assert scope.allowlisted("https://elsewhere.no/") is False


def test_the_user_agent_names_nettsjekk_and_the_contact():
    job = job_for_url("https://snl.no/", "drift@agder.no")
    assert job.user_agent.startswith("nettsjekk-linkcheck/")
    assert job.user_agent.endswith(" (+mailto:drift@agder.no)")
    assert job.scope_hosts == ["snl.no", "*.snl.no"]


def test_bad_job_input_is_one_clear_error():
    with pytest.raises(InvalidUrl, match="not an http"):
        job_for_url("ftp://snl.no/", "drift@agder.no")
    with pytest.raises(ConfigError, match=r"^invalid link-crawl settings: contact: 'drift' is not an e-mail address"):
        job_for_url("https://snl.no/", "drift")
    with pytest.raises(ConfigError, match="depth: Input should be greater than or equal to 0"):
        job_for_url("https://snl.no/", "drift@agder.no", depth=-1)
