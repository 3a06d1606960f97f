"""The one Jinja2 environment for nettsjekk's templates (``templates/``).

Strict: an undefined name is an error (``StrictUndefined``), files keep their final newline, and
HTML/XML templates are autoescaped by file name, ``.j2`` spellings included (Jinja's own
``select_autoescape`` matches ``.html`` but not ``.html.j2``). Anything else (Markdown, CSV,
firewall files) is not autoescaped: Markdown templates escape each value with the ``md`` filter.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import nettsjekk.templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES_DIR = Path(nettsjekk.templates.__file__).parent
AUTOESCAPE_SUFFIXES = (".html", ".htm", ".xml", ".html.j2", ".htm.j2", ".xml.j2")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|#~!])")


def autoescape(template_name: str | None) -> bool:
    """True for HTML and XML templates, by file name."""
    return template_name is not None and template_name.endswith(AUTOESCAPE_SUFFIXES)


def md_escape(value: Any) -> str:
    """``value`` as inert Markdown text for one table cell or line: no HTML, links, emphasis or
    table breaks (``<script>`` becomes ``&lt;script&gt;``)."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared environment; templates are named by their path under ``templates/``."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, autoescape=autoescape)
    env.filters["md"] = md_escape
    return env


def render(template: str, **values: Any) -> str:
    """Render ``templates/<template>`` with ``values``."""
    return environment().get_template(template).render(**values)
