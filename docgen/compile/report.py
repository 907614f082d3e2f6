"""Compile a report's Word template (监控报告, 跟踪结果报告, 自评报告) into its HTML (PDF) template.

The paragraphs are mapped by their fonts onto the GB/T 9704 stylesheet (templates/html/report.css): the 小标宋
title → ``h1.title``; a centred 楷体 line under it → ``p.sub``; 黑体 → ``h2`` (一、); 楷体 → ``h3`` (（一）); bold
仿宋 → ``h4`` (1.); a body paragraph without placeholders (a sub-heading such as 产出指标情况) → ``p.h``; any other
→ ``p``. ``{%p for t in 列表 %}`` / ``{%p if … %}`` / ``{%p else %}`` / ``{%p endif %}`` / ``{%p endfor %}`` paragraphs
become the same Jinja blocks; a table (自评得分表) becomes ``table.scores`` with its header row in ``<thead>``
(repeated on every page), its ``{%tr for %}`` row looped, bold cells as ``<th>``. Empty paragraphs are left out:
the stylesheet spaces the text.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from .html import static
from .read_docx import _W, TWIPS_PER_CM, CompileError, _bold, _read_tc, _val, paragraph_text

_P_TAG = re.compile(r"^\s*\{%-?\s*p\s+(.*?)\s*-?%\}\s*$", re.DOTALL)
_TR_TAG = re.compile(r"^\s*\{%-?\s*tr\s+(.*?)\s*-?%\}\s*$", re.DOTALL)
_DC_TITLE = re.compile(rb"<dc:title>([^<]*)</dc:title>")


def _font(p: etree._Element) -> str:
    for r in p.iter(f"{_W}r"):
        if not paragraph_text(r).strip():
            continue
        fonts = r.find(f"{_W}rPr/{_W}rFonts")
        if fonts is not None:
            return fonts.get(f"{_W}eastAsia") or fonts.get(f"{_W}ascii") or ""
        break
    return ""


def _paragraph(p: etree._Element, after_title: bool) -> str | None:
    text = paragraph_text(p).strip()
    if not text:
        return None
    tag = _P_TAG.match(text)
    if tag:
        return "{% " + tag.group(1) + " %}"
    font = _font(p)
    centred = (_val(p.find(f"{_W}pPr/{_W}jc")) or "") == "center"
    body = static(text)
    if "小标宋" in font or (centred and not after_title):
        return f'<h1 class="title">{body}</h1>'
    if centred:
        return f'<p class="sub">{body}</p>'
    if "黑体" in font:
        return f"<h2>{body}</h2>"
    if "楷体" in font:
        return f"<h3>{body}</h3>"
    if _bold(p):
        return f"<h4>{body}</h4>"
    if "{{" not in text:
        return f'<p class="h">{body}</p>'
    return f"<p>{body}</p>"


def _cell(tc: etree._Element, loop: bool) -> str:
    cell = _read_tc(tc)
    span = f' colspan="{cell.span}"' if cell.span > 1 else ""
    if cell.bold and not loop:
        return f"<th{span}>{static(cell.text)}</th>"
    left = ' class="l"' if cell.align == "left" else ""
    return f"<td{left}{span}>{static(cell.text)}</td>"


def _table(tbl: etree._Element, form: str) -> list[str]:
    widths = [int(_val(g, "w") or 0) / TWIPS_PER_CM for g in tbl.findall(f"{_W}tblGrid/{_W}gridCol")]
    out = ['<table class="scores">', "<colgroup>" + "".join(f'<col style="width: {w:.1f}cm">' for w in widths)
           + "</colgroup>"]
    rows = tbl.findall(f"{_W}tr")
    head = 0
    while head < len(rows) and rows[head].find(f"{_W}trPr/{_W}tblHeader") is not None:
        head += 1
    if head:
        out.append("<thead>" + "".join("<tr>" + "".join(_cell(tc, False) for tc in tr.findall(f"{_W}tc")) + "</tr>"
                                       for tr in rows[:head]) + "</thead>")
    out.append("<tbody>")
    loop: str | None = None
    for i, tr in enumerate(rows[head:], start=head + 1):
        text = "".join(paragraph_text(p) for p in tr.iter(f"{_W}p"))
        tag = _TR_TAG.match(text)
        if tag:
            words = tag.group(1)
            if words.startswith("for "):
                loop = "{% " + words + " %}"
            elif words == "endfor":
                loop = None
            else:
                raise CompileError(f"{form}: Word 表格 第{i}行：“{{%tr {words} %}}”不能转换为 PDF 模板")
            continue
        row = "<tr>" + "".join(_cell(tc, loop is not None) for tc in tr.findall(f"{_W}tc")) + "</tr>"
        out.append(f"{loop}{row}{{% endfor %}}" if loop else row)
    out += ["</tbody>", "</table>"]
    return out


def compile_report_html(data: bytes, form: str) -> str:
    """The HTML template of a report's DOCX (its bytes)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            root = etree.fromstring(zf.read("word/document.xml"))
            core = zf.read("docProps/core.xml") if "docProps/core.xml" in zf.namelist() else b""
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise CompileError(f"{form}: 无法读取 Word 模板：{exc}") from None
    found = _DC_TITLE.search(core)
    title = found.group(1).decode("utf-8") if found else form
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">', f"<title>{title}</title>",
           "</head>", '<body class="report">']
    body = root.find(f"{_W}body")
    after_title = False
    for el in body if body is not None else []:
        if el.tag == f"{_W}p":
            line = _paragraph(el, after_title)
            if line is not None:
                out.append(line)
                after_title = after_title or line.startswith("<h1")
        elif el.tag == f"{_W}tbl":
            out += _table(el, form)
    out += ["</body>", "</html>", ""]
    return "\n".join(_loops_on_one_line(out))


def _loops_on_one_line(lines: list[str]) -> list[str]:
    """``{% for t in X %}<p>{{ t }}</p>{% endfor %}`` on one line (the template's newlines are its only whitespace)."""
    out: list[str] = []
    open_loop = False
    for line in lines:
        if open_loop:
            out[-1] += line
            open_loop = line != "{% endfor %}"
        else:
            out.append(line)
            open_loop = line.startswith("{% for ") and line.endswith("%}") and "<" not in line
    return out
