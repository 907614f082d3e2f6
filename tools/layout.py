"""Form layouts as data, and the emitters that turn one layout into a DOCX and an XLSX template.

A layout is a grid like an HTML table: cells with column and row spans, plus at most one
repeating row bound to a list of the form context. The same layout gives both templates, so
labels, column order and header spans cannot drift apart between Word and Excel. The
templates written here are ordinary files that a maintainer can then edit in Word/WPS/Excel.

Run ``python tools/make_templates.py`` to (re)write every template.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

SONG, HEI, FANGSONG = "宋体", "黑体", "仿宋_GB2312"
SIZES = {"二号": 22, "小二": 18, "三号": 16, "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9}


@dataclass
class Cell:
    text: str = ""
    span: int = 1
    rows: int = 1
    bold: bool = False
    align: str = "center"  # center / left
    field: str | None = None  # in a repeating row: the item's key
    grouped: bool = False  # in a repeating row: merged with equal neighbours (一级/二级)
    through: bool = False  # a header cell that also spans every repeated row (绩效指标)


@dataclass
class Repeat:
    """A row repeated once per item of ``context[name]``."""

    name: str
    cells: list[Cell]


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


def _occupancy(layout: Layout) -> list[list[tuple[Cell, int, bool] | None]]:
    """For each row, for each grid column: (cell, origin column, is origin) or None, honouring row spans."""
    ncols = len(layout.widths)
    grid: list[list[tuple[Cell, int, bool] | None]] = []
    carry: dict[int, tuple[Cell, int, int]] = {}  # column → (cell, origin col, rows left)
    for row in layout.rows:
        cells = row.cells if isinstance(row, Repeat) else row
        line: list[tuple[Cell, int, bool] | None] = [None] * ncols
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


# --- DOCX ----------------------------------------------------------------------------------------


def _font(run, name: str = SONG, size: float = 9, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _para(container, text: str, *, font: str = SONG, size: float = 10.5, bold: bool = False,
          align: str = "left", right: str | None = None, width_cm: float = 0, space_after: float = 0):
    p = container.add_paragraph()
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    p.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                   "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    _font(p.add_run(text), font, size, bold)
    if right is not None:
        p.paragraph_format.tab_stops.add_tab_stop(Cm(width_cm), WD_TAB_ALIGNMENT.RIGHT)
        _font(p.add_run("\t" + right), font, size, bold)
    return p


def _cell_text(cell, text: str, size: float, bold: bool, align: str) -> None:
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if align == "center" else WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.space_after = Pt(0)
    if text:
        _font(p.add_run(text), SONG, size, bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _vmerge_continue(cell, restart: bool = False) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    v = OxmlElement("w:vMerge")
    if restart:
        v.set(qn("w:val"), "restart")
    # schema order: after tcW/gridSpan, before vAlign
    valign = tcpr.find(qn("w:vAlign"))
    if valign is not None:
        valign.addprevious(v)
    else:
        tcpr.append(v)


def _docx_text(cell: Cell, layout: Layout, repeat: Repeat | None) -> str:
    if repeat is not None and cell.field:
        expr = f"r.{cell.field}"
        return placeholder(f"{expr}|merge" if cell.grouped else expr)
    return cell.text


def emit_docx(layout: Layout) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if layout.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5 if layout.landscape else 2.0))
    section.top_margin = section.bottom_margin = Cm(1.0 if layout.landscape else 1.8)
    text_width = (section.page_width - section.left_margin - section.right_margin) / 360000
    normal = doc.styles["Normal"]
    normal.font.name = SONG
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), SONG)
    body = doc
    # the first, empty paragraph of a new document carries the annex label
    first = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    _font(first.add_run(layout.annex), HEI, 12 if layout.landscape else 14)
    _para(body, layout.title, font=HEI, size=SIZES["小二"], align="center", space_after=6)
    if layout.subtitle:
        _para(body, layout.subtitle, size=12, align="center", space_after=6)
    for left, right in layout.top:
        _para(body, left, size=10.5, right=right, width_cm=text_width, space_after=3)

    grid = _occupancy(layout)
    table = doc.add_table(rows=len(layout.rows), cols=len(layout.widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, w in enumerate(layout.widths):
        for cell in table.columns[i].cells:
            cell.width = Cm(w)
    for grid_col, w in zip(table._tbl.tblGrid.gridCol_lst, layout.widths, strict=True):
        grid_col.w = Cm(w)  # LibreOffice/WPS lay merged cells out on the grid, not on tcW
    for r_i, row in enumerate(layout.rows):
        repeat = row if isinstance(row, Repeat) else None
        line = grid[r_i]
        col = 0
        while col < len(line):
            slot = line[col]
            if slot is None:
                col += 1
                continue
            cell, _origin, is_origin = slot
            span = cell.span
            target = table.cell(r_i, col)
            if is_origin and (r_i == 0 or grid[r_i - 1][col] is None or grid[r_i - 1][col][0] is not cell):
                if span > 1:
                    target = target.merge(table.cell(r_i, col + span - 1))
                if cell.rows > 1:
                    target = target.merge(table.cell(r_i + cell.rows - 1, col + span - 1))
                _cell_text(target, _docx_text(cell, layout, repeat), layout.font_size, cell.bold, cell.align)
                if cell.through and repeat is None and cell.rows == 1:
                    _vmerge_continue(target, restart=True)  # a one-row label running down the repeated rows
            col += span
    # cells that run through the repeated rows (绩效指标): the repeated row continues their merge
    repeats = [(i, r) for i, r in enumerate(layout.rows) if isinstance(r, Repeat)]
    for index, _rep in repeats:
        for col, slot in enumerate(grid[index]):
            if slot is not None and slot[0].through and slot[2]:
                _vmerge_continue(table.cell(index, col))
    rows = [table.rows[i]._tr for i, _ in repeats]
    for tr in rows:  # a repeated row is never split across two pages
        tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for i in range(layout.header_rows):  # the column headings are printed again on every page
        table.rows[i]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for (_, rep), tr in zip(repeats, rows, strict=True):
        _wrap_loop(tr, rep.name)
    for note in layout.notes:
        _para(body, note, size=9, space_after=0)
    for left, right in layout.bottom:
        _para(body, left, size=10.5, right=right, width_cm=text_width, space_after=0)
    buf = io.BytesIO()
    doc.save(buf)
    return trim_docx(buf.getvalue())


def _wrap_loop(tr, name: str) -> None:
    """Put ``{%tr for r in name %}`` and ``{%tr endfor %}`` rows around a repeated row."""
    for tag, where in ((f"{{%tr for r in {name} %}}", "before"), ("{%tr endfor %}", "after")):
        new = OxmlElement("w:tr")
        tc = OxmlElement("w:tc")
        p = OxmlElement("w:p")
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = tag
        r.append(t)
        p.append(r)
        tc.append(p)
        new.append(tc)
        if where == "before":
            tr.addprevious(new)
        else:
            tr.addnext(new)


_KEEP_STYLES = {"Normal", "TableNormal", "TableGrid", "DefaultParagraphFont", "NoList"}
_DROP = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/")


def trim_docx(data: bytes) -> bytes:
    """Drop python-docx's ~790 KB of unused styles, the thumbnail and custom XML."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name = info.filename
            if name.startswith(_DROP):
                continue
            content = zin.read(name)
            if name == "word/styles.xml":
                root = etree.fromstring(content)
                w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
                for el in list(root):
                    if el.tag == f"{w}latentStyles":
                        root.remove(el)
                    elif el.tag == f"{w}style" and el.get(f"{w}styleId") not in _KEEP_STYLES:
                        root.remove(el)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif name in ("[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels"):
                text = content.decode("utf-8")
                text = re.sub(r"<Override[^>]*(stylesWithEffects|customXml|thumbnail)[^>]*/>", "", text)
                text = re.sub(r"<Relationship[^>]*(stylesWithEffects|customXml|thumbnail)[^>]*/>", "", text)
                text = re.sub(r'<Default Extension="jpeg"[^>]*/>', "", text)
                content = text.encode("utf-8")
            zout.writestr(info, content)
    return out.getvalue()


# --- XLSX ----------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _xlsx_text(cell: Cell, repeat: Repeat | None) -> str:
    if repeat is not None and cell.field:
        return placeholder(f"{repeat.name}.{cell.field}")
    return cell.text


def _xlsx_line(ws, r: int, left: str, right: str, half: int, ncols: int) -> None:
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
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.print_options.horizontalCentered = True
    font = Font(name=SONG, size=layout.font_size)
    r = 1
    ws.cell(r, 1, layout.annex).font = Font(name=HEI, size=12)
    r += 1
    ws.cell(r, 1, layout.title).font = Font(name=HEI, size=SIZES["小二"])
    ws.cell(r, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
    ws.row_dimensions[r].height = 30
    r += 1
    if layout.subtitle:
        ws.cell(r, 1, layout.subtitle).font = Font(name=SONG, size=12)
        ws.cell(r, 1).alignment = Alignment(horizontal="center", vertical="center")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        r += 1
    half = max(ncols // 2, 1)
    for left, right in layout.top:
        _xlsx_line(ws, r, left, right, half, ncols)
        r += 1
    first_table_row = r
    if layout.header_rows:
        ws.print_title_rows = f"{first_table_row}:{first_table_row + layout.header_rows - 1}"
    grid = _occupancy(layout)
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
            cell, _origin, is_origin = slot
            if cell.align == "left":
                c.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
            if cell.bold:
                c.font = Font(name=SONG, size=layout.font_size, bold=True)
            starts_here = is_origin and (r_i == 0 or grid[r_i - 1][col] is None or grid[r_i - 1][col][0] is not cell)
            if starts_here and cell.through and repeat is not None:
                continue  # the filler under a through-running label: part of the label's merge
            if starts_here:
                c.value = _xlsx_text(cell, repeat)
                end_row = excel_row + cell.rows - 1
                if cell.through and repeat is None:
                    # runs down to the next repeated row; the renderer extends it over the inserted rows
                    rep = next(i for i, x in enumerate(layout.rows) if isinstance(x, Repeat) and i > r_i)
                    end_row = first_table_row + rep
                if cell.span > 1 or end_row > excel_row:
                    ws.merge_cells(start_row=excel_row, start_column=col + 1, end_row=end_row,
                                   end_column=col + cell.span)
        ws.row_dimensions[excel_row].height = layout.row_heights.get(r_i, 24 if repeat is None else 30)
    r = first_table_row + len(layout.rows)
    per_line = max(int(sum(layout.widths) / 0.33), 1)  # 9 pt CJK characters across the table
    for note in layout.notes:
        c = ws.cell(r, 1, note)
        c.font = Font(name=SONG, size=9)
        c.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        lines = -(-len(note) // per_line)
        if lines > 1:  # a merged cell does not grow by itself
            ws.row_dimensions[r].height = 12.5 * lines
        r += 1
    for left, right in layout.bottom:
        _xlsx_line(ws, r, left, right, half, ncols)
        r += 1
    wb.properties.creator = "docgen"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- HTML (PDF) ----------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})", re.DOTALL)


def _html_static(text: str) -> str:
    """Layout text for the HTML template: ``&<>`` escaped outside ``{{ … }}`` placeholders."""
    parts = _PLACEHOLDER.split(text)
    return "".join(p if i % 2 else p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                   for i, p in enumerate(parts))


def _td(content: str, cell: Cell, rowspan: str = "", bold_header: bool = False) -> str:
    attrs = []
    classes = []
    if cell.align == "left":
        classes.append("l")
    if cell.bold:
        classes.append("b")
    if classes:
        attrs.append(f'class="{" ".join(classes)}"')
    if cell.span > 1:
        attrs.append(f'colspan="{cell.span}"')
    if rowspan:
        attrs.append(f'rowspan="{rowspan}"')
    return "<td" + "".join(" " + a for a in attrs) + ">" + content + "</td>"


def _html_line(left: str, right: str) -> str:
    right_part = f'<span class="right">{_html_static(right)}</span>' if right else ""
    return f'<div class="line">{right_part}{_html_static(left)}</div>'


def emit_html(layout: Layout) -> str:
    """The Jinja HTML template of ``layout`` for PDF: the DOCX's grid, spans and group merges.

    Static spans become colspan/rowspan; a repeated row is a ``{% for r in LIST %}`` loop; a grouped
    cell (present.Grouped) gets ``rowspan="{{ r.X.span }}"`` on the first row of its group and is left
    out on the others; a through-running label (绩效指标) spans its header rows plus ``LIST|length``.
    The page, fonts and borders come from templates/html/forms.css (parsed once per process).
    """
    grid = _occupancy(layout)
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           f"<title>{_html_static(layout.title)}</title>", "</head>",
           f'<body class="{"landscape" if layout.landscape else "portrait"}">',
           f'<div class="annex">{_html_static(layout.annex)}</div>',
           f'<h1>{_html_static(layout.title)}</h1>']
    if layout.subtitle:
        out.append(f'<div class="subtitle">{_html_static(layout.subtitle)}</div>')
    out += [_html_line(left, right) for left, right in layout.top]
    out.append(f'<table class="form" style="width: {sum(layout.widths):.2f}cm">')
    out.append("<colgroup>" + "".join(f'<col style="width: {w:.2f}cm">' for w in layout.widths) + "</colgroup>")
    crossing = any(
        slot is not None and slot[0].rows > 1 and r_i < layout.header_rows <= r_i + slot[0].rows - 1
        for r_i, line in enumerate(grid[: layout.header_rows]) for slot in line)
    thead = layout.header_rows if layout.header_rows and not crossing else 0
    if thead:
        out.append("<thead>")
    for r_i, row in enumerate(layout.rows):
        if thead and r_i == thead:
            out.append("</thead><tbody>")
        repeat = row if isinstance(row, Repeat) else None
        tds = []
        for col, slot in enumerate(grid[r_i]):
            if slot is None:
                tds.append("<td></td>")
                continue
            cell, _origin, is_origin = slot
            starts_here = is_origin and (r_i == 0 or grid[r_i - 1][col] is None or grid[r_i - 1][col][0] is not cell)
            if not starts_here:
                continue
            if repeat is not None and cell.through:
                continue  # covered by the label's rowspan
            if repeat is not None and cell.field:
                expr = f"r.{cell.field}"
                if cell.grouped:
                    tds.append(
                        f"{{% if {expr}.first is not defined or {expr}.first %}}"
                        + _td(placeholder(expr), cell, f"{{{{ {expr}.span if {expr}.span is defined else 1 }}}}")
                        + "{% endif %}")
                else:
                    tds.append(_td(placeholder(expr), cell))
                continue
            rowspan = str(cell.rows) if cell.rows > 1 else ""
            if cell.through and repeat is None:
                rep = next(i for i, x in enumerate(layout.rows) if isinstance(x, Repeat) and i > r_i)
                name = layout.rows[rep].name  # type: ignore[union-attr]
                rowspan = placeholder(f"{rep - r_i} + {name}|length")
            tds.append(_td(_html_static(cell.text), cell, rowspan))
        tr = "<tr>" + "".join(tds) + "</tr>"
        if repeat is not None:
            out += [f"{{% for r in {repeat.name} %}}", '<tr class="item">' + "".join(tds) + "</tr>",
                    "{% endfor %}"]
        else:
            out.append(tr)
    if thead:
        out.append("</tbody>")
    out.append("</table>")
    for note in layout.notes:
        out.append(f'<div class="note">{_html_static(note)}</div>')
    out += [_html_line(left, right).replace('class="line"', 'class="line bottom"', 1) for left, right in layout.bottom]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
