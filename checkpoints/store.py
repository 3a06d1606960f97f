"""The results store: one SQLite file, every probe result committed the moment it completes.

Schema changes are numbered migrations tracked in ``PRAGMA user_version``; the file is opened in
WAL mode with a busy timeout so a second writer waits instead of failing, and a ``kill -9``
loses at most the result being written.

Only a run creates a store (``Store(path)``); reading one (``Store(path, create=False)``: ``runs``,
``report``, ``export --run``) says "no such store" for a path that does not exist, so a mistyped
``database:`` never leaves an empty store behind, and opens a store this user may not write read-only.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from nettsjekk.checkpoints.manual_tests import COLUMNS as MANUAL_COLUMNS, ManualTest
from nettsjekk.core.errors import NettsjekkError, NoSuchRun, NoSuchStore, StoreError
from nettsjekk.probes.results import ProbeResult

MIGRATIONS = (
    """
    CREATE TABLE runs (
        id TEXT PRIMARY KEY, checkpoint TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
        status TEXT NOT NULL DEFAULT 'running', scope TEXT NOT NULL DEFAULT '{}', tester TEXT NOT NULL DEFAULT '',
        flow_run_id TEXT
    );
    CREATE TABLE cells (
        run_id TEXT NOT NULL REFERENCES runs(id), resource_id TEXT NOT NULL, engine TEXT NOT NULL,
        location TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, error TEXT,
        result TEXT NOT NULL, finished_at TEXT NOT NULL,
        PRIMARY KEY (run_id, resource_id, engine, location)
    );
    CREATE TABLE findings (
        run_id TEXT NOT NULL, resource_id TEXT NOT NULL, engine TEXT NOT NULL, location TEXT NOT NULL,
        category TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL, page TEXT NOT NULL,
        evidence_kind TEXT NOT NULL, evidence_value TEXT NOT NULL, snippet TEXT NOT NULL, screenshot TEXT
    );
    CREATE TABLE hosts (
        run_id TEXT NOT NULL, resource_id TEXT NOT NULL, engine TEXT NOT NULL, location TEXT NOT NULL,
        host TEXT NOT NULL, domain TEXT NOT NULL, requests INTEGER NOT NULL, types TEXT NOT NULL, first_page TEXT
    );
    CREATE TABLE links (
        run_id TEXT NOT NULL, resource_id TEXT NOT NULL, location TEXT NOT NULL, url TEXT NOT NULL,
        source TEXT, text TEXT, status TEXT NOT NULL, http_status INTEGER, reason TEXT, redirects TEXT
    );
    CREATE TABLE verdicts (
        run_id TEXT NOT NULL, resource_id TEXT NOT NULL, verdict TEXT NOT NULL, reasons TEXT NOT NULL,
        PRIMARY KEY (run_id, resource_id)
    );
    CREATE TABLE baselines (
        name TEXT PRIMARY KEY, run_id TEXT NOT NULL REFERENCES runs(id), approved_at TEXT NOT NULL,
        approved_by TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX findings_run ON findings(run_id, resource_id);
    CREATE INDEX hosts_run ON hosts(run_id, resource_id);
    CREATE INDEX links_run ON links(run_id, resource_id);
    """,
    """
    CREATE TABLE replays (
        run_id TEXT NOT NULL REFERENCES runs(id), resource_id TEXT NOT NULL, engine TEXT NOT NULL,
        location TEXT, checked INTEGER NOT NULL, works INTEGER, result TEXT NOT NULL, finished_at TEXT NOT NULL,
        PRIMARY KEY (run_id, resource_id, engine)
    );
    """,
    """
    CREATE TABLE link_checks (
        run_id TEXT NOT NULL, resource_id TEXT NOT NULL, location TEXT NOT NULL, checked INTEGER NOT NULL,
        reason TEXT, detail TEXT, pages INTEGER NOT NULL DEFAULT 0, links INTEGER NOT NULL DEFAULT 0,
        broken INTEGER NOT NULL DEFAULT 0, stopped TEXT, finished_at TEXT NOT NULL,
        PRIMARY KEY (run_id, resource_id, location)
    );
    """,
    """
    CREATE TABLE watch_intervals (
        id INTEGER PRIMARY KEY AUTOINCREMENT, resource_id TEXT NOT NULL, location TEXT NOT NULL,
        state TEXT NOT NULL, cause TEXT, host TEXT, started_at TEXT NOT NULL, ended_at TEXT, duration_s REAL,
        closed_by TEXT
    );
    CREATE TABLE watch_states (
        resource_id TEXT NOT NULL, location TEXT NOT NULL, state TEXT NOT NULL, since TEXT NOT NULL,
        observed TEXT NOT NULL, observed_since TEXT NOT NULL, repeat INTEGER NOT NULL, cause TEXT, host TEXT,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (resource_id, location)
    );
    CREATE TABLE incidents (
        id INTEGER PRIMARY KEY AUTOINCREMENT, school TEXT NOT NULL, resource_id TEXT NOT NULL, at TEXT NOT NULL,
        text TEXT NOT NULL, recorded_at TEXT NOT NULL
    );
    CREATE INDEX watch_intervals_start ON watch_intervals(started_at);
    """,
    """
    CREATE TABLE manual_tests (
        id INTEGER PRIMARY KEY AUTOINCREMENT, checkpoint TEXT NOT NULL, location TEXT NOT NULL,
        resource_id TEXT NOT NULL, role TEXT NOT NULL, initials TEXT NOT NULL, loads TEXT NOT NULL,
        login TEXT NOT NULL, translation TEXT NOT NULL, communication TEXT NOT NULL, search_engine TEXT NOT NULL,
        ai TEXT NOT NULL, links_blocked TEXT NOT NULL, comment TEXT NOT NULL, browser TEXT NOT NULL,
        os TEXT NOT NULL, submitted_at TEXT NOT NULL, screenshot TEXT
    );
    CREATE INDEX manual_tests_checkpoint ON manual_tests(checkpoint, resource_id);
    """,
)


@dataclass(frozen=True)
class CellKey:
    resource_id: str
    engine: str
    location: str


@dataclass(frozen=True)
class StoredCell:
    key: CellKey
    status: str
    attempts: int
    result: ProbeResult


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Store:
    """Thread-safe access to one results file."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise NoSuchStore(f"no such store: {self.path} (check database: in the configuration; the first "
                              "'nettsjekk verify' creates it)")
        self.read_only = not create and not _writable(self.path)
        try:
            self._db = self._open_read_only() if self.read_only else self._open()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the results store {self.path}: {exc}") from exc
        self._lock = threading.Lock()
        self._migrate()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=30000")
        return db

    def _open_read_only(self) -> sqlite3.Connection:
        """Read a store this user may not write: ``mode=ro``, or ``immutable=1`` when SQLite cannot
        even create the WAL index next to it (a read-only folder)."""
        for flags in ("mode=ro", "immutable=1"):
            try:
                db = sqlite3.connect(f"{self.path.resolve().as_uri()}?{flags}", uri=True, check_same_thread=False,
                                     isolation_level=None)
                db.execute("PRAGMA user_version").fetchone()
                return db
            except sqlite3.Error:
                continue
        raise StoreError(f"cannot read the results store {self.path}: it is read-only and SQLite cannot open it")

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise StoreError(f"writing the results store {self.path} failed: {exc}") from exc
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path} was written by a newer nettsjekk (schema {version}); upgrade nettsjekk")
        if self.read_only and version < len(MIGRATIONS):
            raise StoreError(f"{self.path} is read-only and needs an upgrade of its schema ({version} to "
                             f"{len(MIGRATIONS)}); open it once as a user who may write it")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self._tx() as db:
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    # -- runs --------------------------------------------------------------------------------
    def start_run(self, checkpoint: str, scope: dict, tester: str = "", run_id: str | None = None) -> str:
        run_id = run_id or f"{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        with self._tx() as db:
            db.execute("INSERT INTO runs (id, checkpoint, started_at, scope, tester) VALUES (?, ?, ?, ?, ?)",
                       (run_id, checkpoint, now(), json.dumps(scope, sort_keys=True), tester))
        return run_id

    def run(self, run_id: str) -> dict:
        row = self._db.execute("SELECT id, checkpoint, started_at, finished_at, status, scope, tester, flow_run_id "
                               "FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise NoSuchRun(f"no run {run_id!r} in {self.path} (see 'nettsjekk runs')")
        keys = ("id", "checkpoint", "started_at", "finished_at", "status", "scope", "tester", "flow_run_id")
        record = dict(zip(keys, row))
        record["scope"] = json.loads(record["scope"])
        return record

    def runs(self) -> list[dict]:
        ids = [r[0] for r in self._db.execute("SELECT id FROM runs ORDER BY started_at, rowid")]  # same second: made first
        return [self.run(run_id) for run_id in ids]

    def finish_run(self, run_id: str, status: str = "finished", flow_run_id: str | None = None) -> None:
        with self._tx() as db:
            db.execute("UPDATE runs SET finished_at = ?, status = ?, flow_run_id = COALESCE(?, flow_run_id) "
                       "WHERE id = ?", (now(), status, flow_run_id, run_id))

    def previous_run(self, run_id: str) -> str | None:
        """The latest finished run started before ``run_id``."""
        started = self.run(run_id)["started_at"]
        row = self._db.execute("SELECT id FROM runs WHERE status = 'finished' AND id != ? AND started_at <= ? "
                               "ORDER BY started_at DESC, id DESC LIMIT 1", (run_id, started)).fetchone()
        return row[0] if row else None

    # -- cells -------------------------------------------------------------------------------
    def save_cell(self, run_id: str, key: CellKey, status: str, attempts: int, result: ProbeResult) -> None:
        """Write one completed cell with its findings and hosts, atomically."""
        with self._tx() as db:
            db.execute("DELETE FROM findings WHERE run_id=? AND resource_id=? AND engine=? AND location=?",
                       (run_id, key.resource_id, key.engine, key.location))
            db.execute("DELETE FROM hosts WHERE run_id=? AND resource_id=? AND engine=? AND location=?",
                       (run_id, key.resource_id, key.engine, key.location))
            db.execute("INSERT OR REPLACE INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (run_id, key.resource_id, key.engine, key.location, status, attempts, result.error,
                        result.model_dump_json(), now()))
            db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(run_id, key.resource_id, key.engine, key.location, f.category, f.rule, f.severity,
                             f.page, f.evidence.kind, f.evidence.value, f.evidence.snippet, f.screenshot)
                            for f in result.findings])
            db.executemany("INSERT INTO hosts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(run_id, key.resource_id, key.engine, key.location, *row) for row in _host_rows(result)])

    def done_cells(self, run_id: str) -> set[CellKey]:
        rows = self._db.execute("SELECT resource_id, engine, location FROM cells WHERE run_id = ?", (run_id,))
        return {CellKey(*row) for row in rows}

    def cells(self, run_id: str) -> list[StoredCell]:
        rows = self._db.execute("SELECT resource_id, engine, location, status, attempts, result FROM cells "
                                "WHERE run_id = ? ORDER BY resource_id, location, engine", (run_id,))
        return [StoredCell(CellKey(r[0], r[1], r[2]), r[3], r[4], ProbeResult.model_validate_json(r[5])) for r in rows]

    def cell_count(self, run_id: str) -> int:
        return self._db.execute("SELECT COUNT(*) FROM cells WHERE run_id = ?", (run_id,)).fetchone()[0]

    # -- exam-mode replays ---------------------------------------------------------------------
    def save_replays(self, run_id: str, replays: list[dict]) -> None:
        """Replace the run's exam-mode replays (``checkpoints.replay_phase.ReplayRecord.to_dict``)."""
        with self._tx() as db:
            db.execute("DELETE FROM replays WHERE run_id = ?", (run_id,))
            db.executemany("INSERT INTO replays VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           [(run_id, r["resource"], r["engine"], r["location"], int(r["checked"]),
                             None if r["works"] is None else int(r["works"]), json.dumps(r, ensure_ascii=False),
                             now()) for r in replays])

    def replays(self, run_id: str) -> list[dict]:
        """The run's exam-mode replays, by resource and engine (empty when none ran)."""
        rows = self._db.execute("SELECT result FROM replays WHERE run_id = ? ORDER BY resource_id, engine", (run_id,))
        return [json.loads(row[0]) for row in rows]

    # -- link checks ---------------------------------------------------------------------------
    def save_link_check(self, run_id: str, check: dict, links: list[dict]) -> None:
        """One resource's link check at one location (``check``: resource_id, location, checked,
        reason, detail, pages, links, broken, stopped) and its links (url, source, text, status,
        http_status, reason, redirects), replacing an earlier one, atomically."""
        where = (run_id, check["resource_id"], check["location"])
        with self._tx() as db:
            db.execute("DELETE FROM links WHERE run_id=? AND resource_id=? AND location=?", where)
            db.execute("INSERT OR REPLACE INTO link_checks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (*where, int(check["checked"]), check.get("reason"), check.get("detail"), check.get("pages", 0),
                        check.get("links", 0), check.get("broken", 0), check.get("stopped"), now()))
            db.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(*where, link["url"], link.get("source"), link.get("text"), link["status"],
                             link.get("http_status"), link.get("reason"), json.dumps(link.get("redirects") or []))
                            for link in links])

    def link_checks(self, run_id: str) -> list[dict]:
        """The run's link checks, by resource and location."""
        keys = ("resource_id", "location", "checked", "reason", "detail", "pages", "links", "broken", "stopped",
                "finished_at")
        rows = self._db.execute(f"SELECT {', '.join(keys)} FROM link_checks WHERE run_id = ? "
                                "ORDER BY resource_id, rowid", (run_id,))
        return [dict(zip(keys, row)) | {"checked": bool(row[2])} for row in rows]

    def links(self, run_id: str, status: str | None = None) -> list[dict]:
        """The run's checked links (only those with ``status`` when given), in the order they were saved."""
        keys = ("resource_id", "location", "url", "source", "text", "status", "http_status", "reason")
        query = f"SELECT {', '.join(keys)} FROM links WHERE run_id = ?"
        args: tuple = (run_id,)
        if status is not None:
            query, args = query + " AND status = ?", (run_id, status)
        return [dict(zip(keys, row)) for row in self._db.execute(query + " ORDER BY rowid", args)]

    # -- verdicts and baselines ----------------------------------------------------------------
    def save_verdicts(self, run_id: str, verdicts: dict[str, tuple[str, list[str]]]) -> None:
        with self._tx() as db:
            db.executemany("INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?)",
                           [(run_id, rid, verdict, json.dumps(reasons)) for rid, (verdict, reasons) in verdicts.items()])

    def verdicts(self, run_id: str) -> dict[str, tuple[str, list[str]]]:
        rows = self._db.execute("SELECT resource_id, verdict, reasons FROM verdicts WHERE run_id = ?", (run_id,))
        return {r[0]: (r[1], json.loads(r[2])) for r in rows}

    def approve_baseline(self, run_id: str, name: str = "default", who: str = "") -> None:
        self.run(run_id)
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO baselines VALUES (?, ?, ?, ?)", (name, run_id, now(), who))

    def baseline(self, name: str = "default") -> str | None:
        row = self._db.execute("SELECT run_id FROM baselines WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    # -- manual tests (nettsjekk intake) -------------------------------------------------------
    def save_manual_test(self, test: ManualTest) -> int:
        """Store one submission of the intake form; return its id."""
        row = test.to_row()
        with self._tx() as db:
            cursor = db.execute(f"INSERT INTO manual_tests ({', '.join(MANUAL_COLUMNS)}) VALUES "
                                f"({', '.join('?' for _ in MANUAL_COLUMNS)})", [row[c] for c in MANUAL_COLUMNS])
        return int(cursor.lastrowid)

    def manual_tests(self, checkpoint: str | None = None) -> list[ManualTest]:
        """The stored submissions (of ``checkpoint`` when given), oldest first."""
        query = f"SELECT id, {', '.join(MANUAL_COLUMNS)} FROM manual_tests"
        args: tuple = ()
        if checkpoint is not None:
            query, args = query + " WHERE checkpoint = ?", (checkpoint,)
        rows = self._db.execute(query + " ORDER BY submitted_at, id", args)
        return [ManualTest(**dict(zip(MANUAL_COLUMNS, row[1:])), id=row[0]) for row in rows]


class WatchLog:
    """The exam-day watch's downtime log in the results store: intervals (opened the moment a state
    is confirmed, so a killed watch loses none), the last state of every resource × location (so a
    restarted watch carries on), and the incidents schools report by phone."""

    INTERVAL_KEYS = ("id", "resource_id", "location", "state", "cause", "host", "started_at", "ended_at",
                     "duration_s", "closed_by")
    STATE_KEYS = ("resource_id", "location", "state", "since", "observed", "observed_since", "repeat", "cause", "host",
                  "seen_at")

    def __init__(self, store: Store) -> None:
        self.store = store

    def open_interval(self, resource_id: str, location: str, state: str, cause: str | None, host: str | None,
                      started_at: str) -> int:
        with self.store._tx() as db:
            cursor = db.execute("INSERT INTO watch_intervals (resource_id, location, state, cause, host, started_at) "
                                "VALUES (?, ?, ?, ?, ?, ?)", (resource_id, location, state, cause, host, started_at))
            return cursor.lastrowid

    def close_interval(self, interval_id: int, ended_at: str, closed_by: str) -> None:
        row = self.store._db.execute("SELECT started_at FROM watch_intervals WHERE id = ?", (interval_id,)).fetchone()
        duration = (dt.datetime.fromisoformat(ended_at) - dt.datetime.fromisoformat(row[0])).total_seconds()
        with self.store._tx() as db:
            db.execute("UPDATE watch_intervals SET ended_at = ?, duration_s = ?, closed_by = ? WHERE id = ? "
                       "AND ended_at IS NULL", (ended_at, max(0.0, duration), closed_by, interval_id))

    def open_intervals(self) -> list[dict]:
        rows = self.store._db.execute(f"SELECT {', '.join(self.INTERVAL_KEYS)} FROM watch_intervals "
                                      "WHERE ended_at IS NULL ORDER BY id")
        return [dict(zip(self.INTERVAL_KEYS, row)) for row in rows]

    def intervals(self, since: str | None = None, until: str | None = None) -> list[dict]:
        """Intervals that overlap [since, until) (ISO times in UTC), oldest first."""
        query = f"SELECT {', '.join(self.INTERVAL_KEYS)} FROM watch_intervals WHERE 1=1"
        args: list = []
        if until:
            query, args = query + " AND started_at < ?", [*args, until]
        if since:
            query, args = query + " AND (ended_at IS NULL OR ended_at >= ?)", [*args, since]
        return [dict(zip(self.INTERVAL_KEYS, row)) for row in self.store._db.execute(query + " ORDER BY started_at, id",
                                                                                    args)]

    def save_states(self, states: list[dict]) -> None:
        with self.store._tx() as db:
            db.executemany(f"INSERT OR REPLACE INTO watch_states ({', '.join(self.STATE_KEYS)}) VALUES "
                           f"({', '.join('?' * len(self.STATE_KEYS))})",
                           [tuple(s[k] for k in self.STATE_KEYS) for s in states])

    def states(self) -> list[dict]:
        rows = self.store._db.execute(f"SELECT {', '.join(self.STATE_KEYS)} FROM watch_states")
        return [dict(zip(self.STATE_KEYS, row)) for row in rows]

    def add_incident(self, school: str, resource_id: str, at: str, text: str) -> int:
        with self.store._tx() as db:
            return db.execute("INSERT INTO incidents (school, resource_id, at, text, recorded_at) VALUES "
                              "(?, ?, ?, ?, ?)", (school, resource_id, at, text, now())).lastrowid

    def incidents(self, since: str | None = None, until: str | None = None) -> list[dict]:
        keys = ("id", "school", "resource_id", "at", "text", "recorded_at")
        rows = self.store._db.execute(f"SELECT {', '.join(keys)} FROM incidents WHERE at >= ? AND at < ? "
                                      "ORDER BY at, id", (since or "", until or "9999"))
        return [dict(zip(keys, row)) for row in rows]


def _writable(path: Path) -> bool:
    """True when this user may write ``path`` and create files next to it (SQLite's WAL and index)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _host_rows(result: ProbeResult) -> list[tuple]:
    by_host: dict[str, dict] = {}
    for request in result.requests:
        if not request.host:
            continue
        entry = by_host.setdefault(request.host, {"domain": request.domain, "n": 0, "types": set(), "page": request.page})
        entry["n"] += 1
        entry["types"].add(request.type)
    return [(host, e["domain"], e["n"], ",".join(sorted(e["types"])), e["page"]) for host, e in sorted(by_host.items())]
