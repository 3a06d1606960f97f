"""The intake form: its questions (``form.yaml``), its choices (the configuration's locations and
the lists' resources), and the check of one submission.

:func:`check_submission` turns the posted fields into the answers of a
:class:`~nettsjekk.checkpoints.manual_tests.ManualTest`, or into one message per wrong field; it
never trusts a value the form did not offer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from nettsjekk.checkpoints.config import Config
from nettsjekk.lists.catalog import load_catalog

SPEC = Path(__file__).with_name("form.yaml")
MAX_COMMENT = 2000
INITIALS = re.compile(r"^[^\W\d_]{2,4}$")


@dataclass(frozen=True)
class Question:
    field: str
    label: str
    answers: dict[str, str]


@dataclass(frozen=True)
class FormSpec:
    title: str
    intro: str
    questions: tuple[Question, ...]
    roles: dict[str, str]
    labels: dict[str, str]
    messages: dict[str, str]

    def field_label(self, name: str) -> str:
        """The label a field is shown with (for the list of mistakes above the form)."""
        asked = {q.field: q.label for q in self.questions}
        return asked.get(name) or self.labels.get("resource" if name == "resource_id" else name, name)


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Choices:
    """What the form offers: the schools (configured locations) and the resources of the lists."""

    locations: tuple[Option, ...]
    resources: tuple[Option, ...]

    def search(self, text: str) -> tuple[Option, ...]:
        """The resources whose name or id holds ``text`` (case and accents ignored); all for empty text."""
        wanted = _fold(text)
        return tuple(r for r in self.resources if wanted in _fold(f"{r.label} {r.value}")) if wanted else self.resources


@cache
def spec() -> FormSpec:
    data = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    questions = tuple(Question(q["field"], q["label"], {str(k): str(v) for k, v in q["answers"].items()})
                      for q in data["questions"])
    return FormSpec(data["title"], data["intro"], questions, data["roles"], data["labels"], data["messages"])


def choices(config: Config) -> Choices:
    """The schools and resources of ``config`` (lists validated as for a run)."""
    catalog = load_catalog(config.list_paths, config.vendor_dir)
    locations = tuple(Option(loc.name, loc.description or loc.name) for loc in config.settings.locations)
    resources = tuple(sorted((Option(r.id, r.name) for r in catalog.resources), key=lambda o: _fold(o.label)))
    return Choices(locations, resources)


def check_submission(values: Mapping[str, str], offered: Choices) -> tuple[dict[str, str], dict[str, str]]:
    """``(answers, errors)``: the answers by field when ``errors`` is empty, else a message per wrong field."""
    form, answers, errors = spec(), {}, {}
    for name, options in (("location", offered.locations), ("resource_id", offered.resources)):
        value = values.get(name, "")
        if value not in {o.value for o in options}:
            errors[name] = form.messages["unknown_choice" if value else "required"]
        answers[name] = value
    for name, allowed in [(q.field, q.answers) for q in form.questions] + [("role", form.roles)]:
        value = values.get(name, "")
        if value not in allowed:
            errors[name] = form.messages["unknown_choice" if value else "required"]
        answers[name] = value
    initials = values.get("initials", "").strip()
    if not INITIALS.match(initials):
        errors["initials"] = form.messages["initials"]
    answers["initials"] = initials.upper()
    comment = clean_text(values.get("comment", ""))
    if len(comment) > MAX_COMMENT:
        errors["comment"] = form.messages["comment_long"]
    answers["comment"] = comment
    return answers, errors


def clean_text(text: str) -> str:
    """``text`` without control characters (line breaks and tabs kept), lines ending in ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


_NORDIC = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


def _fold(text: str) -> str:
    """Lower case without accents, æ ø å spelt out: ``Læremiddel`` and ``laeremiddel`` are one."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_NORDIC))
    return folded.encode("ascii", "ignore").decode().strip()
