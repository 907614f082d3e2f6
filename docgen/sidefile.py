"""The side file ``<stem>.反馈.yaml``: a reviewer's ``反馈`` kept apart from the unit's project file.

``docgen review FILE --side-file`` writes it; whenever a project file is loaded (check, compute, render,
build, review) and its side file exists, the side file's ``反馈`` replaces the project file's. Problems in
it are reported against the side file's own lines. A side file is never a project of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic, InputError, Level, Location
from .yamlfile import YamlDocument, read

SIDE_SUFFIX = ".反馈.yaml"
SIDE_SUFFIXES = (SIDE_SUFFIX, ".反馈.yml")
SECTION = "反馈"


def side_file_for(path: Path) -> Path:
    return path.with_name(path.stem + SIDE_SUFFIX)


def is_side_file(path: Path) -> bool:
    return path.name.endswith(SIDE_SUFFIXES)


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


def read_with_side_file(path: Path, display: str | None = None) -> tuple[YamlDocument, list[Diagnostic]]:
    """A project file's YAML, with ``反馈`` from ``<stem>.反馈.yaml`` when that file exists, and notes about it."""
    main = read(path, display)
    side_path = side_file_for(path)
    if not side_path.is_file():
        return main, []
    shown = str(Path(display).with_name(side_path.name)) if display else str(side_path)
    return merge(main, read(side_path, shown))
