"""The build's memory: an SQLite file in ``OUT/.docgen`` holding, per output, the hashes it was built from.

Tables: ``outputs`` (one row per file written: its inputs' hashes, its own hash, size and mtime),
``skips`` (a form a project could not fill, with the reason, so a no-op build need not load it),
``sources`` (a project's name and 主管部门 for the data hash they were read from), ``vals`` (the
filled values of each (source, form), for the what-changed report), ``summaries`` (each project's
summary row for the aggregates, by the data and profile hash it was computed from), ``checks`` (templates
that passed ``templates check``), ``built`` (the files the last build rebuilt and why, for its
report). A row is written only after its file is in place and flushed to disk
(:mod:`.durable`); WAL mode with ``synchronous=NORMAL`` survives ``kill -9``; a power cut may lose the last
commits (never a file they record), which only costs a rebuild of those files.
"""

from __future__ import annotations

import functools
import json
import operator
import sqlite3
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .inputs import SCHEMA

FOLDER = ".docgen"
FILENAME = "manifest.sqlite"

_TABLES = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE outputs(path TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, form TEXT NOT NULL,
    fmt TEXT NOT NULL, data_hash TEXT NOT NULL, template_hash TEXT NOT NULL, profile_hash TEXT NOT NULL,
    version TEXT NOT NULL, out_hash TEXT NOT NULL, out_size INTEGER NOT NULL, out_mtime INTEGER NOT NULL,
    reason TEXT NOT NULL);
CREATE INDEX outputs_source ON outputs(source);
CREATE TABLE skips(source TEXT NOT NULL, form TEXT NOT NULL, reason TEXT NOT NULL, data_hash TEXT NOT NULL,
    profile_hash TEXT NOT NULL, version TEXT NOT NULL, PRIMARY KEY(source, form));
CREATE TABLE sources(source TEXT PRIMARY KEY, data_hash TEXT NOT NULL, version TEXT NOT NULL,
    name TEXT NOT NULL, department TEXT NOT NULL);
CREATE TABLE vals(source TEXT NOT NULL, form TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY(source, form));
CREATE TABLE checks(template TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE summaries(source TEXT PRIMARY KEY, data_hash TEXT NOT NULL, profile_hash TEXT NOT NULL,
    version TEXT NOT NULL, row BLOB NOT NULL);
"""


@dataclass
class OutputRow:
    path: str  # relative to OUT, with "/"
    source: str  # a project's key, or an aggregate's ("汇总:全部项目")
    kind: str  # "project" or "aggregate"
    form: str
    fmt: str
    data_hash: str
    template_hash: str
    profile_hash: str
    version: str
    out_hash: str
    out_size: int
    out_mtime: int
    reason: str  # why it was last rebuilt


@dataclass
class SkipRow:
    reason: str
    data_hash: str
    profile_hash: str
    version: str


@dataclass
class SourceRow:
    data_hash: str
    version: str
    name: str
    department: str


class Manifest:
    def __init__(self, out: Path) -> None:
        folder = out / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILENAME
        try:
            self.db = self._open()
        except sqlite3.OperationalError:  # disk full, read-only, locked: a fault to report, not a reason to discard
            raise
        except sqlite3.DatabaseError:  # not a database any more: start afresh (everything is rebuilt)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)  # another process's write: wait for it
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self.db = db
            self._ensure_schema()
            db.execute("CREATE TABLE IF NOT EXISTS built(path TEXT PRIMARY KEY, reason TEXT NOT NULL)")
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    @staticmethod
    def exists(out: Path) -> bool:
        return (out / FOLDER / FILENAME).is_file()

    def _ensure_schema(self) -> None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.OperationalError:  # no meta table: a new file
            row = None
        if row is not None and row[0] == str(SCHEMA):
            return
        tables = [r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            self.db.execute(f'DROP TABLE IF EXISTS "{table}"')
        self.db.executescript(_TABLES)
        self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
        self.db.commit()

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
        self.db.commit()

    # --- reading -------------------------------------------------------------------------------------

    def outputs(self) -> list[OutputRow]:
        names = ", ".join(f.name for f in fields(OutputRow))
        return [OutputRow(*r) for r in self.db.execute(f"SELECT {names} FROM outputs ORDER BY path")]

    def _in(self, sql: str, keys: list[str]) -> Iterator[tuple]:
        """``sql`` (with ``{marks}``) over ``keys``, 500 at a time."""
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            yield from self.db.execute(sql.format(marks=", ".join("?" for _ in part)), part)

    def rows_of(self, sources: list[str]) -> list[OutputRow]:
        """The output rows of ``sources`` (a window of projects: the build never reads every row at once)."""
        names = ", ".join(f.name for f in fields(OutputRow))
        return [OutputRow(*r) for r in self._in(f"SELECT {names} FROM outputs WHERE source IN ({{marks}})"
                                                " ORDER BY path", sources)]

    def aggregate_rows(self) -> list[OutputRow]:
        names = ", ".join(f.name for f in fields(OutputRow))
        return [OutputRow(*r) for r in self.db.execute(
            f"SELECT {names} FROM outputs WHERE kind='aggregate' ORDER BY path")]

    def recorded_projects(self) -> set[str]:
        """The source keys of every project with an output row."""
        return {r[0] for r in self.db.execute("SELECT DISTINCT source FROM outputs WHERE kind='project'")}

    def skips_of(self, sources: list[str]) -> dict[tuple[str, str], SkipRow]:
        rows = self._in("SELECT source, form, reason, data_hash, profile_hash, version FROM skips"
                        " WHERE source IN ({marks})", sources)
        return {(r[0], r[1]): SkipRow(*r[2:]) for r in rows}

    def summaries_of(self, sources: list[str]) -> dict[str, tuple[str, str, str]]:
        """The (data hash, profile hash, version) each of ``sources``' cached summary row was made from."""
        rows = self._in("SELECT source, data_hash, profile_hash, version FROM summaries WHERE source IN ({marks})",
                        sources)
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def built(self, order: list[str]) -> Iterator[tuple[str, str]]:
        """(path, reason) of each file the last build rebuilt: by reason in ``order``, then path."""
        for reason in order:
            yield from self.db.execute("SELECT path, reason FROM built WHERE reason=? ORDER BY path", (reason,))

    def source_outputs(self, source: str) -> list[OutputRow]:
        names = ", ".join(f.name for f in fields(OutputRow))
        rows = self.db.execute(f"SELECT {names} FROM outputs WHERE source=? ORDER BY path", (source,))
        return [OutputRow(*r) for r in rows]

    def skips(self) -> dict[tuple[str, str], SkipRow]:
        rows = self.db.execute("SELECT source, form, reason, data_hash, profile_hash, version FROM skips")
        return {(r[0], r[1]): SkipRow(*r[2:]) for r in rows}

    def sources(self) -> dict[str, SourceRow]:
        rows = self.db.execute("SELECT source, data_hash, version, name, department FROM sources")
        return {r[0]: SourceRow(*r[1:]) for r in rows}

    def summary_keys(self) -> dict[str, tuple[str, str, str]]:
        """Each cached summary row's (data hash, profile hash, version), by source."""
        rows = self.db.execute("SELECT source, data_hash, profile_hash, version FROM summaries")
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def summary_rows(self, sources: list[str]) -> dict[str, bytes]:
        """The packed summary rows of ``sources`` (those that have one)."""
        out: dict[str, bytes] = {}
        for start in range(0, len(sources), 500):
            part = sources[start:start + 500]
            marks = ", ".join("?" for _ in part)
            out.update(self.db.execute(f"SELECT source, row FROM summaries WHERE source IN ({marks})", part))
        return out

    def checks(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT template, key FROM checks").fetchall())

    def values(self, source: str, form: str) -> dict[str, str] | None:
        row = self.db.execute("SELECT data FROM vals WHERE source=? AND form=?", (source, form)).fetchone()
        return None if row is None else json.loads(zlib.decompress(row[0]))

    # --- writing (the caller commits) ----------------------------------------------------------------

    def put_output(self, row: OutputRow) -> None:
        self.db.execute(_PUT_OUTPUT, _row_values(OutputRow)(row))

    def clear_built(self) -> None:
        self.db.execute("DELETE FROM built")

    def put_built(self, path: str, reason: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO built VALUES (?, ?)", (path, reason))

    def delete_output(self, path: str) -> None:
        self.db.execute("DELETE FROM outputs WHERE path=?", (path,))

    def put_skip(self, source: str, form: str, skip: SkipRow) -> None:
        self.db.execute("INSERT OR REPLACE INTO skips VALUES (?, ?, ?, ?, ?, ?)",
                        (source, form, *_row_values(SkipRow)(skip)))

    def delete_skip(self, source: str, form: str) -> None:
        self.db.execute("DELETE FROM skips WHERE source=? AND form=?", (source, form))

    def put_source(self, source: str, row: SourceRow) -> None:
        self.db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)", (source, *_row_values(SourceRow)(row)))

    def forget_source(self, source: str) -> None:
        """A deleted project: its name, skips and values (its outputs are deleted one by one)."""
        for table in ("sources", "skips", "vals", "summaries"):
            self.db.execute(f"DELETE FROM {table} WHERE source=?", (source,))

    def put_values(self, source: str, form: str, values: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO vals VALUES (?, ?, ?)", (source, form, values))

    def delete_values(self, source: str, form: str) -> None:
        self.db.execute("DELETE FROM vals WHERE source=? AND form=?", (source, form))

    def put_summary(self, source: str, data_hash: str, profile_hash: str, version: str, row: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO summaries VALUES (?, ?, ?, ?, ?)",
                        (source, data_hash, profile_hash, version, row))

    def put_check(self, template: str, key: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO checks VALUES (?, ?)", (template, key))

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()


def pack_values(values: dict[str, str]) -> bytes:
    return zlib.compress(json.dumps(values, ensure_ascii=False).encode("utf-8"), 1)


@functools.cache
def _row_values(kind: type) -> Callable[[Any], tuple[Any, ...]]:
    """A row's field values in column order (its fields hold strings and numbers: no copies needed, unlike
    ``dataclasses.astuple``, which deep-copies every value and was most of a build's bookkeeping)."""
    names = [f.name for f in fields(kind)]
    getter = operator.attrgetter(*names)
    return (lambda row: (getter(row),)) if len(names) == 1 else getter


_PUT_OUTPUT = f"INSERT OR REPLACE INTO outputs VALUES ({', '.join('?' for _ in fields(OutputRow))})"
