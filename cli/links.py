"""``nettsjekk links``: the broken-link crawl of URLs and list resources.

``register(cli)`` adds the command to the ``nettsjekk`` group. Every target is crawled side by side
in ONE child process (``nettsjekk.probes.crawler.runner.crawl_batch``); ``bot_blocked`` and ambiguous
links are then rechecked in a real browser (one for the whole command, started only when a link needs
it) and each report is printed as soon as its crawl is done. Exit 0 without broken links, 1 with,
2 on bad input, 3 when a crawl could not run.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from nettsjekk.cli.common import saved_session_state
from nettsjekk.cli.options import LIST_CHOICES, Seconds, engine_option, proxy_option, session_options, trust_ca_option
from nettsjekk.core.errors import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, ConfigError

NOT_SHOWN = ("ok", "redirect")


def register(cli: click.Group) -> None:
    """Add ``links`` to the ``nettsjekk`` command group."""
    cli.add_command(links)


@click.command("links")
@click.argument("targets", metavar="URL|RESOURCE_ID...", nargs=-1)
@click.option("--list", "list_name", type=click.Choice(LIST_CHOICES),
              help="Every resource of the national list, the local lists, or all (instead of naming them).")
@click.option("--parallel", type=click.IntRange(min=1, max=64), default=16, show_default=True,
              help="Crawls side by side in the one crawler process.")
@click.option("--depth", type=click.IntRange(min=0), default=2, show_default=True,
              help="Crawl pages up to this many clicks from the start page; links on them are checked.")
@click.option("--max-pages", type=click.IntRange(min=1), default=200, show_default=True,
              help="At most this many pages are crawled; further links are still checked.")
@proxy_option()
@trust_ca_option()
@click.option("--contact", envvar="NETTSJEKK_CONTACT", metavar="EMAIL",
              help="Your e-mail address, sent in the User-Agent (or set NETTSJEKK_CONTACT).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
@engine_option("Engine of the browser recheck.")
@click.option("--recheck/--no-recheck", default=True, show_default=True,
              help="Recheck bot-blocked and ambiguous links in a real browser.")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (only with the site owner's consent).")
@click.option("--timeout", "timeout_s", type=Seconds(min=0.5), default=20.0, show_default=True,
              help="Seconds per request.")
@click.option("--budget", "budget_s", type=Seconds(min=1), default=600.0, show_default=True,
              help="Seconds for the whole crawl.")
@click.option("--lists", "list_paths", multiple=True, type=click.Path(exists=True),
              help="List file or folder to find RESOURCE_ID in (default: the bundled lists).")
@click.option("--vendors", "vendor_dir", type=click.Path(exists=True, file_okay=False),
              help="Vendor whitelist folder (default: the bundled one).")
@click.option("--verify-tls/--no-verify-tls", default=True, show_default=True,
              help="A certificate a browser would refuse makes the link broken (tls); --trust-ca adds authorities.")
@session_options("crawling a RESOURCE_ID (the pages behind its login are crawled)")
def links(targets: tuple[str, ...], list_name: str | None, parallel: int, depth: int, max_pages: int,
          proxy: str | None, trust_ca: tuple[str, ...], contact: str | None, fmt: str, engine: str, recheck: bool,
          ignore_robots: bool, timeout_s: float, budget_s: float, list_paths: tuple[str, ...],
          vendor_dir: str | None, verify_tls: bool, use_session: bool, state_dir: str | None) -> None:
    """Find broken links in resources; exit 0 when none are broken, 1 when some are, 2 on bad input,
    3 when a crawl could not run.

    Each TARGET is a URL (its whole site is crawled) or the id of a resource on a list (its site and
    its vendor's hosts are crawled, with the entry's include/exclude patterns); --list takes every
    resource of a list. Several targets are crawled side by side by one crawler process, and each
    report is printed as its crawl finishes (JSON: one object per line).

    \b
    Examples:
        nettsjekk links https://snl.no/ --contact it@agder.no
        nettsjekk links ndla --depth 1 --proxy http://exam-proxy:3128 --format text
        nettsjekk links --list national --depth 1 --format text
    """
    options = {"depth": depth, "max_pages": max_pages, "proxy": check_proxy(proxy), "timeout_s": timeout_s,
               "budget_s": budget_s, "verify_tls": verify_tls, "trust_ca": [str(Path(p).resolve()) for p in trust_ca]}
    if ignore_robots:
        options["obey_robots"] = False
    if not targets and not list_name:
        raise ConfigError("name a URL or RESOURCE_ID to crawl, or pass --list national|local|all")
    contact = require_contact(contact)
    names = list(dict.fromkeys([*targets, *_listed(list_name, list_paths, vendor_dir)]))
    sessions: dict[str, dict | None] = {}
    if use_session:
        sessions = {name: saved_session_state(name, engine, state_dir) for name in names if "://" not in name}
    jobs = []
    for name in names:
        job_options = options | {"cookies": (sessions.get(name) or {}).get("cookies", [])} if "://" not in name else options
        jobs.append(build_job(name, contact, list_paths, vendor_dir, job_options))
    single = len(jobs) == 1 and not list_name
    checker = {"engine": engine, "trust_ca": tuple(Path(p) for p in trust_ca), "timeout_s": timeout_s} if recheck else None
    outcome = asyncio.run(_crawl_and_report(jobs, sessions, checker, parallel, fmt, single))
    sys.exit(outcome)


async def _crawl_and_report(jobs: list, sessions: dict[str, dict | None], checker: dict | None, parallel: int,
                            fmt: str, single: bool) -> int:
    """Crawl ``jobs`` side by side, recheck and print each report as it arrives; the exit code."""
    from nettsjekk.core.errors import CrawlError
    from nettsjekk.probes.crawler.recheck import LazyRechecker
    from nettsjekk.probes.crawler.runner import crawl_batch

    outcomes = crawl_batch(jobs, parallel=parallel)
    broken = failed = 0
    async with LazyRechecker(**(checker or {})) as rechecker:
        while (item := await asyncio.to_thread(next, outcomes, None)) is not None:
            job, report = item
            if isinstance(report, CrawlError):
                if single:
                    raise report
                click.echo(f"error: {report}", err=True)
                failed += 1
                continue
            if checker is not None:
                report = await rechecker.settle(report, job.proxy, sessions.get(job.resource))
            broken += len(report.broken)
            if fmt == "json":
                click.echo(report.to_json() if single else report.model_dump_json())
            else:
                click.echo(format_links_text(report) + ("" if single else "\n"))
    if failed:
        return EXIT_ENVIRONMENT
    return EXIT_FAILED if broken else EXIT_OK


def _listed(list_name: str | None, list_paths: tuple[str, ...], vendor_dir: str | None) -> list[str]:
    """The resource ids of ``--list`` (none without it)."""
    if not list_name:
        return []
    resources = _catalog(list_paths, vendor_dir).select(None if list_name == "all" else list_name)
    if not resources:
        raise ConfigError(f"--list {list_name}: the lists hold no such resources")
    return [resource.id for resource in resources]


def build_job(target: str, contact: str, list_paths: tuple[str, ...], vendor_dir: str | None, options: dict):
    """The crawl job for a URL (anything with ``://``) or a resource id."""
    from nettsjekk.probes.crawler.job import job_for_resource, job_for_url

    if "://" in target:
        return job_for_url(target, contact, **options)
    catalog = _catalog(list_paths, vendor_dir)
    return job_for_resource(catalog, catalog.resource(target), contact, **options)


def _catalog(list_paths: tuple[str, ...], vendor_dir: str | None):  # noqa: ANN202 - a Catalog, imported lazily
    """The lists and vendor files, read once per command (the context's ``meta`` keeps them)."""
    from nettsjekk.lists.catalog import load_catalog

    ctx = click.get_current_context(silent=True)
    memo = ctx.meta.setdefault("nettsjekk.links.catalogs", {}) if ctx is not None else {}
    if (list_paths, vendor_dir) not in memo:
        memo[(list_paths, vendor_dir)] = load_catalog(list_paths or None, vendor_dir)
    return memo[(list_paths, vendor_dir)]


def require_contact(contact: str | None) -> str:
    """The contact address, or a ``ConfigError`` saying how to give one."""
    if not contact:
        raise ConfigError("no contact address: pass --contact EMAIL or set NETTSJEKK_CONTACT "
                          "(site owners must be able to reach whoever crawls them)")
    return contact


def check_proxy(proxy: str | None) -> str | None:
    """An ``http(s)://host:port`` proxy, or a ``ConfigError`` (Scrapy cannot speak SOCKS)."""
    from nettsjekk.probes.urls import check_proxy_url

    if proxy is None:
        return None
    if proxy.strip().lower().startswith("socks"):
        raise ConfigError(f"--proxy {proxy!r}: the link crawl needs an HTTP proxy such as http://127.0.0.1:3128 "
                          "(SOCKS proxies are not supported by Scrapy)")
    return check_proxy_url(proxy, ("http", "https"))


def format_links_text(report) -> str:  # noqa: ANN001 - LinkReport, imported lazily
    """One line per link that is not plainly fine, then the counts."""
    from nettsjekk.cli.text import format_table

    shown = [link for link in report.links if link.status not in NOT_SHOWN]
    rows = [(link.status, link.http_status or "", link.reason or "", _recheck_word(link), link.url, link.source or "")
            for link in shown]
    head = f"{report.resource}: {report.pages_crawled} pages crawled, {len(report.links)} links ({report.stopped})"
    counts = ", ".join(f"{status} {count}" for status, count in report.summary.items() if count)
    headers = ("status", "http", "reason", "browser", "url", "found on")
    table = format_table(headers, rows) if rows else "no problems found"
    return "\n".join([head, table, counts])


def _recheck_word(link) -> str:  # noqa: ANN001 - LinkResult
    return link.recheck.outcome if link.recheck else ""
