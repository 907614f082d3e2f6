"""The side file ``<stem>.反馈.yaml``: the reviewer's ``反馈`` kept apart from the unit's project file.

When it exists, its ``反馈`` replaces the project file's on loading; problems in it are reported
against the side file's own lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import Diagnostic, Diagnostics, InputError, Level, Location
from ..pipeline import Outcome, sort_diagnostics
from ..profile import profile_for
from ..project import LoadedProject, validate
from ..rules.context import compute
from ..yamlfile import YamlDocument, read

SIDE_SUFFIX = ".反馈.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
SECTION = "反馈"


def side_file_for(path: Path) -> Path:
    return path.with_name(path.stem + SIDE_SUFFIX)


def is_side_file(path: Path) -> bool:
    return path.name.endswith((SIDE_SUFFIX, ".反馈.yml"))


@dataclass
class MergedDocument(YamlDocument):
    """A project file whose ``反馈`` comes from a side file; each problem is located in its own file."""

    side: YamlDocument | None = None

    def locate(self, diagnostic: Diagnostic) -> Diagnostic:
        if self.side is not None and diagnostic.path[:1] == (SECTION,):
            return self.side.locate(diagnostic)
        return super().locate(diagnostic)


def merge(main: YamlDocument, side: YamlDocument) -> tuple[MergedDocument, list[Diagnostic]]:
    notes: list[Diagnostic] = []
    data = main.data
    extra = side.data if isinstance(side.data, dict) else {}
    if side.data is not None and not isinstance(side.data, dict):
        raise InputError("", [Diagnostic(Level.ERROR, "旁注文件顶层应为“反馈:”映射", (),
                                         Location(side.file, 1, "文件"))])
    for key in extra:
        if key != SECTION:
            notes.append(side.locate(Diagnostic(Level.WARNING, f"旁注文件只读取“反馈”，字段“{key}”已忽略", (key,))))
    if isinstance(data, dict) and SECTION in extra:
        data = {**data, SECTION: extra[SECTION]}
    return MergedDocument(main.file, data, main.lines, side if SECTION in extra else None), notes


def load_with_side_file(path: Path, display: str | None = None) -> LoadedProject:
    """Load a project file, taking ``反馈`` from ``<stem>.反馈.yaml`` when that file exists."""
    main = read(path, display)
    side_path = side_file_for(path)
    if not side_path.is_file():
        return validate(main)
    shown = str(Path(display).with_name(side_path.name)) if display else str(side_path)
    doc, notes = merge(main, read(side_path, shown))
    loaded = validate(doc)
    loaded.diagnostics = [*notes, *loaded.diagnostics]
    return loaded


def run_reviewed(path: Path, display: str, *, as_of: date | None = None,
                 profile_name: str | None = None) -> Outcome:
    """``pipeline.run_file`` with the side file merged in: never raises for bad input."""
    out = Outcome(display)
    try:
        prof = profile_for(path, profile_name)
        loaded = load_with_side_file(path, display)
    except InputError as exc:
        out.diagnostics = sort_diagnostics(list(exc.diagnostics))
        return out
    diags = Diagnostics()
    out.loaded = loaded
    out.result = compute(loaded.project, prof, diags, as_of)
    out.diagnostics = sort_diagnostics([*loaded.diagnostics, *loaded.locate(diags)])
    return out
