"""``nettsjekk report`` and ``nettsjekk review``: reports of a run, and review decisions.

``register(cli)`` adds both to the ``nettsjekk`` group. Heavy imports happen inside the commands.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import click

from nettsjekk.cli.options import config_option

FORMAT_CHOICE = click.Choice(["html", "pdf", "csv", "xlsx", "md", "ict"])
_CONFIG = config_option()
_REVIEWS = click.option("--reviews", "reviews_path", type=click.Path(dir_okay=False),
                        help="Review decisions file (default: 'reviews:' in the configuration, reviews.yaml "
                             "next to it).")


def register(cli: click.Group) -> None:
    """Add ``report``, ``whitelist-pdf`` and the ``review`` group to ``cli``."""
    cli.add_command(report)
    cli.add_command(whitelist_pdf)
    cli.add_command(review)


@click.command()
@click.argument("run_id")
@click.option("--format", "fmt", type=FORMAT_CHOICE, help="Only this format (default: all of them).")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
              help="Language of the report.")
@click.option("-o", "--output", type=click.Path(), help="Folder for the reports (default: OUTPUT_DIR/RUN_ID/reports); "
              "with --format, a file name is fine too (not for ict, which is a folder).")
@_CONFIG
@_REVIEWS
def report(run_id: str, fmt: str | None, lang: str, output: str | None, config_path: str,
           reviews_path: str | None) -> None:
    """Write the reports of RUN_ID (or 'latest'): the test template (html, pdf, csv, xlsx, md) and the ICT report.

    \b
    Examples:
        nettsjekk report 20270302-073000-1a2b3c                 # every format, in Norwegian
        nettsjekk report 20270302-073000-1a2b3c --format pdf -o testmal.pdf
        nettsjekk report 20270302-073000-1a2b3c --format ict --lang en -o ict-report/
    """
    from nettsjekk.checkpoints.config import load_config
    from nettsjekk.reports.messages import Messages
    from nettsjekk.reports.build import build_report
    from nettsjekk.reports.render import FILE_NAMES, render_all, render_format
    from nettsjekk.checkpoints.reviews import load_reviews
    from nettsjekk.checkpoints.store import Store
    from nettsjekk.cli.common import writing_to

    config = load_config(Path(config_path))
    reviews = load_reviews(Path(reviews_path) if reviews_path else config.reviews_path)
    store = Store(config.database, create=False)
    if run_id == "latest":
        listed = store.runs()
        run_id = listed[-1]["id"] if listed else run_id
    folder = Path(output) if output else config.output_dir / run_id / "reports"
    store.run(run_id)
    with writing_to(folder):
        if fmt is None:
            written = render_all(store, run_id, config, folder, lang=lang, reviews=reviews)
        else:
            if fmt == "ict":
                path = folder if output else folder / FILE_NAMES["ict"]
            else:
                path = folder if output and folder.suffix else folder / FILE_NAMES[fmt]
            model = build_report(store, run_id, config, reviews)
            written = {fmt: render_format(model, fmt, Messages(lang), path)}
    for name, path in written.items():
        click.echo(f"{name:5} {path}")


@click.command("whitelist-pdf")
@click.argument("html_file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="The PDF (default: HTML_FILE with .pdf).")
@click.option("--portrait", is_flag=True, help="A4 portrait instead of landscape.")
def whitelist_pdf(html_file: str, output: str | None, portrait: bool) -> None:
    """Print the vendor whitelist document to PDF with Chromium, for network staff.

    \b
    Example:
        nettsjekk whitelist-doc --results run.json --format html -o hvitelisting.html
        nettsjekk whitelist-pdf hvitelisting.html            # writes hvitelisting.pdf
    """
    from nettsjekk.reports.render import print_pdf

    target = Path(output) if output else Path(html_file).with_suffix(".pdf")
    click.echo(print_pdf(Path(html_file), target, landscape=not portrait))


@click.group()
def review() -> None:
    """Review decisions on findings and hosts (reviews.yaml)."""


def _decision_options(expires: bool):  # noqa: ANN202 - a decorator
    def decorate(command):  # noqa: ANN001, ANN202
        options = [
            click.argument("resource"),
            click.option("--rule", help="The rule id of the finding (see the report's findings)."),
            click.option("--host", help="A host of the resource, e.g. one the vendor file lacks."),
            click.option("--reason", required=True, help="Why: what was checked, with whom."),
            click.option("--by", "who", required=True, help="Who decides."),
        ]
        if expires:
            options.append(click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]),
                                        help="Last day the acceptance holds (YYYY-MM-DD)."))
        options += [_CONFIG, _REVIEWS]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


@review.command("accept")
@_decision_options(expires=True)
def review_accept(resource: str, rule: str | None, host: str | None, reason: str, who: str,
                  expires: dt.datetime | None, config_path: str, reviews_path: str | None) -> None:
    """Accept a finding (--rule) or a host (--host) of RESOURCE: it no longer fails the verdict.

    An accepted finding becomes the condition "reviewed: ..." (the verdict is at best OK with
    conditions) until --expires has passed.

    \b
    Example:
        nettsjekk review accept demo-chatbot --rule comm-intercom-messenger \\
            --reason "Chat is off in exam mode (vendor, 2026-11-20)" --by "Kari Nordmann" --expires 2027-06-30
    """
    _record("accepted", resource, rule, host, reason, who, expires.date() if expires else None, config_path,
            reviews_path)


@review.command("confirm")
@_decision_options(expires=False)
def review_confirm(resource: str, rule: str | None, host: str | None, reason: str, who: str, config_path: str,
                   reviews_path: str | None) -> None:
    """Confirm a finding (--rule) or a missing host (--host) of RESOURCE as a real error to report.

    It keeps failing the verdict and is listed under "errors to report": national-list resources
    go to the resource group, local ones to the vendor.
    """
    _record("confirmed", resource, rule, host, reason, who, None, config_path, reviews_path)


@review.command("list")
@_CONFIG
@_REVIEWS
def review_list(config_path: str, reviews_path: str | None) -> None:
    """Show the decisions in reviews.yaml and whether each holds today."""
    from nettsjekk.checkpoints.reviews import ReviewBook, load_reviews
    from nettsjekk.cli.text import format_table

    path = _reviews_file(config_path, reviews_path)
    reviews = load_reviews(path)
    book = ReviewBook(reviews, dt.date.today())
    rows = []
    for r in reviews:
        state = book.finding(r.resource, r.rule) if r.rule else book.host(r.resource, r.host or "")
        current = "superseded" if state is None or state.review is not r else state.status
        rows.append((r.resource, r.subject, r.decision, r.by, r.date, r.expires or "", current))
    click.echo(format_table(("resource", "rule or host", "decision", "by", "date", "expires", "today"), rows))
    click.echo(f"{len(reviews)} decision(s) in {path}", err=True)


def _reviews_file(config_path: str, reviews_path: str | None) -> Path:
    if reviews_path:
        return Path(reviews_path)
    from nettsjekk.checkpoints.config import load_config

    return load_config(Path(config_path)).reviews_path


def _record(decision: str, resource: str, rule: str | None, host: str | None, reason: str, who: str,
            expires: dt.date | None, config_path: str, reviews_path: str | None) -> None:
    from nettsjekk.checkpoints.reviews import Review, append_review
    from nettsjekk.core.errors import ConfigError
    from pydantic import ValidationError

    if (rule is None) == (host is None):
        raise click.UsageError("give exactly one of --rule RULE or --host HOST")
    path = _reviews_file(config_path, reviews_path)
    if Path(config_path).is_file():
        _check_known(Path(config_path), resource, rule)
    try:
        entry = Review(resource=resource, rule=rule, host=host, decision=decision, reason=reason, by=who,
                       date=dt.date.today(), expires=expires)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'review'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"not a valid review decision: {problems}") from None
    append_review(path, entry)
    until = f" until {expires}" if expires else ""
    click.echo(f"{path}: {decision} {entry.subject} for {resource}{until}")


def _check_known(config_path: Path, resource: str, rule: str | None) -> None:
    """The resource must be on a configured list, and the rule among the loaded rules."""
    from nettsjekk.checkpoints.config import load_config
    from nettsjekk.lists.catalog import load_catalog
    from nettsjekk.core.errors import ConfigError
    from nettsjekk.probes.rulebook import load_rules

    config = load_config(config_path)
    vendor_dir = config.vendor_dir
    load_catalog(config.list_paths, vendor_dir).resource(resource)
    if rule is not None:
        known = sorted(r.id for r in load_rules([config.path(p) for p in config.settings.rules]))
        if rule not in known:
            close = difflib.get_close_matches(rule, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else " (see the findings in the ICT report)"
            raise ConfigError(f"unknown rule {rule!r}{hint}")
