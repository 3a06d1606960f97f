"""Which links are crawled, which are only checked, and which are left alone.

A link is **internal** when its host is the resource's registered domain (or below it) or one of
its vendor's declared hosts; internal pages are crawled. The resource's ``exclude`` patterns skip a
URL entirely; when ``include`` patterns exist, an internal URL must match one to be crawled (it is
still checked otherwise). Everything else is **external**: checked, never crawled.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from nettsjekk.core.hosts import covered_by
from nettsjekk.core.domains import is_ip_address, registered_domain


def site_patterns(host: str) -> list[str]:
    """Host patterns covering ``host``'s whole site: its registered domain and every host below it.

    >>> site_patterns("www.snl.no")
    ['snl.no', '*.snl.no']
    """
    host = host.lower().rstrip(".")
    if is_ip_address(host):
        return [host]
    domain = registered_domain(host)
    return [domain, f"*.{domain}"]


def host_of(url: str) -> str:
    """The lower-case host of ``url`` ('' when it has none)."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


@dataclass(frozen=True)
class Scope:
    """The crawl scope of one resource, plus what the exam network lets through."""

    hosts: tuple[str, ...]
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    blocked_hosts: tuple[str, ...] = ()
    exam_hosts: tuple[str, ...] | None = None

    @classmethod
    def build(cls, hosts: Sequence[str], include: Sequence[str] = (), exclude: Sequence[str] = (),
              blocked_hosts: Sequence[str] = (), exam_hosts: Sequence[str] | None = None) -> Scope:
        """A scope from plain lists (as a crawl job carries them)."""
        return cls(tuple(h.lower() for h in hosts), tuple(re.compile(p) for p in include),
                   tuple(re.compile(p) for p in exclude), tuple(h.lower() for h in blocked_hosts),
                   None if exam_hosts is None else tuple(h.lower() for h in exam_hosts))

    def is_internal(self, url: str) -> bool:
        """The URL's host belongs to the resource (its site or its vendor's hosts)."""
        return covered_by(host_of(url), self.hosts)

    def is_excluded(self, url: str) -> bool:
        """The resource's ``exclude`` patterns say: leave this URL alone."""
        return any(p.search(url) for p in self.exclude)

    def is_followable(self, url: str) -> bool:
        """Internal, not excluded, and matching ``include`` when the resource has such patterns."""
        if not self.is_internal(url) or self.is_excluded(url):
            return False
        return not self.include or any(p.search(url) for p in self.include)

    def is_vendor_blocked(self, url: str) -> bool:
        """The vendor file lists this host under ``blocked_hosts`` (it must stay blocked)."""
        return covered_by(host_of(url), self.blocked_hosts)

    def allowlisted(self, url: str) -> bool | None:
        """Whether the exam network lets this host through; None when the allowlist is unknown."""
        if self.exam_hosts is None:
            return None
        host = host_of(url)
        return covered_by(host, self.exam_hosts) and not covered_by(host, self.blocked_hosts)
