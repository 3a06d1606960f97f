"""Run many crawl jobs side by side in ONE crawler process: ``python -m nettsjekk.probes.crawler.batch < batch.json``.

Reads a ``CrawlBatch`` (``{"jobs": [CrawlJob, ...], "parallel": N}``) as JSON on stdin. The jobs are
crawled by one Scrapy ``CrawlerProcess`` on one reactor, at most ``parallel`` at a time, each with a
crawler of its own (its scope, budget, cookies, downloader and per-host limits); they share one
``SharedChecks`` (an external URL is asked once per batch; see ``shared.py``).

Writes JSON lines on stdout, each tagged with ``"job": INDEX`` (the job's place in the batch): the
job's ``link`` lines as they are judged, then its ``summary`` line when its crawl closes, so results
stream back per resource as each finishes. A crawl that fails is one ``{"type": "failed", "detail"}``
line; one that overruns its budget by ``grace_s`` is stopped, and one that still does not close is
given up as ``failed`` (``hung``): the other jobs go on either way.

Start-up (interpreter, Scrapy, the reactor: about 2-3 s) is paid once per batch, not once per job.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from nettsjekk.probes.crawler.job import CrawlJob
from nettsjekk.probes.crawler.run import claim_stdout, line_sink

GRACE_S = 30.0


class CrawlBatch(BaseModel):
    """Jobs for one crawler process; they must share one proxy and one set of trusted CAs (``runner`` groups them)."""

    model_config = ConfigDict(extra="forbid")

    jobs: list[CrawlJob] = Field(min_length=1)
    parallel: int = Field(default=16, ge=1, description="crawls side by side")
    grace_s: float = Field(default=GRACE_S, gt=0, description="past budget + 2 request timeouts: stop, then give up")


def tagged(sink: Callable[[str], None], index: int) -> Callable[[str], None]:
    """A sink that puts ``"job": index`` first into every JSON object line."""
    head = '{"job": %d, ' % index

    def write(line: str) -> None:
        sink(head + line[1:] if line.startswith("{") and line != "{}" else line)
    return write


def run_batch(batch: CrawlBatch, sink: Callable[[str], None]) -> None:
    """Crawl every job of ``batch`` in this process (once per process: Twisted's reactor cannot restart)."""
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.settings import Settings
    from twisted.internet import defer

    from nettsjekk.probes.crawler.settings import scrapy_settings
    from nettsjekk.probes.crawler.shared import SharedChecks
    from nettsjekk.probes.crawler.spider import LinkSpider

    process = CrawlerProcess(scrapy_settings(batch.jobs[0]))
    shared = SharedChecks()
    gate = defer.DeferredSemaphore(batch.parallel)
    first = [True]  # the first crawler installs the reactor its settings name (asyncio); the others check it

    def one(index: int, job: CrawlJob) -> defer.Deferred:
        out = tagged(sink, index)
        done: defer.Deferred = defer.Deferred()
        # "spider" priority: CrawlerProcess.crawl() merges the process's settings (the first job's,
        # for the reactor, resolver and logging) into every crawler; the job's own must win.
        crawler = Crawler(LinkSpider, Settings(scrapy_settings(job), priority="spider"), init_reactor=first[0])
        first[0] = False
        limit = job.budget_s + 2 * job.timeout_s + batch.grace_s

        def failed(failure: object) -> None:
            out(json.dumps({"type": "failed", "detail": _words(failure)}))

        def finish(_: object = None) -> None:
            if not done.called:
                done.callback(None)

        def give_up() -> None:
            if not done.called:
                out(json.dumps({"type": "failed", "detail": f"hung: its crawl did not close within {limit + batch.grace_s:g} s"}))
                finish()

        crawl = process.crawl(crawler, job=job, sink=out, shared=shared)
        crawl.addErrback(failed)
        from twisted.internet import reactor  # installed by now (the first crawl did it)

        crawl.addBoth(finish)
        stop = reactor.callLater(limit, lambda: crawler.crawling and crawler.stop())
        hang = reactor.callLater(limit + batch.grace_s, give_up)
        done.addBoth(lambda _: [call.cancel() for call in (stop, hang) if call.active()])
        return done

    everything = defer.DeferredList([gate.run(one, i, job) for i, job in enumerate(batch.jobs)])
    from twisted.internet import reactor

    everything.addBoth(lambda _: reactor.running and reactor.stop())
    process.start(stop_after_crawl=False)


def _words(failure: object) -> str:
    """The failure's own words, one line."""
    message = getattr(failure, "getErrorMessage", lambda: str(failure))()
    return " ".join(str(message).split())[:500] or "unknown error"


def main() -> int:
    """Entry point of ``python -m nettsjekk.probes.crawler.batch``."""
    out = claim_stdout()
    batch = CrawlBatch.model_validate_json(sys.stdin.read())
    run_batch(batch, line_sink(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
