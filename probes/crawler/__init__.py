"""Broken-link crawl with Scrapy: scoped, polite, retrying, and never calling a bot wall "broken".

    from nettsjekk.probes.crawler import crawl, job_for_url

    report = crawl(job_for_url("https://snl.no/", contact="it@agder.no", proxy="http://proxy:3128"))
    report.summary          # {"ok": 812, "redirect": 40, "broken": 3, ...}

Modules, one job each: ``job`` (the crawl job, JSON across the process boundary), ``scope`` (what
is crawled, checked or left alone), ``extract`` (links of a page), ``spider`` (the Scrapy spider),
``backoff`` and ``proxy`` (downloader middlewares), ``verdict``, ``botwall`` and ``forbidden``
(judging answers), ``retry_after``, ``ledger``, ``settings``, ``run`` and ``batch`` (the child process: one job, or many side by side), ``shared`` (what
the crawls of one process share),
``runner`` (starting it), ``recheck`` (the browser recheck), ``results`` (the JSON contract).
Nothing here imports Prefect.
"""

from __future__ import annotations

from nettsjekk.probes.crawler.job import CrawlJob, job_for_resource, job_for_url
from nettsjekk.probes.crawler.results import STATUSES, Hop, LinkReport, LinkResult, Recheck
from nettsjekk.probes.crawler.runner import CrawlError, crawl, crawl_batch, crawl_many

__all__ = ["STATUSES", "CrawlError", "CrawlJob", "Hop", "LinkReport", "LinkResult", "Recheck", "crawl",
           "crawl_batch", "crawl_many", "job_for_resource", "job_for_url"]
