"""``docgen review --import 审核台账.xlsx``: the opinions a reviewer edited in the desk workbook, back into the
side files, through the same round trip as ``docgen review`` (comments, key order and draft markers kept).

A field whose words did not change is not touched, so importing an unedited desk changes no byte; an edited
field keeps its draft marker, which no longer matches, so a later ``docgen review`` keeps the reviewer's words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import OPINION_AREAS
from ..project import validate
from ..render.package import write_atomic
from ..sidefile import merge
from ..yamlfile import parse, read
from . import roundtrip as rt
from .apply import KEY_ORDER, _parent
from .desk_feedback import REVIEWER_KEY, feedback_block, feedback_target
from .desk_xlsx import EDITABLE, FILE_COLUMN, TITLE
from .marker import normalise
from .merge import FIELDS, FieldKey
from .sidefile import YAML_SUFFIXES, side_file_for

KEYS: dict[str, FieldKey] = {key[-1]: key for key in FIELDS}


@dataclass
class ImportReport:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DeskEntry:
    where: str  # 台账.xlsx!审核台账!行 for messages
    project: Path
    values: dict[str, str]  # editable column → the cell's text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).replace("\r\n", "\n").strip()


def read_desk(path: Path) -> list[DeskEntry]:
    """The rows of a desk workbook; raise :class:`InputError` when it is not one."""
    from ..intake.reader import open_workbook

    wb = open_workbook(path, str(path))
    if TITLE not in wb.sheetnames:
        raise InputError(f"{path}: 不是审核台账（缺少“{TITLE}”工作表）：请用 docgen review 目录 生成的台账")
    ws = wb[TITLE]
    header = {_text(c.value): c.column for c in ws[1] if c.value}
    missing = [name for name in (FILE_COLUMN, *EDITABLE) if name not in header]
    if missing:
        raise InputError(f"{path}!{TITLE}: 缺少列“{'、'.join(missing)}”：请不要删除或改名台账的表头")
    entries = []
    for row in range(2, ws.max_row + 1):
        file_cell = ws.cell(row, header[FILE_COLUMN])
        link = file_cell.hyperlink.target if file_cell.hyperlink is not None else None
        shown = _text(file_cell.value)
        if not link and not shown:
            continue
        project = (path.parent / link) if link else Path(shown)
        values = {name: _text(ws.cell(row, header[name]).value) for name in EDITABLE}
        entries.append(DeskEntry(f"{path}!{TITLE}!第{row}行", project, values))
    return entries


def _wanted(name: str, text: str) -> str | list[str] | None:
    if not text:
        return None
    if name == "整改要求":
        return [line.strip() for line in text.split("\n") if line.strip()]
    return text


def _apply(block: Any, values: dict[str, str]) -> None:
    """Set each field whose words differ from the file's (a field left as it was is not touched)."""
    for name, text in values.items():
        key = KEYS.get(name, (name,))
        parent = _parent(block, key, create=bool(text))
        if parent is None:
            continue
        current, marker = rt.read_field(parent, key[-1])
        if normalise(current) == normalise(_wanted(name, text)) and (current is not None or not text):
            continue
        value = _wanted(name, text)
        if value is None:
            if name == REVIEWER_KEY:
                rt.write_field(parent, name, "", None, parent.get(name))
            else:
                rt.remove_field(parent, key[-1])
            continue
        order = OPINION_AREAS if len(key) == 2 else KEY_ORDER
        old = parent.get(key[-1])
        if key[-1] not in parent:
            rt.insert_in_order(parent, key[-1], "", order)
        rt.write_field(parent, key[-1], value, marker, old)


def import_entry(entry: DeskEntry, report: ImportReport) -> None:
    project = entry.project
    if project.suffix.lower() not in YAML_SUFFIXES or not project.is_file():
        if any(entry.values.values()):
            report.problems.append(f"{entry.where}: 找不到项目文件 {project}（或不是 YAML 项目文件），意见未导入")
        return
    target = feedback_target(project)
    if target == project and feedback_block(project) is None:
        target = side_file_for(project)  # no 反馈 anywhere yet: a new side file, the project file is not touched
    try:
        text = target.read_bytes().decode("utf-8") if target.is_file() else ""
        if not text.strip():
            if not any(entry.values.values()):
                report.unchanged += 1
                return
            from .command import side_seed

            text = side_seed(project.read_bytes().decode("utf-8"), project.stem, project.name)
        new_text = rt.rewrite(text, lambda block: _apply(block, entry.values))
    except (rt.RewriteError, UnicodeDecodeError, OSError) as exc:
        report.problems.append(f"{target}: 无法写入反馈：{exc}")
        return
    if target.is_file() and new_text == text:
        report.unchanged += 1
        return
    try:  # never write a file docgen itself could not read back
        if target == project:
            validate(parse(new_text, str(project)))
        else:
            merged, _ = merge(read(project, str(project)), parse(new_text, str(target)))
            validate(merged)
    except InputError as exc:
        report.problems.append(f"{entry.where}: 意见未导入：{exc}")
        return
    write_atomic(target, new_text.encode("utf-8"))
    report.written.append(target)


def import_desk(path: Path) -> ImportReport:
    report = ImportReport()
    for entry in read_desk(path):
        import_entry(entry, report)
    return report
