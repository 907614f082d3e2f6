"""Render forms to files: template cache, output names, atomic writes. No computing here."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .forms import Form
from .present import keep_minus
from .render.package import write_atomic
from .render.pdf import pdf_available
from .rules.context import ProjectResult

if TYPE_CHECKING:  # the renderers load python-docx, openpyxl, WeasyPrint: imported when a form is rendered
    from .compile.model import Layout
    from .render.docx import CompiledDocx
    from .render.pdf import CompiledHtml
    from .render.report_pdf import CompiledReport
    from .render.xlsxfast import CompiledXlsx

# the templates shipped with docgen; DOCGEN_TEMPLATES points at another copy (a maintainer's, or a benchmark's)
TEMPLATES = Path(os.environ.get("DOCGEN_TEMPLATES") or Path(__file__).resolve().parent.parent / "templates")
FORMATS = ("docx", "xlsx")  # the default; PDF is an optional extra (pip install "docgen[pdf]")
ALL_FORMATS = ("docx", "xlsx", "pdf")
WHOLE = "全部项目"  # the county-wide aggregates' file name
MAX_NAME_BYTES = 150  # leaves room for "-表名.docx" and the temporary-file prefix within 255 bytes
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
# Windows device names: a file or folder called CON, nul.txt or COM1.docx cannot be created there
_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"} | {
    f"{d}{n}" for d in ("COM", "LPT") for n in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "¹", "²", "³")}


def safe_name(text: str, limit: int = 80) -> str:
    """A file name part that cannot choose a folder: no separators, no leading dots, bounded length."""
    name = unicodedata.normalize("NFC", text)
    name = _UNSAFE.sub("_", name).strip().strip(".").strip()
    name = re.sub(r"\s+", " ", name)
    name = name[:limit]
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:  # file systems count bytes (255 for the whole name)
        name = name[:-1]
    name = name.rstrip(" .")
    if not name or name in {"_", ".", ".."}:
        name = "未命名项目"
    if name.split(".", 1)[0].rstrip(" ").upper() in _DEVICES:
        name = f"_{name}"
    return name


def distinct_names(values: Iterable[str], reserved: Iterable[str] = (), empty: str = "未填主管部门") -> dict[str, str]:
    """A file or folder name for each distinct value that no other value (nor a ``reserved`` name) shares.

    Two values that sanitise alike (``A/B`` and ``A:B``, a name in NFC and in NFD, ``Abc`` and ``ABC`` on a
    case-insensitive disk) are told apart deterministically: the first in sorted order keeps the plain name,
    the next ones get ``（2）``, ``（3）`` …; a value named like a file the build itself writes does too.
    """
    taken = {r.casefold() for r in reserved}
    out: dict[str, str] = {}
    for value in sorted(set(values)):
        base = safe_name(value or empty)
        name, n = base, 2
        while name.casefold() in taken:
            name, n = f"{base}（{n}）", n + 1
        taken.add(name.casefold())
        out[value] = name
    return out


def link_on_path(root: Path, rel: str, folders: set[Path] | None = None) -> Path | None:
    """The first symbolic link on the way from ``root`` to ``root/rel`` (None when there is none).

    docgen never writes or deletes through a link inside its output folder: it could point anywhere.
    ``folders``: folders on the way found to be no links a moment ago (by the same job), not looked at again;
    the ones found now are added.
    """
    here = root
    parts = PurePosixPath(rel).parts
    for k, part in enumerate(parts):
        here = here / part
        last = k == len(parts) - 1
        if not last and folders is not None and here in folders:
            continue
        if here.is_symlink():
            return here
        if not last and folders is not None:
            folders.add(here)
    return None


def output_name(project_name: str, form: Form, fmt: str) -> str:
    return f"{safe_name(project_name)}-{form.short_title}.{fmt}"


@cache
def compiled_docx(name: str) -> CompiledDocx:
    from .render.docx import CompiledDocx

    return CompiledDocx(TEMPLATES / "docx" / name)


def override_path(form: Form, fmt: str) -> Path | None:
    """A hand-made XLSX or HTML template of the form (used instead of the one compiled from its DOCX), if any."""
    if fmt == "docx":
        return None
    path = TEMPLATES / ("html" if fmt == "pdf" else fmt) / template_file(form, fmt)
    return path if path.is_file() else None


def _xlsx_or_html(folder: str, name: str, fmt: str) -> Path:
    """The hand-made template ``folder/name`` when there is one, else the one compiled from ``docx/<stem>.docx``."""
    path = TEMPLATES / folder / name
    if path.is_file():
        return path
    from .compile.cache import compiled_path

    return compiled_path(TEMPLATES / "docx" / f"{Path(name).stem}.docx", fmt)


@cache
def compiled_xlsx(name: str) -> CompiledXlsx:
    from .render.xlsxfast import CompiledXlsx

    return CompiledXlsx(_xlsx_or_html("xlsx", name, "xlsx"))


@cache
def compiled_html(name: str) -> CompiledHtml:
    from .render.pdf import CompiledHtml

    return CompiledHtml(_xlsx_or_html("html", name, "pdf"), TEMPLATES / "html")


@cache
def compiled_report(name: str) -> CompiledReport:
    from .render.report_pdf import CompiledReport

    return CompiledReport(_xlsx_or_html("html", name, "pdf"), TEMPLATES / "html")


def compiled_pdf(form: Form) -> CompiledHtml:
    """A form's PDF renderer: a form's page (forms.css) or a report's GB/T 9704 page (report.css)."""
    return (compiled_html if form.tabular else compiled_report)(template_file(form, "pdf"))


@cache
def form_layout(name: str) -> Layout | None:
    """The layout of a form's Word template (for its page plan); None when it cannot be laid out as a grid."""
    from .compile.read_docx import CompileError, read_layout_file

    try:
        return read_layout_file(TEMPLATES / "docx" / name, Path(name).stem)
    except (CompileError, OSError):
        return None


def paged(form: Form, context: dict[str, Any], formats: tuple[str, ...] | None = None) -> dict[str, Any]:
    """A tabular form's context with its page plans (compile/paginate) for ``formats`` (default: all): for each
    format, where its list breaks over pages, and its 一级/二级 groups restarted there. Made once per form and
    document, before the formats are rendered (a format not planned yet is planned when it is rendered)."""
    from .compile.paginate import FORMAT_ROUTES, PLANS, paginate, planned

    if not form.tabular or planned(context, formats if formats is not None else tuple(FORMAT_ROUTES)):
        return context
    layout = form_layout(form.docx_template())
    return {**context, PLANS: {}} if layout is None else paginate(layout, context, formats)


def clear_compiled() -> None:
    """Forget every compiled template (the template folder or a template may have changed)."""
    for cached in (compiled_docx, compiled_xlsx, compiled_html, compiled_report, form_layout):
        cached.cache_clear()


def form_formats(form: Form, formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats a form exists in among ``formats``: reports have no XLSX."""
    return formats if form.tabular else tuple(f for f in formats if f != "xlsx")


def available_formats() -> tuple[str, ...]:
    """``--format all``: DOCX and XLSX, and PDF when a PDF can be made here (WeasyPrint and a Chinese font)."""
    return ALL_FORMATS if pdf_available() else FORMATS


def template_file(form: Form, fmt: str) -> str:
    if fmt == "docx":
        return form.docx_template()
    if fmt == "pdf":
        return f"{form.id}.html"
    return form.xlsx_template()


@dataclass(frozen=True)
class Skip:
    form: Form
    reason: str


def missing_data(form: Form, result: ProjectResult) -> str | None:
    """Why a project form cannot be filled from this project (None when it can)."""
    p = result.project
    if form.needs == "监控" and result.current is None:
        return "项目文件中没有监控数据（截至所选日期）"
    if form.needs == "调整" and p.adjustment is None:
        return "项目文件中没有“调整”部分"
    if form.needs == "自评" and p.self_eval is None:
        return "项目文件中没有“自评”部分"
    if form.needs == "事前评估" and p.pre_assessment is None:
        return "项目文件中没有“事前评估”部分"
    if form.needs == "反馈" and p.feedback is None:
        return "项目文件中没有“反馈”部分（可先运行 docgen review 生成草稿）"
    return None


def render_bytes(form: Form, context: dict[str, Any], fmt: str, title: str,
                 properties: dict[str, str] | None = None) -> bytes:
    """One form in one format; ``properties`` are written as custom document properties."""
    if not form.tabular:  # a report's negative figures never break after the minus sign
        context = keep_minus(context)
    if form.tabular:  # the page plan (made already when the caller planned the pages) of this format
        from .compile.paginate import for_format

        context = for_format(paged(form, context, (fmt,)), fmt)
    if fmt == "docx":
        return compiled_docx(form.docx_template()).render(context, title, properties)
    if fmt == "pdf":
        return compiled_pdf(form).render(context, title, properties)
    if not form.tabular:
        raise ValueError(f"{form.id}: a report has no XLSX")
    return compiled_xlsx(form.xlsx_template()).render(context, title, properties)


def template_path(form: Form, fmt: str) -> Path:
    """The file a form's ``fmt`` template is made from: its hand-made override when there is one, else its DOCX
    (the XLSX and HTML templates are compiled from the DOCX)."""
    return override_path(form, fmt) or TEMPLATES / "docx" / form.docx_template()


def render_project_form(result: ProjectResult, form: Form, formats: tuple[str, ...], outdir: Path) -> list[Path]:
    """Write one project's form in the given formats; return the files written."""
    context = paged(form, form.build(result))
    title = f"{result.project.name}-{form.short_title}"
    written = []
    for fmt in formats:
        path = outdir / output_name(result.project.name, form, fmt)
        write_atomic(path, render_bytes(form, context, fmt, title))
        written.append(path)
    return written


def render_aggregate(results: list[ProjectResult], form: Form, formats: tuple[str, ...], outdir: Path,
                     scope: str = "", stem: str = "") -> list[Path]:
    """Write an aggregate form (表4, coverage) over ``results``; ``scope`` names the set (a 主管部门, or empty),
    ``stem`` its file name (default: the scope's safe name)."""
    context = paged(form, form.build(results, scope))
    stem = stem or (safe_name(scope) if scope else WHOLE)
    written = []
    for fmt in formats:
        path = outdir / f"{stem}-{form.short_title}.{fmt}"
        write_atomic(path, render_bytes(form, context, fmt, f"{stem}-{form.short_title}"))
        written.append(path)
    return written


def missing_aggregate_data(form: Form, results: list[ProjectResult]) -> str | None:
    """Why an aggregate form has nothing to show (None when it has)."""
    if not results:
        return "没有可用的项目数据"
    if form.id == "summary" and not any(r.in_scope for r in results):
        return "没有纳入绩效跟踪范围的项目（年初预算20万元以上或上年未完工）"
    return None


def render_aggregates(results: list[ProjectResult], form: Form, formats: tuple[str, ...], outdir: Path) -> list[Path]:
    """The whole set, and for 表4 also one file per 主管部门 (that has projects in scope)."""
    if missing_aggregate_data(form, results):
        return []
    written = render_aggregate(results, form, formats, outdir)
    if form.id == "summary":
        departments = distinct_names({r.project.department for r in results}, (WHOLE,))
        if len(departments) > 1:
            for dept, stem in departments.items():
                members = [r for r in results if r.project.department == dept]
                if not missing_aggregate_data(form, members):
                    written += render_aggregate(members, form, formats, outdir, dept, stem)
    return written
