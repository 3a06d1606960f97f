"""The words of the reports, per language: ``messages/<lang>.yaml`` (``nb`` first, ``en``).

Templates and writers never hold text; they ask a :class:`Messages` for a key, so both languages
say the same things and a missing key is an error, not a silent gap.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from nettsjekk.core.errors import ConfigError

from nettsjekk.checkpoints.verdict import CONDITIONS, NOT_OK, NOT_TESTED, OK, Reason

MESSAGES_DIR = Path(__file__).parent / "messages"
LANGUAGES = ("nb", "en")
VERDICT_KEYS = {OK: "ok", CONDITIONS: "conditions", NOT_OK: "not_ok", NOT_TESTED: "not_tested"}


def flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    """``{"a": {"b": "x"}}`` -> ``{"a.b": "x"}``."""
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every message of ``lang``, by dotted key."""
    if lang not in LANGUAGES:
        raise ConfigError(f"unknown report language {lang!r} (choose from {', '.join(LANGUAGES)})")
    text = (MESSAGES_DIR / f"{lang}.yaml").read_text(encoding="utf-8")
    return flatten(yaml.safe_load(text))


class Messages:
    """``t("column.loads")``; ``t("value.links_present", count=3)``."""

    def __init__(self, lang: str = "nb") -> None:
        self.lang = lang
        self._texts = catalogue(lang)

    def __call__(self, key: str, **params: object) -> str:
        try:
            text = self._texts[key]
        except KeyError:
            raise KeyError(f"no message {key!r} in {self.lang}.yaml") from None
        return text.format(**params) if params else text

    def has(self, key: str) -> bool:
        return key in self._texts

    def verdict(self, verdict: str) -> str:
        return self(f"verdict.{VERDICT_KEYS[verdict]}")

    def reason(self, reason: Reason, url: str | None = None) -> str:
        """A verdict reason in this language (categories, rule names and error codes translated too);
        with the resource's ``url``, a page on it is named by its path alone ("forsiden" for the url itself)."""
        params = dict(reason.params)
        if url and isinstance(params.get("page"), str):
            params["page"] = self.page(params["page"], url)
        if "category" in params and self.has(f"category.{params['category']}"):
            params["category"] = self(f"category.{params['category']}")
        if "name" in params:
            params["name"] = self.name(params["name"], params.pop("name_nb", None))
        if reason.codes:
            params["errors"] = ", ".join(self.error(code) for code in reason.codes)
        return self(f"reason.{reason.key}", **params)

    def page(self, page: str, url: str) -> str:
        """``page`` as seen from the resource at ``url``: its path, or "forsiden" when it is ``url``."""
        base = url.rstrip("/")
        if page.rstrip("/") == base:
            return self("value.front_page")
        return page[len(base):] if page.startswith(base + "/") else page

    def name(self, name: str, name_nb: str | None = None) -> str:
        """A rule's name in this language: its bokmål name in a Norwegian report when it has one."""
        return name_nb if self.lang == "nb" and name_nb else name

    def error(self, code: str) -> str:
        """A probe error code explained, the code kept for ICT staff: ``HTTP-feil 4xx, ... [http_4xx]``;
        an unknown code as it is."""
        if not code or not self.has(f"error.{code}"):
            return code
        return self("error_code", text=self(f"error.{code}"), code=code)

    def http_status(self, status: int) -> str:
        """An HTTP status explained, the number kept: ``siden finnes ikke [HTTP 404]``."""
        key = f"http_status.{status}" if self.has(f"http_status.{status}") else f"http_status.{status // 100}xx"
        text = self(key) if self.has(key) else self("http_status.other")
        return self("error_code", text=text, code=f"HTTP {status}")

    def failure(self, failure: str, cause: str | None = None) -> str:
        """A browser's request error (``net::ERR_…``, ``NS_ERROR_…``) explained, the code kept in
        brackets: by its ``cause`` where nettsjekk found one (the proxy was asked: "blocked by the location's
        proxy" says more than Chromium's ``ERR_BLOCKED_BY_ORB``), else by the code, else as a browser error."""
        code = failure.split()[0] if failure else ""
        key = f"browser_error.{code}"
        if cause and self.has(f"error.{cause}"):
            text = self(f"error.{cause}")
        elif self.has(key):
            text = self(key)
        else:
            text = self("browser_error.other")
        return self("error_code", text=text, code=failure)

    def link_reason(self, code: str | None) -> str:
        """Why a resource's links were not (fully) checked, in words; an unknown code as it is."""
        return self(f"links_reason.{code}") if code and self.has(f"links_reason.{code}") else (code or "")

    def engine_short(self, engine: str) -> str:
        """A browser's short name for a narrow column header (``chr``); an unknown engine as it is."""
        return self(f"engine_short.{engine}") if self.has(f"engine_short.{engine}") else engine

    def checkpoint(self, name: str) -> str:
        return self(f"checkpoint.{name}") if self.has(f"checkpoint.{name}") else name

    def list_name(self, name: str) -> str:
        return self(f"list.{name}") if name and self.has(f"list.{name}") else name
