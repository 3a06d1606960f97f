"""Every report format from one :class:`~.model.ReportModel`.

==========  ===============================  ====================================================
format      file (in the report folder)      what
==========  ===============================  ====================================================
``html``    ``test-template.html``           the test template, printable, one self-contained file
``pdf``     ``test-template.pdf``            the same, printed by Chromium (A4 landscape)
``csv``     ``test-template.csv``            the rows, UTF-8 with BOM (``;``-separated in Norwegian)
``xlsx``    ``test-template.xlsx``           the rows, header frozen, filters on
``md``      ``test-template.md``             summary and rows in Markdown (Prefect artifact)
``ict``     ``ict/index.html``               the ICT failure report: a folder that works offline
==========  ===============================  ====================================================

No report loads anything from the network: styles and scripts are inline (with a CSP hash) or
files in the folder, images are copied in, and a strict Content-Security-Policy says so.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup
from nettsjekk.core.errors import EngineUnavailable

from nettsjekk.checkpoints.config import Config
from nettsjekk.checkpoints.store import Store
from nettsjekk.core.templating import TEMPLATES_DIR, render
from nettsjekk.checkpoints.verdict import OK
from nettsjekk.reports import table
from nettsjekk.reports.messages import VERDICT_KEYS, Messages
from nettsjekk.reports.build import FEATURES, ICT_DIR, MARKS, ReportModel, build_report, links_anchor
from nettsjekk.checkpoints.reviews import Review

if TYPE_CHECKING:
    from nettsjekk.probes.browsers import Browsers
    from nettsjekk.probes.service import ProbeService

log = logging.getLogger(__name__)

FORMATS = ("html", "pdf", "csv", "xlsx", "md", "ict")
FILE_NAMES = {"html": "test-template.html", "pdf": "test-template.pdf", "csv": "test-template.csv",
              "xlsx": "test-template.xlsx", "md": "test-template.md", "ict": f"{ICT_DIR}/index.html"}
ICT_CSP = ("default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; base-uri 'none'; "
           "form-action 'none'")
ICT_ASSETS = ("report.css", "report.js")
SYMBOLS = {"ok": "✓", "flaky": "↻", "failing": "✗", "location_unreachable": "–"}
MARK_SYMBOLS = {"ok": "✓", "fail": "✗", "warn": "!", "none": "–"}
"""The compact test template's matrix (``CellView.mark``)."""
MATRIX_ROWS = 40
"""Rows per matrix block: more resources are set side by side, so 80 fill one A4 landscape page."""
_LOCATION_CHANGES = (
    (re.compile(r"^(?P<location>[^:/]+): new host (?P<host>\S+)$"), "ict.loc_new_host"),
    (re.compile(r"^(?P<location>[^:/]+): host gone (?P<host>\S+)$"), "ict.loc_gone_host"),
    (re.compile(r"^(?P<location>[^:/]+)/(?P<engine>[^:]+): (?P<before>\S+) -> (?P<now>\S+)$"), "ict.loc_status"),
)


def render_all(store: Store, run_id: str, config: Config, out_dir: Path, *, lang: str = "nb",
               reviews: list[Review] | None = None, service: ProbeService | None = None) -> dict[str, Path]:
    """Write every format of ``run_id`` into ``out_dir``; return the written paths by format.

    ``reviews`` default to the configured ``reviews.yaml``; ``service`` is a running
    ``ProbeService`` to print the PDF with (one is started when None). The PDF is left out, with a
    warning, when Chromium is not installed; everything else raises on failure.
    """
    model = build_report(store, run_id, config, reviews)
    t = Messages(lang)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for fmt in ("ict", "html", "csv", "xlsx", "md"):
        written[fmt] = render_format(model, fmt, t, out_dir / FILE_NAMES[fmt])
    try:
        written["pdf"] = print_pdf(written["html"], out_dir / FILE_NAMES["pdf"], service, landscape=True,
                                   footer=pdf_footer(model, t))
    except EngineUnavailable as exc:
        log.warning("no PDF of the test template: %s", exc)
    return written


def render_format(model: ReportModel, fmt: str, t: Messages, path: Path,
                  service: ProbeService | None = None) -> Path:
    """Write one format to ``path`` (for ``ict``: the folder's ``index.html``, or the folder)."""
    path = Path(path)
    if fmt == "ict":
        folder = path.parent if path.suffix == ".html" else path
        return write_ict(model, t, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        _write_text(path, render_test_template(model, t))
    elif fmt == "md":
        _write_text(path, render_markdown(model, t))
    elif fmt == "csv":
        table.write_csv(model, t, path)
    elif fmt == "xlsx":
        table.write_xlsx(model, t, path)
    elif fmt == "pdf":
        _pdf_via_temp_html(model, t, path, service)
    else:
        raise ValueError(f"unknown report format {fmt!r} (choose from {', '.join(FORMATS)})")
    return path


# ---------------------------------------------------------------- HTML and Markdown


def context(model: ReportModel, t: Messages) -> dict:
    """What every template gets: the model, the messages, and small helpers."""
    return {"model": model, "t": t, "OK": OK, "features": FEATURES, "symbols": SYMBOLS,
            "verdict_key": VERDICT_KEYS.__getitem__, "evidence_href": table.evidence_href, "links_anchor": links_anchor,
            "fmt": {"forbidden_links": table.forbidden_links, "broken_links": table.broken_links,
                    "extra_hosts": table.extra_hosts, "action": lambda loc, item: table.action(model, loc, item, t),
                    "left_out_why": table.left_out_why},
            "location_change": lambda text: location_change(text, t),
            "marks": MARKS, "mark_symbols": MARK_SYMBOLS, "matrix_blocks": matrix_blocks,
            "detail_rows": lambda resource: table.detail_rows(resource, t), "detail_columns": table.DETAIL_COLUMNS,
            "reviews_name": Path(model.reviews_file).name}


def matrix_blocks(resources: list, rows: int = MATRIX_ROWS) -> list[list]:
    """``resources`` in as few even blocks of at most ``rows`` as fit, to set side by side."""
    if not resources:
        return []
    count = -(-len(resources) // rows)
    size = -(-len(resources) // count)
    return [resources[i:i + size] for i in range(0, len(resources), size)]


def render_test_template(model: ReportModel, t: Messages) -> str:
    """The printable test template: one HTML file, its CSS inline and allowed by hash."""
    css = (TEMPLATES_DIR / "reports" / "test-template.css").read_text(encoding="utf-8")
    return render("reports/test-template.html.j2", **context(model, t), css=Markup(css), style_hash=csp_hash(css))


def render_markdown(model: ReportModel, t: Messages) -> str:
    return render("reports/test-template.md.j2", **context(model, t), headers=table.headers(t),
                  rows=table.rows(model, t), columns=table.COLUMNS)


def csp_hash(text: str) -> str:
    """The CSP source expression allowing exactly this inline ``<style>`` or ``<script>`` text."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def location_change(text: str, t: Messages) -> str:
    """A drift line such as ``skolen: new host x`` in the report's language (as given when unknown)."""
    for pattern, key in _LOCATION_CHANGES:
        match = pattern.match(text)
        if match:
            params = match.groupdict()
            for name in ("before", "now"):
                if name in params and t.has(f"status.{params[name]}"):
                    params[name] = t(f"status.{params[name]}")
            return t(key, **params)
    return text


# ---------------------------------------------------------------- the ICT folder


def write_ict(model: ReportModel, t: Messages, folder: Path) -> Path:
    """The ICT failure report as a folder: ``index.html``, its CSS and JS, and every screenshot and
    crop copied under ``evidence/``. Returns ``index.html``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for asset in ICT_ASSETS:
        shutil.copyfile(TEMPLATES_DIR / "reports" / "ict" / asset, folder / asset)
    for image in model.images:
        target = folder / image.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.stat().st_size != image.source.stat().st_size:
            shutil.copyfile(image.source, target)
    index = folder / "index.html"
    _write_text(index, render("reports/ict/index.html.j2", **context(model, t), csp=Markup(ICT_CSP)))
    return index


# ---------------------------------------------------------------- PDF


def print_pdf(html_path: Path, pdf_path: Path, service: ProbeService | None = None, landscape: bool = False,
              footer: str = "") -> Path:
    """Print ``html_path`` to ``pdf_path`` (A4) with Chromium through the probe service's browsers.

    ``service`` is a running ``ProbeService``; without one, a service is started and closed here.
    ``footer`` goes before the page number at the foot of every page. Links to files next to
    ``html_path`` become relative, so they still work when the folder is moved or sent on.
    Raises ``EngineUnavailable`` when Chromium is not installed.
    """
    from nettsjekk.probes.browsers import BrowserSettings
    from nettsjekk.probes.service import ProbeService

    own = service is None
    service = service or ProbeService(BrowserSettings())
    try:
        service.run(_print(service.browsers, Path(html_path).resolve().as_uri(), Path(pdf_path), landscape,
                           _footer(footer)), timeout=120)
    finally:
        if own:
            service.close()
    relative_links(Path(pdf_path), Path(html_path).resolve().parent)
    return Path(pdf_path)


def relative_links(pdf_path: Path, folder: Path) -> int:
    """Make the PDF's ``file://`` links into ``folder`` relative to it; return how many.

    Chromium writes every link absolute; a ``file:///home/…`` link breaks once the PDF is sent on.
    Each link string is shortened in place and padded with spaces after it (whitespace between PDF
    tokens), so every byte offset, and with them the cross-reference table, stays valid."""
    data = pdf_path.read_bytes()
    prefix = b"(" + (folder.as_uri().rstrip("/") + "/").encode("ascii", "backslashreplace")
    count = data.count(prefix)
    if not count:
        return 0
    pattern = re.compile(re.escape(prefix) + rb"([^()\\]*)\)")
    fixed = pattern.sub(lambda m: b"(" + m.group(1) + b")" + b" " * (len(prefix) - 1), data)
    pdf_path.write_bytes(fixed)
    return count


def _footer(text: str) -> str:
    from markupsafe import escape

    lead = f"{escape(text)} " if text else ""
    return ('<div style="font-size:7pt;color:#555;width:100%;text-align:center;">'
            f'{lead}<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def pdf_footer(model: ReportModel, t: Messages) -> str:
    """The test template's PDF footer: checkpoint and run (the page number follows)."""
    return f"{t('title.test_template')}: {t.checkpoint(model.checkpoint)} · {t('run.run')} {model.run_id} · {t('run.page')}"


async def _print(browsers: Browsers, url: str, pdf_path: Path, landscape: bool, footer: str) -> None:
    context = await browsers.new_context("chromium")
    try:
        page = await context.new_page()
        await page.goto(url, wait_until="load")
        await page.emulate_media(media="print")
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        await page.pdf(path=str(pdf_path), format="A4", landscape=landscape, print_background=True,
                       prefer_css_page_size=True, display_header_footer=True, header_template="<span></span>",
                       footer_template=footer)
    finally:
        await context.close()


def _pdf_via_temp_html(model: ReportModel, t: Messages, path: Path, service: ProbeService | None) -> None:
    """Print the test template without leaving its HTML behind (links resolve next to ``path``)."""
    fd, name = tempfile.mkstemp(prefix=".test-template-", suffix=".html", dir=path.parent)
    os.close(fd)
    try:
        _write_text(Path(name), render_test_template(model, t))
        print_pdf(Path(name), path, service, landscape=True, footer=pdf_footer(model, t))
    finally:
        Path(name).unlink(missing_ok=True)


def _write_text(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a report."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.chmod(name, 0o644)
    os.replace(name, path)
