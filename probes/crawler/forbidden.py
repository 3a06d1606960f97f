"""Destinations that must not work in an exam (video, social media, search, AI, ...): the shared deny
catalog (``core/deny.yaml``, read by ``nettsjekk.core.deny``), the same list the
allowlist exports are guarded with. A link there is ``forbidden_destination``, not requested at all.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def forbidden_category(url: str) -> str | None:
    """The deny category of ``url``'s host (its most specific entry), or None.

    >>> forbidden_category("https://www.youtube.com/watch?v=1")
    'video'
    >>> forbidden_category("https://translate.google.com/")
    'translation'
    """
    from nettsjekk.core.deny import deny_category

    host = urlsplit(url).hostname or ""
    return deny_category(host) if host else None
