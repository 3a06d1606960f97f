"""Hidden places: accept a consent wall and open panels a click reveals, so the page can be read again.

Runs on the home page in the probe's throwaway context, within the probe's deadline. It finds visible
clickable elements (also in open and closed shadow roots), clicks the accept button of a consent banner
(once) and up to ``max_clicks`` buttons whose names suggest a forbidden feature ("Spør KI", "Oversett",
"Chat"), as listed in ``probes/features.yaml``. It never clicks a form's submit button, so nothing the
page asks for is ever sent. The caller settles the page and reads it again; each click is an event.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError

from nettsjekk.probes.featurebook import Reveal

if TYPE_CHECKING:
    from playwright.async_api import Page

FIND_CLICKABLES_JS = """() => {
  const roots = [document];
  const add = (root) => { for (const el of root.querySelectorAll('*')) if (el.shadowRoot) { roots.push(el.shadowRoot); add(el.shadowRoot); } };
  add(document);
  for (const root of (window.__nettsjekkClosedRoots || [])) if (root.host && root.host.isConnected) { roots.push(root); add(root); }
  const sel = 'button, [role=button], input[type=button], summary, a[href^="#"], a[href^="javascript:"], ' +
    '[aria-expanded], [aria-controls], [aria-haspopup]';
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none';
  };
  const submits = (el) => {
    const form = el.form || el.closest('form');
    if (!form) return false;
    if (el.tagName === 'BUTTON') return (el.getAttribute('type') || 'submit').toLowerCase() === 'submit';
    return el.tagName === 'INPUT' && el.type === 'submit';
  };
  const out = [];
  const keep = (window.__nettsjekkReveal = []);
  for (const root of roots) {
    for (const el of root.querySelectorAll(sel)) {
      if (out.length >= 300) break;
      if (submits(el) || !shown(el)) continue;
      const name = (el.getAttribute('aria-label') || el.innerText || el.value || el.getAttribute('title') || '')
        .replace(/\\s+/g, ' ').trim().slice(0, 120);
      if (!name) continue;
      keep.push(el);
      out.push({ref: keep.length - 1, name});
    }
  }
  return out;
}"""
CLICK_JS = "(ref) => { const el = (window.__nettsjekkReveal || [])[ref]; if (!el || !el.isConnected) return false; el.click(); return true; }"


@dataclass(frozen=True)
class Click:
    kind: str  # consent | opener
    name: str


async def find_and_click(page: Page, reveal: Reveal, timeout_s: float) -> list[Click]:
    """Click a consent banner's accept button and the feature openers of ``page``; what was clicked."""
    try:
        return await asyncio.wait_for(_find_and_click(page, reveal), max(0.1, timeout_s))
    except (asyncio.TimeoutError, PlaywrightError):
        return []


async def _find_and_click(page: Page, reveal: Reveal) -> list[Click]:
    clickables = await page.evaluate(FIND_CLICKABLES_JS)
    picked = pick(clickables, reveal)
    clicked = []
    for click, ref in picked:
        if await page.evaluate(CLICK_JS, ref):
            clicked.append(click)
    return clicked


def pick(clickables: list[dict], reveal: Reveal) -> list[tuple[Click, int]]:
    """The consent button (at most one) and up to ``max_clicks`` openers, each name once."""
    consent = re.compile(reveal.consent_regex, re.IGNORECASE)
    openers = re.compile(reveal.openers_regex, re.IGNORECASE)
    picked: list[tuple[Click, int]] = []
    names: set[str] = set()
    accept = next((c for c in clickables if consent.search(c["name"])), None)
    if accept is not None:
        picked.append((Click("consent", accept["name"]), accept["ref"]))
        names.add(accept["name"].lower())
    for item in clickables:
        if sum(1 for c, _ in picked if c.kind == "opener") >= reveal.max_clicks:
            break
        if item["name"].lower() not in names and openers.search(item["name"]):
            picked.append((Click("opener", item["name"]), item["ref"]))
            names.add(item["name"].lower())
    return picked
