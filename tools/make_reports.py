"""Write the report templates (监控报告, 跟踪结果报告, 自评报告) as DOCX (docxtpl) and HTML (PDF) from one outline.

Usage: python tools/make_reports.py [REPORT_ID …]

Layout: 党政机关公文格式 (GB/T 9704-2012): A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (text block
156 × 225 mm); body 3号仿宋_GB2312 (16 pt) at an exact line pitch of 28.95 pt (22 lines) on a 28-character grid;
title 2号方正小标宋简体 (22 pt) centred; headings 黑体 (一、), 楷体_GB2312 (（一）), 仿宋 bold (1.); page numbers
"— 1 —" in 4号宋体 (14 pt), odd pages right and even pages left. The HTML twin uses templates/html/report.css.

Each outline below is the report's heading sequence (from the seed texts) with the context lists that fill it;
the sentences themselves are written by docgen/formdata/<report>.py. Re-running this overwrites edits made to the
templates in Word/WPS.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layout import _font, _wrap_loop, trim_docx

from docgen.render.package import normalise_package

ROOT = Path(__file__).resolve().parents[1]
FANGSONG, HEI, KAI, SONG, XBS = "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体", "方正小标宋简体"
BODY_PT, TITLE_PT, FOOTER_PT, TABLE_PT = 16, 22, 14, 14
LINE_PT = 28.95  # 225 mm ÷ 22 lines
LINE_TWIPS = 579
# 28 characters in 156 mm (442.2 pt) need a pitch ≤ 15.79 pt: 16 pt body text condensed by 0.25 pt (w:spacing, in
# twentieths of a point). A w:docGrid character grid (linesAndChars, charSpace -849) does the same in Word, but
# LibreOffice sizes that grid differently and spreads the text; a line grid plus condensed text looks the same in both.
CONDENSE = -5

# An outline item: (kind, text). kinds: title, sub (centred line under the title), h1 一、, h2 （一）, h3 1., h4 （1）,
# p (a body paragraph with placeholders), loop (one body paragraph per item of a context list), if / else / endif
# (paragraph-level conditions), table (the 自评得分 table).
Item = tuple[str, str]

MONITOR_GROUPS = (("1.产出指标", (("（1）数量", "数量"), ("（2）质量", "质量"), ("（3）时效", "时效"),
                                ("（4）成本", "成本"))),
                  ("2.效益指标", (("（1）经济效益", "经济效益"), ("（2）社会效益", "社会效益"),
                                ("（3）生态效益", "生态效益"), ("（4）可持续影响", "可持续影响"))),
                  ("3.满意度指标", (("服务对象满意度", "满意度"),)))


def _monitor_groups(key: str, suffix: str, h3: tuple[str, str, str]) -> list[Item]:
    out: list[Item] = []
    for (head, groups), title in zip(MONITOR_GROUPS, h3, strict=True):
        out.append(("h3", title or head))
        for label, group in groups:
            out.append(("h4", f"{label}指标{suffix}"))
            out.append(("loop", f"{key}.{group}"))
    return out


BUDGET: list[Item] = [
    ("if", "预算.有监控"),
    ("p", "截至{{ 截止日期 }}，本项目全年预算数{{ 预算.全年预算数 }}万元（{{ 预算.全年预算数|大写 }}），"
          "{{ 期间 }}执行数{{ 预算.执行数 }}万元（{{ 预算.执行数|大写 }}），预算执行率{{ 预算.执行率 }}，"
          "时序进度{{ 预算.时序进度 }}，执行进度比{{ 预算.执行进度比 }}，预算执行预警为{{ 预算.预警 }}。"),
    ("loop", "预算.明细"),
    ("else", ""),
    ("loop", "预算.说明"),
    ("endif", ""),
]

MONITOR_REPORT: list[Item] = [
    ("title", "{{ 报告标题 }}"),
    ("if", "有监控"), ("sub", "（截至{{ 截止日期 }}）"), ("endif", ""),
    ("h1", "一、绩效监控工作组织实施情况"), ("loop", "组织实施"),
    ("h1", "二、项目基本情况"),
    ("h2", "（一）项目名称"), ("p", "{{ 项目名称 }}"),
    ("h2", "（二）项目起止日期"), ("p", "{{ 起止日期 }}"),
    ("h2", "（三）项目主要内容、涉及范围"), ("loop", "主要内容"),
    ("h2", "（四）项目实施计划进度"), ("loop", "实施进度"),
    ("h2", "（五）项目资金（包括财政资金、自筹资金等）投入安排情况"), ("loop", "资金安排"),
    ("h1", "三、年度预算执行情况"), *BUDGET,
    ("h1", "四、绩效目标情况及分析"),
    ("h2", "（一）绩效目标完成情况"),
    *_monitor_groups("完成情况", "情况。", ("1.产出指标完成情况", "2.效益指标完成情况", "3.满意度指标完成情况")),
    ("h2", "（二）原因分析"),
    # 附件4 repeats "完成情况" in the 2. and 3. headings of 原因分析: kept as printed
    *_monitor_groups("原因分析", "偏差原因。",
                     ("1.产出指标偏差原因分析", "2.效益指标完成情况", "3.满意度指标完成情况")),
    ("h1", "五、意见和建议"),
    ("h2", "（一）主要问题"), ("loop", "主要问题"),
    ("h2", "（二）改进措施"), ("loop", "改进措施"),
    ("h3", "1.对预算执行进度方面的建议"), ("loop", "建议.预算执行进度"),
    ("h3", "2.对预算绩效管理及实施方面的建议"), ("loop", "建议.预算绩效管理"),
    ("h3", "3.对调整项目预算的建议"), ("loop", "建议.调整预算"),
    ("h3", "4.对修订绩效目标的建议"), ("loop", "建议.修订绩效目标"),
    ("h2", "（三）纠偏情况"), ("loop", "纠偏情况"),
    ("h2", "（四）有关建议"), ("loop", "建议.有关建议"),
    ("h1", "六、其他需要说明的问题"), ("loop", "其他说明"),
]
# 附件4 prints "服务对象满意度指标情况" / "…偏差原因" without a (1): keep its wording
MONITOR_REPORT = [("h4", "服务对象满意度指标情况") if item == ("h4", "服务对象满意度指标情况。") else
                  ("h4", "服务对象满意度指标偏差原因") if item == ("h4", "服务对象满意度指标偏差原因。") else item
                  for item in MONITOR_REPORT]

TRACKING_REPORT: list[Item] = [
    ("title", "{{ 报告标题 }}"),
    ("if", "有监控"), ("sub", "（截至{{ 截止日期 }}）"), ("endif", ""),
    ("h1", "一、项目基本情况"), ("loop", "基本情况"),
    ("h1", "二、目标设定情况"), ("loop", "目标设定"),
    ("h1", "三、项目实施情况"),
    ("h2", "（一）项目管理情况"), ("loop", "实施情况"),
    ("h2", "（二）预算执行情况"), *BUDGET,
    ("h1", "四、绩效目标完成及偏差情况"),
    ("h2", "（一）绩效目标完成情况"), ("loop", "完成情况"),
    ("h2", "（二）偏差情况及原因"), ("loop", "偏差情况"),
    ("h1", "五、存在问题及纠偏情况"),
    ("h2", "（一）存在问题"), ("loop", "存在问题"),
    ("h2", "（二）纠偏情况"), ("loop", "纠偏情况"),
    ("h1", "六、跟踪结论"), ("loop", "跟踪结论"),
]

SELF_EVAL_REPORT: list[Item] = [
    ("title", "{{ 报告标题 }}"),
    ("sub", "（{{ 年度 }}年度）"),
    ("h1", "一、基本情况"),
    ("h2", "（一）项目概况"), ("loop", "项目概况"),
    ("h2", "（二）项目资金投入和使用情况"),
    ("p", "{{ 年度 }}年度本项目全年预算数{{ 全年预算数 }}万元（{{ 全年预算数|大写 }}），全年执行数{{ 执行数 }}万元"
          "（{{ 执行数|大写 }}），预算执行率{{ 执行率 }}。"),
    ("loop", "资金情况"),
    ("h1", "二、绩效目标"),
    ("h2", "（一）年度总体目标"), ("loop", "年度总体目标"),
    ("h2", "（二）总体目标完成情况"), ("loop", "总体目标完成情况"),
    ("h2", "（三）绩效指标完成情况"), ("loop", "指标完成情况"),
    ("h1", "三、自评得分"),
    ("p", "经自评，本项目总分{{ 总分 }}分，自评等级为“{{ 自评等级 }}”。各项得分如下："),
    ("table", "得分表"),
    ("p", "{{ 等级说明 }}"),
    ("h1", "四、偏差原因及改进措施"), ("loop", "偏差说明"),
    ("h1", "五、结果应用"), ("loop", "结果应用"),
]

REPORTS: dict[str, tuple[str, list[Item]]] = {
    "monitor-report": ("项目支出绩效监控报告", MONITOR_REPORT),
    "tracking-report": ("绩效跟踪结果报告", TRACKING_REPORT),
    "self-eval-report": ("项目支出绩效自评报告", SELF_EVAL_REPORT),
}
TABLE_COLUMNS = (("指标", 9.6), ("分值", 3.0), ("得分", 3.0))  # cm: 15.6 = the 156 mm text block


# --- DOCX ----------------------------------------------------------------------------------------


def _fonts(run, name: str, size: float, bold: bool = False) -> None:
    """A run's fonts, east-Asian attribute included (the same helper as the forms')."""
    _font(run, name, size, bold)


def _outline(paragraph, level: int) -> None:
    """w:outlineLvl: the heading shows in Word's navigation pane without a heading style."""
    paragraph.paragraph_format.keep_with_next = True
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    paragraph._p.get_or_add_pPr().append(el)


def _paragraph(doc, text: str, font: str = FANGSONG, size: float = BODY_PT, *, bold: bool = False,
               align: str = "justify", indent: bool = True, line: float = LINE_PT):
    p = doc.add_paragraph()
    f = p.paragraph_format
    f.space_before = f.space_after = Pt(0)
    f.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    f.line_spacing = Pt(line)
    f.first_line_indent = Pt(2 * BODY_PT) if indent else None
    p.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                   "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
    if text:
        _fonts(p.add_run(text), font, size, bold)
    return p


def _tag(doc, tag: str) -> None:
    """A paragraph-level docxtpl tag ({%p … %}): the paragraph is replaced by the tag when rendered."""
    _paragraph(doc, tag, indent=False)


def _page_number(footer, align: str) -> None:
    """"— 1 —" in 4号宋体 with a PAGE field, one character in from the text block's edge."""
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if align == "right" else WD_ALIGN_PARAGRAPH.LEFT
    f = p.paragraph_format
    f.space_before = f.space_after = Pt(0)
    if align == "right":
        f.right_indent = Pt(FOOTER_PT)
    else:
        f.left_indent = Pt(FOOTER_PT)
    _fonts(p.add_run("— "), SONG, FOOTER_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        _fonts(run, SONG, FOOTER_PT)
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    _fonts(p.add_run(" —"), SONG, FOOTER_PT)


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))
    doc.settings.odd_and_even_pages_header_footer = True
    section.footer.is_linked_to_previous = False
    _page_number(section.footer, "right")  # odd pages
    _page_number(section.even_page_footer, "left")
    normal = doc.styles["Normal"]
    normal.font.name = FANGSONG
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
    condense = OxmlElement("w:spacing")
    condense.set(qn("w:val"), str(CONDENSE))
    normal.element.rPr.find(qn("w:sz")).addprevious(condense)  # CT_RPr order: spacing before sz
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.space_before = pf.space_after = Pt(0)
    _doc_defaults(doc)


def _doc_defaults(doc) -> None:
    """docDefaults as the body text too: Word and LibreOffice size the character grid from them."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = rpr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FANGSONG)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(2 * BODY_PT))
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        for attr in list(spacing.attrib):
            del spacing.attrib[attr]
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), str(LINE_TWIPS))
        spacing.set(qn("w:lineRule"), "exact")


def _table(doc, name: str) -> None:
    table = doc.add_table(rows=4, cols=len(TABLE_COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for grid_col, (_, w) in zip(table._tbl.tblGrid.gridCol_lst, TABLE_COLUMNS, strict=True):
        grid_col.w = Cm(w)
    rows = [
        [(label, True) for label, _ in TABLE_COLUMNS],
        [("{{ r." + label + " }}", False) for label, _ in TABLE_COLUMNS],
        [("总分", True), ("{{ 总分值 }}", False), ("{{ 总分 }}", False)],
        [("自评等级", True), ("{{ 自评等级 }}", False), ("", False)],
    ]
    for r_i, cells in enumerate(rows):
        for c_i, (text, bold) in enumerate(cells):
            cell = table.cell(r_i, c_i)
            cell.width = Cm(TABLE_COLUMNS[c_i][1])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if c_i == 0 and r_i == 1 else WD_ALIGN_PARAGRAPH.CENTER
            f = p.paragraph_format
            f.space_before = f.space_after = Pt(0)
            f.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            f.line_spacing = Pt(22)
            if text:
                _fonts(p.add_run(text), FANGSONG, TABLE_PT, bold)
    table.cell(3, 1).merge(table.cell(3, 2))
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    table.rows[1]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    _wrap_loop(table.rows[1]._tr, name)


def emit_docx(outline: list[Item]) -> bytes:
    doc = Document()
    _page(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):  # python-docx's template starts with no paragraph; be sure
        body.remove(p)
    blank = False
    for kind, text in outline:
        if blank and kind not in ("sub", "if", "endif"):
            _paragraph(doc, "", indent=False)  # one blank line between the title block and the text
            blank = False
        if kind == "title":
            title = _paragraph(doc, text, XBS, TITLE_PT, align="center", indent=False, line=36)
            snap = OxmlElement("w:snapToGrid")  # the 36 pt title lines are not stretched to two grid lines
            snap.set(qn("w:val"), "0")
            title._p.get_or_add_pPr().insert(0, snap)
            blank = True
        elif kind == "sub":
            _paragraph(doc, text, KAI, BODY_PT, align="center", indent=False)
        elif kind == "h1":
            _outline(_paragraph(doc, text, HEI), 0)
        elif kind == "h2":
            _outline(_paragraph(doc, text, KAI), 1)
        elif kind == "h3":
            _outline(_paragraph(doc, text, FANGSONG, bold=True), 2)
        elif kind in ("h4", "p"):
            _paragraph(doc, text)
        elif kind == "loop":
            _tag(doc, f"{{%p for t in {text} %}}")
            _paragraph(doc, "{{ t }}")
            _tag(doc, "{%p endfor %}")
        elif kind == "if":
            _tag(doc, f"{{%p if {text} %}}")
        elif kind in ("else", "endif"):
            _tag(doc, f"{{%p {kind} %}}")
        elif kind == "table":
            _table(doc, text)
        else:
            raise ValueError(kind)
    buf = io.BytesIO()
    doc.save(buf)
    return trim_docx(buf.getvalue())


# --- HTML (PDF) ----------------------------------------------------------------------------------


def emit_html(title: str, outline: list[Item]) -> str:
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">', f"<title>{title}</title>",
           "</head>", '<body class="report">']
    for kind, text in outline:
        if kind == "title":
            out.append(f'<h1 class="title">{text}</h1>')
        elif kind == "sub":
            out.append(f'<p class="sub">{text}</p>')
        elif kind == "h1":
            out.append(f"<h2>{text}</h2>")
        elif kind == "h2":
            out.append(f"<h3>{text}</h3>")
        elif kind == "h3":
            out.append(f"<h4>{text}</h4>")
        elif kind == "h4":
            out.append(f'<p class="h">{text}</p>')
        elif kind == "p":
            out.append(f"<p>{text}</p>")
        elif kind == "loop":
            out.append(f"{{% for t in {text} %}}<p>{{{{ t }}}}</p>{{% endfor %}}")
        elif kind == "if":
            out.append(f"{{% if {text} %}}")
        elif kind in ("else", "endif"):
            out.append(f"{{% {kind} %}}")
        elif kind == "table":
            head = "".join(f"<th>{label}</th>" for label, _ in TABLE_COLUMNS)
            cols = "".join(f'<col style="width: {w:.1f}cm">' for _, w in TABLE_COLUMNS)
            left = ' class="l"'
            row = "".join(f"<td{left if i == 0 else ''}>{{{{ r.{label} }}}}</td>"
                          for i, (label, _) in enumerate(TABLE_COLUMNS))
            out += ['<table class="scores">', f"<colgroup>{cols}</colgroup>", f"<thead><tr>{head}</tr></thead>",
                    "<tbody>", f"{{% for r in {text} %}}<tr>{row}</tr>{{% endfor %}}",
                    "<tr><th>总分</th><td>{{ 总分值 }}</td><td>{{ 总分 }}</td></tr>",
                    '<tr><th>自评等级</th><td colspan="2">{{ 自评等级 }}</td></tr>', "</tbody>", "</table>"]
        else:
            raise ValueError(kind)
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def main(ids: list[str]) -> None:
    for report_id, (title, outline) in REPORTS.items():
        if ids and report_id not in ids:
            continue
        docx = ROOT / "templates" / "docx" / f"{report_id}.docx"
        docx.write_bytes(normalise_package(emit_docx(outline), title))
        html = ROOT / "templates" / "html" / f"{report_id}.html"
        html.write_text(emit_html(title, outline), encoding="utf-8", newline="\n")
        print(f"{report_id}: {docx.relative_to(ROOT)} ({docx.stat().st_size} B), {html.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
