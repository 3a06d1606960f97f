"""The labelled corpus: every forbidden feature found, nothing flagged on clean look-alikes, in both engines.

Sharded by label file and engine so the two test workers share the load; bench/detection.py prints
the same evaluation as a precision/recall table.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from nettsjekk.fakenet import FakeInternet
from nettsjekk.probes.browsers import BrowserSettings
from nettsjekk.probes.corpus import evaluate, load_labels
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
