"""URLs a probe accepts."""

from __future__ import annotations

from urllib.parse import urlsplit

from nettsjekk.core.domains import is_ip_address, normalize_hostname
from nettsjekk.core.errors import InvalidHostname, InvalidUrl

PROXY_SCHEMES = ("http", "https", "socks4", "socks5")


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
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number 0-65535
    except ValueError as exc:
        raise InvalidUrl(f"{url!r} has an invalid port ({exc})") from None
    if not is_ip_address(host):
        try:
            normalize_hostname(host)
        except InvalidHostname as exc:
            raise InvalidUrl(f"{url!r} has an invalid host: {exc}") from exc
    return url.strip()


def check_proxy_url(proxy: str, schemes: tuple[str, ...] = PROXY_SCHEMES) -> str:
    """Return ``proxy`` if it is ``scheme://host[:port]`` with a scheme of ``schemes``, else raise
    ``InvalidUrl`` (a proxy that cannot be reached would make every probe fail, not the input)."""
    example = "http://127.0.0.1:3128" + (" or socks5://127.0.0.1:1080" if "socks5" in schemes else "")
    try:
        parts = urlsplit(proxy.strip())
        port = parts.port
    except ValueError:
        parts, port = None, None
    if (parts is None or parts.scheme not in schemes or not parts.hostname or parts.path not in ("", "/")
            or parts.query or parts.fragment or port == 0):
        raise InvalidUrl(f"proxy {proxy[:80]!r} is not a proxy URL like {example}")
    return proxy.strip()
