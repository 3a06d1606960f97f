"""Reports people act on: the test template (HTML, PDF, CSV, XLSX, Markdown), the ICT failure
report (an offline HTML folder) and review decisions (``reviews.yaml``). Plain Python, no Prefect.

    from nettsjekk.reports import render_all
    paths = render_all(store, run_id, config, out_dir)      # {"html": ..., "pdf": ..., "ict": ...}

Everything is built from one view model (:func:`build_report`) and rendered in ``nb`` (default)
or ``en`` from the message catalogues in ``messages/``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMATS", "Messages", "ReportModel", "Review", "ReviewBook", "ReviewFileError", "append_review",
           "build_report", "load_reviews", "print_pdf", "render_all", "render_format"]

_REVIEWS = "nettsjekk.checkpoints.reviews"
_HOMES = {"FORMATS": f"{__name__}.render", "render_all": f"{__name__}.render", "render_format": f"{__name__}.render",
          "print_pdf": f"{__name__}.render", "ReportModel": f"{__name__}.build", "build_report": f"{__name__}.build",
          "Messages": f"{__name__}.messages", "Review": _REVIEWS, "ReviewBook": _REVIEWS,
          "ReviewFileError": "nettsjekk.core.errors", "append_review": _REVIEWS, "load_reviews": _REVIEWS}


def __getattr__(name: str) -> Any:
    """Import lazily, so importing the package stays light."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(_HOMES[name]), name)
