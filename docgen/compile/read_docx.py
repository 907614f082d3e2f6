"""Read a form's Word template into a :class:`Layout`: the one source of its Excel and HTML templates.

What is read (word/document.xml, with lxml; runs that Word or LibreOffice split are joined):

- the page: landscape when the section is wider than tall;
- above the table: the annex label (the first, left-aligned paragraph), the title (the first centred
  paragraph), a subtitle (a second centred paragraph) and header lines (``left<TAB>right``);
- the table: the grid's column widths, each cell's text (line breaks kept), ``w:gridSpan``, ``w:vMerge``,
  bold and alignment, the font size, row heights set in Word (``w:trHeight``, used by the Excel template);
  ``{%tr for r in 列表 %}`` / ``{%tr endfor %}`` rows around a repeated row; ``{{ r.X|merge }}`` (cells merged
  by group); a label whose vertical merge runs into the repeated row (绩效指标); the rows marked
  ``w:tblHeader`` (repeated on every page);
- below the table: the numbered notes, and the signature lines (``left<TAB>right``).

A form whose column headings sit under a project block is two tables in Word (Word repeats only a table's first
rows on every page): the project block, then, parted by an empty paragraph, the list's table opening with its
headings (``w:tblHeader``). Their rows are read as one table on one grid (the columns' edges of both).

A Word file that cannot be laid out this way raises :class:`CompileError` naming the place (表格1 第3行).
"""

from __future__ import annotations

import itertools
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import DocgenError
from .model import Cell, Layout, Repeat, Row

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
TWIPS_PER_CM = 360000 / 635
_ROW_TAG = re.compile(r"^\s*\{%-?\s*tr\s+(.*?)\s*-?%\}\s*$", re.DOTALL)
_FOR = re.compile(r"^for\s+(\w+)\s+in\s+(\S+)$")
_LOOP_FIELD = r"^\{\{\s*%s\.([^{}\s|.]+)\s*(\|\s*merge\s*)?\}\}$"
_FALSE = {"0", "false", "off", "none"}


class CompileError(DocgenError):
    """A Word template that cannot be compiled into Excel and HTML templates (the message says where)."""


def _w(el: etree._Element, name: str) -> etree._Element | None:
    return el.find(_W + name)


def _val(el: etree._Element | None, attr: str = "val") -> str | None:
    return None if el is None else el.get(_W + attr)


def paragraph_text(p: etree._Element) -> str:
    """The text of a paragraph as shown: runs joined, ``w:tab`` → tab, ``w:br`` → line break."""
    out = []
    for el in p.iter(_W + "t", _W + "tab", _W + "br", _W + "cr"):
        if el.tag == _W + "t":
            out.append(el.text or "")
        elif el.tag == _W + "tab":
            if el.getparent() is not None and el.getparent().tag == _W + "r":  # not a tab stop (w:tabs/w:tab)
                out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def _runs(p: etree._Element) -> list[etree._Element]:
    return [r for r in p.iter(_W + "r") if paragraph_text(r).strip()]


def _bold(p: etree._Element) -> bool:
    for r in _runs(p):
        b = r.find(f"{_W}rPr/{_W}b")
        return b is not None and (_val(b) or "true").lower() not in _FALSE
    return False


def _size(p: etree._Element) -> float | None:
    for r in _runs(p):
        sz = r.find(f"{_W}rPr/{_W}sz")
        if sz is not None and _val(sz):
            return int(_val(sz) or 0) / 2
    return None


def _align(p: etree._Element) -> str:
    jc = _val(p.find(f"{_W}pPr/{_W}jc")) or "left"
    return {"center": "center", "right": "right", "end": "right"}.get(jc, "left")


@dataclass
class _Tc:
    text: str
    span: int
    vmerge: str | None  # "restart", "continue" or None
    bold: bool
    align: str
    size: float | None
    col: int = 0  # grid column of its left edge


def _read_tc(tc: etree._Element) -> _Tc:
    pr = _w(tc, "tcPr")
    span = int(_val(_w(pr, "gridSpan")) or 1) if pr is not None else 1
    vm = _w(pr, "vMerge") if pr is not None else None
    vmerge = None if vm is None else ("restart" if _val(vm) == "restart" else "continue")
    paras = tc.findall(_W + "p")
    text = "\n".join(paragraph_text(p) for p in paras)
    first = next((p for p in paras if paragraph_text(p).strip()), paras[0] if paras else None)
    if first is None:
        return _Tc(text, span, vmerge, False, "center", None)
    return _Tc(text, span, vmerge, _bold(first), _align(first), _size(first))


def _row_tag(tr: etree._Element) -> str | None:
    """``for r in 指标`` for a ``{%tr for r in 指标 %}`` row (the row docxtpl replaces by its tag)."""
    text = "".join(paragraph_text(p) for p in tr.iter(_W + "p"))
    m = _ROW_TAG.match(text)
    return m.group(1) if m else None


def _rows(tbl: etree._Element, number: int, form: str) -> tuple[list[tuple[str | None, list[_Tc], bool]], int,
                                                                dict[int, float]]:
    """Each table row: (the loop list it repeats over or None, its cells, is a header row); the header count; the
    rows' heights set in Word (``w:trHeight``, in pt) by row index."""
    rows: list[tuple[str | None, list[_Tc], bool]] = []
    heights: dict[int, float] = {}
    loop: tuple[str, str] | None = None
    in_loop = 0
    for i, tr in enumerate(tbl.findall(_W + "tr"), start=1):
        tag = _row_tag(tr)
        if tag is not None:
            m = _FOR.match(tag)
            if m:
                loop, in_loop = (m.group(1), m.group(2)), 0
            elif tag == "endfor":
                if loop is None:
                    raise CompileError(f"{form}: Word 表格{number} 第{i}行：“{{%tr endfor %}}”"
                                       "前面没有对应的“{%tr for … %}”")
                if in_loop != 1:
                    raise CompileError(f"{form}: Word 表格{number} 第{i}行：“{{%tr for … %}}”与“{{%tr endfor %}}”之间"
                                       f"应当正好有一行（重复行），现有 {in_loop} 行")
                loop = None
            else:
                raise CompileError(f"{form}: Word 表格{number} 第{i}行：“{{%tr {tag} %}}”不能转换为 Excel/PDF 模板"
                                   "（表格中只支持“{%tr for r in 列表 %}”和“{%tr endfor %}”）")
            continue
        cells = []
        col = 0
        for tc in tr.findall(_W + "tc"):
            cell = _read_tc(tc)
            cell.col = col
            col += cell.span
            cells.append(cell)
        header = tr.find(f"{_W}trPr/{_W}tblHeader") is not None and \
            (_val(tr.find(f"{_W}trPr/{_W}tblHeader")) or "true").lower() not in _FALSE
        height = tr.find(f"{_W}trPr/{_W}trHeight")
        if height is not None and (_val(height) or "").isdigit() and int(_val(height) or 0) > 0:
            heights[len(rows)] = int(_val(height) or 0) / 20
        rows.append((f"{loop[0]} {loop[1]}" if loop else None, cells, header))
        if loop is not None:
            in_loop += 1
    if loop is not None:
        raise CompileError(f"{form}: Word 表格{number}：“{{%tr for … %}}”没有对应的“{{%tr endfor %}}”")
    headers = 0
    for _, _, header in rows:
        if not header:
            break
        headers += 1
    return rows, headers, heights


def _layout_rows(raw: list[tuple[str | None, list[_Tc], bool]], ncols: int, places: list[str],
                 form: str) -> list[Row]:
    """``places``: each raw row's place in Word (``表格2 第1行``)."""
    out: list[Row] = []
    for r_i, (loop, cells, _header) in enumerate(raw):
        var, name = loop.split(" ", 1) if loop else ("", "")
        row: list[Cell] = []
        for tc in cells:
            where = f"{places[r_i]}第{cells.index(tc) + 1}格"
            if tc.col + tc.span > ncols:
                raise CompileError(f"{form}: Word {where}：单元格超出表格的列数（{ncols} 列）")
            if tc.vmerge == "continue":
                if loop:
                    row.append(Cell(span=tc.span, through=True, where=where))  # a label running down the rows
                continue
            cell = Cell(text=tc.text, span=tc.span, bold=tc.bold, align=tc.align, where=where, size=tc.size)
            if loop:
                m = re.match(_LOOP_FIELD % re.escape(var), tc.text.strip())
                if m:
                    cell.text = ""
                    cell.field, cell.grouped = m.group(1), bool(m.group(2))
                elif "|merge" in tc.text.replace(" ", ""):
                    cell.grouped = True
            if tc.vmerge == "restart":
                below = 0
                for loop2, cells2, _ in raw[r_i + 1:]:
                    under = next((c for c in cells2 if c.col == tc.col), None)
                    if under is None or under.vmerge != "continue":
                        break
                    if loop2:
                        cell.through = True
                        break
                    below += 1
                cell.rows = below + 1
            row.append(cell)
        out.append(Repeat(name, row, var) if loop else row)
    return out


def _widths(tbl: etree._Element) -> list[float]:
    return [round(int(_val(g, "w") or 0) / TWIPS_PER_CM, 2) for g in tbl.findall(f"{_W}tblGrid/{_W}gridCol")]


_EDGE_TOLERANCE = 30  # twips (0.05 cm): Word/LibreOffice round column widths differently in the two tables


def _edges(tbl: etree._Element) -> list[int]:
    edges = [0]
    for g in tbl.findall(f"{_W}tblGrid/{_W}gridCol"):
        edges.append(edges[-1] + int(_val(g, "w") or 0))
    return edges


def _common_grid(first: etree._Element, second: etree._Element, raw1: list[tuple[str | None, list[_Tc], bool]],
                 raw2: list[tuple[str | None, list[_Tc], bool]], form: str) -> list[float]:
    """The column widths (cm) of one grid holding both tables' column edges; each cell's column and span are
    moved onto it. (Word keeps both tables on the same grid; LibreOffice, saving, gives each table only the
    columns it uses.)"""
    own = [_edges(first), _edges(second)]
    union: list[int] = []
    for edge in sorted(own[0] + own[1]):
        if not union or edge - union[-1] > _EDGE_TOLERANCE:
            union.append(edge)
    if abs(own[0][-1] - own[1][-1]) > _EDGE_TOLERANCE:
        raise CompileError(f"{form}: Word 表格2 的总宽度应当与表格1 相同（两个表格在 Excel/PDF 中是一个表格）")

    def at(edge: int) -> int:
        return min(range(len(union)), key=lambda i: abs(union[i] - edge))

    for edges, raw in zip(own, (raw1, raw2), strict=True):
        for _, cells, _ in raw:
            for tc in cells:
                if tc.col + tc.span >= len(edges):
                    continue  # too wide: reported with its place by _layout_rows
                start, end = at(edges[tc.col]), at(edges[tc.col + tc.span])
                tc.col, tc.span = start, max(end - start, 1)
    return [round((b - a) / TWIPS_PER_CM, 2) for a, b in itertools.pairwise(union)]


def read_layout(data: bytes, form: str) -> Layout:
    """The layout of a form's DOCX (its bytes); ``form`` is the form id (named in messages)."""
    try:
        with zipfile.ZipFile(__import__("io").BytesIO(data)) as zf:
            root = etree.fromstring(zf.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise CompileError(f"{form}: 无法读取 Word 模板：{exc}") from None
    body = root.find(_W + "body")
    if body is None:
        raise CompileError(f"{form}: Word 模板没有正文")
    tables = body.findall(_W + "tbl")
    if len(tables) not in (1, 2):
        raise CompileError(f"{form}: Word 模板应当有一个表格（或紧接着的两个表格：项目信息和指标列表），现有 "
                           f"{len(tables)} 个，无法生成 Excel/PDF 模板")
    tbl = tables[0]
    before = [p for p in body[: body.index(tbl)] if p.tag == _W + "p"]
    after = [p for p in body[body.index(tables[-1]) + 1:] if p.tag == _W + "p"]
    widths = _widths(tbl)
    if not widths:
        raise CompileError(f"{form}: Word 表格1 没有列宽（w:tblGrid）")
    raw, headers, heights = _rows(tbl, 1, form)
    places = [f"表格1 第{i}行" for i in range(1, len(raw) + 1)]
    if len(tables) == 2:
        # the list's own table under the project block (its column headings repeated on every page): the same
        # grid, nothing but empty paragraphs between, its rows continue the first table's
        between = [el for el in body[body.index(tbl) + 1: body.index(tables[1])]]
        if any(el.tag != _W + "p" or paragraph_text(el).strip() for el in between):
            raise CompileError(f"{form}: Word 表格1 与表格2 之间只能有空段落（两个表格在 Excel/PDF 中是一个表格）")
        raw2, _, heights2 = _rows(tables[1], 2, form)
        widths = _common_grid(tbl, tables[1], raw, raw2, form)
        heights.update({len(raw) + i: h for i, h in heights2.items()})
        places += [f"表格2 第{i}行" for i in range(1, len(raw2) + 1)]
        raw += raw2
    sizes = Counter(c.size for _, cells, _ in raw for c in cells if c.size and c.text.strip())
    layout = Layout(id=form, title="", annex="", widths=widths, rows=_layout_rows(raw, len(widths), places, form),
                    font_size=sizes.most_common(1)[0][0] if sizes else 9, header_rows=headers,
                    row_heights=heights)
    size = body.find(f"{_W}sectPr/{_W}pgSz")
    if size is not None:
        w, h = int(_val(size, "w") or 0), int(_val(size, "h") or 0)
        layout.landscape = _val(size, "orient") == "landscape" or w > h
    centred = 0
    for i, p in enumerate(before):
        text = paragraph_text(p)
        if _align(p) == "center" and text.strip():
            if centred == 0:
                layout.title = text.strip()
            elif centred == 1:
                layout.subtitle = text.strip()
            else:
                layout.top.append((text.strip(), ""))
            centred += 1
        elif centred == 0 and i == 0:
            layout.annex = text.strip()
        elif text.strip():
            left, _, right = text.partition("\t")
            layout.top.append((left, right.strip("\t")))
    for p in after:
        text = paragraph_text(p)
        if not text.strip():
            continue
        if "\t" in text:
            left, _, right = text.partition("\t")
            layout.bottom.append((left, right.strip("\t")))
        elif layout.bottom:
            layout.bottom.append((text, ""))
        else:
            layout.notes.append(text)
    if not layout.title:
        raise CompileError(f"{form}: Word 模板表格上方没有居中的标题段落")
    return layout


def read_layout_file(path: Path, form: str | None = None) -> Layout:
    return read_layout(path.read_bytes(), form or path.stem)
