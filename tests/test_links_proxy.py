"""Nothing leaves except through the proxy, and the proxy's refusals are read, not guessed."""

from __future__ import annotations

import asyncio

from scrapy import Request, Spider
from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError

from nettsjekk.probes.crawler import job_for_url
from nettsjekk.probes.crawler.proxy import ProxyGuardMiddleware, ProxyOnlyResolver, TunnelAnswerMiddleware, ask_proxy
from nettsjekk.probes.crawler.settings import scrapy_settings


def test_requests_without_a_proxy_get_the_jobs_proxy():
    mw = build_from_crawler(ProxyGuardMiddleware, get_crawler(Spider, {"NETTSJEKK_PROXY": "http://127.0.0.1:3128"}))
    robots = Request("https://snl.no/robots.txt")
    mw.process_request(robots)
    assert robots.meta["proxy"] == "http://127.0.0.1:3128"


def test_with_a_proxy_every_dns_lookup_but_the_proxys_is_refused():
    crawler = get_crawler(Spider, {"NETTSJEKK_PROXY": "http://proxy.skole.no:3128"})
    resolver = ProxyOnlyResolver.from_crawler(crawler, object())  # refusals never touch the reactor
    failures = []
    resolver.getHostByName("www.youtube.com").addErrback(failures.append)
    assert failures and failures[0].check(DNSLookupError)
    assert resolver.allowed == {"proxy.skole.no"}


def test_the_settings_install_the_guards_only_with_a_proxy():
    with_proxy = scrapy_settings(job_for_url("https://snl.no/", "a@b.no", proxy="http://127.0.0.1:3128"))
    without = scrapy_settings(job_for_url("https://snl.no/", "a@b.no"))
    assert with_proxy["TWISTED_DNS_RESOLVER"].endswith("ProxyOnlyResolver") and "TWISTED_DNS_RESOLVER" not in without
    assert with_proxy["USER_AGENT"].endswith("(+mailto:a@b.no)") and with_proxy["ROBOTSTXT_OBEY"] is True
    assert with_proxy["HTTPERROR_ALLOW_ALL"] is True and with_proxy["RETRY_ENABLED"] is False


def test_a_refused_tunnel_becomes_the_proxys_own_answer(internet):
    assert asyncio.run(ask_proxy(internet.proxy_url, "https://finnes-ikke.lenkesjekk-test.invalid/"))[1][
        "X-Squid-Error"] == "ERR_DNS_FAIL 0"
    request = Request("https://finnes-ikke.lenkesjekk-test.invalid/", meta={"proxy": internet.proxy_url})
    answer = asyncio.run(TunnelAnswerMiddleware().process_exception(request, TunnelError("Could not open CONNECT tunnel")))
    assert answer.status == 502 and answer.headers[b"X-Squid-Error"] == b"ERR_DNS_FAIL 0"
    assert asyncio.run(TunnelAnswerMiddleware().process_exception(request, ValueError("other"))) is None
