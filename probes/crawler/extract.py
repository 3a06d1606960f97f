"""Finds the links of an HTML page: which elements count is data (``elements`` in policy.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from w3lib.url import canonicalize_url, safe_url_string

from nettsjekk.probes.crawler.policy import Element, policy

if TYPE_CHECKING:
    from parsel import Selector
    from scrapy.http import TextResponse

MAX_TEXT = 200


@dataclass(frozen=True)
class FoundLink:
    """A link as found on a page: absolute URL (fragment removed), element, text and page."""

    url: str
    tag: str
    kind: str
    text: str = ""
    source: str | None = None


def link_key(url: str) -> str:
    """The identity of a link for de-duplication: canonical form, no fragment."""
    return canonicalize_url(url, keep_fragments=False)


def extract_links(response: TextResponse, check_assets: bool = True) -> list[FoundLink]:
    """Every link of ``response`` in document order per element kind, relative URLs resolved
    against the page (and its ``<base href>``), fragments dropped, raw schemes kept."""
    found = []
    for element in policy().elements:
        if element.kind == "asset" and not check_assets:
            continue
        for node in response.css(_selector(element)):
            raw = (node.attrib.get(element.attr) or "").strip()
            if raw and not raw.startswith("#"):
                found.append(FoundLink(_absolute(response, raw), element.tag, element.kind, _text(node), response.url))
    return found


def _selector(element: Element) -> str:
    if not element.rel:
        return f"{element.tag}[{element.attr}]"
    return ", ".join(f'{element.tag}[{element.attr}][rel~="{rel}"]' for rel in element.rel)


def _absolute(response: TextResponse, raw: str) -> str:
    """``raw`` resolved against the page, without its fragment; non-http schemes as written."""
    scheme = raw.split(":", 1)[0].lower() if ":" in raw.split("/", 1)[0] else ""
    if scheme and scheme not in ("http", "https"):
        return raw
    return safe_url_string(response.urljoin(raw)).split("#", 1)[0]


def _text(node: Selector) -> str:
    """The link's visible words: its text, else its image's alt, else its title."""
    words = " ".join(" ".join(node.css("::text").getall()).split())
    if not words:
        fallback = node.css("img::attr(alt)").get() or node.attrib.get("alt") or node.attrib.get("title") or ""
        words = " ".join(fallback.split())
    return words[:MAX_TEXT]
