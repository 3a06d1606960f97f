"""Manual tests: what a person at the test exam found by hand (``nettsjekk intake``'s form).

One :class:`ManualTest` per submission, stored in the results store's ``manual_tests`` table with the
checkpoint and the location (school). The reports (the Testmal and the ICT report's disagreements)
and ``nettsjekk intake export`` read them back. No name and no IP address is ever stored: the person
is a role and initials, the machine a browser and an operating system read from its user agent.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

FEATURES = ("translation", "communication", "search_engine", "ai")
"""The forbidden features a person is asked about (the Testmal's feature columns)."""
ROLES = ("ikt", "teacher", "pupil")
ANSWERS = ("yes", "no", "unsure")
LOGIN_ANSWERS = ("yes", "no", "not_relevant")
LINK_ANSWERS = ("yes", "no", "not_tested")


@dataclass(frozen=True)
class ManualTest:
    """One submission of the form. Answers are keys (``yes``, ``no``, ``unsure`` ...), never words."""

    checkpoint: str
    location: str
    resource_id: str
    role: str
    initials: str
    loads: str
    login: str
    translation: str
    communication: str
    search_engine: str
    ai: str
    links_blocked: str
    comment: str
    browser: str
    os: str
    submitted_at: str
    screenshot: str | None = None
    """File name of the re-encoded screenshot in the upload folder (never shown to testers)."""
    id: int | None = None

    def feature(self, category: str) -> str:
        return getattr(self, category)

    def to_row(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "id"}


COLUMNS = tuple(f.name for f in fields(ManualTest) if f.name != "id")
