"""URLs a probe accepts."""

from __future__ import annotations

from urllib.parse import urlsplit

from nettsjekk.core.domains import is_ip_address, normalize_hostname
from nettsjekk.core.errors import InvalidHostname, InvalidUrl


def check_probe_url(url: str) -> str:
    """Return ``url`` if it is an absolute http(s) URL with a valid host, else raise ``InvalidUrl``."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError as exc:
        raise InvalidUrl(f"{url!r} is not a valid URL ({exc})") from exc
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidUrl(f"{url!r} is not an http(s) URL (expected e.g. https://snl.no/)")
    if not host:
        raise InvalidUrl(f"{url!r} has no host name")
    if not is_ip_address(host):
        try:
            normalize_hostname(host)
        except InvalidHostname as exc:
            raise InvalidUrl(f"{url!r} has an invalid host: {exc}") from exc
    return url.strip()
