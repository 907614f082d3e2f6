"""Write a layout as the Jinja HTML template docgen.render.pdf renders to PDF (page and fonts: forms.css)."""

from __future__ import annotations

import re

from .model import Cell, Layout, Repeat, heading_block, next_repeat, occupancy, placeholder, starts_here

_PLACEHOLDER = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})", re.DOTALL)


def static(text: str) -> str:
    """Layout text for the HTML template: ``&<>`` escaped outside ``{{ … }}`` placeholders."""
    parts = _PLACEHOLDER.split(text)
    return "".join(p if i % 2 else p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                   for i, p in enumerate(parts))


def _td(content: str, cell: Cell, rowspan: str = "") -> str:
    attrs = []
    classes = []
    if cell.align == "left":
        classes.append("l")
    elif cell.align == "right":
        classes.append("r")
    if cell.bold:
        classes.append("b")
    if classes:
        attrs.append(f'class="{" ".join(classes)}"')
    if cell.span > 1:
        attrs.append(f'colspan="{cell.span}"')
    if rowspan:
        attrs.append(f'rowspan="{rowspan}"')
    return "<td" + "".join(" " + a for a in attrs) + ">" + content + "</td>"


def _line(left: str, right: str) -> str:
    right_part = f'<span class="right">{static(right)}</span>' if right else ""
    return f'<div class="line">{right_part}{static(left)}</div>'


def _loop_cell(cell: Cell, var: str) -> str:
    """A cell of a repeated row; a grouped one (present.Grouped) spans its group and is left out below."""
    if not cell.field:
        return _td(static(cell.text.replace("|merge", "")), cell)
    expr = f"{var}.{cell.field}"
    if not cell.grouped:
        return _td(placeholder(expr), cell)
    return (f"{{% if {expr}.first is not defined or {expr}.first %}}"
            + _td(placeholder(expr), cell, f"{{{{ {expr}.span if {expr}.span is defined else 1 }}}}")
            + "{% endif %}")


def _pb(i: int) -> str:
    """The template variable holding the page breaks of the layout's ``i``-th list."""
    return f"_pb{i}"


def _rows_to_break(pb: str, index: str, name: str) -> str:
    """A placeholder: the rows from item ``index`` down to the next page break of the list (or its end)."""
    return placeholder(f'({pb}|select("gt", {index})|first|default({name}|length)) - {index}')


def _head(layout: Layout, grid: list) -> tuple[int, int]:  # type: ignore[type-arg]
    """The heading rows made a <thead>: (0, 0) when a row span other than a through-running label crosses
    the head's end (a table head cannot cut a merged cell)."""
    start, count = heading_block(layout)
    end = start + count
    crossing = any(slot is not None and not slot[0].through and starts_here(grid, r_i, col)
                   and r_i + slot[0].rows > end
                   for r_i in range(start, end) for col, slot in enumerate(grid[r_i]))
    return (0, 0) if crossing else (start, count)


def emit_html(layout: Layout) -> str:
    """The Jinja HTML template of ``layout`` for PDF: the DOCX's grid, spans and group merges.

    Static spans become colspan/rowspan; a repeated row is a ``{% for r in LIST %}`` loop; a grouped
    cell (present.Grouped) gets ``rowspan="{{ r.X.span }}"`` on the first row of its group and is left
    out on the others; a through-running label (绩效指标) spans its header rows plus ``LIST|length``.
    The page, fonts and borders come from templates/html/forms.css (parsed once per process).
    """
    grid = occupancy(layout)
    lists = [row.name for row in layout.rows if isinstance(row, Repeat)]
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           f"<title>{static(layout.title)}</title>", "</head>",
           f'<body class="{"landscape" if layout.landscape else "portrait"}">',
           f'<div class="annex">{static(layout.annex)}</div>',
           f'<h1>{static(layout.title)}</h1>']
    # the page plan (compile/paginate): context["_page_breaks"][list] = the items that start a new page
    out += [f"{{% set {_pb(i)} = _page_breaks[{name!r}] if _page_breaks is defined and {name!r} in _page_breaks "
            f"else () %}}" for i, name in enumerate(lists)]
    if layout.subtitle:
        out.append(f'<div class="subtitle">{static(layout.subtitle)}</div>')
    out += [_line(left, right) for left, right in layout.top]
    table = (f'<table class="form" style="width: {sum(layout.widths):.2f}cm">'
             + "<colgroup>" + "".join(f'<col style="width: {w:.2f}cm">' for w in layout.widths) + "</colgroup>")
    out.append(table)
    # the column headings are a <thead>, printed again on every page; headings under a project block start a
    # second table (no gap: it continues the first one's grid), as a <thead> must open its table
    start, count = _head(layout, grid)
    for r_i, row in enumerate(layout.rows):
        if count and r_i == start:
            if start:
                out += ["</table>", table.replace('class="form"', 'class="form cont"', 1)]
            out.append("<thead>")
        if count and r_i == start + count:
            out.append("</thead><tbody>")
        repeat = row if isinstance(row, Repeat) else None
        tds = []
        for col, slot in enumerate(grid[r_i]):
            if slot is None:
                tds.append("<td></td>")
                continue
            cell = slot[0]
            if not starts_here(grid, r_i, col):
                continue
            if repeat is not None and cell.through:
                pb = _pb(lists.index(repeat.name))
                left = _rows_to_break(pb, "loop.index0", repeat.name)
                if count and r_i == start + count:  # the label stops at the head: an empty frame runs on below
                    tds.append(f'{{% if loop.first or loop.index0 in {pb} %}}<td rowspan="{left}"></td>'
                               "{% endif %}")
                else:  # the label's rowspan ends at the first page break: a frame again on each new page
                    tds.append(f'{{% if loop.index0 in {pb} %}}<td rowspan="{left}"></td>{{% endif %}}')
                continue  # covered by the label's rowspan
            if repeat is not None:
                tds.append(_loop_cell(cell, repeat.var))
                continue
            rowspan = str(cell.rows) if cell.rows > 1 else ""
            if cell.through:
                rep = next_repeat(layout, r_i)
                name = layout.rows[rep].name  # type: ignore[union-attr]
                in_head = count and start <= r_i < start + count
                pb = _pb(lists.index(name))
                rowspan = str(start + count - r_i) if in_head else placeholder(
                    f"{rep - r_i} + ({pb}|first if {pb} else {name}|length)")
                rowspan = "" if rowspan == "1" else rowspan
            tds.append(_td(static(cell.text), cell, rowspan))
        if repeat is not None:
            pb = _pb(lists.index(repeat.name))
            out += [f"{{% for {repeat.var} in {repeat.name} %}}",
                    f'<tr class="item{{% if loop.index0 in {pb} %}} page{{% endif %}}">' + "".join(tds) + "</tr>",
                    "{% endfor %}"]
        else:
            out.append("<tr>" + "".join(tds) + "</tr>")
    if count:
        out.append("</tbody>")
    out.append("</table>")
    for note in layout.notes:
        out.append(f'<div class="note">{static(note)}</div>')
    out += [_line(left, right).replace('class="line"', 'class="line bottom"', 1) for left, right in layout.bottom]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
