"""The watch's words (``messages.yaml``): ``Words("nb")("state.down")``; bokmål unless asked otherwise."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from nettsjekk.core.errors import ConfigError

MESSAGES = Path(__file__).parent / "messages.yaml"


@cache
def _tree() -> dict:
    return yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))


class Words:
    def __init__(self, lang: str = "nb") -> None:
        if lang not in _tree():
            raise ConfigError(f"unknown language {lang!r} (choose from {', '.join(_tree())})")
        self.lang = lang

    def __call__(self, key: str, **params: object) -> str:
        node = _tree()[self.lang]
        for part in key.split("."):
            node = node[part]
        return str(node).format(**params) if params else str(node)

    def cause(self, code: str | None) -> str:
        causes = _tree()[self.lang]["cause"]
        return causes.get(code or "", code or "?")


def duration_text(seconds: float) -> str:
    """``95`` -> ``1 min 35 s``; ``3700`` -> ``1 t 1 min``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} t {minutes} min"
