"""Check the templates against the data: which variables each uses, and which the form's context lacks.

An HTML template (templates/html/, for PDF) is Jinja as written: the same walk, places as line numbers.
A DOCX template is read the way :class:`~docgen.render.docx.CompiledDocx` reads it (docxtpl's
preprocessing, then Jinja) and its syntax tree is walked: ``{% for r in 指标 %}`` maps ``r`` to
``指标[]``, so ``{{ r.三级指标 }}`` is the path ``指标[].三级指标``. An XLSX template's
``{{占位}}`` cells are read with openpyxl. The paths are looked up in the vocabulary of the
contexts built from the sample projects. Nothing is printed here; problems are returned.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError

from .compile.cache import compiled_path
from .compile.read_docx import CompileError
from .errors import DocgenError
from .forms import Form
from .model import closest
from .output import form_formats, missing_data, template_path
from .pipeline import project_files, run_file
from .render.env import make_env
from .templaterisks import sandbox_problems

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_ENV = make_env()
_KIND = {"xlsx": " Excel ", "pdf": " PDF（HTML）"}
BAD_PLACEHOLDER = "占位符写法不正确（应为 {{ 字段 }} 或 {{ 列表.字段 }}，不能含空格或“|”）"


@dataclass
class Vocabulary:
    """Every path of a form's context: ``资金.合计.执行率``, ``指标[]``, ``指标[].三级指标``."""

    paths: set[str] = field(default_factory=set)
    lists: set[str] = field(default_factory=set)  # paths whose value is a list (without "[]")

    def add(self, value: Any, prefix: str = "") -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                path = f"{prefix}.{key}" if prefix else str(key)
                self.paths.add(path)
                self.add(item, path)
        elif isinstance(value, list):
            self.lists.add(prefix)
            self.paths.add(f"{prefix}[]")
            for item in value:
                self.add(item, f"{prefix}[]")

    def join(self, base: str, part: str) -> str:
        """``base.part``, entering the list when the result is one (as the XLSX repeat rows do)."""
        path = f"{base}.{part}" if base else part
        return f"{path}[]" if path in self.lists else path

    def children(self, base: str) -> set[str]:
        """The names directly under ``base`` (list markers dropped)."""
        prefix = f"{base}." if base else ""
        out = set()
        for path in self.paths:
            rest = path[len(prefix):] if path.startswith(prefix) else ""
            if rest and "." not in rest:
                out.add(rest.removesuffix("[]"))
        return out

    def hint(self, path: str) -> str | None:
        """The closest existing name to the first unknown part of ``path``."""
        base = ""
        for part in path.split("."):
            candidate = f"{base}.{part}" if base else part
            if candidate not in self.paths:
                return closest(part.removesuffix("[]"), sorted(self.children(base)))
            base = candidate
        return None


@dataclass(frozen=True)
class Use:
    """One variable a template uses, and where."""

    path: str
    expr: str
    where: str


@dataclass(frozen=True)
class TemplateProblem:
    """A template that does not parse, or a variable the data does not have."""

    file: str
    where: str
    expr: str
    message: str

    def __str__(self) -> str:
        head = f"{self.file} {self.where}" if self.where else self.file
        return ": ".join(part for part in (head, self.expr, self.message) if part)


@dataclass
class TemplateReport:
    form: Form
    fmt: str
    file: str
    uses: list[Use] = field(default_factory=list)
    problems: list[TemplateProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, not an error

    @property
    def variables(self) -> list[str]:
        return sorted({u.path for u in self.uses})


class TemplateError(DocgenError):
    """A template is broken (does not parse, or uses variables the data does not have)."""


def display_path(path: Path) -> str:
    """The path relative to the current folder when it is below it (``templates/docx/monitor.docx``)."""
    try:
        return Path(os.path.relpath(path)).as_posix() if Path.cwd() in path.resolve().parents else str(path)
    except ValueError:  # another drive (Windows)
        return str(path)


# --- DOCX ---------------------------------------------------------------------------------------------


def docx_source(path: Path) -> str:
    """The Jinja source of a DOCX template, preprocessed as CompiledDocx does it."""
    from docxtpl import DocxTemplate  # imported when a template is checked (a no-op build never does)

    tpl = DocxTemplate(str(path))
    tpl.init_docx()
    source = tpl.patch_xml(tpl.get_xml())
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", source)


def docx_where(source: str, pos: int) -> str:
    """``表格1 第10行第3格`` (rows and cells as Word shows them) or ``正文第3段`` for offset ``pos``."""
    before = source[:pos]
    depth = paragraphs = tables = 0
    table_start = 0
    for m in re.finditer(r"<w:tbl[ >]|</w:tbl>|<w:p[ >]", before):
        if m.group(0).startswith("<w:tbl"):
            depth += 1
            tables += 1
            table_start = m.start()
        elif m.group(0) == "</w:tbl>":
            depth -= 1
        elif depth == 0:
            paragraphs += 1
    if depth == 0:
        return f"正文第{max(paragraphs, 1)}段"
    row = cell = 0
    in_row = False
    for m in re.finditer(r"<w:tr[ >]|</w:tr>|<w:tc[ >]|\{%.*?%\}", before[table_start:], re.DOTALL):
        token = m.group(0)
        if token.startswith("<w:tr"):
            row, cell, in_row = row + 1, 0, True
        elif token == "</w:tr>":
            in_row = False
        elif token.startswith("<w:tc"):
            cell += 1
        elif not in_row:  # a {%tr … %} row that docxtpl replaced by its tag
            row += 1
    if not in_row:
        return f"表格{tables} 第{row + 1}行"
    return f"表格{tables} 第{row}行第{cell}格"


def _chain(node: nodes.Node) -> tuple[str, list[str]] | None:
    """``r.三级指标`` → ("r", ["三级指标"]); None when the chain does not start at a name."""
    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.insert(0, node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            parts.insert(0, "[]" if isinstance(node.arg.value, int) else str(node.arg.value))
            node = node.node
        elif isinstance(node, nodes.Name):
            return node.name, parts
        else:
            return None


class _Collector:
    """Walks a Jinja syntax tree, resolving loop variables, recording each data path used."""

    def __init__(self, source: str, vocab: Vocabulary, where: Callable[[str, int], str] | None = None) -> None:
        self.where = where or docx_where
        self.lines = source.split("\n")
        self.starts = [0]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.source = source
        self.vocab = vocab
        self.uses: list[Use] = []
        self.optional: set[str] = set()  # paths the template tests with "is defined": it works without them

    def kept_uses(self) -> list[Use]:
        return [u for u in self.uses if u.path not in self.optional]

    def resolve(self, node: nodes.Node, scope: dict[str, str | None]) -> str | None:
        chain = _chain(node)
        if chain is None:
            return None
        root, parts = chain
        if root in scope:
            path = scope[root]
            if path is None:  # a loop helper or a local variable
                return None
        elif root in _ENV.globals or root.startswith("_"):  # not data: the page plan (_page_breaks), its locals
            return None
        else:
            path = self.vocab.join("", root)
        for part in parts:
            path = f"{path}[]" if part == "[]" and not path.endswith("[]") else self.vocab.join(path, part)
        return path

    def record(self, node: nodes.Node, path: str, name: str) -> None:
        """Note a use; its place is the first tag on the node's line that mentions ``name``."""
        line = min(max(node.lineno, 1), len(self.lines))
        tags = list(_TAG.finditer(self.lines[line - 1]))
        hit = next((m for m in tags if name in m.group(0)), tags[0] if tags else None)
        pos = self.starts[line - 1] + (hit.start() if hit else 0)
        expr = re.sub(r"\s+", " ", hit.group(0)) if hit else ""
        self.uses.append(Use(path, expr, self.where(self.source, pos)))

    def visit(self, node: nodes.Node, scope: dict[str, str | None]) -> None:
        if isinstance(node, nodes.Test) and node.name in ("defined", "undefined"):
            path = self.resolve(node.node, scope)
            if path is not None:
                self.optional.add(path)
            return
        if isinstance(node, nodes.For):
            self.visit(node.iter, scope)
            inner = dict(scope)
            base = self.resolve(node.iter, scope)
            names = [n.name for n in node.target.find_all(nodes.Name)]
            for name in names:
                inner[name] = None
            if isinstance(node.target, nodes.Name) and base is not None:
                inner[node.target.name] = base if base.endswith("[]") else f"{base}[]"
            inner["loop"] = None
            for child in node.body:
                self.visit(child, inner)
            if node.test is not None:
                self.visit(node.test, inner)
            for child in node.else_:
                self.visit(child, scope)
            return
        if isinstance(node, nodes.Assign):
            self.visit(node.node, scope)
            for name in node.target.find_all(nodes.Name):
                scope[name.name] = None
            return
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)) and _chain(node) is not None:
            if isinstance(node, nodes.Name) and node.ctx != "load":
                return
            path = self.resolve(node, scope)
            if path is not None:
                root, parts = _chain(node)  # type: ignore[misc]
                self.record(node, path, (parts or [root])[-1])
            return
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):  # a method: x.strip()
            self.visit(node.node.node, scope)
            for child in (*node.args, *node.kwargs):
                self.visit(child, scope)
            return
        if isinstance(node, nodes.Getitem):  # a computed subscript
            self.visit(node.node, scope)
            self.visit(node.arg, scope)
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope)


_JINJA_MESSAGES = [
    (r"unexpected end of template, expected '(.+?)'\.?", r"模板在此结束，缺少“\1”"),
    (r"Unexpected end of template\. Jinja was looking for the following tags: (.+?)\. .*",
     r"模板在此结束，缺少结束标记（应有 \1）"),
    (r"Encountered unknown tag '(.+?)'\. Jinja was looking for the following tags: (.+?)\. .*",
     r"无法识别的标记“\1”（此处应为 \2）"),
    (r"Encountered unknown tag '(.+?)'\..*", r"无法识别的标记“\1”"),
    (r"unexpected end of template.*", "模板在此意外结束（标记没有写完整）"),
    (r"unexpected char '(.+?)' at \d+", r"无法识别的字符“\1”"),
    (r"unexpected '(.+?)'", r"此处不应出现“\1”"),
    (r"expected token '(.+?)', got '(.+?)'", r"此处应为“\1”，实际为“\2”"),
    (r"expected token '(.+?)'", r"此处应为“\1”"),
    (r"Block name expected", "缺少块名称"),
    (r"tag name expected", "缺少标记名称"),
    (r"expected an expression, got '(.+?)'", r"此处应为表达式，实际为“\1”"),
    (r"missing endfor.*", "缺少“endfor”"),
]


def jinja_message(message: str | None) -> str:
    """Jinja's English syntax message in Chinese (the known ones; others are kept, in brackets)."""
    text = (message or "").strip()
    for pattern, chinese in _JINJA_MESSAGES:
        m = re.fullmatch(pattern, text, re.DOTALL)
        if m:
            return m.expand(chinese).replace("'", "")
    return f"无法解析（{text}）" if text else "无法解析"


def _syntax_problem(source: str, exc: TemplateSyntaxError, shown: str,
                    where: Callable[[str, int], str] | None = None) -> TemplateProblem:
    """Name the tag Jinja stopped at (the one the message quotes, else the last on that line) and its cell."""
    lines = source.split("\n")
    line = min(max(exc.lineno or 1, 1), len(lines))
    tags = list(_TAG.finditer(lines[line - 1]))
    quoted = re.findall(r"'([^']+)'", exc.message or "")
    hit = next((m for m in tags if quoted and quoted[0] in m.group(0)), tags[-1] if tags else None)
    pos = sum(len(x) + 1 for x in lines[: line - 1]) + (hit.start() if hit else 0)
    tag = re.sub(r"\s+", " ", hit.group(0)) if hit else ""
    message = f"模板语法错误：{jinja_message(exc.message)}"
    return TemplateProblem(shown, (where or docx_where)(source, pos), tag, message)


def docx_uses(path: Path, vocab: Vocabulary, shown: str) -> tuple[list[Use], list[TemplateProblem]]:
    try:
        source = docx_source(path)
    except Exception as exc:  # not a zip, no document.xml …
        return [], [TemplateProblem(shown, "", "", f"无法读取 Word 模板：{exc}")]
    try:
        tree = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        return [], [_syntax_problem(source, exc, shown)]
    collector = _Collector(source, vocab)
    collector.visit(tree, {})
    return collector.uses, _risks(tree, source, shown, docx_where)


# --- HTML (PDF) ---------------------------------------------------------------------------------------


def html_where(source: str, pos: int) -> str:
    """``第12行``: the line of the .html file (as an editor numbers it)."""
    return f"第{source.count(chr(10), 0, pos) + 1}行"


def html_uses(path: Path, vocab: Vocabulary, shown: str) -> tuple[list[Use], list[TemplateProblem]]:
    """The variables of an HTML template (templates/html/, for PDF), read like a DOCX template's Jinja."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [TemplateProblem(shown, "", "", f"无法读取 HTML 模板：{exc}")]
    try:
        tree = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        return [], [_syntax_problem(source, exc, shown, html_where)]
    collector = _Collector(source, vocab, html_where)
    collector.visit(tree, {})
    return collector.kept_uses(), _risks(tree, source, shown, html_where)


def _risks(tree: nodes.Template, source: str, shown: str, where: Callable[[str, int], str]) -> list[TemplateProblem]:
    """What the sandbox would refuse at render time (see :mod:`docgen.templaterisks`)."""
    found = sandbox_problems(tree, source, where)
    return [TemplateProblem(shown, place, expr, message) for place, expr, message in found]


# --- XLSX ---------------------------------------------------------------------------------------------


def sheet_notes(path: Path, shown: str) -> list[str]:
    """Placeholders in sheet names: the XLSX renderer fills cells only, so they stay as written."""
    from openpyxl import load_workbook

    try:
        names = load_workbook(path, read_only=True).sheetnames
    except Exception:
        return []
    return [f"{shown}: 提示：工作表名称“{name}”中的占位符不会被填写" for name in names if "{{" in name]


def xlsx_uses(path: Path, vocab: Vocabulary, shown: str) -> tuple[list[Use], list[TemplateProblem]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True)  # values only: a third of the time (no merged cells, styles)
    except Exception as exc:
        return [], [TemplateProblem(shown, "", "", f"无法读取 Excel 模板：{exc}")]
    try:
        uses, problems = _cell_uses(wb, vocab, shown)
    finally:
        wb.close()  # a read-only workbook keeps its file open
    return uses, problems


def _cell_uses(wb: Any, vocab: Vocabulary, shown: str) -> tuple[list[Use], list[TemplateProblem]]:
    from .render.xlsx import PLACEHOLDER

    uses: list[Use] = []
    problems: list[TemplateProblem] = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = cell.value
                if not isinstance(text, str) or ("{" not in text and "}" not in text):
                    continue
                where = f"{ws.title}!{cell.coordinate}"
                for m in PLACEHOLDER.finditer(text):
                    path = ""
                    for part in m.group(1).split("."):
                        path = vocab.join(path, part)
                    uses.append(Use(path, m.group(0), where))
                rest = PLACEHOLDER.sub("", text)
                if any(mark in rest for mark in ("{{", "}}", "{%", "%}")):
                    problems.append(TemplateProblem(shown, where, text.strip(), BAD_PLACEHOLDER))
    return uses, problems


# --- the check ----------------------------------------------------------------------------------------


def sample_vocabularies(forms: list[Form], samples: Path = SAMPLES) -> dict[str, Vocabulary]:
    """For each form, the vocabulary of its contexts built from every sample project that has its data."""
    results = []
    if samples.is_dir():
        for path, display in project_files([samples]):
            outcome = run_file(path, display)
            if outcome.ok and outcome.result is not None:
                results.append(outcome.result)
    out: dict[str, Vocabulary] = {}
    for form in forms:
        vocab = Vocabulary()
        if form.aggregate:
            if results:
                vocab.add(form.build(results, ""))
        else:
            for result in results:
                if missing_data(form, result) is None:
                    vocab.add(form.build(result))
        if vocab.paths:
            out[form.id] = vocab
    return out


def drift_problems(form: Form, fmt: str, override: Path, shown: str) -> list[TemplateProblem]:
    """A hand-made XLSX/HTML template compared with the form's DOCX: each differing label or placeholder."""
    from .compile.drift import differences, html_tokens, report_word_tokens, token_differences, xlsx_tokens
    from .compile.read_docx import read_layout
    from .compile.report import compile_report_html

    docx = template_path(form, "docx")
    try:
        if not form.tabular:
            word = report_word_tokens(compile_report_html(docx.read_bytes(), form.id))
            tokens = html_tokens(override.read_text(encoding="utf-8"))
            return [TemplateProblem(shown, where, "", message)
                    for where, message in token_differences(word, tokens, "HTML 模板", display_path(docx))]
        layout = read_layout(docx.read_bytes(), form.id)
        if fmt == "xlsx":
            tokens, kind = xlsx_tokens(override.read_bytes()), "Excel 模板"
        else:
            tokens, kind = html_tokens(override.read_text(encoding="utf-8")), "HTML 模板"
    except (OSError, UnicodeDecodeError, CompileError):
        return []  # reported by the template's own check or the DOCX's
    except Exception:
        return []
    return [TemplateProblem(shown, where, "", message)
            for where, message in differences(layout, tokens, kind, display_path(docx))]


def check_template(form: Form, fmt: str, vocab: Vocabulary | None) -> TemplateReport:
    path = template_path(form, fmt)
    shown = display_path(path)
    report = TemplateReport(form, fmt, shown)
    if not path.is_file():
        report.problems.append(TemplateProblem(shown, "", "", "模板文件不存在"))
        return report
    reader = {"docx": docx_uses, "pdf": html_uses}.get(fmt, xlsx_uses)
    if fmt != "docx" and path.suffix == ".docx":  # no override: the template compiled from the DOCX
        try:
            compiled = compiled_path(path, fmt)
        except CompileError as exc:
            report.problems.append(TemplateProblem(shown, "", "", f"无法生成{_KIND[fmt]}模板：{exc}"))
            return report
        report.file = f"{shown}（生成的{_KIND[fmt]}模板）"
        report.uses, report.problems = reader(compiled, vocab or Vocabulary(), report.file)
        return report  # its variables are the DOCX's: an unknown one is reported once, on the DOCX
    else:
        report.uses, report.problems = reader(path, vocab or Vocabulary(), shown)
    if fmt != "docx" and path.suffix != ".docx":
        report.problems += drift_problems(form, fmt, path, shown)
    if fmt == "xlsx":
        report.notes = sheet_notes(path, shown) if path.suffix == ".xlsx" else []
    if vocab is None:
        return report
    for use in report.uses:
        if use.path in vocab.paths:
            continue
        hint = vocab.hint(use.path)
        tip = f"，最接近“{hint}”" if hint else ""
        report.problems.append(TemplateProblem(shown, use.where, use.expr, f"数据中没有“{use.path}”{tip}"))
    return report


def check_before_render(form: Form, formats: tuple[str, ...], contexts: list[dict[str, Any]],
                        samples: Path = SAMPLES) -> None:
    """``render`` checks the form's templates first, as ``templates check`` does (against the samples' data and
    the contexts about to be rendered): raise :class:`TemplateError` with every located problem."""
    vocab = sample_vocabularies([form], samples).get(form.id, Vocabulary())
    for context in contexts:
        vocab.add(context)
    reports = [check_template(form, fmt, vocab if vocab.paths else None) for fmt in formats]
    problems = [p for r in reports for p in r.problems]
    if any(r.fmt == "docx" and r.problems for r in reports):  # the compiled templates only repeat the DOCX's
        problems = [p for r in reports if r.fmt == "docx" or not r.file.endswith("模板）") for p in r.problems]
    if problems:
        files = sorted({p.file for p in problems})
        raise TemplateError("\n".join([*map(str, problems), f"模板有错误（{'、'.join(files)}），未生成。"
                                        "请改正后再运行；docgen templates check 可单独检查模板。"]))


def check_templates(forms: list[Form], formats: tuple[str, ...], samples: Path = SAMPLES) -> list[TemplateReport]:
    """Every template of ``forms`` in ``formats`` (a report's DOCX and HTML, never an XLSX);
    a form without sample data is checked for syntax only."""
    vocabularies = sample_vocabularies(forms, samples)
    return [check_template(form, fmt, vocabularies.get(form.id))
            for form in forms for fmt in form_formats(form, formats)]
