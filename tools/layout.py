"""Draft a new form's Word template from a layout (the dataclasses of docgen.compile.model).

The Word file is the single source of a form: docgen compiles the form's XLSX and HTML (PDF) templates from it
(docgen/compile/). This module only makes a first draft of a new form's DOCX from a layout in tools/layouts/;
``python tools/make_templates.py`` writes the drafts of forms that have no DOCX yet and never overwrites one.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docgen.compile.model import HEI, SIZES, SONG, Cell, Layout, Repeat, placeholder
from docgen.compile.model import occupancy as _occupancy

__all__ = ["Cell", "Layout", "Repeat", "emit_docx", "placeholder", "trim_docx"]


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
