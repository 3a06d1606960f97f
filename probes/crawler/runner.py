"""Run crawls from any Python process, as often as needed: each crawl in a fresh subprocess.

Twisted's reactor cannot be restarted, so a second ``CrawlerProcess`` in the same process fails;
a subprocess per crawl sidesteps that and keeps Twisted away from the caller's threads and event
loops (Prefect workers, the CLI, tests). ``crawl`` returns a ``LinkReport``; ``crawl_many`` runs
several jobs within one run budget.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nettsjekk.core.errors import CrawlError, NettsjekkError

from nettsjekk.probes.crawler.job import CrawlJob
from nettsjekk.probes.crawler.results import LinkReport, LinkResult, summarize

log = logging.getLogger(__name__)
MODULE = "nettsjekk.probes.crawler.run"
GRACE_S = 30.0
MIN_JOB_S = 5.0
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
PROXY_ENV = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY")


@dataclass(frozen=True)
class _Output:
    links: list[LinkResult]
    summary: dict


def crawl(job: CrawlJob, python: str = sys.executable) -> LinkReport:
    """Crawl ``job`` in a child process and return its report (partial if it had to be killed)."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nettsjekk-crawl-") as tmp:
        try:
            proc = subprocess.run([python, "-m", MODULE], input=job.model_dump_json(), capture_output=True, text=True,
                                  timeout=job.budget_s + 2 * job.timeout_s + GRACE_S, env=child_env(job, Path(tmp)))
            stdout, stderr, killed = proc.stdout, proc.stderr, False
        except subprocess.TimeoutExpired as exc:
            stdout, stderr, killed = _text(exc.stdout), _text(exc.stderr), True
    output = parse_lines(stdout.splitlines())
    if not output.summary and not killed:
        raise CrawlError(f"the link crawl of {job.resource} failed: {_tail(stderr)}")
    return _report(job, output, killed, time.monotonic() - started)


def crawl_many(jobs: Iterable[CrawlJob], run_budget_s: float, python: str = sys.executable) -> list[LinkReport]:
    """Crawl jobs one after another; each gets at most what is left of ``run_budget_s``, and jobs
    that no longer fit are reported as ``stopped: run_budget`` without a request."""
    deadline = time.monotonic() + run_budget_s
    reports = []
    for job in jobs:
        left = deadline - time.monotonic() - GRACE_S
        if left < MIN_JOB_S:
            reports.append(LinkReport(resource=job.resource, start_urls=job.start_urls, stopped="run_budget",
                                      summary=summarize([])))
            continue
        reports.append(crawl(job.model_copy(update={"budget_s": min(job.budget_s, left)}), python))
    return reports


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


def parse_lines(lines: Iterable[str]) -> _Output:
    """The link results and the summary from the child's JSON lines (other lines are ignored)."""
    links, summary = [], {}
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            log.debug("not a result line: %s", line[:200])
            continue
        if record.get("type") == "link":
            links.append(LinkResult.model_validate(record["link"]))
        elif record.get("type") == "summary":
            summary = record
    return _Output(links, summary)


def _report(job: CrawlJob, output: _Output, killed: bool, elapsed: float) -> LinkReport:
    summary = output.summary
    return LinkReport(
        resource=job.resource, start_urls=job.start_urls, pages_crawled=summary.get("pages_crawled", 0),
        links=output.links, summary=summarize(output.links),
        stopped="killed" if killed else summary.get("stopped", "finished"),
        page_cap_reached=summary.get("page_cap_reached", False), elapsed_s=round(elapsed, 3),
        requests=summary.get("requests", 0),
    )


def _text(value: bytes | str | None) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else (value or "")


def _tail(stderr: str, lines: int = 5) -> str:
    kept = [line for line in stderr.strip().splitlines() if line.strip()][-lines:]
    return " | ".join(kept) or "no output"
