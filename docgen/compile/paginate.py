"""Where a form's list runs over a page: a page-break plan decided once, before the formats are rendered.

A rowspan split over a page keeps its text on the first page (WeasyPrint, Word, LibreOffice alike), and a
renderer left to itself may leave the notes or the 填报人 line alone on the last page. So the pages are planned
here, from the form's compiled :class:`Layout` and the list's texts, and every renderer breaks exactly there:

- each row's height is estimated for each route (WeasyPrint: 9 pt text at line height 1.3 in the column's width;
  XLSX: the row heights render/xlsxfast writes, scaled by the fit-to-width zoom), and pages are filled to
  :data:`FILL` of their height (the XLSX heights are the renderer's own, WeasyPrint's estimated), so that no
  renderer breaks *earlier* than the plan;
- a page breaks at a 二级 group boundary when the group fits on a page (a group longer than a page splits);
- the last page keeps the last rows with the rows, notes and signature lines below the list;
- at each break every grouped value (present.Grouped: 一级/二级 …) restarts with its label and ``（续）``.

Pure functions, no I/O: :func:`paginate` takes the form's layout and context and returns the context with
``context[BREAKS] = {list name: (item index where a page starts, …)}`` and the list's groups restarted.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..present import Grouped, Num
from .model import Cell, Layout, Repeat, heading_block, occupancy, starts_here

BREAKS = "_page_breaks"  # context key: {list name: tuple of item indices where a new page starts}
CONTINUED = "（续）"
# plan pages to this share of their estimated height (WeasyPrint, XLSX), so that a renderer never breaks earlier:
# measured over 20 generated projects (附件1, 表2, 表1), WeasyPrint breaks where planned up to 1.0 and earlier at
# 1.05; the XLSX heights are the renderer's own (Excel's printable height, LibreOffice has ~2 % more)
FILL = (0.95, 0.97)
MOVE = 0.4  # a page breaks at a group's start when that moves at most this share of a page to the next one
PT_PER_CM = 72 / 2.54
_PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}|\{%.*?%\}", re.DOTALL)
_DOTTED = re.compile(r"[^\s|()\[\]+\-*/]+")


# --- text measure -------------------------------------------------------------------------------------------

def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


class _PerChar(dict[str, float]):
    """A character's value, looked up once per process (the plan measures every text of every form)."""

    def __init__(self, wide: float, narrow: float) -> None:
        super().__init__()
        self.wide, self.narrow = wide, narrow

    def __missing__(self, ch: str) -> float:
        value = self[ch] = self.wide if _wide(ch) else self.narrow
        return value


_EMS = _PerChar(1.0, 0.6)
_WIDE = _PerChar(1.0, 0.0)


def text_ems(text: str) -> float:
    """The width of a line of text in ems: CJK full width 1, other characters 0.6 (a little more than a
    proportional digit, so that an estimate errs towards more lines)."""
    return sum(map(_EMS.__getitem__, text))


_LINES: dict[tuple[str, float], int] = {}


def lines_in(text: str, ems_per_line: float) -> int:
    """Lines a wrapped text takes in a width of ``ems_per_line`` (each paragraph at least one line); remembered
    per text and width (labels, headings and short values recur in every form)."""
    per = max(ems_per_line, 1.0)
    text = str(text)
    known = _LINES.get((text, per))
    if known is None:
        if len(text) <= per and "\n" not in text:
            known = 1  # no character is wider than an em
        else:
            known = sum(max(1, math.ceil(text_ems(para) / per - 1e-9)) for para in text.split("\n"))
        if len(_LINES) > 65536:
            _LINES.clear()
        _LINES[text, per] = known
    return known


def resolve(text: str, context: Mapping[str, Any]) -> str:
    """A layout text with its ``{{ a.b }}`` placeholders looked up in ``context`` (an expression that is not a
    plain name keeps its own text: an estimate errs towards longer)."""

    def value(m: re.Match[str]) -> str:
        expr = m.group(1)
        if expr is None:
            return ""
        path = expr.split("|")[0].strip()
        if _DOTTED.fullmatch(path):
            found: Any = context
            for part in path.split("."):
                if isinstance(found, Mapping) and part in found:
                    found = found[part]
                else:
                    return ""
            return "" if found is None or isinstance(found, (list, dict)) else str(found)
        return expr

    if "{" not in text:
        return text
    return _PLACEHOLDER.sub(value, text.replace("|merge", ""))


# --- the routes' page models --------------------------------------------------------------------------------

@dataclass
class Page:
    """One route's estimate, in points: the usable height of a page and the height of each unit."""

    capacity: float
    heights: list[float] = field(default_factory=list)


def _html_cell_pt(text: str, width_cm: float, size: float = 9.0) -> float:
    """A WeasyPrint table cell (forms.css: 1pt × 2pt padding, 0.25 pt frame, line height 1.3)."""
    ems = (width_cm * PT_PER_CM - 4.5) / size
    return lines_in(text, ems) * size * 1.3 + 2.5


def _xlsx_width(width_cm: float) -> float:
    """The Excel column width compile/xlsx writes for a layout column."""
    return round(max(2.0, (width_cm - 0.38) * 5.2), 1)


_XLSX_PT: dict[tuple[str, float, float], float] = {}


def _xlsx_cell_pt(text: str, width_units: float, size: float = 9.0) -> float:
    """render/xlsxfast's row height for a wrapped text (its ``_height_for``), remembered per text and width."""
    if len(text) <= 3 and "\n" not in text:
        return 0.0
    known = _XLSX_PT.get((text, width_units, size))
    if known is None:
        units = max(width_units - 1, 1)
        lines = 0
        for para in text.split("\n"):
            used = (len(para) + 0.8 * int(sum(map(_WIDE.__getitem__, para)))) * size / 11
            lines += max(1, math.ceil(used / units))
        known = lines * size * 1.4 + 4
        if len(_XLSX_PT) > 65536:
            _XLSX_PT.clear()
        _XLSX_PT[text, width_units, size] = known
    return known


# XLSX rows compile/xlsx writes outside the table (explicit heights, pt)
XLSX_ANNEX, XLSX_TITLE, XLSX_SUBTITLE, XLSX_LINE, XLSX_NOTE_LINE = 18.0, 30.0, 18.0, 16.0, 12.5
XLSX_FIXED_ROW, XLSX_REPEAT_ROW = 24.0, 30.0
XLSX_MARGIN_IN = (0.5, 0.6)  # left/right, top/bottom (compile/xlsx page margins)


def xlsx_note_lines(note: str, table_cm: float) -> int:
    per_line = max(int(table_cm / 0.33), 1)  # 9 pt CJK characters across the table (compile/xlsx)
    return max(1, -(-len(note) // per_line))


XLSX_PT_PER_UNIT = 7.0  # a column width unit printed by LibreOffice (measured; Excel: 5.25 pt + 3.75 pt a column)


def xlsx_zoom(layout: Layout) -> float:
    """The print scale that makes the sheet one page wide (whole percent, rounded down; at most 100 %). The XLSX
    sets it as a fixed scale rather than "fit to width": Excel ignores manual page breaks under "fit to"."""
    width_pt = sum(_xlsx_width(w) for w in layout.widths) * XLSX_PT_PER_UNIT
    paper = 841.89 if layout.landscape else 595.28
    printable = paper - 2 * XLSX_MARGIN_IN[0] * 72
    return min(1.0, math.floor(printable / width_pt * 100) / 100)


# --- a layout's grid, once per layout object (the compiled layouts are kept for the process) ----------------

_GRIDS: dict[int, tuple[Layout, list[Any], tuple[int, int]]] = {}


def _known(layout: Layout) -> tuple[Layout, list[Any], tuple[int, int]]:
    known = _GRIDS.get(id(layout))
    if known is None or known[0] is not layout:
        if len(_GRIDS) > 64:
            _GRIDS.clear()
        known = _GRIDS[id(layout)] = (layout, occupancy(layout), heading_block(layout))
    return known


def layout_grid(layout: Layout) -> list[Any]:
    """:func:`model.occupancy` of ``layout``, computed once per layout object."""
    return _known(layout)[1]


def layout_heading(layout: Layout) -> tuple[int, int]:
    """:func:`model.heading_block` of ``layout``, computed once per layout object."""
    return _known(layout)[2]


# --- units: what is stacked down the pages -------------------------------------------------------------------

@dataclass
class Unit:
    kind: str  # "top" (above the table), "row" (a fixed table row), "item", "tail" (notes, signature lines)
    heights: tuple[float, float]  # (WeasyPrint, XLSX) points
    list_name: str = ""
    index: int = -1  # the item's index in its list
    row: int = -1  # the layout's table row (a fixed row or the repeated row of an item)
    group_start: bool = False  # the item starts a group of the list's innermost grouped column
    headed: bool = False  # a page starting here repeats the column headings
    values: dict[int, Any] = field(default_factory=dict)  # a table row's cell values by origin column


@dataclass(frozen=True)
class RowShape:
    """What measuring a table row needs of the layout, worked out once per layout object and row."""

    one_row: tuple[tuple[int, float, float], ...]  # (origin column, width cm, XLSX units) of the cells within
    # this row alone (not over several rows, not a through-running label): they set the row's height
    drawn: tuple[tuple[int, Cell, float], ...]  # (origin column, cell, width cm) of every cell drawn in this row
    slots: tuple[tuple[int, Cell], ...]  # a repeated row: (origin column, cell) of each of its cells, in order


_SHAPES: dict[int, tuple[Layout, list[RowShape]]] = {}


def row_shapes(layout: Layout) -> list[RowShape]:
    """Each table row's :class:`RowShape`, once per layout object (the compiled layouts are kept)."""
    known = _SHAPES.get(id(layout))
    if known is None or known[0] is not layout:
        if len(_SHAPES) > 64:
            _SHAPES.clear()
        grid = layout_grid(layout)
        shapes = []
        for r_i, row in enumerate(layout.rows):
            drawn = []
            one_row = []
            for col, slot in enumerate(grid[r_i]):
                if slot is None or not starts_here(grid, r_i, col):
                    continue
                cell = slot[0]
                width = sum(layout.widths[col:col + cell.span])
                drawn.append((col, cell, width))
                if cell.rows <= 1 and not cell.through:
                    one_row.append((col, width, sum(_xlsx_width(w) for w in layout.widths[col:col + cell.span])))
            slots = []
            if isinstance(row, Repeat):
                col = 0
                for cell in row.cells:
                    while col < len(grid[r_i]) and grid[r_i][col] is not None and grid[r_i][col][0] is not cell:
                        col += 1
                    slots.append((col, cell))
                    col += cell.span
            shapes.append(RowShape(tuple(one_row), tuple(drawn), tuple(slots)))
        known = _SHAPES[id(layout)] = (layout, shapes)
    return known[1]


_CELL_PT: dict[tuple[str, float, float, float], tuple[float, float]] = {}


def _cell_pt(text: str, width_cm: float, units: float, size: float) -> tuple[float, float]:
    """(WeasyPrint, XLSX) height of a cell's text, remembered per text and width."""
    key = (text, width_cm, units, size)
    known = _CELL_PT.get(key)
    if known is None:
        if len(_CELL_PT) > 65536:
            _CELL_PT.clear()
        known = _CELL_PT[key] = (_html_cell_pt(text, width_cm, size), _xlsx_cell_pt(text, units, size))
    return known


def _row_heights(layout: Layout, shape: RowShape, values: dict[int, Any], spans: dict[int, int],
                 xlsx: float) -> tuple[float, float]:
    """Estimated (WeasyPrint, XLSX) height of a table row with its cells' values by origin column (``xlsx``: the
    row's own XLSX height, at least)."""
    html = 9 * 1.3 + 2.5
    for col, width, units in shape.one_row:
        if spans and spans.get(col, 1) != 1:
            continue  # covered by a group's merge: the group's rows share its height
        value = values.get(col)
        if value is None:
            continue
        text = str(value)
        if not text:
            continue
        cell_html, cell_xlsx = _cell_pt(text, width, units, layout.font_size)
        if cell_html > html:
            html = cell_html
        if cell_xlsx > xlsx and not (isinstance(value, Num) and value.value is not None):
            xlsx = cell_xlsx  # (an XLSX number does not wrap)
    return html, xlsx


def units(layout: Layout, context: Mapping[str, Any]) -> list[Unit]:
    """Everything the form stacks down its pages, with its estimated heights."""
    out: list[Unit] = []
    landscape = layout.landscape
    if layout.annex:
        out.append(Unit("top", ((12 if landscape else 14) * 1.3, XLSX_ANNEX)))
    out.append(Unit("top", (18 * 1.3 + 6, XLSX_TITLE)))
    if layout.subtitle:
        out.append(Unit("top", (12 * 1.3 + 6, XLSX_SUBTITLE)))
    out += [Unit("top", (10.5 * 1.3 + 3, XLSX_LINE)) for _ in layout.top]
    shapes = row_shapes(layout)
    start, count = layout_heading(layout)
    for r_i, row in enumerate(layout.rows):
        headed = bool(count) and r_i >= start + count
        shape = shapes[r_i]
        base = layout.row_heights.get(r_i, XLSX_REPEAT_ROW if isinstance(row, Repeat) else XLSX_FIXED_ROW)
        if isinstance(row, Repeat):
            items = context.get(row.name) or []
            grouped = [c.field for c in row.cells if c.grouped and c.field]
            inner = grouped[-1] if grouped else None
            fixed = {col: resolve(cell.text, context) for col, cell in shape.slots if not cell.field}
            slots = [(col, cell.field) for col, cell in shape.slots]
            for k, item in enumerate(items):
                texts: dict[int, Any] = {}
                spans: dict[int, int] = {}
                for col, name in slots:
                    value = item.get(name) if name else fixed[col]
                    if isinstance(value, Grouped):
                        spans[col] = value.span if value.first else 0
                    texts[col] = value
                value = item.get(inner) if inner else None
                start_of_group = not isinstance(value, Grouped) or value.first
                out.append(Unit("item", _row_heights(layout, shape, texts, spans, base), list_name=row.name, index=k,
                                group_start=start_of_group, headed=headed, row=r_i, values=texts))
            continue
        texts = {col: resolve(cell.text, context) for col, cell, _ in shape.drawn}
        out.append(Unit("row", _row_heights(layout, shape, texts, {}, base), headed=headed, row=r_i, values=texts))
    page_cm = 29.7 - 3.0 if landscape else 21.0 - 4.0  # forms.css: the body's width
    table_cm = sum(layout.widths)
    table_units = sum(_xlsx_width(w) for w in layout.widths)
    for note in layout.notes:
        text = resolve(note, context)
        html = lines_in(text, page_cm * PT_PER_CM / 9) * 9 * 1.3
        # the template's height for its own text, grown by render/xlsxfast for the filled-in text
        xlsx = max(XLSX_NOTE_LINE * xlsx_note_lines(note, table_cm), _xlsx_cell_pt(text, table_units))
        out.append(Unit("tail", (html, xlsx)))
    out += [Unit("tail", (10.5 * 1.3 + 3, XLSX_LINE)) for _ in layout.bottom]
    return out


def capacities(layout: Layout) -> tuple[float, float]:
    """Usable page heights (WeasyPrint, XLSX at its zoom), in the units' points, before :data:`FILL`."""
    html = (595.28 - 2 * 1.0 * PT_PER_CM) if layout.landscape else (841.89 - 2 * 1.8 * PT_PER_CM)
    paper = 595.28 if layout.landscape else 841.89
    xlsx = (paper - 2 * XLSX_MARGIN_IN[1] * 72) / xlsx_zoom(layout)
    return html, xlsx


def head_heights(layout: Layout, stack: Sequence[Unit]) -> tuple[float, float]:
    """The column headings repeated at the top of each following page (thead, print titles)."""
    start, count = layout_heading(layout)
    chosen = [u for u in stack if u.kind == "row" and start <= u.row < start + count]
    return sum(u.heights[0] for u in chosen), sum(u.heights[1] for u in chosen)


# --- the plan -----------------------------------------------------------------------------------------------

def _plan(stack: list[Unit], caps: tuple[float, float], head: tuple[float, float], list_name: str) -> list[int]:
    """Stack positions where a new page starts (only before items of ``list_name``)."""
    breaks: list[int] = []
    used = [0.0, 0.0]
    page_first = 0

    def start_page(at: int, planned: bool) -> None:
        nonlocal page_first
        if planned:
            breaks.append(at)
        page_first = at
        used[:] = [head[r] if stack[at].headed else 0.0 for r in range(2)]

    i = 0
    while i < len(stack):
        u = stack[i]
        if all(used[r] + u.heights[r] <= caps[r] for r in range(2)):
            used[0] += u.heights[0]
            used[1] += u.heights[1]
            i += 1
            continue
        ours = u.kind == "item" and u.list_name == list_name
        if ours and i > page_first:
            at = i
            if not u.group_start:  # back to the group's start when the whole group fits on a fresh page
                s = i
                while s > page_first and not (stack[s].kind == "item" and stack[s].group_start):
                    s -= 1
                moved = [sum(x.heights[r] for x in stack[s:i]) for r in range(2)]
                if (stack[s].list_name == list_name and _group_fits(stack, s, caps, head)
                        and any(x.kind == "item" for x in stack[page_first:s])  # the page keeps some rows
                        and all(moved[r] <= caps[r] * MOVE for r in range(2))):
                    at = s
            start_page(at, True)
            i = at
            continue
        if u.kind in ("row", "tail") and i > page_first:
            # the rows below the list and the notes go with the list's last rows: move rows over
            at = _last_rows_start(stack, page_first, i, caps, head, list_name)
            if at is not None:
                start_page(at, True)
                i = at
                continue
        # nothing to move (a row taller than a page, or not our list): the renderer breaks by itself here
        start_page(i, ours and i > 0)
        used[0] += u.heights[0]
        used[1] += u.heights[1]
        i += 1
    return breaks


def _group_fits(stack: list[Unit], s: int, caps: tuple[float, float], head: tuple[float, float]) -> bool:
    """Whether the group starting at stack position ``s`` fits on a page under the headings."""
    total = [head[0], head[1]]
    j = s
    while j < len(stack) and stack[j].kind == "item" and (j == s or not stack[j].group_start):
        total[0] += stack[j].heights[0]
        total[1] += stack[j].heights[1]
        j += 1
    return total[0] <= caps[0] and total[1] <= caps[1]


def _last_rows_start(stack: list[Unit], page_first: int, i: int, caps: tuple[float, float],
                     head: tuple[float, float], list_name: str) -> int | None:
    """Where the last page starts so that it holds some of the list's last rows and everything from ``i`` on
    (up to the end of the stack or its next item); None when no item of the list is on this page."""
    end = i
    while end < len(stack) and stack[end].kind != "item":
        end += 1
    candidates = [k for k in range(i - 1, page_first, -1)
                  if stack[k].kind == "item" and stack[k].list_name == list_name]

    def fits(k: int) -> bool:
        return all((head[r] if stack[k].headed else 0.0) + sum(u.heights[r] for u in stack[k:end]) <= caps[r]
                   for r in range(2))

    for k in candidates:  # from the last row up: the first start that fits with everything below
        if fits(k):
            # the start of its group, when that fits too and moves little, keeps the group whole
            for g in candidates[candidates.index(k):]:
                if stack[g].group_start:
                    moved = [sum(u.heights[r] for u in stack[g:i]) for r in range(2)]
                    if fits(g) and all(moved[r] <= caps[r] * MOVE for r in range(2)) \
                            and any(x.kind == "item" for x in stack[page_first:g]):
                        return g
                    break
            return k
    return candidates[-1] if candidates else None


ROUTES = ("pdf", "xlsx")  # the routes with a page model here, in the order of Unit.heights


def plan_breaks(layout: Layout, items: Sequence[Mapping[str, Any]], list_name: str,
                context: Mapping[str, Any] | None = None, routes: Sequence[str] = ROUTES) -> tuple[int, ...]:
    """Indices of the items of ``list_name`` where a new page starts (empty when the form fits on a page), such
    that every page fits in each of ``routes`` ("pdf": WeasyPrint, "xlsx": an office suite printing the XLSX).

    ``context`` (the whole form context) gives the texts of the rows above and below the list; without it they
    are estimated from the layout's own text."""
    ctx: dict[str, Any] = dict(context or {})
    ctx[list_name] = list(items)
    return breaks_of(layout, units(layout, ctx), list_name, routes)


def breaks_of(layout: Layout, stack: list[Unit], list_name: str, routes: Sequence[str] = ROUTES) -> tuple[int, ...]:
    """:func:`plan_breaks` from the form's :func:`units` (measured once for every route)."""
    full = capacities(layout)
    caps = tuple(full[r] * FILL[r] if name in routes else math.inf for r, name in enumerate(ROUTES))
    head = head_heights(layout, stack)
    return tuple(stack[at].index for at in _plan(stack, caps, head, list_name))  # type: ignore[arg-type]


# --- groups restarted at each break --------------------------------------------------------------------------

def continue_groups(items: list[dict[str, Any]], breaks: tuple[int, ...]) -> list[dict[str, Any]]:
    """``items`` with every grouped value restarted at each break: the first row of a page that continues a
    group gets ``Grouped(label + "（续）", first=True, span=rows of the group on that page)``, and the part of
    the group before the break is shortened to its rows there. Items are copied where they change."""
    if not breaks or not items:
        return items
    out = [dict(item) for item in items]
    bounds = sorted({b for b in breaks if 0 < b < len(items)})
    keys = {k for item in items for k, v in item.items() if isinstance(v, Grouped)}
    for key in keys:
        i = 0
        while i < len(out):
            value = out[i].get(key)
            if not isinstance(value, Grouped) or not value.first:
                i += 1
                continue
            end = min(i + max(value.span, 1), len(out))
            cuts = [i] + [b for b in bounds if i < b < end] + [end]
            label = str(value)
            for part, (a, z) in enumerate(itertools.pairwise(cuts)):
                text = label if part == 0 else f"{label}{CONTINUED}"
                out[a][key] = Grouped(text, True, z - a)
                for k in range(a + 1, z):
                    out[k][key] = Grouped(text, False, z - a)
            i = end
    return out


def list_to_plan(layout: Layout, context: Mapping[str, Any]) -> str | None:
    """The list whose pages are planned: the last repeated list of the table that has items."""
    names = [row.name for row in layout.rows if isinstance(row, Repeat) and context.get(row.name)]
    return names[-1] if names else None


# the routes each output format's pages must fit; none: not planned (the renderer breaks by itself). Turned on for
# a format once its renderer breaks at the plan (PDF: "pdf", XLSX: "xlsx"; DOCX: s14b)
FORMAT_ROUTES: dict[str, tuple[str, ...]] = {"pdf": ("pdf",), "xlsx": ("xlsx",), "docx": ("docx",)}  # docx: docx_pages
PLANS = "_page_plans"  # context key: {format: (list name, breaks, items with groups restarted)}


def paginate(layout: Layout, context: dict[str, Any], formats: Sequence[str] | None = None) -> dict[str, Any]:
    """``context`` with the page plan of its list for each output format in ``formats`` (default: every format
    with a page model) in ``context[PLANS]``, kept with the plans it holds already; the context itself is left
    unchanged. :func:`for_format` gives the context one format renders."""
    plans: dict[str, tuple[str, tuple[int, ...], list[dict[str, Any]]] | None] = dict(context.get(PLANS) or {})
    wanted = [fmt for fmt in (FORMAT_ROUTES if formats is None else formats)
              if fmt in FORMAT_ROUTES and FORMAT_ROUTES[fmt] and fmt not in plans]
    name = list_to_plan(layout, context)
    if name is None:
        plans.update((fmt, None) for fmt in wanted)
        return {**context, PLANS: plans}
    items = list(context[name])
    stack: list[Unit] | None = None  # measured once, for every format's plan

    def stack_once() -> list[Unit]:
        nonlocal stack
        if stack is None:
            stack = units(layout, {**context, name: items})
        return stack

    made: dict[tuple[str, ...], tuple[str, tuple[int, ...], list[dict[str, Any]]]] = {}
    for fmt in wanted:
        routes = FORMAT_ROUTES[fmt]
        if routes not in made:
            if routes == ("docx",):  # the Word file's pages: their own model, None when not planned
                from .docx_pages import plan_breaks as docx_breaks

                docx = docx_breaks(layout, items, name, context, units_of=lambda: stack_once())
                if docx is None:
                    plans[fmt] = None
                    continue
                breaks = docx
            else:
                breaks = breaks_of(layout, stack_once(), name, routes)
            made[routes] = (name, breaks, continue_groups(items, breaks))
        plans[fmt] = made[routes]
    return {**context, PLANS: plans}


def planned(context: Mapping[str, Any], formats: Sequence[str]) -> bool:
    """Whether ``context`` holds the page plan of each of ``formats`` that has a page model."""
    plans = context.get(PLANS)
    return plans is not None and all(fmt in plans for fmt in formats if FORMAT_ROUTES.get(fmt))


def for_format(context: dict[str, Any], fmt: str) -> dict[str, Any]:
    """The context a format renders: its list with the groups restarted at that format's page breaks, and
    ``context[BREAKS] = {list name: breaks}`` (empty when it fits on a page or was not planned)."""
    plan = (context.get(PLANS) or {}).get(fmt)
    if plan is None:
        return {**context, BREAKS: {}}
    name, breaks, items = plan
    return {**context, name: items, BREAKS: {name: breaks} if breaks else {}}
