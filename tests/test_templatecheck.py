"""docgen templates check: variables used by each template, unknown ones located, syntax errors named."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docgen.cli import cli
from docgen.forms import FORMS, find_form
from docgen.templatecheck import Vocabulary, check_template, check_templates, docx_where, sample_vocabularies

from .conftest import make_override

TABULAR = [f for f in FORMS if f.renderable and f.tabular]
REPORTS = [f for f in FORMS if f.renderable and not f.tabular]



def patch_docx(path: Path, old: str, new: str) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts:
            if info.filename == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            zf.writestr(info, data)


@pytest.fixture(scope="module")
def vocabularies() -> dict[str, Vocabulary]:
    return sample_vocabularies(TABULAR)


def test_shipped_templates_pass_and_list_their_variables(runner) -> None:
    reports = check_templates(TABULAR, ("docx", "xlsx"))
    assert len(reports) == 2 * len(TABULAR)
    assert all(not r.problems for r in reports), [str(p) for r in reports for p in r.problems]
    monitor = next(r for r in reports if r.form.id == "monitor" and r.fmt == "docx")
    assert {"资金.合计.执行率", "指标[].三级指标", "期间"} <= set(monitor.variables)
    monitor_xlsx = next(r for r in reports if r.form.id == "monitor" and r.fmt == "xlsx")
    assert "指标[].三级指标" in monitor_xlsx.variables  # a repeated row's placeholder {{指标.三级指标}}
    res = runner.invoke(cli, ["templates", "check"])
    assert res.exit_code == 0, res.output
    assert "个模板：全部通过" in res.output


def test_unknown_variable_in_a_docx_is_located(templates: Path, vocabularies, runner) -> None:
    patch_docx(templates / "docx" / "monitor.docx", "r.三级指标", "r.三级指標")
    report = check_template(find_form("monitor"), "docx", vocabularies["monitor"])
    assert [str(p).split("monitor.docx ", 1)[1] for p in report.problems] == [
        "表格2 第4行第4格: {{ r.三级指標 }}: 数据中没有“指标[].三级指標”，最接近“三级指标”"
    ]
    res = runner.invoke(cli, ["templates", "check", "--forms", "monitor"])
    assert res.exit_code == 1
    assert "1 个问题" in res.output


def test_unknown_top_level_and_nested_names(templates: Path, vocabularies) -> None:
    patch_docx(templates / "docx" / "monitor.docx", "资金.合计.执行率", "资金.合计.执行律")
    patch_docx(templates / "docx" / "monitor.docx", "{{ 项目名称 }}", "{{ 项目明称 }}")
    problems = check_template(find_form("monitor"), "docx", vocabularies["monitor"]).problems
    text = [str(p) for p in problems]
    assert any("表格1 第4行第5格: {{ 资金.合计.执行律 }}: 数据中没有“资金.合计.执行律”，最接近“执行率”" in t for t in text)
    assert any("{{ 项目明称 }}: 数据中没有“项目明称”，最接近“项目名称”" in t for t in text)


def test_docx_syntax_error_names_the_tag(templates: Path, vocabularies, tmp_path: Path, runner) -> None:
    patch_docx(templates / "docx" / "target.docx", "{%tr endfor %}", "{%tr endfr %}")
    problems = check_template(find_form("target"), "docx", vocabularies["target"]).problems
    assert len(problems) == 1
    assert "target.docx 表格2" in str(problems[0]) and "{% endfr %}: 模板语法错误" in str(problems[0])
    res = runner.invoke(cli, ["build", str(tmp_path / "templates"), "-o", str(tmp_path / "out"), "--forms", "target"])
    assert res.exit_code == 1 and "target.docx" in res.output and "未开始生成" in res.output


def test_xlsx_unknown_placeholder_names_sheet_and_cell(templates: Path, vocabularies) -> None:
    path = make_override(templates, "monitor", "xlsx")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "{{ 指标.三级指标 }}")
    cell.value = "{{ 指标.三级指標 }}"
    bad = next(c for row in ws.iter_rows() for c in row if c.value == "{{ 项目名称 }}")
    bad.value = "{{ 项目 名称 }}"
    wb.save(path)
    problems = [str(p) for p in check_template(find_form("monitor"), "xlsx", vocabularies["monitor"]).problems]
    assert f"{ws.title}!{cell.coordinate}: {{{{ 指标.三级指標 }}}}: 数据中没有“指标[].三级指標”，最接近“三级指标”" in "\n".join(problems)
    assert any(f"{ws.title}!{bad.coordinate}" in p and "占位符写法不正确" in p for p in problems)


def test_docx_where_counts_rows_replaced_by_tr_tags() -> None:
    source = "<w:tbl><w:tr><w:tc><w:p>a</w:p></w:tc></w:tr>{% for r in x %}<w:tr><w:tc></w:tc><w:tc><w:p>X"
    assert docx_where(source, source.index("X")) == "表格1 第3行第2格"
    assert docx_where(source, source.index("{% for")) == "表格1 第2行"
    body = "<w:p>a</w:p>\n<w:p>X"
    assert docx_where(body, body.index("X")) == "正文第2段"


def test_html_templates_pass_with_nested_paths_and_loops(vocabularies) -> None:
    reports = check_templates(TABULAR, ("pdf",))
    assert len(reports) == len(TABULAR) and all(r.file.endswith("（生成的 PDF（HTML）模板）") for r in reports)
    assert all(not r.problems for r in reports), [str(p) for r in reports for p in r.problems]
    monitor = next(r for r in reports if r.form.id == "monitor")
    assert {"资金.合计.执行率", "指标[].三级指标", "期间"} <= set(monitor.variables)
    # r.一级指标.span is tested with "is defined" in the template: optional, not a problem
    assert not any(v.endswith(".span") or v.endswith(".first") for v in monitor.variables)


def test_html_problem_located_by_line(templates: Path, vocabularies) -> None:
    path = make_override(templates, "monitor", "pdf")
    text = path.read_text(encoding="utf-8")
    line = next(i for i, ln in enumerate(text.split("\n"), 1) if "{{ r.三级指标 }}" in ln)
    path.write_text(text.replace("{{ r.三级指标 }}", "{{ r.三级指標 }}"), encoding="utf-8")
    report = check_template(find_form("monitor"), "pdf", vocabularies["monitor"])
    (problem,) = [p for p in report.problems if "与 Word 模板不一致" not in p.message]  # the drift is told too
    assert problem.where == f"第{line}行" and "指标[].三级指標" in problem.message and "三级指标" in problem.message
    path.write_text(text.replace("{% endfor %}", "{% endfor"), encoding="utf-8")
    (problem,) = [p for p in check_template(find_form("monitor"), "pdf", vocabularies["monitor"]).problems
                  if "与 Word 模板不一致" not in p.message]
    assert "模板语法错误" in problem.message and problem.where.startswith("第")


def test_report_templates_checked_in_docx_and_html(templates: Path, runner) -> None:
    assert len(REPORTS) == 3
    reports = check_templates(REPORTS, ("docx", "xlsx", "pdf"))  # a report has no XLSX template
    assert sorted((r.form.id, r.fmt) for r in reports) == sorted((f.id, fmt) for f in REPORTS for fmt in ("docx", "pdf"))
    assert all(not r.problems for r in reports), [str(p) for r in reports for p in r.problems]
    monitor = [r for r in reports if r.form.id == "monitor-report"]
    assert all("预算.全年预算数" in r.variables for r in monitor)  # also inside {{ …|大写 }} and {%p for %} loops
    res = runner.invoke(cli, ["templates", "check", "--forms", "monitor-report"])
    assert res.exit_code == 0 and "共检查 2 个模板：全部通过" in res.output, res.output
    path = make_override(templates, "monitor-report", "pdf")  # a hand-made HTML: checked, and compared with Word
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{{ 预算.执行数|大写 }}", "{{ 预算.执行數|大写 }}"), encoding="utf-8")
    res = runner.invoke(cli, ["templates", "check", "--forms", "monitor-report"])
    assert res.exit_code == 1 and "monitor-report.html" in res.output and "预算.执行數" in res.output, res.output
    path.write_text(text.replace("<h2>一、绩效监控工作组织实施情况</h2>", "<h2>一、组织实施情况</h2>"), encoding="utf-8")
    res = runner.invoke(cli, ["templates", "check", "--forms", "monitor-report"])
    assert res.exit_code == 1 and "与 Word 模板不一致" in res.output and "一、组织实施情况" in res.output, res.output
    assert "monitor-report.docx" in res.output
