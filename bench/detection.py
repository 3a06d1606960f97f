#!/usr/bin/env python3
"""Precision and recall of nettsjekk's detectors on the labelled corpus, per category and engine.

    python bench/detection.py                      # every label file, Chromium and Firefox
    python bench/detection.py --labels tests/corpus/labels/ai.yaml --engine chromium --settle 5

Serves tests/corpus/sites on the fake internet, probes each labelled page (home page only, with
the bundled rules plus --rules files), prints the table, the misses, the false alarms, labelled
rules that did not fire, and rules that fired nowhere (dead rules). Exit 1 when any of those
lists is not empty or a category is below --min (default 0.97).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from playwright.async_api import async_playwright

from nettsjekk.fakenet import FakeInternet
from nettsjekk.probes.browsers import Browsers, BrowserSettings
from nettsjekk.probes.corpus import dead_rules, evaluate, format_scores, load_labels
from nettsjekk.probes.rulebook import load_rules

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"


async def main(args: argparse.Namespace) -> int:
    pages = load_labels(args.labels or [CORPUS / "labels"])
    rules = tuple(load_rules(args.rules))
    with FakeInternet([CORPUS / "sites", *args.sites], name="corpus") as rig:
        async with async_playwright() as playwright:
            browsers = Browsers(playwright, BrowserSettings(trust_ca=(rig.ca_cert_path,)))
            try:
                scores = await evaluate(browsers, pages, args.engine or ["chromium", "firefox"], rig.proxy_url, rules,
                                        settle_s=args.settle, concurrency=args.concurrency)
            finally:
                await browsers.close()
    print(f"{len(pages)} labelled pages, {len(rules)} rules\n")
    print(format_scores(scores))
    dead = dead_rules(rules, scores) if not args.labels else {}
    problems = 0
    for engine, score in scores.items():
        for title, items in (("misses", score.misses), ("false alarms", score.false_alarms),
                             ("labelled rules that did not fire", score.unfired), ("load errors", score.errors),
                             ("dead rules", dead.get(engine, []))):
            if items:
                problems += len(items)
                print(f"\n{engine} {title} ({len(items)}):")
                print("\n".join(f"  {item}" for item in items))
        low = [c for c, s in score.categories.items() if min(s.precision, s.recall) < args.min]
        problems += len(low)
    if args.json:
        args.json.write_text(json.dumps({e: {c: vars(s) for c, s in sc.categories.items()} for e, sc in scores.items()}))
    return 1 if problems else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=Path, action="append", help="label file or folder (repeatable)")
    parser.add_argument("--rules", type=Path, action="append", default=[], help="extra rule file or folder")
    parser.add_argument("--sites", type=Path, action="append", default=[], help="extra site root")
    parser.add_argument("--engine", action="append", choices=["chromium", "firefox", "webkit"])
    parser.add_argument("--settle", type=float, default=3.0, help="seconds to watch each page (default 3)")
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--min", type=float, default=0.97, help="lowest acceptable precision or recall")
    parser.add_argument("--json", type=Path, help="also write the scores as JSON here")
    sys.exit(asyncio.run(main(parser.parse_args())))
