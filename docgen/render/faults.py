"""A template that fails while rendering, told as a located Chinese message: the template file, the place in
it (an HTML template's line; a Word template's table, row and cell) and what to do."""

from __future__ import annotations

import traceback
from pathlib import Path

from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError

from ..errors import TemplateKeyError
from ..forms import Form
from ..output import compiled_docx, template_path
from ..templatecheck import display_path, docx_source, docx_where

CHECK = "可运行 docgen templates check 检查模板"


def template_line(exc: BaseException, filename: str) -> int:
    """The template line Jinja was at (0 when unknown): the last traceback frame in the template."""
    if isinstance(exc, TemplateSyntaxError) and exc.lineno:
        return exc.lineno
    line = 0
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename and frame.lineno:
            line = frame.lineno
    return line


def _place(form: Form, fmt: str, path: Path, line: int) -> str:
    """Where in the template file: an HTML file's line, a Word file's table/row/cell (a template compiled
    from the Word file for Excel or PDF has no place of its own: the format is named instead)."""
    if path.suffix == ".docx" and fmt != "docx":
        return {"xlsx": "（Excel）", "pdf": "（PDF）"}.get(fmt, "")
    if not line or path.suffix not in (".html", ".docx"):
        return ""
    if path.suffix == ".html":
        return f"第{line}行"
    try:
        source = compiled_docx(form.docx_template()).source
    except Exception:  # the template does not even compile: read its source as templates check does
        try:
            source = docx_source(path)
        except Exception:
            return ""
    lines = source.split("\n")
    pos = sum(len(x) + 1 for x in lines[: min(line, len(lines)) - 1])
    return docx_where(source, pos)


def _what(exc: BaseException) -> str:
    if isinstance(exc, SecurityError):
        return f"模板使用了安全限制不允许的写法（{exc}）：请改正模板；{CHECK}"
    if isinstance(exc, (UndefinedError, TemplateKeyError)):
        return f"模板用到的变量数据中没有（{exc}）：请改正模板；{CHECK}"
    if isinstance(exc, TemplateSyntaxError):
        return f"模板语法错误：{exc.message}：请改正模板；{CHECK}"
    if isinstance(exc, TemplateError) or (isinstance(exc, TypeError) and "loader" in str(exc)):
        return f"模板不能引用其他模板文件（include / import / extends）：请改正模板；{CHECK}"
    if isinstance(exc, MemoryError):
        return "内存不足：数据或模板生成的内容过大；请精简过长的文字或检查模板"
    if isinstance(exc, RecursionError):
        return f"模板嵌套过深：请改正模板；{CHECK}"
    return f"生成失败（{type(exc).__name__}: {exc}）：请检查模板；{CHECK}"


def render_fault(exc: BaseException, form: Form, fmt: str) -> str:
    """``templates/html/monitor.html 第12行: 模板使用了安全限制不允许的写法（…）：请改正模板；…``"""
    path = template_path(form, fmt)
    place = _place(form, fmt, path, template_line(exc, str(path)))
    head = display_path(path) + (place if place.startswith("（") else f" {place}" if place else "")
    return f"{head}: {_what(exc)}"
