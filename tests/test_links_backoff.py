"""The backoff retry middleware, built the way Scrapy builds it (``get_crawler`` +
``build_from_crawler``), fed requests and answers by hand."""

from __future__ import annotations

import asyncio
import time

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError

from nettsjekk.probes.crawler.backoff import ATTEMPT_META, LINK_META, NOT_BEFORE_META, BackoffMiddleware

SETTINGS = {"NETTSJEKK_RETRIES": 2, "NETTSJEKK_TIMEOUT_RETRIES": 1, "NETTSJEKK_BACKOFF_S": 0.5,
            "NETTSJEKK_MAX_RETRY_AFTER_S": 60, "CLOSESPIDER_TIMEOUT": 600}


@pytest.fixture()
def mw() -> BackoffMiddleware:
    return build_from_crawler(BackoffMiddleware, get_crawler(Spider, SETTINGS))


def link_request(url: str = "https://x.no/a", method: str = "GET", attempt: int = 0) -> Request:
    return Request(url, method=method, meta={LINK_META: {"key": url, "mode": "check", "hops": []}, ATTEMPT_META: attempt})


def answer(request: Request, status: int, **headers: str) -> Response:
    return Response(request.url, status=status, headers=headers, request=request)


def test_a_5xx_is_retried_with_exponential_backoff(mw):
    first = link_request()
    retry = mw.process_response(first, answer(first, 500))
    assert isinstance(retry, Request) and retry.meta[ATTEMPT_META] == 1
    assert retry.meta[NOT_BEFORE_META] - time.monotonic() == pytest.approx(0.5, abs=0.1)
    second = mw.process_response(retry, answer(retry, 503))
    assert second.meta[NOT_BEFORE_META] - time.monotonic() == pytest.approx(1.0, abs=0.1)
    final = answer(second, 503)
    assert mw.process_response(second, final) is final


@pytest.mark.parametrize("retry_after", ["7", "Wed, 01 Jan 2200 00:00:00 GMT"])
def test_429_waits_as_long_as_retry_after_asks_and_pauses_the_host(mw, retry_after):
    request = link_request(method="HEAD")
    retry = mw.process_response(request, answer(request, 429, **{"Retry-After": retry_after}))
    if retry_after == "7":
        assert retry.meta[NOT_BEFORE_META] - time.monotonic() == pytest.approx(7, abs=0.2)
        assert mw.paused_until["x.no"] - time.monotonic() == pytest.approx(7, abs=0.2)
    else:  # an HTTP date beyond max_retry_after_s: not waited for, the 429 is the answer
        assert isinstance(retry, Response) and retry.status == 429


def test_final_answers_are_not_retried(mw):
    request = link_request()
    for response in (answer(request, 404), answer(request, 200),
                     answer(request, 502, **{"X-Squid-Error": "ERR_DNS_FAIL 0"}),
                     answer(link_request(method="HEAD"), 503)):
        assert mw.process_response(response.request, response) is response
    robots = Request("https://x.no/robots.txt")
    assert mw.process_response(robots, answer(robots, 503)).status == 503


def test_a_timeout_is_retried_once_and_a_dns_failure_never(mw):
    request = link_request()
    retry = mw.process_exception(request, DownloadTimeoutError("took longer than 1 seconds"))
    assert isinstance(retry, Request) and retry.meta[ATTEMPT_META] == 1
    assert mw.process_exception(retry, DownloadTimeoutError("again")) is None
    assert mw.process_exception(link_request(), DNSLookupError("no such host")) is None
    assert mw.process_exception(link_request(method="HEAD"), DownloadTimeoutError("x")) is None


def test_no_retry_is_scheduled_past_the_time_budget():
    mw = build_from_crawler(BackoffMiddleware, get_crawler(Spider, {**SETTINGS, "CLOSESPIDER_TIMEOUT": 0.2}))
    request = link_request()
    response = answer(request, 503)
    assert mw.process_response(request, response) is response


def test_process_request_holds_a_request_until_its_host_may_be_asked_again(mw):
    request = link_request()
    mw.paused_until["x.no"] = time.monotonic() + 0.2
    started = time.monotonic()
    asyncio.run(mw.process_request(request))
    assert time.monotonic() - started >= 0.19
