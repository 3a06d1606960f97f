"""Run crawls from any Python process, as often as needed, in a crawler subprocess.

Twisted's reactor cannot be restarted, so a second ``CrawlerProcess`` in the same process fails;
a subprocess sidesteps that and keeps Twisted away from the caller's threads and event loops
(Prefect workers, the CLI, tests). ``crawl_batch`` crawls many jobs side by side in ONE subprocess
(``batch.py``: one start-up for a whole list) and yields each job's report as soon as that job is
done; ``crawl`` is a batch of one, ``crawl_many`` a batch within one run budget.

Jobs that need a different process environment (another proxy, other trusted CAs) go to
different subprocesses, one after the other.
"""

from __future__ import annotations

import json
import logging
import math
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from nettsjekk.core.errors import CrawlError

from nettsjekk.probes.crawler.batch import CrawlBatch
from nettsjekk.probes.crawler.job import CrawlJob
from nettsjekk.probes.crawler.results import LinkReport, LinkResult, summarize

log = logging.getLogger(__name__)
MODULE = "nettsjekk.probes.crawler.batch"
GRACE_S = 30.0
MIN_JOB_S = 5.0
PARALLEL = 16
"""Crawls side by side in one crawler process."""
TOTAL_CONCURRENCY = 64
"""Requests in flight in one crawler process, shared out between the crawls running side by side."""
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
PROXY_ENV = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY")

Outcome = tuple[CrawlJob, "LinkReport | CrawlError"]
"""A job and its report, or the error that kept it from having one."""


@dataclass
class _Output:
    links: list[LinkResult] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    failed: str | None = None


def crawl(job: CrawlJob, python: str = sys.executable) -> LinkReport:
    """Crawl ``job`` in a child process and return its report (partial if it had to be killed)."""
    ((_, outcome),) = list(crawl_batch([job], python=python))
    if isinstance(outcome, CrawlError):
        raise outcome
    return outcome


def crawl_many(jobs: Iterable[CrawlJob], run_budget_s: float, python: str = sys.executable,
               parallel: int = PARALLEL) -> list[LinkReport]:
    """Crawl jobs side by side (one crawler process); each gets at most what is left of
    ``run_budget_s``, and when that is too little they are reported as ``stopped: run_budget``
    without a request. Reports come back in the jobs' order; a crawl that failed raises ``CrawlError``."""
    jobs = list(jobs)
    left = run_budget_s - GRACE_S
    if left < MIN_JOB_S:
        return [LinkReport(resource=job.resource, start_urls=job.start_urls, stopped="run_budget",
                           summary=summarize([])) for job in jobs]
    capped = [job.model_copy(update={"budget_s": min(job.budget_s, left)}) for job in jobs]
    done = {id(job): outcome for job, outcome in crawl_batch(capped, parallel=parallel, python=python)}
    reports = []
    for job in capped:
        if isinstance(done[id(job)], CrawlError):
            raise done[id(job)]
        reports.append(done[id(job)])
    return reports


def crawl_batch(jobs: Iterable[CrawlJob], parallel: int = PARALLEL, total_concurrency: int = TOTAL_CONCURRENCY,
                python: str = sys.executable) -> Iterator[Outcome]:
    """Crawl ``jobs`` side by side, at most ``parallel`` at a time, in one crawler process per
    process environment (proxy and trusted CAs); yield ``(job, report or CrawlError)`` for each job
    as soon as it is done. One job that fails, hangs or crashes its pages never stops the others."""
    for group in _groups(list(jobs)):
        side_by_side = min(parallel, len(group))
        share = max(1, total_concurrency // side_by_side)
        fitted = [job.model_copy(update={"total_concurrency": max(job.per_host_concurrency,
                                                                  min(job.total_concurrency, share))})
                  for job in group]
        for index, outcome in _run_group(fitted, side_by_side, python):
            yield group[index], outcome


def _groups(jobs: list[CrawlJob]) -> list[list[CrawlJob]]:
    """Jobs that can share a crawler process (same proxy, same extra CAs), in first-seen order."""
    groups: dict[tuple, list[CrawlJob]] = {}
    for job in jobs:
        groups.setdefault((job.proxy, tuple(job.trust_ca)), []).append(job)
    return list(groups.values())


def _run_group(jobs: list[CrawlJob], parallel: int, python: str) -> Iterator[tuple[int, LinkReport | CrawlError]]:
    """One crawler process for ``jobs``; results per job as its summary (or failure) arrives."""
    started = time.monotonic()
    batch = CrawlBatch(jobs=jobs, parallel=parallel, grace_s=GRACE_S)
    waves = math.ceil(len(jobs) / parallel)
    limit = waves * (max(job.budget_s + 2 * job.timeout_s for job in jobs) + 2 * GRACE_S) + GRACE_S
    outputs = {i: _Output() for i in range(len(jobs))}
    pending = set(outputs)
    with tempfile.TemporaryDirectory(prefix="nettsjekk-crawl-") as tmp:
        stderr_path = Path(tmp) / "stderr.txt"
        with stderr_path.open("w", encoding="utf-8") as stderr:
            try:
                proc = subprocess.Popen([python, "-m", MODULE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=stderr, text=True, env=child_env(jobs[0], Path(tmp)))
            except OSError as exc:
                raise CrawlError(f"cannot start the link crawler ({python}): {exc.strerror}") from None
            lines = _read_lines(proc, batch.model_dump_json())
            killer = threading.Timer(limit, proc.kill)
            killer.daemon = True
            killer.start()
            try:
                for line in iter(lines.get, None):
                    index = _take(line, outputs)
                    if index in pending and (outputs[index].summary or outputs[index].failed):
                        pending.discard(index)
                        yield index, _outcome(jobs[index], outputs[index], time.monotonic() - started)
                proc.wait()
            finally:
                killer.cancel()
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        killed = proc.returncode < 0  # by the time limit (or a signal): what it found so far stands
        words = _tail(stderr_path.read_text(encoding="utf-8", errors="replace"))
    for index in sorted(pending):
        output = outputs[index]
        if output.links or killed:
            yield index, _report(jobs[index], output, True, time.monotonic() - started)
        else:
            yield index, CrawlError(f"the link crawl of {jobs[index].resource} failed: {words}")


def _read_lines(proc: subprocess.Popen, batch_json: str) -> queue.Queue:
    """Feed the batch to the child and read its stdout in a thread (so a slow consumer never stalls
    the crawls); the queue ends with None."""
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        try:
            proc.stdin.write(batch_json)
            proc.stdin.close()
        except OSError:
            pass
        with proc.stdout:
            for line in proc.stdout:
                lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, name="crawl-lines", daemon=True).start()
    return lines


def _take(line: str, outputs: dict[int, _Output]) -> int | None:
    """File one JSON line under its job; the job's index (None for a line that is not a result)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        log.debug("not a result line: %s", line[:200])
        return None
    index = record.get("job") if isinstance(record, dict) else None
    if index not in outputs:
        return None
    kind = record.get("type")
    if kind == "link":
        outputs[index].links.append(LinkResult.model_validate(record["link"]))
    elif kind == "summary":
        outputs[index].summary = record
    elif kind == "failed":
        outputs[index].failed = str(record.get("detail") or "unknown error")
    return index


def _outcome(job: CrawlJob, output: _Output, elapsed: float) -> LinkReport | CrawlError:
    if output.summary:
        return _report(job, output, False, elapsed)
    if output.links:
        return _report(job, output, True, elapsed)
    return CrawlError(f"the link crawl of {job.resource} failed: {output.failed}")


def child_env(job: CrawlJob, tmp: Path | None = None) -> dict[str, str]:
    """The child's environment: with a proxy, the standard proxy variables point at it as well (a
    second guard next to ``meta["proxy"]``) and ``no_proxy`` is dropped; with ``trust_ca``,
    ``SSL_CERT_FILE`` names a bundle of the system's authorities plus those (written to ``tmp``)."""
    env = dict(os.environ)
    if job.trust_ca and tmp is not None:
        env["SSL_CERT_FILE"] = str(ca_bundle(job.trust_ca, tmp / "ca-bundle.pem"))
    if job.proxy:
        for name in PROXY_ENV:
            env.pop(name, None)
        env.update({"http_proxy": job.proxy, "https_proxy": job.proxy})
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def ca_bundle(extra: Iterable[str], path: Path) -> Path:
    """The system's CA bundle followed by the ``extra`` PEM files, written to ``path``."""
    import ssl

    parts = []
    system = os.environ.get("SSL_CERT_FILE") or ssl.get_default_verify_paths().cafile or SYSTEM_BUNDLE
    if system and Path(system).is_file():
        parts.append(Path(system).read_text(encoding="utf-8", errors="replace"))
    for name in extra:
        try:
            parts.append(Path(name).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CrawlError(f"cannot read the CA certificate {name}: {exc.strerror}") from None
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _report(job: CrawlJob, output: _Output, killed: bool, elapsed: float) -> LinkReport:
    summary = output.summary
    return LinkReport(
        resource=job.resource, start_urls=job.start_urls, pages_crawled=summary.get("pages_crawled", 0),
        links=output.links, summary=summarize(output.links),
        stopped="killed" if killed else summary.get("stopped", "finished"),
        page_cap_reached=summary.get("page_cap_reached", False), elapsed_s=summary.get("elapsed_s", round(elapsed, 3)),
        requests=summary.get("requests", 0),
    )


def _tail(stderr: str, lines: int = 5) -> str:
    kept = [line for line in stderr.strip().splitlines() if line.strip()][-lines:]
    return " | ".join(kept) or "no output"
