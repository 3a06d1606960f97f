#!/usr/bin/env python3
"""A generated farm of realistic resource sites for the probe benchmark, served by the fake internet.

    python bench/farm.py --sites 60 --out /tmp/farm           # write the farm and print a summary
    python bench/farm.py serve --root /tmp/farm --latency-ms 200 --name kontoret --name skolen

``generate_farm(root, sites=60, seed=7)`` writes, reproducibly from ``seed``:

* ``sites`` resource sites ``www.ressurs-NNN.no``: a home page of about 100 KB of HTML (navigation,
  articles, a search form, links to eight same-site sub-pages and a few external links), sub-pages of
  30-60 KB, each page with 20-40 subresources across 5-10 hosts: the site's own ``www`` and
  ``static`` hosts, often a ``media`` host, and third-party hosts that many sites share as real
  sites do (a JavaScript CDN, a font service, analytics, an image bank, a consent banner, maps);
* scripts that arrive late: every page injects one to three scripts 0.5-3 s after it loads (some of
  those load an image or an iframe in turn), and about one site in eight loads a chat widget
  (``widget.intercom.io``) after 2 s, which the bundled detection rules flag;
* cache headers as real sites send them: static hosts and CDNs are cacheable for a year, HTML is
  ``no-store`` (the fake internet's default), so a probe's sub-pages reuse its context's cache.

Every response gets the location's latency (``FakeInternet(latency_ms=...)``); several
``FakeInternet`` instances over one farm are several locations. ``serve`` runs them in their own
process (so that the benchmark's CPU figures are the probe side's alone) and prints one JSON line
per location: ``{"name", "proxy_url", "ca", "pid"}``; it stops when its standard input closes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SITE = "www.ressurs-{:03d}.no"
STATIC = "static.ressurs-{:03d}.no"
MEDIA = "media.ressurs-{:03d}.no"
SHARED = {
    "cdn": "cdn.fellesskript.no",        # JavaScript libraries (a jsDelivr/cdnjs)
    "fonts": "fonts.skriftnett.no",      # web fonts (a Google Fonts)
    "stats": "stats.maalenett.no",       # analytics (a Matomo/Siteimprove)
    "images": "bilder.bildebank.no",     # stock images (an image CDN)
    "consent": "samtykke.cookienett.no",  # cookie consent banner
    "maps": "kart.kartnett.no",          # map tiles
    "video": "spiller.videonett.no",     # a video player (not a forbidden one)
}
CHAT = "widget.intercom.io"               # a forbidden chat widget (com-intercom in the bundled rules)
CACHEABLE = {"Cache-Control": "public, max-age=31536000, immutable"}
SUBPAGES = 8
WORDS = ("elev lærer oppgave eksamen fag kapittel ordbok leksikon artikkel kilde side norsk matematikk "
         "naturfag samfunn historie geografi språk tekst figur tabell formel løsning eksempel øving "
         "fjord fjell kyst by bygd skole time uke prøve vurdering mål kompetanse læreplan innhold "
         "definisjon begrep forklaring sammendrag oversikt register søk tema emne periode kart").split()


@dataclass
class Page:
    """One generated page: its path, HTML size and the subresources it references."""

    path: str
    html_bytes: int = 0
    subresources: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)


@dataclass
class FarmSite:
    """A resource of the farm: its URL, own hosts and pages."""

    resource_id: str
    url: str
    hosts: list[str]
    pages: list[Page]
    chat: bool = False


@dataclass
class Farm:
    root: Path
    sites: list[FarmSite]
    seed: int

    def describe(self) -> dict:
        home = [s.pages[0] for s in self.sites]
        hosts_per_home = [len({_host(u) for u in p.subresources + p.late} | {_host(s.url)}) for p, s in zip(home, self.sites)]
        return {
            "sites": len(self.sites), "seed": self.seed,
            "home_html_kb_avg": round(sum(p.html_bytes for p in home) / len(home) / 1024, 1),
            "subresources_per_home": [min(len(p.subresources) for p in home), max(len(p.subresources) for p in home)],
            "late_scripts_per_home": [min(len(p.late) for p in home), max(len(p.late) for p in home)],
            "hosts_per_home": [min(hosts_per_home), max(hosts_per_home)],
            "sites_with_chat": sum(s.chat for s in self.sites),
            "files": sum(1 for _ in self.root.rglob("*") if _.is_file()),
            "bytes": sum(f.stat().st_size for f in self.root.rglob("*") if f.is_file()),
        }


def _host(url: str) -> str:
    return url.split("/")[2]


# ---------------------------------------------------------------- content generators


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _png(rng: random.Random, width: int, height: int) -> bytes:
    """A valid PNG of coloured noise (compresses poorly, like a photo)."""
    raw = b"".join(b"\x00" + bytes(rng.getrandbits(8) for _ in range(width * 3)) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def _svg(rng: random.Random, shapes: int) -> bytes:
    body = "".join(f'<circle cx="{rng.randint(0, 400)}" cy="{rng.randint(0, 300)}" r="{rng.randint(3, 60)}" '
                   f'fill="#{rng.getrandbits(24):06x}" opacity="0.{rng.randint(2, 9)}"/>' for _ in range(shapes))
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">{body}</svg>'.encode()


def _js(rng: random.Random, name: str, kb: int) -> str:
    """Plain JavaScript of about ``kb`` KB: functions the page never calls much (parse cost, like libraries)."""

    def function(i: int) -> str:
        name_i = f"f{i}_{rng.getrandbits(20):x}"
        return (f"function {name_i}(a,b){{var s=0;for(var k=0;k<(a||{rng.randint(3, 40)});k++)"
                f"{{s+=(k*{rng.randint(1, 97)})%{rng.randint(2, 13)};}}"
                f"return s+'{_words(rng, 4)}'.length+(b||0);}}registry['f{i}']={name_i};\n")

    return (f"/* {name} */\n(function(){{'use strict';var registry={{}};" + "".join(_pieces_up_to(kb, function))
            + "window.__farm=(window.__farm||0)+1;})();\n")


def _pieces_up_to(kb: int, piece: Callable[[int], str]) -> list[str]:
    """``piece(0)``, ``piece(1)``, ... until they hold at least ``kb`` KB."""
    pieces: list[str] = []
    size = 0
    while size < kb * 1024:
        pieces.append(piece(len(pieces)))
        size += len(pieces[-1])
    return pieces


def _css(rng: random.Random, font_css: str | None, kb: int) -> str:

    def rule(i: int) -> str:
        return (f".c{i}-{rng.getrandbits(16):x}{{margin:{rng.randint(0, 24)}px {rng.randint(0, 24)}px;"
                f"color:#{rng.getrandbits(24):06x};font-size:{rng.randint(12, 22)}px;"
                f"line-height:1.{rng.randint(2, 8)};}}\n")

    rules = _pieces_up_to(kb, rule)
    base = ("body{font-family:'Farm Sans',sans-serif;margin:0;max-width:1200px}header,nav,footer{padding:8px}"
            "nav a{margin-right:12px}article{columns:2;column-gap:24px}img{max-width:100%}\n")
    return (f"@import url('{font_css}');\n" if font_css else "") + base + "".join(rules)


# ---------------------------------------------------------------- the farm


def generate_farm(root: Path, sites: int = 60, seed: int = 7) -> Farm:
    """Write the farm under ``root`` (a fresh or empty folder) and describe it."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    _shared_hosts(root, rng)
    farm_sites = [_site(root, rng, i) for i in range(1, sites + 1)]
    return Farm(root, farm_sites, seed)


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def _cacheable(root: Path, host: str) -> None:
    (root / host).mkdir(parents=True, exist_ok=True)
    (root / host / "_routes.yaml").write_text(
        "'/*': {headers: {Cache-Control: 'public, max-age=31536000, immutable'}}\n", encoding="utf-8")


def _shared_hosts(root: Path, rng: random.Random) -> None:
    """Third-party hosts that many sites use: the same files for everyone, cacheable."""
    cdn, fonts, stats, images = SHARED["cdn"], SHARED["fonts"], SHARED["stats"], SHARED["images"]
    for host in SHARED.values():
        _cacheable(root, host)
    for lib, kb in (("jquery-3.7.1.min.js", 88), ("bootstrap-5.3.min.js", 60), ("lodash-4.17.min.js", 70),
                    ("alpine-3.14.min.js", 44), ("mathjax-lite.js", 120), ("swiper-11.min.js", 40)):
        _write(root / cdn / "npm" / lib, _js(rng, lib, kb))
    _write(root / cdn / "npm" / "bootstrap-5.3.min.css", _css(rng, None, 30))
    for n in range(4):
        _write(root / cdn / "late" / f"widget-{n}.js", _late_widget(rng, n))
    _write(root / fonts / "css" / "farm-sans.css",
           "".join(f"@font-face{{font-family:'Farm Sans';font-weight:{w};font-display:swap;"
                   f"src:url(https://{fonts}/s/farm-sans-{w}.woff2) format('woff2')}}\n" for w in (400, 700)))
    for w in (400, 700):
        _write(root / fonts / "s" / f"farm-sans-{w}.woff2", bytes(rng.getrandbits(8) for _ in range(24_000)))
    _write(root / stats / "m.js", _js(rng, "analytics", 25)
           + f"(new Image()).src='https://{stats}/collect.gif?p='+encodeURIComponent(location.href);\n")
    _write(root / stats / "collect.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01"
           b"\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
    for n in range(12):
        _write(root / images / "foto" / f"bilde-{n:02d}.png", _png(rng, rng.randint(60, 110), rng.randint(40, 80)))
    _write(root / SHARED["consent"] / "banner.js", _js(rng, "consent", 30)
           + "document.addEventListener('DOMContentLoaded',function(){var d=document.createElement('div');"
             "d.id='samtykke';d.textContent='Vi bruker informasjonskapsler.';document.body.appendChild(d);});\n")
    for n in range(6):
        _write(root / SHARED["maps"] / "fliser" / f"{n}.png", _png(rng, 64, 64))
    _write(root / SHARED["maps"] / "kart.js", _js(rng, "maps", 50))
    _write(root / SHARED["video"] / "embed" / "index.html",
           "<!doctype html><html><head><title>Spiller</title></head><body><div id=spiller>▶</div></body></html>")
    chat = root / CHAT / "widget" / "farm"
    _write(chat, "(function(){var f=document.createElement('div');f.id='intercom-container';"
                 "f.style.cssText='position:fixed;right:16px;bottom:16px;width:60px;height:60px;background:#1f8ded';"
                 "document.body.appendChild(f);window.Intercom=function(){};})();\n")
    (root / CHAT / "_routes.yaml").write_text(
        "'/widget/*': {content_type: 'application/javascript; charset=utf-8'}\n", encoding="utf-8")


def _late_widget(rng: random.Random, n: int) -> str:
    """A script injected late that itself loads an image (and every other one an iframe)."""
    extra = (f"var i=document.createElement('img');i.src='https://{SHARED['images']}/foto/bilde-{n:02d}.png';"
             "i.alt='';document.body.appendChild(i);")
    if n % 2:
        extra += (f"var f=document.createElement('iframe');f.src='https://{SHARED['video']}/embed/';"
                  "f.width=320;f.height=180;document.body.appendChild(f);")
    return _js(rng, f"late-widget-{n}", 8) + f"(function(){{{extra}}})();\n"


def _site(root: Path, rng: random.Random, number: int) -> FarmSite:
    www, static, media = SITE.format(number), STATIC.format(number), MEDIA.format(number)
    _cacheable(root, static)
    _cacheable(root, media)
    has_media = rng.random() < 0.6
    third = rng.sample(["consent", "maps", "video", "images"], rng.randint(0, 3))
    chat = rng.random() < 0.125
    # site-wide assets on the static host
    own_js = [f"https://{static}/js/app-{k}.js" for k in range(rng.randint(3, 6))]
    own_css = [f"https://{static}/css/site-{k}.css" for k in range(rng.randint(1, 3))]
    for k, url in enumerate(own_js):
        _write(root / static / "js" / f"app-{k}.js", _js(rng, url, rng.randint(10, 60)))
    for k, url in enumerate(own_css):
        _write(root / static / "css" / f"site-{k}.css",
               _css(rng, f"https://{SHARED['fonts']}/css/farm-sans.css" if k == 0 else None, rng.randint(8, 30)))
    libs = rng.sample(["jquery-3.7.1.min.js", "bootstrap-5.3.min.js", "lodash-4.17.min.js", "alpine-3.14.min.js",
                       "mathjax-lite.js", "swiper-11.min.js"], rng.randint(1, 3))
    lib_urls = [f"https://{SHARED['cdn']}/npm/{lib}" for lib in libs]
    images = [f"https://{static}/img/logo.svg"]
    _write(root / static / "img" / "logo.svg", _svg(rng, 20))
    for k in range(rng.randint(4, 10)):
        host = media if has_media and k % 2 else static
        name = f"img/figur-{k}.png"
        _write(root / host / name, _png(rng, rng.randint(40, 120), rng.randint(30, 90)))
        images.append(f"https://{host}/{name}")
    for k in range(rng.randint(2, 6)):
        name = f"img/ikon-{k}.svg"
        _write(root / static / name, _svg(rng, rng.randint(5, 30)))
        images.append(f"https://{static}/{name}")
    pages = []
    for p in range(SUBPAGES + 1):
        path = "/" if p == 0 else f"/side-{p}.html"
        page = Page(path)
        html = _page_html(rng, number, p, own_css, lib_urls, own_js, images, third, chat, page)
        _write(root / www / ("index.html" if p == 0 else f"side-{p}.html"), html)
        page.html_bytes = len(html.encode("utf-8"))
        pages.append(page)
    hosts = sorted({www, static} | ({media} if has_media else set()))
    return FarmSite(f"ressurs-{number:03d}", f"https://{www}/", hosts, pages, chat)


def _page_html(rng: random.Random, number: int, p: int, own_css: list[str], lib_urls: list[str], own_js: list[str],
               images: list[str], third: list[str], chat: bool, page: Page) -> str:
    www, stats = SITE.format(number), SHARED["stats"]
    home = p == 0
    head = [f'<link rel="stylesheet" href="{u}">' for u in own_css]
    if "consent" in third:
        head.append(f'<script src="https://{SHARED["consent"]}/banner.js"></script>')
    head.append(f'<script src="{lib_urls[0]}"></script>')  # one blocking library, as many sites still have
    head += [f'<script defer src="{u}"></script>' for u in lib_urls[1:]]
    head += [f'<script defer src="{u}"></script>' for u in own_js]
    head.append(f'<script async src="https://{stats}/m.js"></script>')
    page.subresources += own_css + lib_urls + own_js + [f"https://{stats}/m.js", f"https://{stats}/collect.gif",
                                                         f"https://{SHARED['fonts']}/css/farm-sans.css"]
    if "consent" in third:
        page.subresources.append(f"https://{SHARED['consent']}/banner.js")
    # images: every page shows the logo and a share of the site's images, the home page also stock photos
    shown = images if home else rng.sample(images, max(3, len(images) // 2))
    stock = [f"https://{SHARED['images']}/foto/bilde-{rng.randint(0, 11):02d}.png"
             for _ in range(rng.randint(2, 5) if home or "images" in third else 0)]
    if "maps" in third and home:
        stock += [f"https://{SHARED['maps']}/fliser/{n}.png" for n in range(rng.randint(2, 6))]
        head.append(f'<script defer src="https://{SHARED["maps"]}/kart.js"></script>')
        page.subresources.append(f"https://{SHARED['maps']}/kart.js")
    page.subresources += list(dict.fromkeys(shown + stock))
    nav = "".join(f'<a href="https://{www}/side-{k}.html">{_words(rng, 2).capitalize()}</a>'
                  for k in range(1, SUBPAGES + 1))
    external = "".join(f'<li><a href="https://www.ressurs-{rng.randint(1, 99):03d}.no/">{_words(rng, 3)}</a></li>'
                       for _ in range(rng.randint(2, 6)))
    target = rng.randint(95_000, 110_000) if home else rng.randint(30_000, 60_000)
    body = []
    size = 0
    section = 0
    img_iter = iter(dict.fromkeys(shown + stock))
    while size < target:
        section += 1
        paragraphs = "".join(f"<p>{_words(rng, rng.randint(40, 90))}.</p>" for _ in range(rng.randint(2, 5)))
        img = next(img_iter, None)
        figure = (f'<figure><img src="{img}" alt="{_words(rng, 3)}" width="240" height="160">'
                  f"<figcaption>{_words(rng, 6)}</figcaption></figure>") if img else ""
        links = "".join(f'<a href="https://{www}/side-{rng.randint(1, SUBPAGES)}.html#s{rng.randint(1, 40)}">'
                        f"{_words(rng, 2)}</a> " for _ in range(rng.randint(1, 4)))
        chunk = (f'<section id="s{section}"><h2>{_words(rng, 4).capitalize()}</h2>{figure}'
                 f"<article>{paragraphs}</article><p>Se også: {links}</p></section>\n")
        body.append(chunk)
        size += len(chunk)
    for leftover in img_iter:  # every image of the page is referenced even on a short page
        body.append(f'<img src="{leftover}" alt="" width="120" height="80">')
    video = (f'<iframe src="https://{SHARED["video"]}/embed/" width="320" height="180" title="video"></iframe>'
             if "video" in third and home else "")
    if video:
        page.subresources.append(f"https://{SHARED['video']}/embed/")
    # scripts injected late: 1-3 per page, 0.5-3 s after the load event
    late = []
    for _ in range(rng.randint(1, 3)):
        widget = rng.randint(0, 3)
        late.append((f"https://{SHARED['cdn']}/late/widget-{widget}.js", rng.randint(500, 3000)))
    if chat and home:
        late.append((f"https://{CHAT}/widget/farm", 2000))
    page.late += [u for u, _ in late]
    injector = "".join(f"setTimeout(function(){{var s=document.createElement('script');s.src='{u}';"
                       f"document.body.appendChild(s);}},{ms});" for u, ms in late)
    return (f'<!doctype html>\n<html lang="nb"><head><meta charset="utf-8">'
            f"<title>Ressurs {number:03d}{'' if home else f' – side {p}'}</title>"
            f'<meta name="viewport" content="width=device-width">{"".join(head)}</head>'
            f'<body><header><img src="{images[0]}" alt="Ressurs {number}" width="120" height="40">'
            f'<form action="https://{www}/sok" role="search"><input name="q" placeholder="Søk i ressursen">'
            f"<button>Søk</button></form></header><nav>{nav}</nav><main>{''.join(body)}{video}</main>"
            f"<footer><ul>{external}</ul><p>Kontakt: <a href=\"mailto:post@ressurs-{number:03d}.no\">post</a></p>"
            f"</footer><script>window.addEventListener('load',function(){{{injector}}});</script></body></html>\n")


# ---------------------------------------------------------------- serving in a separate process


def serve(root: Path, names: list[str], latency_ms: int) -> None:
    """Serve the farm as one location per name until standard input closes."""
    from nettsjekk.fakenet import FakeInternet

    rigs = [FakeInternet([root], name=name, latency_ms=latency_ms).start() for name in names]
    try:
        for rig in rigs:
            print(json.dumps({"name": rig.name, "proxy_url": rig.proxy_url, "ca": str(rig.ca_cert_path),
                              "pid": os.getpid()}), flush=True)
        sys.stdin.read()
    finally:
        for rig in rigs:
            rig.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="generate", choices=["generate", "serve"])
    parser.add_argument("--sites", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="folder to write the farm to (generate)")
    parser.add_argument("--root", type=Path, help="the farm to serve (serve)")
    parser.add_argument("--name", action="append", help="a location name (serve; repeatable)")
    parser.add_argument("--latency-ms", type=int, default=200)
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.root, args.name or ["local"], args.latency_ms)
        return 0
    if args.out is None:
        parser.error("--out is required")
    print(json.dumps(generate_farm(args.out, args.sites, args.seed).describe()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
