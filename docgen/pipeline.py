"""Load + compute one project file, collecting every located diagnostic (used by every command)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import Diagnostic, Diagnostics, InputError, Level, shown
from .profile import CONFIG_NAME, Profile, profile_for
from .project import WORKBOOK_SUFFIXES, LoadedProject, load_project
from .rules.context import ProjectResult, compute
from .sidefile import is_side_file

PROJECT_SUFFIXES = (".yaml", ".yml")
LOCK_PREFIX = "~$"  # Excel's and WPS's lock file beside an open workbook
IGNORE_MARKER = ".docgen-ignore"  # a folder holding it is skipped when a parent folder is walked


@dataclass
class Outcome:
    """What happened to one project file."""

    file: str
    loaded: LoadedProject | None = None
    result: ProjectResult | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result is not None and not any(d.level is Level.ERROR for d in self.diagnostics)


def skipped_dirs(root: Path) -> list[Path]:
    """Sub-folders of ``root`` marked with :data:`IGNORE_MARKER` (e.g. deliberately broken samples)."""
    return sorted(m.parent for m in root.rglob(IGNORE_MARKER) if m.parent != root)


LEGACY_WORKBOOK_SUFFIXES = (".xls",)  # the Excel 97–2003 format: docgen reads .xlsx only


def is_legacy_intake(path: Path) -> bool:
    """An .xls that was a docgen intake workbook (saved in the old format): its bytes name the marker sheet."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4 * 1024 * 1024)
    except OSError:
        return False
    return b"_docgen" in head or "_docgen".encode("utf-16-le") in head


def skipped_files(root: Path) -> list[Path]:
    """Files under ``root`` that look like projects but cannot be read (an .xls that is not a docgen workbook)."""
    skip = skipped_dirs(root)
    return sorted(
        p for p in root.rglob("*")
        if p.suffix.lower() in LEGACY_WORKBOOK_SUFFIXES and p.is_file() and not p.name.startswith(LOCK_PREFIX)
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and not any(s in p.parents for s in skip)
        and not is_legacy_intake(p)
    )


def is_project_file(path: Path) -> bool:
    """A YAML file other than docgen.yaml, or an intake workbook (other spreadsheets are not projects)."""
    suffix = path.suffix.lower()
    if path.name.startswith(LOCK_PREFIX) or not path.is_file():
        return False
    if suffix in PROJECT_SUFFIXES:
        return path.name != CONFIG_NAME and not is_side_file(path)
    if suffix in WORKBOOK_SUFFIXES:
        from .intake.reader import is_intake_workbook

        return is_intake_workbook(path)
    if suffix in LEGACY_WORKBOOK_SUFFIXES:  # read, so that it is reported (另存为 .xlsx), never silently left out
        return is_legacy_intake(path)
    return False


def project_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Every project file under the given files and directories, with the name used in messages.

    A folder named on the command line is always read; below it, hidden folders and folders
    holding a ``.docgen-ignore`` file are skipped. In a folder, an ``.xlsx`` counts only when it is a
    docgen intake workbook; a file named on the command line is always read (and told off when it is not one).
    """
    for path in paths:
        if path.is_dir():
            skip = skipped_dirs(path)
            found = sorted(
                p for p in path.rglob("*")
                if p.suffix.lower() in (*PROJECT_SUFFIXES, *WORKBOOK_SUFFIXES, *LEGACY_WORKBOOK_SUFFIXES)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not any(s in p.parents for s in skip)
                and is_project_file(p)
            )
            for p in found:
                yield p, shown(str(path / p.relative_to(path)))
        else:
            yield path, shown(str(path))


def run_file(path: Path, display: str, *, as_of: date | None = None, profile_name: str | None = None,
             profile: Profile | None = None) -> Outcome:
    """Load, validate and compute one file; never raises for bad input."""
    out = Outcome(display)
    try:
        prof = profile or profile_for(path, profile_name)
        as_of = as_of if as_of is not None else prof.as_of
        loaded = load_project(path, display)
    except InputError as exc:
        out.diagnostics = sort_diagnostics(list(exc.diagnostics))
        return out
    out.loaded = loaded
    diags = Diagnostics()
    result = compute(loaded.project, prof, diags, as_of)
    out.diagnostics = sort_diagnostics([*loaded.diagnostics, *loaded.locate(diags)])
    out.result = result
    return out


def sort_diagnostics(items: list[Diagnostic]) -> list[Diagnostic]:
    """In file order, so that a user can work down the file."""
    return sorted(items, key=lambda d: d.location.line if d.location else 0)
