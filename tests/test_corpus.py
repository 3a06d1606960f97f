"""The labelled corpus: every forbidden feature found, nothing flagged on clean look-alikes, in both engines.

Sharded by label file and engine so the two test workers share the load; bench/detection.py prints
the same evaluation as a precision/recall table.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from nettsjekk.fakenet import FakeInternet
from nettsjekk.probes.browsers import BrowserSettings
from nettsjekk.probes.corpus import evaluate, load_labels
from nettsjekk.probes.probe import ProbeOptions, probe_url
from nettsjekk.probes.rulebook import CATEGORIES, default_rules
from nettsjekk.probes.service import ProbeService

CORPUS = Path(__file__).parent / "corpus"
SHARDED = True  # one test per label file and engine, spread over both test workers (tests/conftest.py)
LABEL_FILES = sorted((CORPUS / "labels").glob("*.yaml"))


@pytest.fixture(scope="module")
def corpus_service():
    with FakeInternet([CORPUS / "sites"], name="corpus") as rig:
        with ProbeService(BrowserSettings(trust_ca=(rig.ca_cert_path,))) as service:
            yield rig, service


@pytest.mark.browser
@pytest.mark.parametrize("engine", ["chromium", "firefox"])
@pytest.mark.parametrize("label_file", LABEL_FILES, ids=[p.stem for p in LABEL_FILES])
def test_every_labelled_page_is_classified_right(corpus_service, label_file, engine):
    rig, service = corpus_service
    pages = load_labels([label_file])
    scores = service.run(evaluate(service.browsers, pages, [engine], rig.proxy_url, default_rules(),
                                  settle_s=5.0, concurrency=3))
    score = scores[engine]

    assert score.errors == [], "pages that did not load"
    assert score.misses == [], "forbidden features not found"
    assert score.false_alarms == [], "findings in categories the page does not have"
    assert score.unfired == [], "rules the page is meant to fire"
    assert score.clean_findings == 0


def test_the_corpus_is_broad_enough():
    pages = load_labels(LABEL_FILES)
    clean = [p for p in pages if not p.expect]
    assert len(pages) >= 45 and len(clean) >= 15
    assert len({p.lang for p in pages}) >= 3
    for category in CATEGORIES:
        mechanisms = {p.mechanism for p in pages if category in p.expect}
        assert len(mechanisms) >= 3, f"{category}: only {sorted(mechanisms)}"


def test_no_rule_is_dead_every_rule_is_meant_to_fire_on_some_page():
    meant = Counter(rule for page in load_labels(LABEL_FILES) for rule in page.rules)
    bundled = {rule.id for rule in default_rules()}
    assert sorted(bundled - set(meant)) == []
    assert sorted(set(meant) - bundled) == [], "labels name rules that do not exist"


HIDDEN = {
    "https://fp-oversett-closed-shadow.korpus-nettsjekk.no/": "tr-first-party",
    "https://fp-oversett-panel.korpus-nettsjekk.no/": "tr-first-party",
    "https://fp-ki-consent.korpus-nettsjekk.no/": "ai-first-party",
    "https://fp-ki-iframe-cross.korpus-nettsjekk.no/": "ai-first-party",
    "https://fp-generer-network.korpus-nettsjekk.no/": "ai-first-party",
    "https://fp-skjema-spor-ki.korpus-nettsjekk.no/": "ai-first-party",
}


@pytest.mark.browser
@pytest.mark.parametrize("engine", ["chromium", "firefox"])
def test_first_party_features_in_hidden_places_are_found_with_what_was_seen(corpus_service, engine):
    """A county tester reads each first-party finding's evidence: the words and controls seen, where they
    were (a closed shadow root, a cross-origin iframe), the request that raised it; the probe's events say
    which consent banner it accepted and which panel it opened. A form's submit button is never clicked."""
    rig, service = corpus_service
    options = ProbeOptions(proxy=rig.proxy_url, rules=default_rules(), settle_s=3, max_subpages=0, timeout_s=20)

    async def all_pages():
        return await asyncio.gather(*(probe_url(service.browsers, url, engine, options) for url in HIDDEN))

    results = dict(zip(HIDDEN, service.run(all_pages())))
    found = {url: {f.rule: f for f in r.findings} for url, r in results.items()}
    for url, rule in HIDDEN.items():
        assert rule in found[url], f"{url}: {rule} not found ({results[url].error})"

    closed = found["https://fp-oversett-closed-shadow.korpus-nettsjekk.no/"]["tr-first-party"].evidence
    assert "closed shadow root of <ov-oversetter>" in closed.value
    assert 'translate-action: button "Oversett"' in closed.value and "language choice" in closed.value

    panel = results["https://fp-oversett-panel.korpus-nettsjekk.no/"]
    assert "panel opened: clicked 'Oversett tekst' on https://fp-oversett-panel.korpus-nettsjekk.no/" in panel.events
    assert "multiline text box <textarea>" in found[panel.url]["tr-first-party"].evidence.value

    consent = results["https://fp-ki-consent.korpus-nettsjekk.no/"]
    assert any(e.startswith("consent accepted: clicked 'Godta alle'") for e in consent.events)
    assert 'ask-ai: button "Spør assistenten"' in found[consent.url]["ai-first-party"].evidence.value

    iframe = found["https://fp-ki-iframe-cross.korpus-nettsjekk.no/"]["ai-first-party"]
    assert 'ask-ai: button "Spør KI"' in iframe.evidence.value

    network = found["https://fp-generer-network.korpus-nettsjekk.no/"]["ai-first-party"].evidence.value
    assert 'generate-text: button "Generer"' in network
    assert "network: fetch https://fp-generer-network.korpus-nettsjekk.no/api/completions" in network

    never_sent = [r for r in rig.requests if r.host == "fp-skjema-spor-ki.korpus-nettsjekk.no" and r.method == "POST"]
    assert never_sent == []
    assert not any("Spør KI" in e for e in results["https://fp-skjema-spor-ki.korpus-nettsjekk.no/"].events)
