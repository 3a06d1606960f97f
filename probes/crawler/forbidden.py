"""Destinations that must not work in an exam (video, social media, search, AI, ...).

TODO(deny): switch to ``nettsjekk.probes.deny.deny_category`` when the shared deny catalogue
(``probes/data/deny.yaml``) lands; until then the small list in ``data/forbidden.yaml`` is used.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from .policy import read_yaml


@lru_cache(maxsize=1)
def _suffixes() -> dict[str, str]:
    data = read_yaml("forbidden.yaml")
    return {host: category for category, hosts in data["categories"].items() for host in hosts}


def forbidden_category(url: str) -> str | None:
    """The category that forbids ``url``'s host (longest matching entry), or None.

    >>> forbidden_category("https://www.youtube.com/watch?v=1")
    'video'
    >>> forbidden_category("https://translate.google.com/")
    'translation'
    """
    host = (urlsplit(url).hostname or "").rstrip(".")
    labels = host.split(".")
    for start in range(len(labels)):
        category = _suffixes().get(".".join(labels[start:]))
        if category:
            return category
    return None
