"""The desk as an XLSX workbook: one row per project, autofilter, frozen header, text never a formula.

The bytes are deterministic (fixed zip timestamps and document properties, :mod:`..render.package`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..render.package import normalise_package
from ..render.xlsx import write_cell
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
)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def desk_xlsx(rows: list[DeskRow]) -> bytes:
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
        for c, (_, _, get) in enumerate(COLUMNS, start=1):
            cell = ws.cell(i + 1, c)
            write_cell(cell, get(i, row))
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    last = get_column_letter(len(COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_package(buf.getvalue(), TITLE)
