"""Link extraction: which elements count, how URLs are resolved, what text is kept."""

from __future__ import annotations

from scrapy.http import HtmlResponse

from nettsjekk.probes.crawler.extract import extract_links, link_key

PAGE = b"""<!doctype html><html><head><base href="https://x.no/dir/">
<link rel="stylesheet" href="style.css"><link rel="preconnect" href="https://fonts.example/">
<script src="/app.js"></script></head><body>
<a href="a.html#top">  Side   A </a>
<a href="#local">skip me</a>
<a href="mailto:post@x.no">e-post</a>
<a href="//cdn.x.no/doc.pdf" title="Last ned"></a>
<map><area href="/kart.html" alt="Kart"></map>
<iframe src="https://video.example/embed"></iframe>
<img src="bilde.png" alt="Et bilde">
<a href="/b.html"><img src="logo.png" alt="Logo"></a>
</body></html>"""


def response() -> HtmlResponse:
    return HtmlResponse("https://x.no/dir/index.html", body=PAGE, encoding="utf-8")


def test_links_images_frames_scripts_and_stylesheets_are_found_and_resolved():
    found = {(link.tag, link.url) for link in extract_links(response())}
    assert found == {
        ("a", "https://x.no/dir/a.html"), ("a", "mailto:post@x.no"), ("a", "https://cdn.x.no/doc.pdf"),
        ("a", "https://x.no/b.html"), ("area", "https://x.no/kart.html"), ("iframe", "https://video.example/embed"),
        ("img", "https://x.no/dir/bilde.png"), ("img", "https://x.no/dir/logo.png"),
        ("script", "https://x.no/app.js"), ("link", "https://x.no/dir/style.css"),
    }


def test_text_is_the_words_or_the_alt_or_the_title():
    texts = {link.url: link.text for link in extract_links(response()) if link.tag in ("a", "area")}
    assert texts["https://x.no/dir/a.html"] == "Side A"
    assert texts["https://x.no/b.html"] == "Logo"
    assert texts["https://cdn.x.no/doc.pdf"] == "Last ned"
    assert texts["https://x.no/kart.html"] == "Kart"


def test_assets_can_be_left_out_and_every_link_knows_its_page():
    links = extract_links(response(), check_assets=False)
    assert {link.kind for link in links} == {"link", "frame"}
    assert {link.source for link in links} == {"https://x.no/dir/index.html"}


def test_a_link_key_ignores_the_fragment_and_query_order():
    assert link_key("https://x.no/a?b=2&a=1#top") == link_key("https://x.no/a?a=1&b=2")
