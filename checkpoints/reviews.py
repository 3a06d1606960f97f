"""Review decisions: ``reviews.yaml``, where people record what they decided about a finding or a host.

    # Decisions about findings and hosts (see README: Reports)
    reviews:
      - resource: demo-chatbot
        rule: comm-intercom-messenger
        decision: accepted
        reason: The chat is switched off in exam mode; the vendor confirmed it by e-mail.
        by: Kari Nordmann
        date: 2026-11-23
        expires: 2027-06-30
      - resource: demo-ordbok
        host: cdn.example.net
        decision: confirmed
        reason: The vendor file lacks this host; reported to the vendor.
        by: Ola Nordmann
        date: 2026-11-24

* ``accepted``: the finding is a known and acceptable exception. It no longer makes the resource
  ``not OK``; it becomes the condition "reviewed: ..." (so the verdict is at best ``OK with
  conditions``). On a host: the host is known and needs no action.
* ``confirmed``: the finding (or the missing host) is real. It keeps failing the verdict as before
  and goes on the list of errors to report: national-list resources to the resource group, local
  ones to the vendor.
* ``expires`` (optional): the last day an acceptance holds. Decisions are evaluated on the day the
  run started, so re-rendering an old run gives the same answer; after ``expires`` the finding
  counts as open again (and the report says the acceptance expired).
* Several decisions on the same resource and rule (or host): the one with the latest ``date``
  counts; on the same date, the one further down the file.

The file is validated strictly (``file:line: field: message``); ``append_review`` adds a decision
as text at the end of the file, so comments and layout are kept, and writes it atomically.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import yaml
from nettsjekk.lists.models import check_host_pattern
from nettsjekk.core.errors import ConfigError, ListFileError, ReviewFileError
from nettsjekk.core.yamldoc import load_model
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Decision = Literal["accepted", "confirmed"]
NEW_FILE_HEADER = ("# Review decisions for nettsjekk: accepted or confirmed findings and hosts.\n"
                   "# Add entries with 'nettsjekk review accept|confirm' (see README: Reports).\n"
                   "reviews:\n")


class Review(BaseModel):
    """One decision about one finding (``rule``) or one host of one resource."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    resource: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$")]
    rule: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")] | None = None
    host: str | None = None
    decision: Decision
    reason: Annotated[str, Field(min_length=3)]
    by: Annotated[str, Field(min_length=1)]
    date: dt.date
    expires: dt.date | None = None

    @field_validator("host")
    @classmethod
    def _host(cls, value: str | None) -> str | None:
        return None if value is None else check_host_pattern(value)

    @model_validator(mode="after")
    def _one_subject(self) -> Review:
        if (self.rule is None) == (self.host is None):
            raise ValueError("give exactly one of 'rule' (a finding's rule id) or 'host'")
        if self.expires is not None and self.expires < self.date:
            raise ValueError(f"expires ({self.expires}) is before the decision's date ({self.date})")
        if self.expires is not None and self.decision == "confirmed":
            raise ValueError("only an accepted decision can expire; remove 'expires'")
        return self

    @property
    def subject(self) -> str:
        """The rule id or the host this decision is about."""
        return self.rule or self.host or ""


class ReviewFile(BaseModel):
    """The whole ``reviews.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reviews: list[Review] | None = None

    @property
    def entries(self) -> list[Review]:
        return list(self.reviews or [])


@dataclass(frozen=True)
class ReviewState:
    """What applies to one finding or host on the evaluation day.

    ``status``: ``accepted``, ``confirmed``, or ``expired`` (an acceptance past its ``expires``).
    """

    status: str
    review: Review


class ReviewBook:
    """The decisions of a review file, evaluated on one day (the day the run started)."""

    def __init__(self, reviews: list[Review], on: dt.date) -> None:
        self.on = on
        self.reviews = list(reviews)
        latest: dict[tuple[str, str, str], Review] = {}
        for review in self.reviews:
            key = (review.resource, "rule" if review.rule else "host", review.subject)
            if key not in latest or review.date >= latest[key].date:
                latest[key] = review
        self._latest = latest

    def finding(self, resource_id: str, rule: str) -> ReviewState | None:
        """The decision on ``rule``'s findings for ``resource_id``, if any."""
        return self._state(self._latest.get((resource_id, "rule", rule)))

    def host(self, resource_id: str, host: str) -> ReviewState | None:
        """The decision on ``host`` for ``resource_id``, if any."""
        return self._state(self._latest.get((resource_id, "host", host)))

    def _state(self, review: Review | None) -> ReviewState | None:
        if review is None:
            return None
        if review.decision == "accepted" and review.expires is not None and self.on > review.expires:
            return ReviewState("expired", review)
        return ReviewState(review.decision, review)

    def __len__(self) -> int:
        return len(self.reviews)


def load_reviews(path: Path) -> list[Review]:
    """The decisions in ``path``; none when the file does not exist. Raises ``ReviewFileError``."""
    path = Path(path)
    if not path.exists():
        return []
    return load_model(path, ReviewFile, error=ReviewFileError).entries


def review_entry(review: Review, indent: int = 2) -> str:
    """``review`` as a YAML list item, indented by ``indent`` spaces for the ``reviews:`` block."""
    fields = review.model_dump(exclude_none=True)
    lines = yaml.safe_dump([fields], sort_keys=False, allow_unicode=True, width=100).splitlines()
    return "".join(f"{' ' * indent}{line}\n" for line in lines)


def append_review(path: Path, review: Review) -> None:
    """Append ``review`` to ``path`` as text (comments kept), re-validate, then replace atomically.

    A new file gets a short header. An existing file must end with its ``reviews:`` list in block
    style (as files written by nettsjekk do); otherwise nothing is written and ``ConfigError`` says why.
    The new text is validated as a whole before it replaces the file, so the file is never left invalid.
    """
    path = Path(path)
    old = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    load_reviews(path)
    tmp = _write_temp(path, _with_entry(old, review, path))
    try:
        load_model(tmp, ReviewFile, shown=str(path), error=ReviewFileError)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _with_entry(old: str, review: Review, path: Path) -> str:
    if old and not old.endswith("\n"):
        old += "\n"
    if not old.strip():
        return NEW_FILE_HEADER + review_entry(review)
    if _only_comments(old):
        return old + "reviews:\n" + review_entry(review)
    indent = _reviews_block_indent(old)
    if indent is None:
        raise ConfigError(f"{path}: cannot append: the file must end with its 'reviews:' list in block style "
                          "(one '- resource: ...' entry after another); move the list to the end")
    return old + review_entry(review, indent)


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _reviews_block_indent(text: str) -> int | None:
    """The column of the ``- `` items when ``reviews`` is the last top-level key and holds a block
    list (2 for an empty ``reviews:``); None when appending text would not extend that list."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode) or not node.value:
        return None
    key, value = node.value[-1]
    if key.value != "reviews":
        return None
    if isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null") and value.value in ("", "~", "null"):
        return 2 if value.value == "" else None
    if isinstance(value, yaml.SequenceNode) and not value.flow_style:
        return value.start_mark.column
    return None


def _write_temp(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(name, path.stat().st_mode & 0o777 if path.exists() else 0o644)
    return Path(name)
