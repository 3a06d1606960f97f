"""Which same-site pages of a resource to visit after its home page."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

from nettsjekk.probes.detectors.base import PageSnapshot

SKIPPED_EXTENSIONS = (".pdf", ".zip", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".mp3", ".mp4",
                      ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".exe", ".dmg", ".epub", ".rss", ".xml")
SKIPPED_WORDS = ("logout", "logg-ut", "loggut", "signout", "sign-out")


def pick_subpages(snapshot: PageSnapshot, limit: int, visited: set[str]) -> list[str]:
    """Up to ``limit`` distinct same-site http(s) links of the main frame, visible ones first."""
    if limit <= 0:
        return []
    main = next((frame for frame in snapshot.frames if frame.main), None)
    if main is None:
        return []
    links = sorted(main.data["links"], key=lambda link: not link["visible"])
    picked: list[str] = []
    seen = {urldefrag(url)[0] for url in visited}
    for link in links:
        url = urldefrag(link["href"])[0]
        if url not in seen and _worth_visiting(url, snapshot):
            seen.add(url)
            picked.append(url)
            if len(picked) == limit:
                break
    return picked


def _worth_visiting(url: str, snapshot: PageSnapshot) -> bool:
    parts = urlsplit(url)
    path = parts.path.lower()
    return (parts.scheme in ("http", "https") and bool(parts.hostname) and snapshot.is_own(parts.hostname)
            and not path.endswith(SKIPPED_EXTENSIONS) and not any(word in path for word in SKIPPED_WORDS))
