"""A form's layout as data: the grid of a form's table and the lines around it.

Read from the DOCX (compile/read_docx.py), written as XLSX (compile/xlsx.py) and HTML (compile/html.py);
tools/layout.py also drafts a new form's DOCX from one. A layout is a grid like an HTML table: cells with
column and row spans, plus repeating rows bound to a list of the form context.

Header rows (repeated on every printed page) are decided here, once: :attr:`Layout.header_rows` comes from
the DOCX's ``w:tblHeader`` rows; the XLSX writer turns it into print titles, the HTML writer into ``<thead>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SONG, HEI, FANGSONG = "宋体", "黑体", "仿宋_GB2312"
SIZES = {"二号": 22, "小二": 18, "三号": 16, "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9}


@dataclass
class Cell:
    text: str = ""
    span: int = 1
    rows: int = 1
    bold: bool = False
    align: str = "center"  # center / left / right
    field: str | None = None  # in a repeating row: the item's key (the cell is exactly one placeholder)
    grouped: bool = False  # in a repeating row: merged with equal neighbours (一级/二级), ``|merge`` in Word
    through: bool = False  # a header cell that also spans every repeated row (绩效指标)
    where: str = ""  # the cell's place in the Word file (表格1 第3行第2格), for messages
    size: float | None = None  # its font size in the Word file (pt), when set (the DOCX page model)


@dataclass
class Repeat:
    """A row repeated once per item of ``context[name]``; ``var`` is the loop variable (``r``)."""

    name: str
    cells: list[Cell]
    var: str = "r"


Row = list[Cell] | Repeat


@dataclass
class Layout:
    id: str
    title: str
    annex: str
    widths: list[float]  # cm
    rows: list[Row]
    landscape: bool = False
    font_size: float = 9
    top: list[tuple[str, str]] = field(default_factory=list)  # (left, right) lines above the table
    notes: list[str] = field(default_factory=list)
    bottom: list[tuple[str, str]] = field(default_factory=list)  # lines below (填报人 …)
    label_width: float = 0  # unused, reserved
    subtitle: str = ""  # a centred line under the title, e.g. （{{ 年度 }}年度）
    row_heights: dict[int, float] = field(default_factory=dict)  # XLSX: table row index → height (pt)
    header_rows: int = 0  # table rows from the top repeated on every printed page (Word and Excel)


def placeholder(expr: str) -> str:
    return "{{ " + expr + " }}"


Slot = tuple[Cell, int, bool]


def occupancy(layout: Layout) -> list[list[Slot | None]]:
    """For each row, for each grid column: (cell, origin column, is origin) or None, honouring row spans."""
    ncols = len(layout.widths)
    grid: list[list[Slot | None]] = []
    carry: dict[int, tuple[Cell, int, int]] = {}  # column → (cell, origin col, rows left)
    for row in layout.rows:
        cells = row.cells if isinstance(row, Repeat) else row
        line: list[Slot | None] = [None] * ncols
        for col, (cell, origin, left) in list(carry.items()):
            line[col] = (cell, origin, False)
            carry[col] = (cell, origin, left - 1)
            if left - 1 <= 0:
                del carry[col]
        col = 0
        for cell in cells:
            while col < ncols and line[col] is not None:
                col += 1
            if col + cell.span > ncols:
                raise ValueError(f"{layout.id}: row too wide at {cell.text or cell.field}")
            for k in range(cell.span):
                line[col + k] = (cell, col, k == 0)
            if cell.rows > 1:
                for k in range(cell.span):
                    carry[col + k] = (cell, col, cell.rows - 1)
            col += cell.span
        grid.append(line)
    return grid


def starts_here(grid: list[list[Slot | None]], r_i: int, col: int) -> bool:
    """Whether the cell at (row, column) is drawn here: its origin column, and not a row span from above."""
    slot = grid[r_i][col]
    if slot is None or not slot[2]:
        return False
    above = grid[r_i - 1][col] if r_i > 0 else None
    return above is None or above[0] is not slot[0]


def next_repeat(layout: Layout, r_i: int) -> int:
    """The index of the first repeated row below row ``r_i`` (a through-running label ends there)."""
    return next(i for i, x in enumerate(layout.rows) if isinstance(x, Repeat) and i > r_i)


def heading_block(layout: Layout) -> tuple[int, int]:
    """(first row, number of rows) of the column headings printed again on every page: the ``w:tblHeader`` rows
    at the top of the table, else the rows just above the first repeated row that no row span from higher up
    enters (表1/表2/附件1/自评表: their 一级指标 … headings under the project block); (0, 0) without a list."""
    if layout.header_rows:
        return 0, layout.header_rows
    first = next((i for i, row in enumerate(layout.rows) if isinstance(row, Repeat)), None)
    if not first:
        return 0, 0
    grid = occupancy(layout)
    start = first - 1

    def entered_from_above(r_i: int) -> bool:
        return any(slot is not None and not slot[0].through and r_i > 0 and grid[r_i - 1][c] is not None
                   and grid[r_i - 1][c][0] is slot[0] for c, slot in enumerate(grid[r_i]))  # type: ignore[index]

    while start > 0 and entered_from_above(start):
        start -= 1
    return start, first - start


def print_title_rows(layout: Layout) -> int:
    """XLSX: the table rows Excel prints again on every page (its print titles may cut a merged cell)."""
    return layout.header_rows


def thead_rows(layout: Layout) -> int:
    """HTML: the table rows put in ``<thead>`` (repeated on every PDF page), when no row span crosses their
    end (else none: a table head cannot cut a merged cell)."""
    grid = occupancy(layout)
    n = layout.header_rows
    crossing = any(slot is not None and slot[0].rows > 1 and r_i < n <= r_i + slot[0].rows - 1
                   for r_i, line in enumerate(grid[:n]) for slot in line)
    return 0 if crossing else n
