"""Allowlists for the locked exam network: inventory, least-privilege compiler, deny guard, exports.

Plain Python (no Prefect). The pieces, each a module with one job:

* :mod:`.probe_results` reads probe results files; :mod:`.inventory` folds them into the hosts each
  resource contacted, with provenance, and compares them with the vendor files;
* :mod:`.compiler` turns inventory and vendor files into a least-privilege :class:`.model.Allowlist`;
* :mod:`.hostnames` and :mod:`.shared` decide what a host pattern may be (no wildcard over shared
  infrastructure); :mod:`.deny`, :mod:`.exceptions` and :mod:`.guard` keep denied hosts out;
* :mod:`.render` writes plain, wildcard, squid, pac, chrome, seb and csv exports from the Jinja2
  templates in ``templates/allowlist/``; :mod:`.doc` the vendor whitelist document.

The exam-mode replay lives in :mod:`nettsjekk.probes.replay`, next to the other browser code.
"""

from __future__ import annotations

from .compiler import CompileOptions, compile_allowlist
from .deny import DenyCatalog, deny_category, load_deny_catalog
from .doc import build_document, render_document
from .errors import (
    DeniedHostError,
    ExpiredExceptionError,
    ExportLimitError,
    ExportOptionError,
    ResultsFileError,
)
from .exceptions import ExceptionSet, load_exceptions
from .header import ExportContext
from .hostnames import HostPattern, WildcardRefused
from .inventory import Inventory, build_inventory, compare, declarations
from .model import AllowEntry, Allowlist, LeftOut, Origin
from .probe_results import ResourceResult, from_pairs, load_results
from .render import FORMATS, render_export, render_squid_snippet
from .selection import Selection, select

__all__ = [
    "FORMATS",
    "AllowEntry",
    "Allowlist",
    "CompileOptions",
    "DeniedHostError",
    "DenyCatalog",
    "ExceptionSet",
    "ExpiredExceptionError",
    "ExportContext",
    "ExportLimitError",
    "ExportOptionError",
    "HostPattern",
    "Inventory",
    "LeftOut",
    "Origin",
    "ResourceResult",
    "ResultsFileError",
    "Selection",
    "WildcardRefused",
    "build_document",
    "build_inventory",
    "compare",
    "compile_allowlist",
    "declarations",
    "deny_category",
    "from_pairs",
    "load_deny_catalog",
    "load_exceptions",
    "load_results",
    "render_document",
    "render_export",
    "render_squid_snippet",
    "select",
]
