"""Write a layout as the XLSX template docgen.render.xlsxfast fills (``{{ 列表.字段 }}`` repeat rows)."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from .model import HEI, SIZES, SONG, Cell, Layout, Repeat, heading_block, next_repeat, occupancy, placeholder
from .model import starts_here as _starts_here
from .paginate import (
    XLSX_ANNEX,
    XLSX_FIXED_ROW,
    XLSX_LINE,
    XLSX_NOTE_LINE,
    XLSX_REPEAT_ROW,
    XLSX_SUBTITLE,
    XLSX_TITLE,
    xlsx_note_lines,
    xlsx_zoom,
)

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LOOP_VAR = r"\{\{\s*%s\.([^{}\s|]+)\s*(?:\|\s*merge\s*)?\}\}"


def cell_text(cell: Cell, repeat: Repeat | None) -> str:
    """The cell as the XLSX renderer reads it: a repeated row's ``{{ r.X|merge }}`` is ``{{ 列表.X }}``."""
    if repeat is not None and cell.field:
        return placeholder(f"{repeat.name}.{cell.field}")
    if repeat is not None and "{{" in cell.text:
        return re.sub(_LOOP_VAR % re.escape(repeat.var), lambda m: placeholder(f"{repeat.name}.{m.group(1)}"),
                      cell.text)
    return cell.text


def _line(ws, r: int, left: str, right: str, half: int, ncols: int) -> None:  # type: ignore[no-untyped-def]
    """A (left, right) line above or below the table; a side left empty gives the other the whole width."""
    if not right:
        ws.cell(r, 1, left).font = Font(name=SONG, size=10.5)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        return
    split = 0 if not left else half
    if left:
        ws.cell(r, 1, left).font = Font(name=SONG, size=10.5)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=half)
    c = ws.cell(r, split + 1, right)
    c.font = Font(name=SONG, size=10.5)
    c.alignment = Alignment(horizontal="right")
    ws.merge_cells(start_row=r, start_column=split + 1, end_row=r, end_column=ncols)


def emit_xlsx(layout: Layout) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"\{\{.*?\}\}", "", layout.title).strip()[:31] or layout.id  # a sheet name holds no placeholder
    ncols = len(layout.widths)
    for i, w in enumerate(layout.widths, start=1):
        # wrap as Word does: the width left after the cell margins, in Excel units (≈ 1.65 per 9 pt CJK character)
        ws.column_dimensions[get_column_letter(i)].width = round(max(2.0, (w - 0.38) * 5.2), 1)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    # one page wide at a fixed scale (not "fit to width": Excel ignores the page plan's manual breaks under it)
    ws.page_setup.scale = round(xlsx_zoom(layout) * 100)
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.print_options.horizontalCentered = True
    font = Font(name=SONG, size=layout.font_size)
    r = 1
    # every row's height is explicit, so that the page plan (compile/paginate) knows where a page ends
    ws.cell(r, 1, layout.annex).font = Font(name=HEI, size=12)
    ws.row_dimensions[r].height = XLSX_ANNEX
    r += 1
    ws.cell(r, 1, layout.title).font = Font(name=HEI, size=SIZES["小二"])
    ws.cell(r, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
    ws.row_dimensions[r].height = XLSX_TITLE
    r += 1
    if layout.subtitle:
        ws.cell(r, 1, layout.subtitle).font = Font(name=SONG, size=12)
        ws.cell(r, 1).alignment = Alignment(horizontal="center", vertical="center")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        ws.row_dimensions[r].height = XLSX_SUBTITLE
        r += 1
    half = max(ncols // 2, 1)
    for left, right in layout.top:
        _line(ws, r, left, right, half, ncols)
        ws.row_dimensions[r].height = XLSX_LINE
        r += 1
    first_table_row = r
    start, titles = heading_block(layout)  # the column headings, printed again at the top of every page
    if titles:
        ws.print_title_rows = f"{first_table_row + start}:{first_table_row + start + titles - 1}"
    grid = occupancy(layout)
    for r_i, row in enumerate(layout.rows):
        repeat = row if isinstance(row, Repeat) else None
        excel_row = first_table_row + r_i
        for col, slot in enumerate(grid[r_i]):
            c = ws.cell(excel_row, col + 1)
            c.border = _BORDER
            c.font = font
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if slot is None:
                continue
            cell = slot[0]
            if cell.align != "center":
                c.alignment = Alignment(horizontal=cell.align, vertical="center", wrap_text=True)
            if cell.bold:
                c.font = Font(name=SONG, size=layout.font_size, bold=True)
            first = _starts_here(grid, r_i, col)
            if first and cell.through and repeat is not None:
                continue  # the filler under a through-running label: part of the label's merge
            if first:
                c.value = cell_text(cell, repeat)
                end_row = excel_row + cell.rows - 1
                if cell.through and repeat is None:
                    # runs down to the next repeated row; the renderer extends it over the inserted rows
                    end_row = first_table_row + next_repeat(layout, r_i)
                if cell.span > 1 or end_row > excel_row:
                    ws.merge_cells(start_row=excel_row, start_column=col + 1, end_row=end_row,
                                   end_column=col + cell.span)
        ws.row_dimensions[excel_row].height = layout.row_heights.get(
            r_i, XLSX_FIXED_ROW if repeat is None else XLSX_REPEAT_ROW)
    r = first_table_row + len(layout.rows)
    for note in layout.notes:
        c = ws.cell(r, 1, note)
        c.font = Font(name=SONG, size=9)
        c.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        # a merged cell does not grow by itself
        ws.row_dimensions[r].height = XLSX_NOTE_LINE * xlsx_note_lines(note, sum(layout.widths))
        r += 1
    for left, right in layout.bottom:
        _line(ws, r, left, right, half, ncols)
        ws.row_dimensions[r].height = XLSX_LINE
        r += 1
    wb.properties.creator = "docgen"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
