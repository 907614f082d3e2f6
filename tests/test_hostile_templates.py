"""Hostile templates and template-like data: caught where templates are checked, located when rendered,
bounded by the sandbox; a project's own braces printed as typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from jinja2.exceptions import SecurityError

from docgen import output
from docgen.cli import cli
from docgen.forms import find_form
from docgen.pipeline import run_file
from docgen.render.env import make_env
from docgen.render.faults import render_fault
from docgen.render.pdf import CompiledHtml
from docgen.templatecheck import check_template

from .conftest import EXAMPLE
from .test_templatecheck import patch_docx

MONITOR = find_form("monitor")
REPORT = find_form("monitor-report")
HAND_MADE = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<body>\n<h1>{{ 报告标题 }}</h1>\n<p>{{ 项目名称 }}</p>\n</body>\n</html>\n"


def hand_made_html(templates: Path) -> Path:
    """A hand-made HTML template (an override of the one compiled from the Word file)."""
    path = templates / "html" / "monitor-report.html"
    path.write_text(HAND_MADE, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _fresh_templates():
    """A test's template copy is compiled afresh (the renderers cache templates by name)."""
    output.clear_compiled()
    yield
    output.clear_compiled()


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_project_braces_printed_as_typed(tmp_path: Path, runner) -> None:
    name = "工程{_{7*7}_}与{{ 7*7 }}及{_%x%_}"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "项目名称: 2024年农村饮水安全巩固提升工程", f'项目名称: "{name}"')
    src = tmp_path / "p.yaml"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    res = runner.invoke(cli, ["render", str(src), "--form", "monitor", "--format", "docx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    (path,) = out.glob("*.docx")
    assert name in docx_text(path)


def test_template_literal_braces_still_become_braces(templates: Path, tmp_path: Path, runner) -> None:
    patch_docx(templates / "docx" / "monitor.docx", "{{ 项目名称 }}", "{_{ 字面 }_} {{ 项目名称 }}")
    out = tmp_path / "out"
    res = runner.invoke(cli, ["render", str(EXAMPLE), "--form", "monitor", "--format", "docx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "{{ 字面 }} 2024年农村饮水安全巩固提升工程" in docx_text(next(out.glob("*.docx")))


@pytest.mark.parametrize(("expr", "told"), [
    ("{{ 项目名称.__class__.__mro__ }}", "__class__"),
    ("{{ 项目名称.__class__.__subclasses__() }}", "__subclasses__"),
    ("{{ 项目名称['__class__'] }}", "__class__"),
    ("{% include '../../../etc/passwd' %}", "模板目录之外"),
    ("{% extends '/etc/passwd' %}", "模板目录之外"),
    ("{% import 'other.html' as o %}", "import"),
    ("{{ 'x' * 2000000000 }}", "过长"),
    ("{{ 9 ** 99999 }}", "过大"),
])
def test_templates_check_flags_what_the_sandbox_refuses(templates: Path, runner, expr: str, told: str) -> None:
    path = hand_made_html(templates)
    text = path.read_text(encoding="utf-8")
    line = next(i for i, ln in enumerate(text.split("\n"), 1) if "{{ 项目名称 }}" in ln)
    path.write_text(text.replace("{{ 项目名称 }}", expr, 1), encoding="utf-8")
    problems = [p for p in check_template(REPORT, "pdf", None).problems if told in p.message]
    assert problems, check_template(REPORT, "pdf", None).problems
    assert problems[0].where == f"第{line}行" and problems[0].file.endswith("monitor-report.html")
    res = runner.invoke(cli, ["templates", "check", "--forms", "monitor-report"])
    assert res.exit_code == 1 and f"monitor-report.html 第{line}行" in res.output and told in res.output


def test_templates_check_flags_docx_include_with_its_place(templates: Path) -> None:
    patch_docx(templates / "docx" / "monitor.docx", "{{ 项目名称 }}", "{% include '../x.docx' %}")
    problems = [p for p in check_template(MONITOR, "docx", None).problems if "模板目录之外" in p.message]
    assert problems and problems[0].where.startswith("表格1")


@pytest.mark.parametrize(("expr", "told"), [
    ("{{ 项目名称.__class__.__mro__ }}", "安全限制"),
    ("{{ 没有这个字段 }}", "数据中没有"),
    ("{{ '%2000000000s' % 项目名称 }}", "安全限制"),
])
def test_render_command_locates_template_faults(templates: Path, tmp_path: Path, runner, expr: str,
                                                told: str) -> None:
    patch_docx(templates / "docx" / "monitor.docx", "{{ 项目名称 }}", expr)
    out = tmp_path / "out"
    res = runner.invoke(cli, ["render", str(EXAMPLE), "--form", "monitor", "--format", "docx", "-o", str(out)])
    assert res.exit_code == 1
    assert "monitor.docx 表格1" in res.output and told in res.output, res.output
    assert "Traceback" not in res.output and "内部错误" not in res.output
    assert not list(out.glob("*.docx")) if out.exists() else True


def test_html_render_error_carries_the_file_line(templates: Path) -> None:
    path = hand_made_html(templates)
    text = path.read_text(encoding="utf-8")
    line = next(i for i, ln in enumerate(text.split("\n"), 1) if "{{ 项目名称 }}" in ln)
    path.write_text(text.replace("{{ 项目名称 }}", "{{ 项目名称.__class__ }}"), encoding="utf-8")
    context = REPORT.build(run_file(EXAMPLE, str(EXAMPLE)).result)
    with pytest.raises(SecurityError) as caught:
        CompiledHtml(path).render_html(context)
    assert f"monitor-report.html 第{line}行" in render_fault(caught.value, REPORT, "pdf")


@pytest.mark.parametrize("source", [
    "{{ 'x' * 2000000000 }}", "{{ [0] * 10**9 }}", "{{ 9 ** 1000000 }}", "{{ '%2000000000s' % 'a' }}",
    "{{ '{:2000000000}'.format('a') }}", "{{ 'x'|center(2000000000) }}", "{{ 'x'|indent(2000000000) }}",
    "{% set s = 'x' * 900000 %}{{ s + s }}",
])
def test_sandbox_stops_huge_expressions(source: str) -> None:
    with pytest.raises(SecurityError):
        make_env().from_string(source).render()


def test_sandbox_keeps_ordinary_expressions() -> None:
    out = make_env().from_string("{{ 'ab' * 3 }} {{ 2 ** 10 }} {{ '%5s' % 'a' }} {{ '{:>3}'.format('b') }}").render()
    assert out == "ababab 1024     a   b"
