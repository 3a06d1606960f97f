"""Hostile and broken pages never stall a run: each ends as a clear result within its budget, and the
browser still probes a clean page correctly afterwards."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser
SITE = "https://fiendtlig.hostile-test.no"
CLEAN = "https://www.example-ordbok.no/"

HOSTILE = [
    # path, expected error (None = loads), expected stage, extra check on events
    ("/hang", "timeout", "navigation", None),
    ("/stream", "timeout", "document", None),
    ("/meta-a.html", "redirect_loop", "settle", None),
    ("/js-a.html", "redirect_loop", "settle", None),
    ("/__fakenet/loop/0", "redirect_loop", None, None),
    ("/popups.html", None, None, "popup closed"),
    ("/dialogs.html", None, None, "dialog dismissed: alert 'hei'"),
    ("/download", "download", None, None),
    ("/spin.html", "timeout", "document", None),
    ("/spin-late.html", "unresponsive", "script", None),
]


@pytest.mark.parametrize(("path", "error", "stage", "event"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_page_ends_as_a_clear_result_and_the_browser_stays_usable(browsers, internet, engine, path, error,
                                                                            stage, event):
    started = time.monotonic()
    result = browsers.probe(SITE + path, engine, internet.proxy_url, timeout_s=3, rules=(), settle_s=0.7,
                            max_subpages=0, budget_s=20)
    took = time.monotonic() - started

    assert (result.error, result.stage) == (error, stage), result.error_detail
    assert took < 20 + 8, "the probe ends within its budget (plus closing the context)"
    if event:
        assert any(e.startswith(event) for e in result.events), result.events
    clean = browsers.probe(CLEAN, engine, internet.proxy_url)
    assert (clean.ok, clean.title) == (True, "Eksempelordboka")


def test_a_50_mb_document_ends_within_the_budget(browsers, internet, engine):
    started = time.monotonic()
    result = browsers.probe(SITE + "/huge", engine, internet.proxy_url, timeout_s=4, budget_s=15)

    assert result.error in (None, "timeout")
    assert time.monotonic() - started < 15 + 8
    assert browsers.probe(CLEAN, engine, internet.proxy_url).ok


def test_permissions_are_denied_to_probed_pages(browsers, internet, engine):
    result = browsers.probe(SITE + "/permissions.html", engine, internet.proxy_url, settle_s=1)
    assert result.ok and result.title != "GEO-GRANTED"
