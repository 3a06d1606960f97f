"""Browser (with its major version) and operating system of a tester, read from the User-Agent.

The patterns are data (``user_agents.yaml``); only the two short names are stored, never the header.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

PATTERNS = Path(__file__).with_name("user_agents.yaml")


@cache
def _patterns() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    data = yaml.safe_load(PATTERNS.read_text(encoding="utf-8"))
    return {kind: [(entry["name"], re.compile(entry["pattern"])) for entry in data[kind]]
            for kind in ("browsers", "systems")}


def browser_and_os(user_agent: str | None) -> tuple[str, str]:
    """``("Firefox 128", "Windows")``; ``ukjent`` (unknown) for what the header does not tell."""
    text = (user_agent or "")[:512]
    browser = next((f"{name} {m.group(1)}" for name, pattern in _patterns()["browsers"]
                    if (m := pattern.search(text))), "ukjent")
    system = next((name for name, pattern in _patterns()["systems"] if pattern.search(text)), "ukjent")
    return browser, system
