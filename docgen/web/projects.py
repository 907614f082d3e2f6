"""The projects of the served folder, each loaded and computed once per change of its files.

A project is named in URLs by a short hash of its path (never by the path), so a URL cannot reach
a file that is not one of the folder's projects.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import InputError, Level
from ..pipeline import Outcome, project_files, run_file
from ..review.desk import DeskRow, invalid_row, row_of, sort_key
from ..sidefile import is_side_file, side_file_for
from ..yamlfile import read
from .store import UNIT, Account

YAML_SUFFIXES = (".yaml", ".yml")
SCAN_SECONDS = 2.0


def project_id(rel: str) -> str:
    return hashlib.sha256(rel.encode("utf-8")).hexdigest()[:16]


def _signature(path: Path) -> tuple[int, int, int, int]:
    def one(p: Path) -> tuple[int, int]:
        try:
            st = p.stat()
        except OSError:
            return 0, 0
        return st.st_mtime_ns, st.st_size

    return (*one(path), *one(side_file_for(path)))


@dataclass(frozen=True)
class Entry:
    id: str
    rel: str  # the path inside the folder, as messages show it
    path: Path
    outcome: Outcome
    row: DeskRow
    name: str
    department: str
    unit: str
    signature: tuple[int, int, int, int]

    @property
    def ok(self) -> bool:
        return self.outcome.ok and self.outcome.result is not None

    @property
    def errors(self) -> int:
        return sum(1 for d in self.outcome.diagnostics if d.level is Level.ERROR)

    def visible_to(self, account: Account) -> bool:
        if account.role != UNIT:
            return True
        return account.unit in (self.department, self.unit)


def _identity(path: Path) -> tuple[str, str, str]:
    """项目名称, 主管部门 and 实施单位 of a file that failed validation, when its YAML can still be read."""
    if path.suffix.lower() not in YAML_SUFFIXES:
        return "", "", ""
    try:
        data = read(path).data
    except (InputError, OSError):
        return "", "", ""
    if not isinstance(data, dict):
        return "", "", ""
    return tuple(str(data.get(k) or "") for k in ("项目名称", "主管部门", "实施单位"))  # type: ignore[return-value]


def load_entry(root: Path, path: Path, as_of: date | None = None) -> Entry:
    rel = path.relative_to(root).as_posix()
    signature = _signature(path)
    outcome = run_file(path, rel, as_of=as_of)
    if outcome.ok and outcome.result is not None:
        warnings = sum(1 for d in outcome.diagnostics if d.level is Level.WARNING)
        row = row_of(rel, outcome.result, warnings)
        p = outcome.result.project
        name, dept, unit = p.name, p.department, p.unit
    else:
        name, dept, unit = _identity(path)
        row = invalid_row(rel, outcome, name, dept)
    return Entry(project_id(rel), rel, path, outcome, row, name, dept, unit, signature)


class Projects:
    """The folder's projects, reloaded file by file when a file (or its side file) changes.

    The folder is looked at again at most every :data:`SCAN_SECONDS` (a change made through the desk is
    seen at once, through :meth:`reload`); while one request looks, the others use what was last seen.
    """

    def __init__(self, root: Path, scan_seconds: float = SCAN_SECONDS) -> None:
        self.root = root
        self.scan_seconds = scan_seconds
        self._entries: dict[str, Entry] = {}  # by rel
        self._sorted: list[Entry] = []
        self._by_id: dict[str, Entry] = {}
        self._scanned = -1e9
        self._lock = threading.Lock()

    def _scan(self) -> list[Path]:
        return [p for p, _ in project_files([self.root]) if not is_side_file(p)]

    def _publish(self) -> None:
        self._sorted = sorted(self._entries.values(), key=lambda e: sort_key(e.row))
        self._by_id = {e.id: e for e in self._sorted}

    def all(self) -> list[Entry]:
        """Every project, most urgent first (the review desk's order)."""
        due = time.monotonic() - self._scanned >= self.scan_seconds
        if due and self._lock.acquire(blocking=self._scanned < 0):  # only the very first look is waited for
            try:
                if time.monotonic() - self._scanned >= self.scan_seconds:
                    fresh: dict[str, Entry] = {}
                    for path in self._scan():
                        rel = path.relative_to(self.root).as_posix()
                        old = self._entries.get(rel)
                        fresh[rel] = old if old is not None and old.signature == _signature(path) else \
                            load_entry(self.root, path)
                    self._entries = fresh
                    self._publish()
                    self._scanned = time.monotonic()
            finally:
                self._lock.release()
        return list(self._sorted)

    def reload(self, path: Path) -> Entry:
        entry = load_entry(self.root, path)
        with self._lock:
            self._entries[entry.rel] = entry
            self._publish()
        return entry

    def get(self, pid: str, account: Account) -> Entry | None:
        """The project, or None when there is none by that id or the account may not see it."""
        self.all()
        entry = self._by_id.get(pid)
        return entry if entry is not None and entry.visible_to(account) else None

    def visible(self, account: Account) -> list[Entry]:
        return [e for e in self.all() if e.visible_to(account)]
