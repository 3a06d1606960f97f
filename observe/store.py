"""Observations kept for the retention period, then deleted (SQLite, its own file).

One row per leak (all its clients) and per attempt (client and host), with the exam day (the local
date of the first request). Reading the same log twice replaces its rows instead of doubling them.
``purge`` deletes every row whose exam day is more than ``retention_days`` before today; every
``observe`` run calls it. With ``pseudonymous`` the client is stored as a keyed hash (the key is
made once per store and never leaves it), so the same machine keeps the same id across exam days.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import sqlite3
from pathlib import Path

from nettsjekk.core.errors import StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS observations (
    kind TEXT NOT NULL CHECK (kind IN ('leak', 'attempt')),
    exam_day TEXT NOT NULL,
    client TEXT NOT NULL,
    host TEXT NOT NULL,
    category TEXT NOT NULL,
    first TEXT NOT NULL,
    last TEXT NOT NULL,
    count INTEGER NOT NULL,
    allowed_by TEXT,
    recorded_at TEXT NOT NULL,
    UNIQUE (kind, exam_day, client, host, first)
);
CREATE INDEX IF NOT EXISTS observations_day ON observations (exam_day);
"""


class ObservationStore:
    """The observations database at ``path`` (created with its folder on first use)."""

    def __init__(self, path: Path, pseudonymous: bool = False) -> None:
        self.path = Path(path)
        self.pseudonymous = pseudonymous
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path)
            self.db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot open the observations store ({exc})") from exc
        self._key: bytes | None = None

    def client_id(self, client: str) -> str:
        """``client`` as stored: itself, or its pseudonym (``anon-`` and 16 hex digits)."""
        if not self.pseudonymous:
            return client
        if self._key is None:
            self._key = self._secret()
        return "anon-" + hmac.new(self._key, client.encode(), hashlib.sha256).hexdigest()[:16]

    def _secret(self) -> bytes:
        row = self.db.execute("SELECT value FROM meta WHERE name = 'pseudonym_key'").fetchone()
        if row:
            return bytes.fromhex(row[0])
        key = secrets.token_bytes(32)
        with self.db:
            self.db.execute("INSERT INTO meta VALUES ('pseudonym_key', ?)", (key.hex(),))
        return key

    def save(self, rows: list[dict]) -> int:
        """Store ``rows`` (kind, exam_day, clients, host, category, first, last, count, allowed_by)."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        values = [(row["kind"], row["exam_day"], json.dumps([self.client_id(c) for c in row["clients"]])
                   if row["kind"] == "leak" else self.client_id(row["clients"][0]), row["host"], row["category"],
                   row["first"], row["last"], row["count"], row["allowed_by"], now) for row in rows]
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO observations VALUES (?,?,?,?,?,?,?,?,?,?)", values)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot write observations ({exc})") from exc
        return len(values)

    def purge(self, retention_days: int, today: dt.date | None = None) -> int:
        """Delete observations of exam days more than ``retention_days`` before ``today``; how many went."""
        cutoff = ((today or dt.date.today()) - dt.timedelta(days=retention_days)).isoformat()
        try:
            with self.db:
                return self.db.execute("DELETE FROM observations WHERE exam_day < ?", (cutoff,)).rowcount
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot delete old observations ({exc})") from exc

    def exam_days(self) -> list[tuple[str, int]]:
        """Each stored exam day with its number of observations, oldest first."""
        return self.db.execute("SELECT exam_day, COUNT(*) FROM observations GROUP BY exam_day "
                               "ORDER BY exam_day").fetchall()

    def rows(self, kind: str | None = None) -> list[dict]:
        cursor = self.db.execute("SELECT * FROM observations" + (" WHERE kind = ?" if kind else "")
                                 + " ORDER BY exam_day, first", (kind,) if kind else ())
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor]

    def close(self) -> None:
        self.db.close()
