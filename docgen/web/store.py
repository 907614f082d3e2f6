"""The desk's SQLite database ``DIR/.docgen/desk.sqlite``: accounts, statuses, issued 表3, history, audit log.

Every write is one committed transaction (WAL journal, synchronous=FULL), so a ``kill -9`` of the
server loses nothing that a page already reported as saved.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

STATE_DIR = ".docgen"
DB_NAME = "desk.sqlite"
ROLES = ("管理员", "审核人", "单位")
ADMIN, REVIEWER, UNIT = ROLES
UNREVIEWED, DRAFTED, ISSUED = "未审核", "已起草", "已出具"
STATUSES = (UNREVIEWED, DRAFTED, ISSUED)

SCHEMA = """
CREATE TABLE IF NOT EXISTS account (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, unit TEXT NOT NULL DEFAULT '', hash TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0, locked_until TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS status (
    project TEXT PRIMARY KEY, state TEXT NOT NULL, who TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS issued (
    id INTEGER PRIMARY KEY AUTOINCREMENT, project TEXT NOT NULL, file TEXT NOT NULL, who TEXT NOT NULL,
    at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, project TEXT NOT NULL, unit TEXT NOT NULL, original TEXT NOT NULL,
    stored TEXT NOT NULL, accepted INTEGER NOT NULL, who TEXT NOT NULL, at TEXT NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, detail TEXT NOT NULL);
"""


def now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def state_dir(root: Path) -> Path:
    return root / STATE_DIR


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    unit: str
    hash: str
    failures: int
    locked_until: str


class Store:
    """One connection per thread; each method is one transaction."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dir = state_dir(root)
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "history").mkdir(exist_ok=True)
        (self.dir / "issued").mkdir(exist_ok=True)
        self.path = self.dir / DB_NAME
        self._local = threading.local()
        self._conn().executescript(SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def query(self, sql: str, *args: object) -> list[sqlite3.Row]:
        return self._conn().execute(sql, args).fetchall()

    # --- accounts ---------------------------------------------------------------------------

    def account(self, name: str) -> Account | None:
        rows = self.query("SELECT * FROM account WHERE name = ?", name)
        return Account(**dict(rows[0])) if rows else None

    def accounts(self) -> list[Account]:
        return [Account(**dict(r)) for r in self.query("SELECT * FROM account ORDER BY role, name")]

    def put_account(self, name: str, role: str, unit: str, hash_: str) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO account (name, role, unit, hash) VALUES (?, ?, ?, ?)",
                       (name, role, unit, hash_))

    def remove_account(self, name: str) -> bool:
        with self.tx() as db:
            return db.execute("DELETE FROM account WHERE name = ?", (name,)).rowcount > 0

    def set_failures(self, name: str, failures: int, locked_until: str, hash_: str | None = None) -> None:
        with self.tx() as db:
            db.execute("UPDATE account SET failures = ?, locked_until = ? WHERE name = ?",
                       (failures, locked_until, name))
            if hash_ is not None:
                db.execute("UPDATE account SET hash = ? WHERE name = ?", (hash_, name))

    # --- statuses, issued 表3, history, audit ----------------------------------------------

    def statuses(self) -> dict[str, sqlite3.Row]:
        return {r["project"]: r for r in self.query("SELECT * FROM status")}

    def set_status(self, project: str, state: str, who: str) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO status VALUES (?, ?, ?, ?)", (project, state, who, now()))

    def set_status_logged(self, project: str, state: str, who: str, action: str, detail: str) -> None:
        """A new status and its audit-log line, in one transaction."""
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO status VALUES (?, ?, ?, ?)", (project, state, who, now()))
            db.execute("INSERT INTO audit (at, who, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                       (now(), who, action, project, detail))

    def issued(self, project: str) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM issued WHERE project = ? ORDER BY id DESC", project)

    def add_issued(self, project: str, file: str, who: str) -> None:
        with self.tx() as db:
            db.execute("INSERT INTO issued (project, file, who, at) VALUES (?, ?, ?, ?)", (project, file, who, now()))
            db.execute("INSERT OR REPLACE INTO status VALUES (?, ?, ?, ?)", (project, ISSUED, who, now()))

    def history(self, project: str) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM history WHERE project = ? ORDER BY id DESC", project)

    def history_of_unit(self, unit: str) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM history WHERE unit = ? ORDER BY id DESC LIMIT 50", unit)

    def history_entry(self, entry: int) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM history WHERE id = ?", entry)
        return rows[0] if rows else None

    def add_history(self, project: str, unit: str, original: str, stored: str, accepted: bool, who: str,
                    note: str) -> None:
        with self.tx() as db:
            db.execute("INSERT INTO history (project, unit, original, stored, accepted, who, at, note) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (project, unit, original, stored, int(accepted), who,
                                                           now(), note))

    def audit(self, who: str, action: str, target: str, detail: str = "") -> None:
        with self.tx() as db:
            db.execute("INSERT INTO audit (at, who, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                       (now(), who, action, target, detail))

    def audit_log(self, limit: int = 200) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", limit)
