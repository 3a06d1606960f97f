"""Reports people act on: the test template (HTML, PDF, CSV, XLSX, Markdown), the ICT failure
report (an offline HTML folder) and review decisions (``reviews.yaml``). Plain Python, no Prefect.

    from nettsjekk.flows.reports import render_all
    paths = render_all(store, run_id, config, out_dir)      # {"html": ..., "pdf": ..., "ict": ...}

Everything is built from one view model (:func:`build_report`) and rendered in ``nb`` (default)
or ``en`` from the message catalogues in ``messages/``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMATS", "Messages", "ReportModel", "Review", "ReviewBook", "ReviewFileError", "append_review",
           "build_report", "load_reviews", "print_pdf", "render_all", "render_format"]

_HOMES = {"FORMATS": "render", "render_all": "render", "render_format": "render", "print_pdf": "render",
          "ReportModel": "model", "build_report": "model", "Messages": "messages", "Review": "reviews",
          "ReviewBook": "reviews", "ReviewFileError": "reviews", "append_review": "reviews",
          "load_reviews": "reviews"}


def __getattr__(name: str) -> Any:
    """Import lazily, so ``flows.runplan`` (which needs only the reviews) stays light."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
