"""Which lists, resources and probe results an export or a whitelist document covers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nettsjekk.lists.catalog import Catalog, bundled_lists_dir, load_catalog
from nettsjekk.lists.models import Resource
from nettsjekk.core.errors import ConfigError

from nettsjekk.allowlists.inventory import Inventory, build_inventory
from nettsjekk.allowlists.probe_results import ResourceResult, load_results

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
