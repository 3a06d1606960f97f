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

from nettsjekk.allowlists.compiler import CompileOptions, compile_allowlist
from nettsjekk.core.deny import DenyCatalog, deny_category, load_deny_catalog
from nettsjekk.allowlists.doc import build_document, render_document
from nettsjekk.core.errors import (
    DeniedHostError,
    ExpiredExceptionError,
    ExportLimitError,
    ExportOptionError,
    ResultsFileError,
)
from nettsjekk.allowlists.exemptions import ExceptionSet, load_exceptions
from nettsjekk.allowlists.header import ExportContext
from nettsjekk.core.hosts import HostPattern, WildcardRefused
from nettsjekk.allowlists.inventory import Inventory, build_inventory, compare, declarations
from nettsjekk.allowlists.model import AllowEntry, Allowlist, LeftOut, Origin
from nettsjekk.allowlists.probe_results import ResourceResult, from_pairs, load_results
from nettsjekk.allowlists.exports import FORMATS, render_export, render_squid_snippet
from nettsjekk.allowlists.selection import Selection, select

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
