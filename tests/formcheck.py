"""Read rendered DOCX/XLSX back: cell texts on the grid, and merges (vMerge/gridSpan; merged ranges)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from docgen.output import render_project_form


@dataclass
class TcInfo:
    text: str
    col: int  # first grid column
    span: int  # gridSpan
    vmerge: str | None  # "restart", "continue" or None


def render_form(form: Any, result: Any, out: Path) -> dict[str, Path]:
    """Render one project form as DOCX and XLSX into ``out``; the two paths by format."""
    assert form is not None, "unknown form"
    docx, xlsx = render_project_form(result, form, ("docx", "xlsx"), out)
    return {"docx": docx, "xlsx": xlsx}


def docx_rows(path: Path, table_index: int | None = None) -> list[list[TcInfo]]:
    """Each row of a DOCX table as its w:tc cells with grid position, span and vMerge state; by default the rows of
    all the document's tables in order (a form's project block and its list under repeated column headings are
    two tables on one grid, printed as one; where the page plan breaks the list, the copy of the headings that
    opens the next page is left out)."""
    doc = Document(str(path))
    tables = doc.tables if table_index is None else [doc.tables[table_index]]
    trs = []
    headed = False  # a table broken over pages (the DOCX page plan) reopens under a copy of its column headings
    for table in tables:
        heads = [tr for tr in table._tbl.tr_lst if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None]
        trs += [tr for tr in table._tbl.tr_lst if not (headed and tr in heads)]
        headed = headed or bool(heads)
    rows = []
    for tr in trs:
        col = 0
        cells = []
        for tc in tr.tc_lst:
            tcpr = tc.tcPr
            span = 1
            vmerge = None
            if tcpr is not None:
                gs = tcpr.find(qn("w:gridSpan"))
                if gs is not None:
                    span = int(gs.get(qn("w:val")))
                vm = tcpr.find(qn("w:vMerge"))
                if vm is not None:
                    vmerge = vm.get(qn("w:val")) or "continue"
            text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))
            cells.append(TcInfo(text, col, span, vmerge))
            col += span
        rows.append(cells)
    return rows


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for index in range(len(doc.tables)):
        for row in docx_rows(path, index):
            parts.extend(c.text for c in row)
    return "\n".join(parts)


def docx_column(rows: list[list[TcInfo]], col: int, start: int) -> list[TcInfo]:
    """The cells at grid column ``col`` from row ``start`` on."""
    out = []
    for row in rows[start:]:
        for c in row:
            if c.col == col:
                out.append(c)
                break
    return out


def vertical_groups(cells: list[TcInfo]) -> list[tuple[str, int]]:
    """(text, rows) for each vertically merged run of cells."""
    groups: list[tuple[str, int]] = []
    for c in cells:
        if c.vmerge == "continue" and groups:
            text, n = groups[-1]
            groups[-1] = (text, n + 1)
        else:
            groups.append((c.text, 1))
    return groups


def xlsx_sheet(path: Path):
    wb = load_workbook(path)
    return wb.worksheets[0]


def xlsx_find(ws, text: str) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row, cell.column
    raise AssertionError(f"{text!r} not in sheet")


def xlsx_merged_at(ws, row: int, col: int) -> tuple[int, int, int, int] | None:
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
            return rng.min_row, rng.min_col, rng.max_row, rng.max_col
    return None


def xlsx_values(ws) -> list:
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


def sample_result(name: str, as_of: Any = None) -> Any:
    """The computed result of a sample project (``samples/<name>``)."""
    from docgen.pipeline import run_file

    from .conftest import SAMPLES

    result = run_file(SAMPLES / name, name, as_of=as_of).result
    assert result is not None
    return result


def row_with(rows: list[list[TcInfo]], label: str) -> list[TcInfo]:
    """The first DOCX table row holding a cell whose text is ``label``."""
    return next(r for r in rows if any(c.text == label for c in r))


def text_after(row: list[TcInfo], label: str) -> str:
    """The text of the cell right of the one holding ``label``."""
    i = next(k for k, c in enumerate(row) if c.text == label)
    return row[i + 1].text
