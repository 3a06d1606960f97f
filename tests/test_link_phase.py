"""The link phase of a checkpoint run decides where each resource is crawled from, and never turns a
crawl that did not run or did not finish into a clean zero (the end-to-end run is tests/test_verify_cli.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nettsjekk.checkpoints import link_phase
from nettsjekk.checkpoints.config import Config, Settings
from nettsjekk.checkpoints.link_phase import LinkTarget, check_resource_links, links_summary, plan_link_checks
from nettsjekk.checkpoints.store import CellKey, Store, StoredCell
from nettsjekk.core.errors import CrawlError
from nettsjekk.lists.catalog import load_catalog
from nettsjekk.probes.crawler.results import LinkReport, LinkResult, summarize
from nettsjekk.probes.results import ProbeResult

DATA = Path(__file__).parent / "verifydata"
LOCATIONS = [{"name": "kontoret", "kind": "local"},
             {"name": "tunnel", "kind": "proxy", "proxy": "socks5://127.0.0.1:1080"},
             {"name": "skolen", "kind": "proxy", "proxy": "http://127.0.0.1:3128"},
             {"name": "bergen", "kind": "pool", "work_pool": "bergen-pool"}]


def config(tmp_path: Path, **links) -> Config:
    settings = Settings(lists=[str(DATA / "lists" / "prove.yaml")], vendor_dir=str(DATA / "vendors"),
                        locations=LOCATIONS, links={"contact": "it@agder.no", **links})
    return Config(settings, tmp_path)


def cell(resource: str, location: str, status: str = "ok") -> StoredCell:
    return StoredCell(CellKey(resource, "chromium", location), status, 1,
                      ProbeResult(url="https://www.lenkeprove.no/", browser="chromium", location=location))


def plan(cfg: Config, cells: list[StoredCell], done: set = frozenset()):
    return plan_link_checks(cfg, cells, list(cfg.settings.locations), ["chromium", "firefox"], done)


def where(targets: list[LinkTarget]) -> list[tuple[str, str]]:
    return [(t.resource_id, t.location.name) for t in targets]


def test_each_resource_is_crawled_once_from_the_first_location_where_it_loaded(tmp_path):
    cells = [cell("lenkeprove", "kontoret", "failing"), cell("lenkeprove", "tunnel"), cell("lenkeprove", "skolen"),
             cell("matteprove", "kontoret", "flaky"), cell("matteprove", "skolen")]

    links = plan(config(tmp_path), cells)

    assert where(links.targets) == [("lenkeprove", "skolen"), ("matteprove", "kontoret")]  # SOCKS: not for Scrapy
    assert {t.engine for t in links.targets} == {"chromium"} and links.skipped == {}


def test_all_crawls_from_every_location_where_it_loaded_and_off_crawls_nothing(tmp_path):
    cells = [cell("lenkeprove", "kontoret"), cell("lenkeprove", "skolen"), cell("lenkeprove", "bergen")]

    assert where(plan(config(tmp_path, mode="all"), cells).targets) == [("lenkeprove", "kontoret"),
                                                                         ("lenkeprove", "skolen")]
    off = plan(config(tmp_path, mode="off"), cells)
    assert off.targets == [] and off.skipped == {"lenkeprove": "off"}


def test_a_resource_that_loaded_nowhere_or_only_where_the_crawler_cannot_go_says_why(tmp_path, monkeypatch):
    cells = [cell("gammel-lenkeprove", "kontoret", "failing"), cell("matteprove", "bergen"),
             cell("matteprove", "tunnel"), cell("matteprove", "kontoret", "location_unreachable")]

    links = plan(config(tmp_path), cells)

    assert links.targets == []
    assert links.skipped == {"gammel-lenkeprove": "not_loaded", "matteprove": "no_location"}
    monkeypatch.delenv("NETTSJEKK_CONTACT", raising=False)
    assert plan(config(tmp_path, contact=None), cells[:1]).skipped == {"gammel-lenkeprove": "no_contact"}


def test_a_resumed_run_does_not_crawl_again_what_it_already_checked(tmp_path):
    cells = [cell("lenkeprove", "kontoret"), cell("matteprove", "kontoret"), cell("gammel-lenkeprove", "kontoret", "failing")]

    links = plan(config(tmp_path), cells, done={("lenkeprove", "kontoret"), ("gammel-lenkeprove", "")})

    assert where(links.targets) == [("matteprove", "kontoret")] and links.skipped == {}


def broken(url: str) -> LinkResult:
    return LinkResult(url=url, source="https://www.lenkeprove.no/", text="Borte", status="broken", http_status=404,
                      reason="http_4xx")


@pytest.mark.parametrize(("outcome", "expected"), [
    (CrawlError("the link crawl of lenkeprove failed: Killed"),
     {"checked": False, "reason": "crawl_failed", "broken": [], "pages": 0}),
    ("time_budget", {"checked": False, "reason": "time_budget", "pages": 7, "stopped": "time_budget"}),
    ("finished", {"checked": True, "reason": None, "pages": 7, "stopped": "finished"}),
])
def test_a_crawl_that_fails_or_runs_out_of_time_is_stored_as_not_checked_never_as_zero(tmp_path, monkeypatch,
                                                                                       outcome, expected):
    cfg = config(tmp_path)
    catalog = load_catalog(cfg.list_paths, cfg.vendor_dir)
    store = Store(tmp_path / "store.db")
    run_id = store.start_run("test-exam", {})
    links = [broken("https://www.lenkeprove.no/borte.html")]

    def fake_crawl(job):
        assert job.resource == "lenkeprove" and job.depth == 1 and job.max_pages == 50 and job.proxy is None
        if isinstance(outcome, Exception):
            raise outcome
        return LinkReport(resource=job.resource, pages_crawled=7, links=links, summary=summarize(links),
                          stopped=outcome)

    monkeypatch.setattr(link_phase, "crawl", fake_crawl)
    check_resource_links(cfg, catalog, store, run_id, LinkTarget("lenkeprove", cfg.location("kontoret"), "chromium"))

    (stored,) = links_summary(store, run_id)["lenkeprove"]
    assert stored["location"] == "kontoret"
    for key, value in expected.items():
        assert stored[key] == value, key
    if not isinstance(outcome, Exception):
        assert [link["url"] for link in stored["broken"]] == ["https://www.lenkeprove.no/borte.html"]
    if isinstance(outcome, Exception):
        assert "Killed" in stored["detail"]


class RecordingService:
    """Stands in for the run's probe service: records the recheck it is asked to run."""

    browsers = object()

    def __init__(self) -> None:
        self.rechecks: list = []

    def run(self, coroutine):
        arguments = dict(coroutine.cr_frame.f_locals)  # not started: its frame holds just the arguments
        coroutine.close()
        self.rechecks.append(arguments)
        return arguments["report"]


def test_a_licensed_resource_is_crawled_with_its_saved_session_and_rechecked_logged_in(tmp_path, monkeypatch):
    from nettsjekk.probes.sessions import SessionStore

    cfg = Config(config(tmp_path).settings.model_copy(update={"state_dir": str(tmp_path / "state")}), tmp_path)
    state = {"cookies": [{"name": "sid", "value": "hemmelig", "domain": "www.lenkeprove.no", "path": "/"}],
             "origins": []}
    SessionStore(cfg.state_dir).save("lenkeprove", "firefox", state, url="https://www.lenkeprove.no/", method="manual")
    catalog = load_catalog(cfg.list_paths, cfg.vendor_dir)
    store = Store(tmp_path / "store.db")
    seen = {}

    def fake_crawl(job):
        seen["cookies"] = job.cookies
        return LinkReport(resource=job.resource, pages_crawled=1, links=[], summary=summarize([]))

    monkeypatch.setattr(link_phase, "crawl", fake_crawl)
    service = RecordingService()
    target = LinkTarget("lenkeprove", cfg.location("skolen"), "chromium")
    check_resource_links(cfg, catalog, store, store.start_run("test-exam", {}), target, service)

    assert seen["cookies"] == state["cookies"]  # the firefox session serves a chromium run too
    (recheck,) = service.rechecks
    assert recheck["storage_state"] == state and recheck["proxy"] == "http://127.0.0.1:3128"
    assert recheck["engine"] == "chromium"


def test_the_link_phase_crawls_every_resource_in_one_batch_and_one_failure_stops_nothing(tmp_path, monkeypatch):
    cfg = config(tmp_path, concurrency=6)
    catalog = load_catalog(cfg.list_paths, cfg.vendor_dir)
    store = Store(tmp_path / "store.db")
    run_id = store.start_run("test-exam", {})
    batches = []

    def fake_batch(jobs, parallel):
        batches.append(([job.resource for job in jobs], parallel))
        for job in jobs:
            if job.resource == "matteprove":
                yield job, CrawlError("the link crawl of matteprove failed: hung")
            else:
                links = [broken(f"https://www.lenkeprove.no/{job.resource}-borte.html")]
                yield job, LinkReport(resource=job.resource, pages_crawled=2, links=links, summary=summarize(links))

    monkeypatch.setattr(link_phase, "crawl_batch", fake_batch)
    service = RecordingService()
    targets = [LinkTarget(rid, cfg.location("kontoret"), "chromium") for rid in ("lenkeprove", "matteprove")]
    done = []
    link_phase.check_links_together(cfg, catalog, store, run_id, targets, service, done.append)

    assert batches == [(["lenkeprove", "matteprove"], 6)]  # one crawler start-up, six crawls side by side
    assert [(c["resource_id"], c["checked"], c["reason"]) for c in done] == [("lenkeprove", True, None),
                                                                          ("matteprove", False, "crawl_failed")]
    stored = links_summary(store, run_id)
    assert [b["url"] for b in stored["lenkeprove"][0]["broken"]] == ["https://www.lenkeprove.no/lenkeprove-borte.html"]
    assert stored["matteprove"][0]["detail"].endswith("failed: hung")
    (recheck,) = service.rechecks  # only the crawl that produced a report is rechecked
    assert recheck["memory"] == {} and recheck["proxy"] is None
