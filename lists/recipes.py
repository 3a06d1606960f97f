"""Login recipes: the ``login_recipe:`` of a vendor file, as data (executed by ``probes.recipes``).

A recipe names its credentials (an environment variable or a Prefect ``Secret`` block), never their
values; see ``nettsjekk.probes.recipes`` for an example and how the steps are run.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,127}$")
BLOCK_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Credential(_Strict):
    """Where a credential comes from: ``{env: NAME}`` or ``{secret: BLOCK}``, never a value."""

    env: str | None = None
    secret: str | None = None

    @field_validator("env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not ENV_NAME.match(value):
            raise ValueError(f"{value!r} is not an environment variable name (upper-case letters, digits and _)")
        return value

    @field_validator("secret")
    @classmethod
    def _block_name(cls, value: str | None) -> str | None:
        if value is not None and not BLOCK_NAME.match(value):
            raise ValueError(f"{value!r} is not a Prefect Secret block name (lower-case letters, digits and -)")
        return value

    @model_validator(mode="before")
    @classmethod
    def _a_reference(cls, data: object) -> object:
        if isinstance(data, str):
            raise ValueError("credentials are never written in YAML: name an environment variable "
                             "({env: NETTSJEKK_...}) or a Prefect Secret block ({secret: NAME})")
        if isinstance(data, dict) and len({k for k in ("env", "secret") if data.get(k)}) != 1:
            raise ValueError("give exactly one of env: NAME or secret: BLOCK")
        return data

    def describe(self) -> str:
        return f"${self.env}" if self.env else f"the Prefect Secret block {self.secret!r}"


class Fill(_Strict):
    """Type a credential (by its name under ``credentials``) or plain, non-secret ``text``."""

    selector: Annotated[str, Field(min_length=1)]
    credential: str | None = None
    text: str | None = None

    @model_validator(mode="after")
    def _one_value(self) -> Fill:
        if (self.credential is None) == (self.text is None):
            raise ValueError("a fill step needs exactly one of credential: NAME or text: TEXT")
        return self


class Press(_Strict):
    selector: Annotated[str, Field(min_length=1)]
    key: Annotated[str, Field(min_length=1)] = "Enter"


class Step(_Strict):
    """One action: ``click``, ``fill``, ``press``, ``wait_for`` (a selector) or ``goto`` (a URL)."""

    click: str | None = None
    fill: Fill | None = None
    press: Press | None = None
    wait_for: str | None = None
    goto: str | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        actions = [name for name in ("click", "fill", "press", "wait_for", "goto") if getattr(self, name) is not None]
        if len(actions) != 1:
            raise ValueError("a step is exactly one of click, fill, press, wait_for or goto")
        return self


class Success(_Strict):
    """How to tell the login worked: the page's URL matches ``url`` and/or ``selector`` is shown."""

    url: str | None = None
    selector: str | None = None

    @field_validator("url")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"{value!r} is not a valid regular expression ({exc})") from None
        return value

    @model_validator(mode="after")
    def _something(self) -> Success:
        if self.url is None and self.selector is None:
            raise ValueError("give url: REGEX and/or selector: CSS that only a logged-in page has")
        return self


class LoginRecipe(_Strict):
    """A scripted login for one vendor (see the module docstring)."""

    start: str | None = Field(default=None, description="where the login starts; default: the resource's url")
    steps: Annotated[list[Step], Field(min_length=1)]
    success: Success
    credentials: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")], Credential] = Field(min_length=1)
    """By name (``username``, ``password``, ...), as the ``fill`` steps use them."""

    @model_validator(mode="after")
    def _credentials_named(self) -> LoginRecipe:
        for index, step in enumerate(self.steps):
            if step.fill and step.fill.credential and step.fill.credential not in self.credentials:
                raise ValueError(f"steps[{index}].fill.credential: {step.fill.credential!r} is not under "
                                 f"credentials (known: {', '.join(self.credentials)})")
        return self
