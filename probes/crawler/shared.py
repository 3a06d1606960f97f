"""What the crawls of one batch (one crawler process) learn once and share.

* **Each external URL is checked once per batch.** The first crawl that meets an external link
  (not on its own site, no session cookies for it) *owns* the check; every other crawl that meets
  the same URL waits for that answer instead of asking the server again, and judges the link with
  its own source page, text and allowlist. Only answers that do not depend on the crawl's own scope
  are shared (a forbidden or skipped verdict is not); when the owner cannot finish the check (its
  budget ran out) the waiters ask themselves.
* **HEAD where the server answers it.** A host whose ``HEAD`` failed while ``GET`` worked is
  remembered, and later checks on that host go straight to ``GET``.

Everything runs on the one Twisted reactor thread of the crawler process, so no locks are needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nettsjekk.probes.crawler.verdict import Verdict

NOT_SHARED = ("forbidden_destination", "skipped")
"""Verdicts that depend on the crawl's own scope or state, never handed to another crawl."""


@dataclass(frozen=True)
class Answer:
    """A finished check: the verdict, its redirect hops and where they ended."""

    verdict: Verdict
    hops: tuple[dict, ...] = ()
    final_url: str | None = None


Waiter = Callable[[Answer | None], None]
"""Called with the owner's answer, or ``None`` when the owner gave up (then the waiter asks itself)."""


@dataclass
class SharedChecks:
    """The batch's shared checks: answers by key, crawls waiting for one, and hosts that refuse HEAD."""

    answers: dict[tuple, Answer] = field(default_factory=dict)
    waiting: dict[tuple, list[Waiter]] = field(default_factory=dict)
    head_refused: set[str] = field(default_factory=set)
    reused: int = 0

    def claim(self, key: tuple, waiter: Waiter) -> Answer | bool:
        """The stored answer for ``key``; else True when the caller now owns the check (it must
        ``publish`` or ``abandon`` it), or False when another crawl owns it (``waiter`` gets the answer)."""
        if key in self.answers:
            self.reused += 1
            return self.answers[key]
        if key in self.waiting:
            self.waiting[key].append(waiter)
            return False
        self.waiting[key] = []
        return True

    def publish(self, key: tuple, answer: Answer) -> None:
        """The owner's answer: kept for later crawls and handed to every waiting one (or, for a
        verdict that is not shared, the waiters are told to ask themselves)."""
        waiters = self.waiting.pop(key, [])
        if answer.verdict.status in NOT_SHARED:
            self._release(waiters)
            return
        self.answers[key] = answer
        self.reused += len(waiters)
        for waiter in waiters:
            waiter(answer)

    def abandon(self, key: tuple) -> None:
        """The owner will not finish ``key``: its waiters ask for themselves (the first becomes the owner)."""
        self._release(self.waiting.pop(key, []))

    def forget(self, key: tuple, waiter: Waiter) -> None:
        """A crawl that closes no longer waits for ``key``."""
        if waiter in self.waiting.get(key, []):
            self.waiting[key].remove(waiter)

    def _release(self, waiters: list[Waiter]) -> None:
        for waiter in waiters:
            waiter(None)
