"""One Word template per form: the maintainer edits the DOCX, and the XLSX and PDF follow; overrides never drift."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree
from openpyxl import load_workbook

from docgen.builder import BuildOptions, build
from docgen.cli import cli
from docgen.compile.cache import compile_bytes
from docgen.compile.read_docx import CompileError, read_layout
from docgen.forms import find_form
from docgen.render.pdf import pdf_available
from docgen.templatecheck import check_template

from .conftest import EXAMPLE, SAMPLES, make_override

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MONITOR = "项目支出绩效监控情况表"


def _resave_with_libreoffice(path: Path, work: Path) -> None:
    """Open and save the DOCX in LibreOffice (headless), as a maintainer's office suite would (runs are split)."""
    out = work / "lo-out"
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{work / 'lo-profile'}", "--headless", "--convert-to",
         "docx:MS Word 2007 XML", "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    shutil.copy(out / path.name, path)


def _document(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def _save_document(path: Path, root: etree._Element) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts:
            if info.filename == "word/document.xml":
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zf.writestr(info, data)


def _text(tc: etree._Element) -> str:
    return "".join(t.text or "" for t in tc.iter(f"{W}t"))


def _set_text(tc: etree._Element, text: str) -> None:
    ts = list(tc.iter(f"{W}t"))  # split runs: the first keeps the text, the others are emptied
    ts[0].text = text
    for t in ts[1:]:
        t.text = ""


def _cells(tr: etree._Element) -> list[tuple[int, etree._Element]]:
    out, col = [], 0
    for tc in tr.findall(f"{W}tc"):
        out.append((col, tc))
        span = tc.find(f"{W}tcPr/{W}gridSpan")
        col += int(span.get(f"{W}val")) if span is not None else 1
    return out


def _new_tc(text: str, vmerge: str | None = None) -> etree._Element:
    tc = etree.Element(f"{W}tc")
    pr = etree.SubElement(tc, f"{W}tcPr")
    etree.SubElement(pr, f"{W}tcW", {f"{W}w": "1000", f"{W}type": "dxa"})
    if vmerge is not None:
        etree.SubElement(pr, f"{W}vMerge", {f"{W}val": vmerge} if vmerge == "restart" else {})
    p = etree.SubElement(tc, f"{W}p")
    ppr = etree.SubElement(p, f"{W}pPr")
    etree.SubElement(ppr, f"{W}jc", {f"{W}val": "center"})
    if text:
        r = etree.SubElement(p, f"{W}r")
        rpr = etree.SubElement(r, f"{W}rPr")
        etree.SubElement(rpr, f"{W}sz", {f"{W}val": "18"})
        etree.SubElement(r, f"{W}t").text = text
    return tc


def edit_monitor_like_a_maintainer(path: Path) -> None:
    """In the 绩效指标 table: rename 年度指标值 to 年度目标值, move it before 三级指标, add a last column 复核值
    showing each indicator's 年度指标值 again."""
    root = _document(path)
    tables = root.findall(f"{W}body/{W}tbl")  # the project block, then the list under its column headings
    rows = [tr for tbl in tables for tr in tbl.findall(f"{W}tr")]
    head = next(i for i, tr in enumerate(rows) if any(_text(tc) == "三级指标" for tc in tr.findall(f"{W}tc")))
    loop = next(i for i, tr in enumerate(rows) if "r.三级指标" in _text(tr))
    third = next(col for col, tc in _cells(rows[head]) if _text(tc) == "三级指标")
    for i in (head, head + 1, loop):  # the label rows (the second holds the vertical merge) and the repeated row
        cells = dict(_cells(rows[i]))
        a, b = cells[third], cells[third + 1]
        a.addprevious(b)  # swap the two columns' cells
    for tc in rows[head].findall(f"{W}tc"):
        if _text(tc) == "年度指标值":
            _set_text(tc, "年度目标值")
    for tbl in tables:  # both tables keep the same grid
        grid = tbl.find(f"{W}tblGrid").findall(f"{W}gridCol")
        grid[third].addprevious(grid[third + 1])
        tbl.find(f"{W}tblGrid").append(etree.Element(f"{W}gridCol", {f"{W}w": "1000"}))
    for i, tr in enumerate(rows):
        if "{%tr" in _text(tr):
            continue
        if i == head:
            tr.append(_new_tc("复核值", "restart"))
        elif i == head + 1:
            tr.append(_new_tc("", "continue"))
        elif i == loop:
            tr.append(_new_tc("{{ r.年度指标值 }}"))
        else:  # the rows above: their last cell spans the new column too
            last = tr.findall(f"{W}tc")[-1]
            pr = last.find(f"{W}tcPr")
            span = pr.find(f"{W}gridSpan")
            if span is None:
                span = etree.Element(f"{W}gridSpan", {f"{W}val": "1"})
                pr.find(f"{W}tcW").addnext(span)
            span.set(f"{W}val", str(int(span.get(f"{W}val")) + 1))
    _save_document(path, root)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_maintainer_edits_the_word_file_and_excel_and_pdf_follow(templates: Path, tmp_path: Path) -> None:
    src = tmp_path / "projects"
    src.mkdir()
    for path in (EXAMPLE, SAMPLES / "chanong-jishu-peixun.yaml"):
        shutil.copy(path, src / path.name)
    formats = ("docx", "xlsx", "pdf") if pdf_available() else ("docx", "xlsx")
    forms = [find_form("monitor"), find_form("target")]
    out = tmp_path / "out"
    first = build(BuildOptions(src, out, jobs=1, formats=formats, forms=forms))
    assert first.ok and first.built
    docx = templates / "docx" / "monitor.docx"
    _resave_with_libreoffice(docx, tmp_path)
    edit_monitor_like_a_maintainer(docx)

    result = build(BuildOptions(src, out, jobs=1, formats=formats, forms=forms))
    assert result.ok, result.failures
    monitors = [p for p in out.rglob(f"{MONITOR}.*")]
    assert sorted(result.built) == sorted(p.relative_to(out).as_posix() for p in monitors)  # that form only
    assert set(result.built.values()) == {"模板变化"} and len(monitors) == 2 * len(formats)

    for path in out.rglob(f"{MONITOR}.docx"):
        table = Document(str(path)).tables[-1]  # the list under its column headings
        head = next(r for r in table.rows if "三级指标" in [c.text for c in r.cells])
        texts = [c.text for c in head.cells]
        assert texts.index("年度目标值") == texts.index("三级指标") - 1 and texts[-1] == "复核值"
        assert "年度指标值" not in texts
    for path in out.rglob(f"{MONITOR}.xlsx"):
        ws = load_workbook(path).active
        (label,) = [c for row in ws.iter_rows() for c in row if c.value == "年度目标值"]
        assert ws.cell(label.row, label.column + 1).value == "三级指标"
        last = max(c.column for row in ws.iter_rows() for c in row if c.value == "复核值")
        assert last == ws.max_column
        item = label.row + 2  # the first indicator row, under the two label rows
        assert ws.cell(item, last).value == ws.cell(item, label.column).value not in (None, "")
        assert ws.cell(item, label.column + 1).value  # the 三级指标 moved one column right
    if "pdf" in formats and shutil.which("pdftotext"):
        for path in out.rglob(f"{MONITOR}.pdf"):
            text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
            assert "年度目标值" in text and "复核值" in text and "年度指标值" not in text


def test_drifted_excel_override_is_refused_located_in_both_files(templates: Path, tmp_path: Path, runner) -> None:
    path = make_override(templates, "monitor", "xlsx")
    assert not check_template(find_form("monitor"), "xlsx", None).problems  # equal to the DOCX: no drift
    wb = load_workbook(path)
    ws = wb.active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "实施单位")
    cell.value = "执行单位"
    wb.save(path)
    problems = [str(p) for p in check_template(find_form("monitor"), "xlsx", None).problems]
    assert len(problems) == 1, problems
    assert "monitor.xlsx" in problems[0] and "monitor.docx 表格1 第2行第3格“实施单位”" in problems[0]
    assert f"Excel 模板 {ws.title}!{cell.coordinate} 为“执行单位”" in problems[0]
    src = tmp_path / "projects"
    src.mkdir()
    shutil.copy(EXAMPLE, src / EXAMPLE.name)
    res = runner.invoke(cli, ["build", str(src), "-o", str(tmp_path / "out"), "--forms", "monitor"])
    assert res.exit_code == 1 and "与 Word 模板不一致" in res.output and "未开始生成" in res.output, res.output
    assert not list((tmp_path / "out").rglob("*.docx"))


def test_drifted_html_override_is_refused(templates: Path) -> None:
    path = make_override(templates, "tracking", "pdf")
    assert not check_template(find_form("tracking"), "pdf", None).problems
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{{ r.三级指标 }}", "{{ r.年度指标值 }}", 1), encoding="utf-8")
    problems = [str(p) for p in check_template(find_form("tracking"), "pdf", None).problems]
    assert problems and all("与 Word 模板不一致" in p and "tracking.docx 表格2" in p for p in problems)
    assert any("HTML 模板 第" in p and "年度指标值" in p for p in problems), problems


def test_unsupported_row_tag_is_a_located_compile_error() -> None:
    data = (Path(__file__).resolve().parents[1] / "templates" / "docx" / "monitor.docx").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(buf, "w") as zout:
        for info in zin.infolist():
            part = zin.read(info.filename)
            if info.filename == "word/document.xml":
                part = part.replace(b"{%tr endfor %}", b"{%tr if x %}")
            zout.writestr(info, part)
    with pytest.raises(CompileError, match=r"monitor: Word 表格2 第5行：“\{%tr if x %\}”不能转换"):
        read_layout(buf.getvalue(), "monitor")


def test_compiling_is_deterministic_and_keeps_the_grid() -> None:
    data = (Path(__file__).resolve().parents[1] / "templates" / "docx" / "monitor.docx").read_bytes()
    assert compile_bytes(data, "monitor", "xlsx") == compile_bytes(data, "monitor", "xlsx")
    ws = load_workbook(io.BytesIO(compile_bytes(data, "monitor", "xlsx"))).active
    assert ws.max_column == 17 and ws.print_options.horizontalCentered
    assert "A11:A13" in {str(r) for r in ws.merged_cells.ranges}  # 绩效指标 runs down to the repeated row


def test_render_checks_the_template_first_located_in_chinese(templates: Path, tmp_path: Path, runner) -> None:
    docx = templates / "docx" / "monitor.docx"
    with zipfile.ZipFile(docx) as zf:
        parts = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts:
            if info.filename == "word/document.xml":
                data = data.replace("{{ 实施单位 }}".encode(), "{{ 实施单位 }".encode())
            zf.writestr(info, data)
    res = runner.invoke(cli, ["render", str(EXAMPLE), "--form", "monitor", "-o", str(tmp_path / "o"),
                              "--format", "xlsx"])
    assert res.exit_code == 1, res.output
    assert "monitor.docx 表格1 第2行第4格" in res.output and "模板语法错误：此处不应出现“}”" in res.output
    assert "内部错误" not in res.output and "unexpected" not in res.output
    assert not (tmp_path / "o").exists()


def _docx_bytes(path: Path, root: etree._Element) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(info, data)
    return buf.getvalue()


def _plain_layout(data: bytes, form: str) -> object:
    layout = read_layout(data, form)
    for row in layout.rows:
        for cell in getattr(row, "cells", row):
            cell.where = ""
    return layout


@pytest.mark.parametrize("form", ["target", "tracking", "monitor", "self-eval"])
def test_headings_under_the_project_block_open_a_second_table(form: str) -> None:
    """Word repeats only a table's first rows: the list is a second table (same grid, an empty hidden paragraph
    between) whose column headings are w:tblHeader; the compiler reads the two as one grid, exactly as one table."""
    path = Path(__file__).resolve().parents[1] / "templates" / "docx" / f"{form}.docx"
    root = _document(path)
    body = root.find(f"{W}body")
    first, second = body.findall(f"{W}tbl")
    between = body[body.index(first) + 1: body.index(second)]
    assert [el.tag for el in between] == [f"{W}p"] and between[0].find(f"{W}pPr/{W}rPr/{W}vanish") is not None
    rows = second.findall(f"{W}tr")
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(tr.find(f"{W}trPr/{W}tblHeader") is None for tr in rows if "{%tr" not in _text(tr)
               and "r." in _text(tr))  # the repeated row is no heading
    two = _plain_layout(path.read_bytes(), form)
    for tr in rows:  # the same rows as one table
        first.append(tr)
    body.remove(between[0])
    body.remove(second)
    one = _plain_layout(_docx_bytes(path, root), form)
    assert two == one


def test_two_tables_must_join_into_one_grid(tmp_path: Path) -> None:
    path = Path(__file__).resolve().parents[1] / "templates" / "docx" / "target.docx"
    root = _document(path)
    body = root.find(f"{W}body")
    joint = body.findall(f"{W}tbl")[0].getnext()
    r = etree.SubElement(joint, f"{W}r")
    etree.SubElement(r, f"{W}t").text = "说明"
    with pytest.raises(CompileError, match="target: Word 表格1 与表格2 之间只能有空段落"):
        read_layout(_docx_bytes(path, root), "target")
    joint.remove(r)
    grid = body.findall(f"{W}tbl")[1].find(f"{W}tblGrid")
    etree.SubElement(grid, f"{W}gridCol", {f"{W}w": "1000"})
    with pytest.raises(CompileError, match="target: Word 表格2 的总宽度应当与表格1 相同"):
        read_layout(_docx_bytes(path, root), "target")
    grid.remove(grid[-1])
    body.insert(0, etree.fromstring(etree.tostring(body.findall(f"{W}tbl")[0])))
    with pytest.raises(CompileError, match="现有 3 个"):
        read_layout(_docx_bytes(path, root), "target")
