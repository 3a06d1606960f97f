"""The crawl's rules as data: ``data/policy.yaml`` read once into a frozen ``Policy``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Element:
    """An element whose attribute holds a link: ``kind`` is ``link``, ``frame`` or ``asset``."""

    tag: str
    attr: str
    kind: str
    rel: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    """What is collected, retried, suspected and rechecked (see ``data/policy.yaml``)."""

    elements: tuple[Element, ...]
    skipped_schemes: frozenset[str]
    retry_statuses: frozenset[int]
    final_proxy_errors: frozenset[str]
    suspect_statuses: frozenset[int]
    recheck_broken_statuses: frozenset[int]
    failures: tuple[tuple[str, tuple[str, ...]], ...]
    retry_failures: frozenset[str]


def read_yaml(name: str) -> dict:
    """A YAML file from ``data/``."""
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def policy() -> Policy:
    """The bundled policy."""
    data = read_yaml("policy.yaml")
    return Policy(
        elements=tuple(Element(e["tag"], e["attr"], e["kind"], tuple(e.get("rel", ()))) for e in data["elements"]),
        skipped_schemes=frozenset(data["skipped_schemes"]),
        retry_statuses=frozenset(data["retry_statuses"]),
        final_proxy_errors=frozenset(data["final_proxy_errors"]),
        suspect_statuses=frozenset(data["suspect_statuses"]),
        recheck_broken_statuses=frozenset(data["recheck_broken_statuses"]),
        failures=tuple((f["reason"], tuple(f["match"])) for f in data["failures"]),
        retry_failures=frozenset(data["retry_failures"]),
    )
