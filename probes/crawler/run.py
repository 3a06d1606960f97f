"""Run one crawl job in this process: ``python -m nettsjekk.probes.crawler.run < job.json``.

Reads a ``CrawlJob`` as JSON on stdin and writes JSON lines on stdout: one ``{"type": "link",
"link": {...}}`` per link as soon as it is judged, then one ``{"type": "summary", ...}``. Everything
else (Scrapy's log included) goes to stderr. Twisted's reactor cannot be started twice in a
process, so every crawl gets a fresh process; ``runner.crawl`` does that.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO

from nettsjekk.probes.crawler.job import CrawlJob


def claim_stdout() -> TextIO:
    """A private handle on the real stdout; ``sys.stdout`` becomes stderr so stray prints cannot
    corrupt the JSON lines."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    sys.stdout = sys.stderr
    return out


def line_sink(out: TextIO) -> Callable[[str], None]:
    """Write one JSON line and flush, so a killed crawl still leaves every result it found."""
    def sink(line: str) -> None:
        out.write(line + "\n")
        out.flush()
    return sink


def run_job(job: CrawlJob, sink: Callable[[str], None]) -> None:
    """Crawl ``job`` with Scrapy in this process (once per process)."""
    from scrapy.crawler import CrawlerProcess

    from nettsjekk.probes.crawler.settings import scrapy_settings
    from nettsjekk.probes.crawler.spider import LinkSpider

    process = CrawlerProcess(scrapy_settings(job))
    process.crawl(LinkSpider, job=job, sink=sink)
    process.start()


def main() -> int:
    """Entry point of ``python -m nettsjekk.probes.crawler.run``."""
    out = claim_stdout()
    job = CrawlJob.model_validate_json(sys.stdin.read())
    run_job(job, line_sink(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
