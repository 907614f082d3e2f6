"""The DOCX route's page model for the page plan (compile/paginate.py): how tall each part of a form is when an
office suite prints the Word file, so that the plan's breaks fall where the page really ends.

Measured on LibreOffice's PDF of the Word templates (Word is close): 9 pt text in a table cell at a 13 pt line
pitch (the CJK faces' ascent and descent), cells padded 0.19 cm left and right (Word's default), one CJK character
per 9 pt of the rest; a merged 一级/二级 label needs its lines within its group's rows (a narrow 一级 column takes
one character a line). Pages: A4, margins 1 cm (landscape) or 1.8 cm (portrait), as the templates set them.
Pure functions, no I/O.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..present import Grouped
from . import paginate as pg
from .model import Layout

LINE = 13.0  # pt a line of 9 pt text in a cell (LibreOffice, Noto CJK metrics; Word's 宋体 is shorter)
ROW = 0.6  # pt a row adds to its lines (borders)
PAD_CM = 0.38  # a cell's left and right padding together
NOTE_SIZE, NOTE_LINE = 10.5, 15.0  # the notes under the table
ANNEX, TITLE, SUBTITLE, TOP_LINE, BOTTOM_LINE = 33.0, 35.0, 25.0, 20.0, 20.0  # paragraphs above/below (pt)
FILL = 0.95  # plan pages to this share of their estimated height
ONE_PAGE = 1.1  # a form estimated within this share of a page is left to the office suite (it errs long)


def lines(text: str, width_pt: float, size: float) -> int:
    """Lines a text wraps to in a width: whole CJK characters a line (a half-width character counts 0.6)."""
    return pg.lines_in(text, max(1, math.floor(width_pt / size + 1e-9)))


_CELL_PT: dict[tuple[str, float, float], float] = {}


def cell_pt(text: str, width_cm: float, size: float) -> float:
    known = _CELL_PT.get((text, width_cm, size))
    if known is None:
        if len(_CELL_PT) > 65536:
            _CELL_PT.clear()
        known = _CELL_PT[text, width_cm, size] = (
            lines(text, width_cm * pg.PT_PER_CM - PAD_CM * pg.PT_PER_CM, size) * LINE * size / 9 + ROW)
    return known


def capacity(layout: Layout) -> float:
    return 595.28 - 2 * 1.0 * pg.PT_PER_CM if layout.landscape else 841.89 - 2 * 1.8 * pg.PT_PER_CM


_SHAPES: dict[int, tuple[pg.RowShape, float, list[tuple[int, float, float, int]]]] = {}


def _measured(layout: Layout, shape: pg.RowShape) -> tuple[float, list[tuple[int, float, float, int]]]:
    """A row's least height (a line of its largest text) and its measured cells (origin column, text size,
    width, rows), once per row shape."""
    known = _SHAPES.get(id(shape))
    if known is None or known[0] is not shape:
        if len(_SHAPES) > 4096:
            _SHAPES.clear()
        base = LINE * max((c.size or layout.font_size for _, c, _ in shape.drawn), default=layout.font_size) / 9
        cells = [(col, cell.size or layout.font_size, width, cell.rows)
                 for col, cell, width in shape.drawn if not cell.through]
        known = _SHAPES[id(shape)] = (shape, base + ROW, cells)
    return known[1], known[2]


def _row(layout: Layout, shape: pg.RowShape, values: dict[int, Any]) -> tuple[float, list[tuple[float, int]]]:
    """A row's own height (its one-row cells), and the (height, rows) of its cells over several rows (a group's
    label on its first row, a cell merged down)."""
    own, cells = _measured(layout, shape)
    tall: list[tuple[float, int]] = []
    for col, size, width, rows in cells:
        value = values.get(col)
        if value is None:
            continue
        grouped = isinstance(value, Grouped)
        if grouped and not value.first:
            continue
        text = str(value)
        if not text:
            continue
        height = cell_pt(text, width, size)
        span = value.span if grouped else rows
        if span > 1:
            tall.append((height, span))
        elif height > own:
            own = height
    return own, tall


def heights(layout: Layout, context: Mapping[str, Any], stack: Sequence[pg.Unit] | None = None) -> list[float]:
    """The height of each unit of :func:`paginate.units` (same order), in the Word file's pages (``stack``: those
    units when they are made already)."""
    out: list[float] = []
    if layout.annex:
        out.append(ANNEX)
    out.append(TITLE)
    if layout.subtitle:
        out.append(SUBTITLE)
    out += [TOP_LINE for _ in layout.top]
    shapes = pg.row_shapes(layout)
    rows = [_row(layout, shapes[u.row], u.values)
            for u in (stack if stack is not None else pg.units(layout, context)) if u.kind in ("row", "item")]
    table = [own for own, _ in rows]
    for i, (_, tall) in enumerate(rows):  # what a tall cell lacks goes on its first row (kept with its group)
        for height, span in tall:
            table[i] += max(0.0, height - sum(own for own, _ in rows[i:i + span]))
    out += table
    width = (29.7 - 2 * 1.5 if layout.landscape else 21.0 - 2 * 2.0) * pg.PT_PER_CM
    for note in layout.notes:
        out.append(lines(pg.resolve(note, context), width, NOTE_SIZE) * NOTE_LINE)
    out += [BOTTOM_LINE for _ in layout.bottom]
    return out


def plan_breaks(layout: Layout, items: Sequence[Mapping[str, Any]], list_name: str,
                context: Mapping[str, Any] | None = None,
                units_of: Callable[[], list[pg.Unit]] | None = None) -> tuple[int, ...] | None:
    """:func:`paginate.plan_breaks` for the Word file's pages; None when the form is left to the office suite
    (estimated within :data:`ONE_PAGE` pages: it may well fit on one, and its rows keep with their group)."""
    ctx: dict[str, Any] = dict(context or {})
    ctx[list_name] = list(items)
    measured = units_of() if units_of is not None else pg.units(layout, ctx)  # the other routes' units: copied
    estimate = heights(layout, ctx, measured)
    if sum(estimate) <= capacity(layout) * ONE_PAGE:
        return None
    stack = [dataclasses.replace(unit, heights=(height, height)) for unit, height in zip(measured, estimate,
                                                                                           strict=True)]
    cap = capacity(layout) * FILL
    start, count = pg.layout_heading(layout)
    head = sum(u.heights[0] for u in stack if u.kind == "row" and start <= u.row < start + count)
    return tuple(stack[at].index for at in pg._plan(stack, (cap, cap), (head, head), list_name))
