"""Book-keeping of one crawl: every unique link once, from discovery until it has a result."""

from __future__ import annotations

from dataclasses import dataclass

from nettsjekk.probes.crawler.extract import FoundLink, link_key


@dataclass(frozen=True)
class Entry:
    """A link waiting for its result: how it was found and how deep."""

    link: FoundLink
    depth: int


class Ledger:
    """Unique links by canonical URL; ``open`` ones are still being checked."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._open: set[str] = set()

    def add(self, link: FoundLink, depth: int) -> str | None:
        """Register a new link and return its key; None when it was seen before."""
        key = link_key(link.url)
        if key in self._entries:
            return None
        self._entries[key] = Entry(link, depth)
        self._open.add(key)
        return key

    def entry(self, key: str) -> Entry:
        return self._entries[key]

    def close(self, key: str) -> Entry | None:
        """Mark ``key`` done; None when it already was (a late duplicate answer)."""
        if key not in self._open:
            return None
        self._open.discard(key)
        return self._entries[key]

    def still_open(self) -> list[str]:
        """Keys without a result yet, in discovery order."""
        return [key for key in self._entries if key in self._open]

    def __len__(self) -> int:
        return len(self._entries)
