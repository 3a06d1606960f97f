"""What the crawls of one crawler process share: an answer is asked for once and handed to every crawl
waiting for it; an answer that depends on a crawl's own scope, or one never coming, sends them to ask."""

from __future__ import annotations

from nettsjekk.probes.crawler.shared import Answer, SharedChecks
from nettsjekk.probes.crawler.verdict import Verdict

KEY = ("http://ekstern.example.no/side", "http://127.0.0.1:3128")
BROKEN = Answer(Verdict("broken", "http_4xx", 404, "HTTP 404"))


def test_the_first_crawl_asks_the_others_wait_and_later_ones_get_the_answer_at_once():
    shared, heard = SharedChecks(), []
    assert shared.claim(KEY, heard.append) is True
    assert shared.claim(KEY, heard.append) is False and shared.claim(KEY, heard.append) is False
    shared.publish(KEY, BROKEN)
    assert heard == [BROKEN, BROKEN]
    assert shared.claim(KEY, heard.append) is BROKEN and shared.reused == 3


def test_a_verdict_of_the_owners_own_scope_or_an_abandoned_check_sends_the_waiters_to_ask():
    shared, heard = SharedChecks(), []
    shared.claim(KEY, heard.append)
    shared.claim(KEY, heard.append)
    shared.publish(KEY, Answer(Verdict("skipped", "budget", None, None)))
    assert heard == [None] and shared.claim(KEY, heard.append) is True  # not kept: the next one asks itself
    shared.claim(KEY, heard.append)
    shared.abandon(KEY)
    assert heard == [None, None]


def test_a_crawl_that_closes_no_longer_waits():
    shared, heard = SharedChecks(), []
    shared.claim(KEY, heard.append)
    waiter = heard.append
    shared.claim(KEY, waiter)
    shared.forget(KEY, waiter)
    shared.publish(KEY, BROKEN)
    assert heard == []
