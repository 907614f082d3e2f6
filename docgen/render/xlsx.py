"""XLSX rendering: fill an openpyxl template whose cells hold ``{{占位}}`` placeholders.

A cell whose whole text is one placeholder receives the typed value (a :class:`Num` becomes
a number with its Excel format); placeholders inside longer text are replaced as text. A row
holding placeholders of a list (``{{指标.三级指标}}`` where ``指标`` is a list) is repeated once
per item, with its styles; :class:`Grouped` columns are merged by group. Text from data is
always written as text, never as a formula. The loaded template is kept pickled and each
render starts from a fresh copy (``copy.deepcopy`` of a workbook loses styles).
"""

from __future__ import annotations

import io
import math
import pickle
import re
from copy import copy
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles.stylesheet import write_stylesheet as _write_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer import excel
from openpyxl.writer.excel import ExcelWriter

from ..compile.paginate import BREAKS
from ..present import Grouped, Num
from .cells import PLACEHOLDER, lookup
from .package import FIXED_DATETIME, FixedTimeZipFile

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def write_cell(cell: Cell, value: Any) -> None:
    """A value into a cell: a number with its format, text as text (never a formula, no XML-forbidden characters)."""
    if isinstance(value, Num):
        if value.value is None:
            cell.value = str(value)
            cell.data_type = "s"
        else:
            cell.value = value.value
            cell.number_format = value.fmt
        return
    if value is None:
        cell.value = None
        return
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, (int,)) and not isinstance(value, bool):
        cell.value = value
        return
    text = _ILLEGAL.sub("", str(value))
    cell.value = text
    cell.data_type = "s"  # never a formula, whatever the text starts with


class _MemoryExcelWriter(ExcelWriter):
    """openpyxl's writer, with each worksheet serialised in memory instead of through a temporary file."""

    def write_worksheet(self, ws: Worksheet) -> None:
        if self.workbook.write_only:  # pragma: no cover - docgen never uses write-only workbooks
            super().write_worksheet(ws)
            return
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        out = io.BytesIO()
        writer = WorksheetWriter(ws, out=out)
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], out.getvalue())
        self.manifest.append(ws)


_STYLESHEETS: dict[tuple[Any, ...], Any] = {}


def _cached_stylesheet(wb: Any) -> Any:
    """The stylesheet tree, cached by the workbook's style tables.

    Every render starts from the same unpickled template and only adds cell-style combinations and
    number formats, so those tables (plus the sizes of the others) identify the stylesheet.
    """
    key = (
        tuple(tuple(style) for style in wb._cell_styles),
        tuple(wb._number_formats),
        len(wb._fonts), len(wb._fills), len(wb._borders), len(wb._alignments), len(wb._protections),
        len(wb._named_styles), len(wb._differential_styles.styles),
    )
    tree = _STYLESHEETS.get(key)
    if tree is None:
        if len(_STYLESHEETS) > 256:
            _STYLESHEETS.clear()
        tree = _STYLESHEETS[key] = _write_stylesheet(wb)
    return tree


class CompiledXlsx:
    """One XLSX template, ready to fill any number of workbooks."""

    def __init__(self, path: Path) -> None:
        self.path = path
        wb = load_workbook(path)
        self._pickled = pickle.dumps(wb, protocol=pickle.HIGHEST_PROTOCOL)

    def render(self, context: dict[str, Any], title: str, properties: dict[str, str] | None = None) -> bytes:
        """The workbook's bytes; ``properties`` become custom document properties (provenance)."""
        wb = pickle.loads(self._pickled)
        for ws in wb.worksheets:
            _fill_sheet(ws, context)
            fit_heights(ws)
        wb.properties.title = title
        wb.properties.creator = wb.properties.lastModifiedBy = "docgen"
        wb.properties.created = wb.properties.modified = FIXED_DATETIME
        for name, value in sorted((properties or {}).items()):
            wb.custom_doc_props.append(StringProperty(name=name, value=value))
        buf = io.BytesIO()
        with FixedTimeZipFile(buf, "w", ZIP_DEFLATED, allowZip64=True) as archive:
            excel.write_stylesheet = _cached_stylesheet  # only while docgen writes its own workbook
            try:
                _MemoryExcelWriter(wb, archive).write_data()
            finally:
                excel.write_stylesheet = _write_stylesheet
        return buf.getvalue()


_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def _text_lines(text: str, width: float, size: float) -> int:
    """Lines a wrapped text takes in a cell ``width`` Excel units wide (a CJK character ≈ 2 units at 11 pt)."""
    units = max(width - 1, 1)
    lines = 0
    for para in text.split("\n"):
        used = (len(para) + 0.8 * len(_WIDE.findall(para))) * size / 11
        lines += max(1, math.ceil(used / units))
    return lines


def fit_heights(ws: Worksheet) -> None:
    """Raise the height of rows whose wrapped text needs more lines than the row shows (never lowers one).

    Excel and LibreOffice do not fit row heights to merged cells, so a long 说明 or 存在问题 would be
    cut off; the line count is estimated from the characters and the merged width.
    """
    spans = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    covered = {(row, col) for r in ws.merged_cells.ranges for row in range(r.min_row, r.max_row + 1)
               for col in range(r.min_col, r.max_col + 1) if (row, col) != (r.min_row, r.min_col)}
    for row in ws.iter_rows():
        need = 0.0
        current = _height(ws, row[0].row) or 15
        for cell in row:
            value = cell.value
            # a short one-line text fits any row: skip the costly style lookups
            if not isinstance(value, str) or (len(value) <= 3 and "\n" not in value):
                continue
            if (cell.row, cell.column) in covered or not cell.alignment.wrap_text:
                continue
            rng = spans.get((cell.row, cell.column))
            if rng is not None and rng.max_row > rng.min_row:
                continue  # a label over several rows: they share its height
            last = rng.max_col if rng is not None else cell.column
            width = sum(_column_width(ws, col) for col in range(cell.column, last + 1))
            size = float(cell.font.sz or 11)
            need = max(need, _text_lines(cell.value, width, size) * size * 1.4 + 4)
        if need > current:
            _set_height(ws, row[0].row, round(need, 1))


def _column_width(ws: Worksheet, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return dim.width if dim is not None and dim.width else 8.43


def _repeat_list(cells: list[Cell], context: dict[str, Any]) -> str | None:
    for cell in cells:
        if isinstance(cell.value, str):
            for name in PLACEHOLDER.findall(cell.value):
                root = name.split(".")[0]
                if isinstance(context.get(root), list):
                    return root
    return None


def _merge(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    """Merge a range without openpyxl's edge re-formatting (slow; our cells already carry borders)."""
    coord = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
    ws.merged_cells.add(MergedCellRange(ws, coord))
    for row in range(first_row, last_row + 1):
        for col in range(first_col, last_col + 1):
            if row == first_row and col == first_col:
                continue
            old = ws._cells.get((row, col))
            cell = MergedCell(ws, row=row, column=col)
            if old is not None:
                cell._style = copy(old._style)
            ws._cells[(row, col)] = cell


def _merge_openpyxl(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    """openpyxl's own merge (re-formats the edges): the straightforward way, kept for the benchmark."""
    ws.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col)


def _height(ws: Worksheet, row: int) -> float | None:
    dim = ws.row_dimensions.get(row)  # a pickled worksheet's dimension dict has no default factory
    return dim.height if dim is not None else None


def _set_height(ws: Worksheet, row: int, height: float | None) -> None:
    dim = ws.row_dimensions.get(row)
    if dim is None:
        if height is None:
            return
        dim = RowDimension(ws, index=row)
        ws.row_dimensions[row] = dim
    dim.height = height


def _insert_rows(ws: Worksheet, after: int, count: int) -> list[Any]:
    """Insert ``count`` rows below row ``after``, moving merges and row heights along.

    Returns the merged ranges that end on row ``after`` from above (a label such as 绩效指标
    that runs down the repeated rows); the caller extends them once the rows are filled.
    """
    through = [r for r in ws.merged_cells.ranges if r.min_row < after and r.max_row == after]
    if count <= 0:
        return through
    merges = [r for r in ws.merged_cells.ranges if r.min_row > after]
    for rng in merges:
        ws.merged_cells.remove(rng)
    max_row, max_col = _extent(ws)
    heights = {i: _height(ws, i) for i in range(after + 1, max_row + 1)}
    ws.insert_rows(after + 1, count)
    for rng in merges:
        rng.shift(0, count)
        ws.merged_cells.add(rng)
    for i, h in sorted(heights.items(), reverse=True):
        _set_height(ws, i + count, h)
    template_height = _height(ws, after)
    for i in range(after + 1, after + count + 1):
        _set_height(ws, i, template_height)
        for col in range(1, max_col + 1):
            source = ws._cells.get((after, col))
            if source is not None:
                ws.cell(i, col)._style = copy(source._style)
    return through


def _extent(ws: Worksheet) -> tuple[int, int]:
    """(max row, max column) in one pass: openpyxl recomputes ``max_row`` over every cell on each access."""
    if not ws._cells:
        return 1, 1
    rows, cols = zip(*ws._cells, strict=True)
    return max(rows), max(cols)


def _row_cells(ws: Worksheet, row: int, max_col: int) -> list[Cell]:
    return [c for c in (ws._cells.get((row, col)) for col in range(1, max_col + 1)) if c is not None]


def _fill_cell(cell: Cell, context: dict[str, Any]) -> None:
    text = cell.value
    if not isinstance(text, str) or "{{" not in text:
        return
    whole = PLACEHOLDER.fullmatch(text.strip())
    if whole:
        write_cell(cell, lookup(context, whole.group(1)))
        return
    write_cell(cell, PLACEHOLDER.sub(lambda m: str(lookup(context, m.group(1)) or ""), text))


def _fill_sheet(ws: Worksheet, context: dict[str, Any], fast_merge: bool = True) -> None:
    row = 1
    max_row, max_col = _extent(ws)
    while row <= max_row:
        name = _repeat_list(_row_cells(ws, row, max_col), context)
        if name is None:
            for cell in _row_cells(ws, row, max_col):
                _fill_cell(cell, context)
            row += 1
            continue
        items = context[name]
        templates = {c.column: c.value for c in _row_cells(ws, row, max_col) if c.value is not None}
        # a cell of the repeated row spanning several columns (说明 …): every copy spans them too
        own = [(r.min_col, r.max_col) for r in ws.merged_cells.ranges if r.min_row == r.max_row == row]
        through = _insert_rows(ws, row, len(items) - 1)
        max_row += max(len(items) - 1, 0)
        for rng in through:
            ws.unmerge_cells(rng.coord)
        if not items:  # an empty list leaves an empty row, not placeholders
            for cell in _row_cells(ws, row, max_col):
                if isinstance(cell.value, str) and "{{" in cell.value:
                    cell.value = None
            for rng in through:
                ws.merge_cells(rng.coord)
            row += 1
            continue
        spans: list[tuple[int, int, int]] = []
        for offset, item in enumerate(items):
            scope = {**context, name: item}
            for col, template in templates.items():
                cell = ws.cell(row + offset, col)
                value = _grouped_value(template, scope)
                if isinstance(value, Grouped) and not value.first:
                    cell.value = None  # covered by the merge of its group
                    continue
                cell.value = template
                _fill_cell(cell, scope)
                if isinstance(value, Grouped) and value.span > 1:
                    spans.append((row + offset, col, value.span))
        merge = _merge if fast_merge else _merge_openpyxl
        for offset in range(1, len(items)):
            for first, last in own:
                merge(ws, row + offset, first, row + offset, last)
        for start, col, span in spans:
            merge(ws, start, col, start + span - 1, col)
        page_rows = [row + b for b in (context.get(BREAKS) or {}).get(name, ()) if 0 <= b < len(items)]
        for page_row in page_rows:  # the page plan (compile/paginate): a manual break before the row
            ws.row_breaks.append(Break(id=page_row - 1))
        for rng in through:  # cut at each page start: each page frames its part of the label
            top = rng.min_row
            for page_row in [*page_rows, row + max(len(items), 1)]:
                if page_row - 1 > top or rng.max_col > rng.min_col:
                    merge(ws, top, rng.min_col, page_row - 1, rng.max_col)
                top = page_row
        row += len(items)


def _grouped_value(template: Any, scope: dict[str, Any]) -> Any:
    if not isinstance(template, str):
        return None
    whole = PLACEHOLDER.fullmatch(template.strip())
    return lookup(scope, whole.group(1)) if whole else None
