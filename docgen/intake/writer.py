"""Write the intake workbook (``docgen intake new``): blank, or filled from a validated project."""

from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..model import Project
from ..profile import Profile
from ..render.package import normalise_package
from . import layout as L
from . import style as S
from .fill import Filled, filled
from .guide import write_guide

TITLE = "docgen 填报工作簿"
HINT_HEIGHT = 42
_LINE = 14  # points per line of wrapped text


def _cell_value(kind: str, value: Any) -> Any:
    if value is None or value == []:
        return None
    if kind in (L.AMOUNT, L.SCORE, L.FIXED) and isinstance(value, Decimal):
        return S.number(value)
    if kind == L.LINES and isinstance(value, list):
        return "\n".join(value)
    if kind == L.TICKBOX:
        return L.TICK if value else None
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _lines(value: Any, width: float) -> int:
    """Rough number of lines a wrapped text needs in a column ``width`` units wide (CJK: two units)."""
    if not isinstance(value, str):
        return 1
    room = max(width - 1, 1)
    return sum(max(math.ceil(sum(2 if ord(c) > 0x2E7F else 1 for c in part) / room), 1)
               for part in value.split("\n"))


class Validations:
    """One DataValidation per (kind, list, bound) on a sheet, collecting its ranges."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.items: dict[tuple[str, str, str], DataValidation] = {}

    def add(self, col: L.Column, ref: str, source: str = "", upper: Decimal | None = None) -> None:
        key = (col.kind, source or col.choices, str(upper))
        if key not in self.items:
            if source or col.choices:
                dv = S.choice_list(source or col.choices, col.key)
            else:
                made = S.validation(col.kind, col.label, upper)
                if made is None:
                    return
                dv = made
            self.items[key] = dv
            self.ws.add_data_validation(dv)
        self.items[key].add(ref)


def _title(ws: Worksheet, text: str, width: int) -> None:
    ws.cell(1, 1).value = text
    ws.cell(1, 1).font = S.TITLE_FONT
    if width > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 24


def _data(ws: Worksheet, row: int, column: int, col: L.Column, value: Any) -> None:
    cell = ws.cell(row, column)
    S.data_cell(cell, col.kind)
    S.put(cell, _cell_value(col.kind, value))


def write_form(ws: Worksheet, form: L.Form, values: dict[str, Any]) -> None:
    _title(ws, form.title, 3)
    for c, text in enumerate(("栏目", "填写内容", "填写说明"), start=1):
        S.header(ws.cell(2, c), text)
    checks = Validations(ws)
    for row, col in enumerate(form.fields, start=L.FORM_FIRST_ROW):
        S.label(ws.cell(row, 1), col.label, col.required)
        _data(ws, row, 2, col, values.get(col.label))
        S.hint(ws.cell(row, 3), col.hint)
        checks.add(col, f"B{row}")
        needed = _lines(ws.cell(row, 2).value, 60)
        if (col.kind == L.TEXT and col.key in ("年度总体目标", "中长期目标", "总体目标完成情况", "调整原因",
                                             "调整后产出", "调整后成效")) or col.group == "意见":
            needed = max(needed, 4)
        if needed > 1:
            ws.row_dimensions[row].height = min(needed, 12) * _LINE
    for letter, width in (("A", 26), ("B", 60), ("C", 44)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{L.FORM_FIRST_ROW}"
    S.protect(ws)


def _head(ws: Worksheet, columns: tuple[L.Column, ...], first: int) -> None:
    """Rows 2–3 (a group above its columns; other headers span both rows) and the hint row 4."""
    c = first
    while c < first + len(columns):
        col = columns[c - first]
        if col.group:
            end = c
            while end + 1 < first + len(columns) and columns[end + 1 - first].group == col.group:
                end += 1
            for k in range(c, end + 1):
                S.header(ws.cell(2, k), col.group if k == c else "")
                S.header(ws.cell(3, k), columns[k - first].key, columns[k - first].required)
            if end > c:
                ws.merge_cells(start_row=2, start_column=c, end_row=2, end_column=end)
            c = end + 1
        else:
            S.header(ws.cell(2, c), col.key, col.required)
            S.header(ws.cell(3, c), "")
            ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
            c += 1
    for k, col in enumerate(columns, start=first):
        S.hint(ws.cell(4, k), col.hint)
        ws.column_dimensions[get_column_letter(k)].width = col.width
    ws.row_dimensions[4].height = HINT_HEIGHT


def write_table(ws: Worksheet, table: L.Table, records: list[dict[str, Any]]) -> int:
    """The table with its records and enough empty rows; returns the number of prepared rows."""
    rows = max(table.rows, len(records) + 20)
    _title(ws, table.title, len(table.columns))
    _head(ws, table.columns, 1)
    last = L.FIRST_ROW + rows - 1
    for i in range(rows):
        record = records[i] if i < len(records) else {}
        row = L.FIRST_ROW + i
        needed = 1
        for c, col in enumerate(table.columns, start=1):
            _data(ws, row, c, col, record.get(col.label))
            needed = max(needed, _lines(ws.cell(row, c).value, col.width))
        if needed > 1:
            ws.row_dimensions[row].height = min(needed, 12) * _LINE
    checks = Validations(ws)
    for c, col in enumerate(table.columns, start=1):
        letter = get_column_letter(c)
        source = ""
        if col.choices == L.LEVEL2_PREFIX:
            level1 = get_column_letter(table.index("一级指标") + 1)
            source = L.LEVEL2_FORMULA.format(col=level1, row=L.FIRST_ROW)
        checks.add(col, f"{letter}{L.FIRST_ROW}:{letter}{last}", source)
    ws.freeze_panes = table.freeze
    S.protect(ws)
    return rows


def write_grid(ws: Worksheet, grid: L.Grid, values: dict[tuple[str, str], Any], fixed: dict[str, Decimal]) -> None:
    """A grid: its rows named in column A; ``fixed`` holds the 满分 of 事前评估's rows."""
    width = len(grid.columns) + 2
    _title(ws, grid.title, width)
    S.header(ws.cell(2, 1), grid.corner)
    S.header(ws.cell(3, 1), "")
    ws.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    _head(ws, grid.columns, 2)
    notes = L.Column("说明", "", width=34)
    _head(ws, (notes,), width)
    S.hint(ws.cell(4, 1), "")
    ws.column_dimensions["A"].width = 16
    checks = Validations(ws)
    for row, (name, note) in enumerate(grid.rows, start=L.FIRST_ROW):
        S.label(ws.cell(row, 1), name)
        for c, col in enumerate(grid.columns, start=2):
            ref = f"{get_column_letter(c)}{row}"
            if col.kind == L.FIXED:
                S.locked(ws.cell(row, c))
                ws.cell(row, c).number_format = S.NUMBER_FORMATS[L.FIXED]
                S.put(ws.cell(row, c), _cell_value(col.kind, fixed.get(name)))
                continue
            _data(ws, row, c, col, values.get((name, col.key)))
            checks.add(col, ref, upper=fixed.get(name) if col.kind == L.SCORE else None)
        S.hint(ws.cell(row, width), note)
    if grid is L.PRE_ASSESSMENT:
        row = L.FIRST_ROW + len(grid.rows)
        S.label(ws.cell(row, 1), L.CONCLUSION)
        for c in range(2, width - 1):
            S.locked(ws.cell(row, c))
        column = L.Column(L.CONCLUSION, "", L.CHOICE, choices="评估结论")
        _data(ws, row, width - 1, column, values.get((L.CONCLUSION, "意见")))
        checks.add(column, f"{get_column_letter(width - 1)}{row}")
        S.hint(ws.cell(row, width), L.CONCLUSION_HINT)
    ws.freeze_panes = f"B{L.FIRST_ROW}"
    S.protect(ws)


def write_lists(wb: Workbook) -> None:
    """The hidden 列表 sheet: one column per closed list, each a defined name."""
    ws = wb.create_sheet(L.LISTS_SHEET)
    for c, (name, values) in enumerate(L.closed_lists().items(), start=1):
        letter = get_column_letter(c)
        ws.cell(1, c).value = name
        for r, value in enumerate(values, start=2):
            S.put(ws.cell(r, c), value)
        ref = f"'{L.LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    ws.sheet_state = "hidden"
    S.protect(ws)


def write_marker(wb: Workbook, profile: Profile) -> None:
    ws = wb.create_sheet(L.MARKER_SHEET)
    for r, (key, value) in enumerate(((L.MARKER_TEXT, L.FORMAT_VERSION), ("配置方案", profile.id),
                                      ("说明", "docgen 填报工作簿的标记，请勿删除")), start=1):
        ws.cell(r, 1).value = key
        S.put(ws.cell(r, 2), value)
    ws.sheet_state = "veryHidden"
    S.protect(ws)


def build_workbook(project: Project | None, profile: Profile) -> bytes:
    """The workbook's bytes: the same project and profile always give the same bytes."""
    values = filled(project) if project is not None else Filled()
    wb = Workbook()
    guide = wb.active
    guide.title = L.GUIDE_SHEET
    write_guide(guide, profile)
    for spec in L.SHEETS:
        ws = wb.create_sheet(spec.sheet)
        if isinstance(spec, L.Form):
            write_form(ws, spec, values.forms.get(spec.sheet, {}))
        elif isinstance(spec, L.Grid):
            fixed = dict(profile.pre_assessment.weights) if spec is L.PRE_ASSESSMENT else {}
            write_grid(ws, spec, values.grids.get(spec.sheet, {}), fixed)
        else:
            rows = write_table(ws, spec, values.tables.get(spec.sheet, []))
            if spec is L.INDICATORS:
                letter = get_column_letter(spec.index("三级指标") + 1)
                ref = f"'{spec.sheet}'!${letter}${L.FIRST_ROW}:${letter}${L.FIRST_ROW + rows - 1}"
                wb.defined_names[L.INDICATOR_NAMES] = DefinedName(L.INDICATOR_NAMES, attr_text=ref)
    write_lists(wb)
    write_marker(wb, profile)
    start = 1 if project is not None else 0  # a filled workbook opens on its data, a new one on the guide
    wb.active = start
    for i, ws in enumerate(wb.worksheets):
        ws.sheet_view.tabSelected = i == start
    buf = io.BytesIO()
    wb.save(buf)
    subject = project.name if project is not None else ""
    return normalise_package(buf.getvalue(), TITLE, subject)
