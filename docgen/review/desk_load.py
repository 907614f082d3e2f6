"""Read every project of a folder into desk rows (the side files' 反馈 merged in)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from ..errors import InputError, Level
from ..pipeline import project_files, run_file
from ..yamlfile import read
from .desk import DeskRow, invalid_row, row_of, sort_key
from .desk_feedback import desk_feedback
from .sidefile import YAML_SUFFIXES, is_side_file, run_reviewed


def _identity(path: Path) -> tuple[str, str]:
    """项目名称 and 主管部门 of a file that failed validation, when its YAML can still be read."""
    if path.suffix.lower() not in YAML_SUFFIXES:
        return "", ""
    try:
        data = read(path).data
    except (InputError, OSError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    return str(data.get("项目名称") or ""), str(data.get("主管部门") or "")


def desk_files(folder: Path) -> list[tuple[Path, str]]:
    """The project files of a folder (side files are not projects)."""
    return [(p, d) for p, d in project_files([folder]) if not is_side_file(p)]


def desk_rows(folder: Path, *, as_of: date | None = None, profile_name: str | None = None) -> list[DeskRow]:
    rows = []
    for path, display in desk_files(folder):
        if path.suffix.lower() in YAML_SUFFIXES:
            outcome = run_reviewed(path, display, as_of=as_of, profile_name=profile_name)
        else:  # another kind of project input (e.g. an intake workbook): no side file
            outcome = run_file(path, display, as_of=as_of, profile_name=profile_name)
        if outcome.ok and outcome.result is not None:
            warnings = sum(1 for d in outcome.diagnostics if d.level is Level.WARNING)
            row = row_of(display, outcome.result, warnings)
        else:
            row = invalid_row(display, outcome, *_identity(path))
        status, reviewer, texts = desk_feedback(path)
        rows.append(replace(row, path=str(path.resolve()), status=status, reviewer=reviewer,
                            opinions=tuple(texts.items())))
    return sorted(rows, key=sort_key)
