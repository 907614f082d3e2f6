"""The desk as an XLSX workbook: one row per project, autofilter, frozen header, text never a formula.

The bytes are deterministic (fixed zip timestamps and document properties, :mod:`..render.package`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..model import OPINION_AREAS
from ..render.package import normalise_package
from ..render.xlsx import write_cell
from ..rules.budget import BLUE, GREEN, RED, YELLOW
from .desk import DeskRow

TITLE = "审核台账"
Column = tuple[str, float, Callable[[int, DeskRow], Any]]
COLUMNS: tuple[Column, ...] = (
    ("序号", 6, lambda i, r: i),
    ("严重程度", 22, lambda i, r: r.severity),
    ("项目名称", 36, lambda i, r: r.name),
    ("主管部门", 18, lambda i, r: r.department),
    ("执行率", 10, lambda i, r: r.rate),
    ("时序进度", 10, lambda i, r: r.time_progress),
    ("执行进度比", 11, lambda i, r: r.progress_ratio),
    ("预算执行预警", 12, lambda i, r: r.light),
    ("主要数据", 34, lambda i, r: r.figure),
    ("红灯指标数", 10, lambda i, r: r.red),
    ("蓝灯指标数", 10, lambda i, r: r.blue),
    ("拟处理方式（第十五条）", 40, lambda i, r: r.treatment),
    ("发现的问题", 40, lambda i, r: "、".join(r.issues)),
    ("反馈意见", 10, lambda i, r: r.feedback),
    ("文件", 40, lambda i, r: r.file),
    ("说明", 40, lambda i, r: r.note),
    ("状态", 10, lambda i, r: r.status),
    # the 表3 opinions: edited here, taken back by docgen review --import (EDITABLE)
    ("审核单位", 20, lambda i, r: r.reviewer),
    *((area, 50, (lambda a: lambda i, r: r.opinion(a))(area)) for area in OPINION_AREAS),
    ("整改要求", 50, lambda i, r: r.opinion("整改要求")),
    ("整改期限", 16, lambda i, r: r.opinion("整改期限")),
)
EDITABLE = ("审核单位", *OPINION_AREAS, "整改要求", "整改期限")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")  # the reviewer's columns
LIGHT_FILLS = {
    RED: PatternFill("solid", fgColor="FFC7CE"),
    YELLOW: PatternFill("solid", fgColor="FFEB9C"),
    GREEN: PatternFill("solid", fgColor="C6EFCE"),
    BLUE: PatternFill("solid", fgColor="BDD7EE"),
}
LIGHT_COLUMN = "预算执行预警"
FILE_COLUMN = "文件"


def _link(row: DeskRow, base: Path | None) -> str | None:
    """The project file, relative to the desk's folder when it can be (the desk and the files move together)."""
    if not row.path:
        return None
    target = Path(row.path)
    if base is not None:
        try:
            return Path(os.path.relpath(target, base.resolve())).as_posix()
        except ValueError:  # another drive on Windows
            pass
    return target.as_posix()


def _print_setup(ws: Any) -> None:
    """A4 landscape, the header row on every page, all columns fitted to the page width."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def desk_xlsx(rows: list[DeskRow], base: Path | None = None) -> bytes:
    """The desk workbook; ``base`` is the folder it is written to (links to the project files are relative)."""
    wb = Workbook()
    ws = wb.active
    ws.title = TITLE
    for c, (name, width, _) in enumerate(COLUMNS, start=1):
        cell = ws.cell(1, c)
        write_cell(cell, name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = width
    for i, row in enumerate(rows, start=1):
        for c, (name, _, get) in enumerate(COLUMNS, start=1):
            cell = ws.cell(i + 1, c)
            write_cell(cell, get(i, row))
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if name == LIGHT_COLUMN and row.light in LIGHT_FILLS:
                cell.fill = LIGHT_FILLS[row.light]
            elif name in EDITABLE:
                cell.fill = EDITABLE_FILL
            elif name == FILE_COLUMN and (link := _link(row, base)):
                cell.hyperlink = link
                cell.font = Font(color="0563C1", underline="single")
    for c, (name, _, _) in enumerate(COLUMNS, start=1):
        if name in EDITABLE:
            ws.cell(1, c).fill = EDITABLE_FILL
    last = get_column_letter(len(COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    ws.freeze_panes = "A2"
    _print_setup(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_package(buf.getvalue(), TITLE)
