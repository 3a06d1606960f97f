"""Which lists, resources and probe results an export, a replay or a whitelist document covers.

``select`` reads list files and probe results files; ``select_run`` adds the cells of a checkpoint
run from its results store (``--run RUN``, and the run's own exam-mode replay); ``compile_selection``
compiles the least-privilege allowlist of a selection. ``nettsjekk export``, ``nettsjekk replay``
and the checkpoint flow all go through these, so they compile the same allowlist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from nettsjekk.lists.catalog import Catalog, bundled_lists_dir, load_catalog
from nettsjekk.lists.models import Resource
from nettsjekk.core.errors import ConfigError
from nettsjekk.checkpoints.config import Config
from nettsjekk.checkpoints.store import Store

from nettsjekk.allowlists.compiler import CompileOptions, compile_allowlist
from nettsjekk.allowlists.exemptions import ExceptionSet, load_exceptions
from nettsjekk.allowlists.inventory import Inventory, build_inventory
from nettsjekk.allowlists.model import Allowlist
from nettsjekk.allowlists.probe_results import ResourceResult, from_pairs, load_results

LIST_CHOICES = ("national", "local", "all")
DEMO_LIST_NAME = "demo.yaml"


@dataclass(frozen=True)
class Selection:
    """The loaded catalog, the resources chosen from it, and the inventory of their probe results."""

    catalog: Catalog
    resources: tuple[Resource, ...]
    inventory: Inventory


def default_list_paths() -> list[Path]:
    """The bundled list files except the demo list (``--lists lists/demo.yaml`` selects that)."""
    folder = bundled_lists_dir()
    return sorted(p for p in folder.rglob("*.yaml") if p.name != DEMO_LIST_NAME and "__pycache__" not in p.parts)


def select(list_paths: Iterable[str | Path] | None = None, vendor_dir: str | Path | None = None,
           results: Iterable[str | Path] = (), list_name: str = "all", vendor: str | None = None,
           extra_results: Iterable[ResourceResult] = ()) -> Selection:
    """Load the catalog, pick the resources on ``list_name`` (and of ``vendor``), read the results
    (files in ``results`` plus ``extra_results`` already in memory, e.g. a run from the store)."""
    paths = list(list_paths) if list_paths else default_list_paths()
    catalog = load_catalog(paths, vendor_dir)
    if list_name not in LIST_CHOICES:
        raise ConfigError(f"unknown list {list_name!r} (choose from {', '.join(LIST_CHOICES)})")
    chosen = catalog.select(None if list_name == "all" else list_name)
    if vendor is not None:
        catalog.vendor(vendor)  # unknown vendor: ConfigError naming the known ones
        chosen = [r for r in chosen if r.vendor == vendor]
    if not chosen:
        scope = f"list {list_name}" + (f", vendor {vendor}" if vendor else "")
        raise ConfigError(f"no resources selected ({scope}) in {', '.join(str(p) for p in paths)}")
    inventory = build_inventory([*load_results(results), *extra_results], catalog)
    return Selection(catalog, tuple(chosen), inventory)


def run_results(store: Store, run_id: str) -> list[ResourceResult]:
    """Every stored cell of ``run_id`` as a probe result of its resource (any engine and location)."""
    cells = store.cells(store.run(run_id)["id"])
    return from_pairs([(c.key.resource_id, c.result) for c in cells], f"run {run_id}")


def select_run(config: Config, run_id: str, list_name: str = "all", vendor: str | None = None,
               list_paths: Iterable[str | Path] = (), vendor_dir: str | Path | None = None,
               results: Iterable[str | Path] = (), store: Store | None = None) -> Selection:
    """``select`` over the run's cells, with the lists and vendor folder of ``config`` unless given."""
    store = store or Store(config.database, create=False)
    list_paths = list(list_paths) or list(config.list_paths)
    if vendor_dir is None and config.settings.vendor_dir:
        vendor_dir = config.path(config.settings.vendor_dir)
    return select(list_paths, vendor_dir, results, list_name, vendor, extra_results=run_results(store, run_id))


def compile_selection(selection: Selection, options: CompileOptions | None = None,
                      exceptions_file: str | Path | None = None, on: date | None = None
                      ) -> tuple[Allowlist, ExceptionSet]:
    """The compiled allowlist of ``selection`` and the exceptions in force on ``on`` (default today)."""
    exceptions = load_exceptions(exceptions_file, on or date.today())
    allowlist = compile_allowlist(selection.catalog, selection.resources, selection.inventory, options,
                                  exceptions=exceptions)
    return allowlist, exceptions


def run_allowlist(config: Config, store: Store, run_id: str, list_name: str | None = None) -> Allowlist:
    """The allowlist ``nettsjekk export --run RUN_ID --list LIST [--exceptions FILE]`` writes, with the
    configuration's ``exceptions:`` file and otherwise the default options."""
    exceptions = config.path(config.settings.exceptions) if config.settings.exceptions else None
    allowlist, _exceptions = compile_selection(select_run(config, run_id, list_name or "all", store=store),
                                               exceptions_file=exceptions)
    return allowlist
