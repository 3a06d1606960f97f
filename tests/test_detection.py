"""Detection as a county tester meets it: a chat widget becomes a finding with evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from nettsjekk.probes.detection import run_detectors
from nettsjekk.probes.detectors.base import FrameData, PageSnapshot
from nettsjekk.probes.rulebook import load_rules

ENGINE_RULES = tuple(load_rules([Path(__file__).parent / "rules" / "engine.yaml"], include_defaults=False))


@pytest.mark.browser
def test_a_chat_widget_injected_after_load_is_a_communication_finding_with_evidence(browsers, internet, engine,
                                                                                    tmp_path):
    result = browsers.probe("https://www.chat-sent.no/", engine, internet.proxy_url, rules=ENGINE_RULES,
                            settle_s=3, evidence_dir=tmp_path)

    by_rule = {f.rule: f for f in result.findings}
    launcher = by_rule["test-chat-launcher"]
    assert (launcher.category, launcher.severity, launcher.page) == ("communication", "block", "https://www.chat-sent.no/")
    assert (launcher.name, launcher.name_nb) == ("Test chat launcher", "Testknapp for chat")
    assert (by_rule["test-chat-text"].name, by_rule["test-chat-text"].name_nb) == ("Test chat text", None)
    assert launcher.evidence.kind == "element" and launcher.evidence.value == "#intercom-container"
    assert launcher.evidence.snippet.startswith('<div id="intercom-container"')
    assert len(launcher.evidence.snippet) <= 300
    assert Path(launcher.screenshot).read_bytes()[:4] == b"\x89PNG"
    assert by_rule["test-chat-text"].evidence.value.lower() == "chat med oss"


@pytest.mark.browser
def test_sub_pages_are_visited_and_each_finding_names_its_page(browsers, internet, engine):
    result = browsers.probe("https://www.undersider.no/", engine, internet.proxy_url, rules=ENGINE_RULES,
                            settle_s=0.5, subpage_settle_s=0.2)

    pages = {p.url: p.error for p in result.pages}
    assert result.pages[0].url == "https://www.undersider.no/"
    assert pages == {"https://www.undersider.no/": None, "https://www.undersider.no/artikkel.html": None,
                     "https://www.undersider.no/kontakt.html": None,
                     "https://en.undersider.no/": "dns"}  # same site (registered domain), but it does not exist
    seen = {(f.rule, f.page, f.severity) for f in result.findings}
    assert seen == {
        ("test-video-link", "https://www.undersider.no/", "review"),
        ("test-search-form", "https://www.undersider.no/artikkel.html", "block"),
        ("test-chat-text", "https://www.undersider.no/kontakt.html", "block"),
        ("test-mailto", "https://www.undersider.no/kontakt.html", "info"),
    }
    assert result.categories() == {"communication"}  # info findings do not count


@pytest.mark.browser
def test_sub_pages_can_be_capped_and_extra_urls_are_always_visited(browsers, internet):
    result = browsers.probe("https://www.undersider.no/", "chromium", internet.proxy_url, rules=ENGINE_RULES,
                            settle_s=0, subpage_settle_s=0, max_subpages=0,
                            extra_urls=("https://www.undersider.no/kontakt.html",))

    assert [p.url for p in result.pages] == ["https://www.undersider.no/", "https://www.undersider.no/kontakt.html"]


def _snapshot(**data) -> PageSnapshot:
    frame = {"scripts": [], "iframes": [], "forms": [], "links": [], "texts": [], "selectors": {}, "globals": {},
             "pageText": "", **data}
    return PageSnapshot("https://site.no/", [FrameData("https://site.no/", True, frame)], [], frozenset({"site.no"}))


class _BrokenDetector:
    id = "broken"
    kinds = ("selector",)

    def detect(self, rules, snapshot):
        raise RuntimeError("selector engine exploded")


def test_one_detector_failing_is_recorded_and_the_others_findings_survive():
    from nettsjekk.probes.detectors import DETECTORS

    snapshot = _snapshot(globals={"Intercom": "function"})
    candidates, errors = run_detectors(list(ENGINE_RULES), snapshot, detectors=(_BrokenDetector(), *DETECTORS))

    assert [(e.detector, e.page) for e in errors] == [("broken", "https://site.no/")]
    assert "selector engine exploded" in errors[0].error
    assert {c.rule.id for c in candidates} == {"test-chat-launcher"}


def test_links_and_forms_to_the_resources_own_domain_are_never_findings():
    snapshot = _snapshot(
        links=[{"href": "https://video.site.no/youtube", "text": "", "snippet": "", "ref": 0, "visible": True}],
        forms=[{"action": "https://www.site.no/search", "method": "get", "snippet": "", "ref": 1, "visible": True}],
    )
    candidates, _ = run_detectors(list(ENGINE_RULES), snapshot)
    assert candidates == []


@pytest.mark.browser
def test_a_page_that_breaks_json_stringify_is_still_read(browsers, internet, engine):
    """collect.js hands its result over as one JSON string, unless the page broke ``JSON.stringify``
    (as old Prototype.js did with ``Array.prototype.toJSON``): then the object is read as before."""
    from nettsjekk.fakenet.routes import Route

    page = ('<!doctype html><html lang="nb"><head><title>Gammel</title>'
            "<script>Array.prototype.toJSON = function () { return 'broken'; };</script></head>"
            '<body><div id="intercom-container">x</div><a href="mailto:post@eksamensressurs.no">post</a></body></html>')
    internet.set_route("www.eksamensressurs.no", "/prototype.html", Route(body=page))
    result = browsers.probe("https://www.eksamensressurs.no/prototype.html", engine, internet.proxy_url,
                            rules=ENGINE_RULES, settle_s=0, max_subpages=0)

    assert result.ok and not result.detector_errors
    assert {"test-chat-launcher", "test-mailto"} <= {f.rule for f in result.findings}


@pytest.mark.browser
def test_settling_waits_for_a_widget_due_on_a_timer_then_ends_when_the_page_is_quiet(browsers, internet, engine):
    """The chat of www.chat-sent.no appears 1.5 s after load without a request: the pending timer keeps
    the probe watching; once it fired and the network is quiet, the page is read before the settle time
    is up (``settled: quiet``)."""
    result = browsers.probe("https://www.chat-sent.no/", engine, internet.proxy_url, rules=ENGINE_RULES,
                            settle_s=8, max_subpages=0)

    assert "test-chat-launcher" in {f.rule for f in result.findings}
    assert result.pages[0].settled == "quiet"


@pytest.mark.browser
def test_a_page_that_keeps_polling_is_watched_for_the_whole_settle_time(browsers, internet, engine):
    from nettsjekk.fakenet.routes import Route

    page = ('<!doctype html><html lang="nb"><head><title>Poller</title></head><body><p>Oppdateres</p>'
            "<script>(function poll(){ document.title = 'Poller ' + Date.now(); setTimeout(poll, 300); })();</script>"
            "</body></html>")
    internet.set_route("www.eksamensressurs.no", "/poller.html", Route(body=page))
    result = browsers.probe("https://www.eksamensressurs.no/poller.html", engine, internet.proxy_url,
                            rules=ENGINE_RULES, settle_s=1.5, max_subpages=0)

    assert result.ok and result.pages[0].settled == "time"
