"""The ``docgen`` command line (click). Parses, calls, prints; maps errors to exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__, clickzh
from .errors import DocgenError, Level, shown
from .forms import FORMS, Form, find_form
from .profilenames import builtin_profiles
from .values import ValueProblem, parse_date

if TYPE_CHECKING:  # the heavy modules (pydantic models, rich, the renderers) load only in the command that needs them
    from rich.console import Console
    from rich.progress import Progress

    from .pipeline import Outcome

BUDGET_COLUMNS = ("执行数", "执行率", "年初预算执行率", "全年预计执行率", "预计结余", "时序进度", "执行进度比", "预警")
INDICATOR_COLUMNS = (
    "三级指标", "指标值", "执行情况", "应完成值", "完成率", "进度完成率", "偏差率", "预警", "完成可能性",
)
clickzh.install()
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
COMMAND = {"context_settings": CONTEXT, "options_metavar": "[选项]"}


class DateParam(click.ParamType):
    name = "日期"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        try:
            return parse_date(str(value))
        except ValueProblem as exc:
            self.fail(str(exc), param, ctx)


def _console(err: bool = False) -> Console:
    from rich.console import Console

    stream = sys.stderr if err else sys.stdout
    wide = None if stream.isatty() else 160  # a file or pipe gets whole lines, not a narrow wrap
    return Console(stderr=err, highlight=False, soft_wrap=True, width=wide)


def _echo_diagnostics(outcome: Outcome, err: bool = False) -> None:
    for d in outcome.diagnostics:
        click.echo(str(d), err=err)


profile_option = click.option(
    "-p", "--profile", "profile_name", type=click.Choice(builtin_profiles()), default=None,
    help="使用指定的配置方案（默认读取项目目录中的 docgen.yaml，没有则为 national）。",
)


@click.group(**COMMAND, subcommand_metavar="命令 [参数]…")
@click.version_option(__version__, "-V", "--version", message="docgen %(version)s", help="显示版本号并退出。")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def cli() -> None:
    """docgen：预算绩效管理表单与报告生成工具。

    一个项目一个数据文件（YAML，或 Excel 填报工作簿）。

    docgen 校验数据，计算执行率、时序进度、偏差率、预警、得分、等级等字段，生成官方格式的表单与报告。
    """


@cli.command(**COMMAND)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path), metavar="文件或目录…")
@profile_option
@click.option("--strict", is_flag=True, help="警告也按错误处理（有警告时退出码为 1）。")
@click.option("--errors-only", "errors_only", is_flag=True, help="只显示错误，不显示警告和提示。")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def check(paths: tuple[Path, ...], profile_name: str | None, strict: bool, errors_only: bool) -> None:
    """校验项目数据文件（目录则校验其下全部 .yaml/.yml 和 docgen 填报工作簿 .xlsx）。

    每个问题一行：文件:行号: 字段路径: 说明。全部有效时退出码为 0，有任何错误时为 1。

    警告（如金额可能按元填写、百分比写成了小数）不影响退出码，加 --strict 时也算失败。
    """
    from .pipeline import IGNORE_MARKER, project_files, run_file, skipped_dirs, skipped_files

    total = bad = warnings = 0
    out_of_scope: list[str] = []
    for path, display in project_files(paths):
        total += 1
        outcome = run_file(path, display, profile_name=profile_name)
        for d in outcome.diagnostics:
            if not errors_only or d.level is Level.ERROR:
                click.echo(str(d))
        warned = sum(1 for d in outcome.diagnostics if d.level is Level.WARNING)
        warnings += warned
        if not outcome.ok or (strict and warned):
            bad += 1
        elif outcome.result is not None and not outcome.result.in_scope:
            r = outcome.result
            out_of_scope.append(
                f"{display}: 提示：不在跟踪范围（年初预算数 {r.initial.total:.2f} 万元，低于 "
                f"{r.profile.scope.amount_from} 万元，且非上年未完工项目）"
            )
    for line in [] if errors_only else out_of_scope:
        click.echo(line)
    for path in paths:
        if path.is_dir() and not errors_only:
            for folder in skipped_dirs(path):
                click.echo(f"{folder}: 提示：含 {IGNORE_MARKER}，已跳过（单独指定该目录即可检查）")
            for file in skipped_files(path):
                click.echo(f"{file}: 提示：旧版 Excel 格式（.xls），已跳过；如是项目数据，请用 Excel/WPS 另存为 .xlsx")
    if total == 0:
        click.echo("没有找到项目数据文件（.yaml / .yml / 填报工作簿 .xlsx）。", err=True)
        sys.exit(1)
    status = "全部通过" if bad == 0 else f"{bad} 个文件有错误" + ("或警告" if strict else "")
    click.echo(f"共检查 {total} 个文件：{status}；警告 {warnings} 条；不在跟踪范围 {len(out_of_scope)} 个。")
    sys.exit(1 if bad else 0)


@cli.command(**COMMAND)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path), metavar="文件…")
@click.option("--as-of", "as_of", type=DateParam(), default=None,
              help="只计算截止日期不晚于该日（如 2024-06-30）的监控数据。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部计算字段（供脚本使用）。")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="把每个项目的 JSON 计算结果写入这个目录（文件名为“项目文件名.json”；可给出多个文件或目录）。")
@profile_option
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def compute(paths: tuple[Path, ...], as_of: date | None, as_json: bool, outdir: Path | None,
            profile_name: str | None) -> None:
    """计算一个项目的全部字段：执行率、时序进度、预警、完成率、偏差率、得分、等级、审核结论等。"""
    import json

    from .pipeline import run_file
    from .present import result_json

    if outdir is not None:
        sys.exit(_compute_to_folder(paths, outdir, as_of, profile_name))
    if len(paths) > 1 or paths[0].is_dir():
        raise click.UsageError("一次只能计算一个项目文件；多个文件或目录请用 -o 指定 JSON 结果的输出目录")
    file = paths[0]
    outcome = run_file(file, str(file), as_of=as_of, profile_name=profile_name)
    _echo_diagnostics(outcome, err=True)
    if not outcome.ok or outcome.result is None:
        click.echo(shown(f"{file}: 数据有错误，未输出计算结果。"), err=True)
        sys.exit(1)
    if as_of is not None and not outcome.result.snapshots and outcome.result.project.snapshots:
        first = min(s.as_of for s in outcome.result.project.snapshots)
        note = f"{file}: 提示：截至 {as_of} 没有监控记录（最早一次为 {first}），结果中不含监控部分。"
        click.echo(shown(note), err=True)
    if as_json:
        click.echo(json.dumps(result_json(outcome.result), ensure_ascii=False, indent=2))
    else:
        _print_tables(outcome)


def _compute_to_folder(paths: tuple[Path, ...], outdir: Path, as_of: date | None, profile_name: str | None) -> int:
    """Every project's JSON results in one process, one ``<name>.json`` each (written atomically)."""
    import json

    from .pipeline import project_files, run_file
    from .present import result_json
    from .render.package import write_atomic

    failed = written = 0
    taken: set[str] = set()
    for path, display in project_files(paths):
        outcome = run_file(path, display, as_of=as_of, profile_name=profile_name)
        if not outcome.ok or outcome.result is None:
            failed += 1
            for d in outcome.diagnostics:
                if d.level is Level.ERROR:
                    click.echo(str(d), err=True)
            click.echo(f"{display}: 数据有错误，未输出计算结果。", err=True)
            continue
        name = path.stem if path.stem not in taken else f"{path.parent.name}-{path.stem}"
        taken.add(name)
        text = json.dumps(result_json(outcome.result), ensure_ascii=False, indent=2) + "\n"
        write_atomic(outdir / f"{name}.json", text.encode("utf-8"))
        written += 1
    click.echo(f"已写入 {written} 个项目的计算结果到 {outdir}" + (f"；{failed} 个文件有错误" if failed else "") + "。")
    return 1 if failed else 0


def _print_tables(outcome: Outcome) -> None:
    from rich.table import Table

    from .present import cn_date, pct_text, trimmed

    r = outcome.result
    assert r is not None
    p = r.project
    con = _console()
    head = Table(title=p.name, show_header=False, title_justify="left")
    head.add_row("主管部门", p.department)
    head.add_row("实施单位", p.unit)
    head.add_row("年度", str(p.year))
    head.add_row("配置方案", f"{r.profile.id}（{r.profile.name}）")
    head.add_row("年初预算数", f"{r.initial.total:.2f} 万元")
    head.add_row("全年预算数", f"{r.budget.total:.2f} 万元")
    head.add_row("跟踪范围", "是" if r.in_scope else "否")
    con.print(head)
    for s in r.snapshots:
        b = s.budget
        t = Table(title=f"监控：截至{cn_date(b.as_of)}（{b.period}）", title_justify="left")
        for col in BUDGET_COLUMNS:
            t.add_column(col, overflow="fold")
        t.add_row(
            f"{b.spent.total:.2f}", pct_text(b.rate), pct_text(b.initial_rate), pct_text(b.forecast_rate),
            "—" if b.surplus is None else f"{b.surplus:.2f}", pct_text(b.time_progress),
            pct_text(b.progress_ratio), (b.light or "—") + ("（超预算）" if b.over_budget else ""),
        )
        con.print(t)
        it = Table(title_justify="left")
        for col in INDICATOR_COLUMNS:
            it.add_column(col, overflow="fold", min_width=4)
        for ip in s.indicators:
            it.add_row(
                ip.name, ip.indicator.target.text, ip.entry.actual.text if ip.entry else "—",
                trimmed(ip.due) or "—", pct_text(ip.completion), pct_text(ip.progress), pct_text(ip.deviation),
                ip.light or "—", ip.possibility or "—",
            )
        con.print(it)
    if r.self_eval is not None:
        se = r.self_eval
        t = Table(title="自评", title_justify="left")
        for col in ("指标", "分值", "得分率", "得分"):
            t.add_column(col)
        t.add_row("预算执行率", f"{se.budget_weight:.2f}", pct_text(se.rate), f"{se.budget_score}")
        for sc in se.indicators:
            t.add_row(sc.name, f"{sc.weight:.2f}", pct_text(sc.rate), f"{sc.score}")
        t.add_row("总分", "100.00", "", f"{se.total}")
        con.print(t)
        con.print(f"等级：{se.grade}    结果应用：{se.use}")
    con.print(f"目标审核：{r.review.conclusion}")
    for f in r.review.findings:
        con.print(f"  [{f.level}] {f.rule}：{f.message}")
    if r.pre_assessment is not None:
        con.print(f"事前评估：总分 {r.pre_assessment.total}，结论：{r.pre_assessment.conclusion}")


def _no_such_form(value: str) -> str:
    """Unknown --form: the nearest id, or for Chinese input the nearest Chinese titles."""
    import difflib

    ids = "、".join(f.id for f in FORMS)
    if any(ord(c) > 0x2E7F for c in value):
        titles = {f.short_title: f for f in FORMS}
        near = difflib.get_close_matches(value, list(titles), n=3, cutoff=0.3)
        near += [t for t in titles if t not in near and (value in t or t in value)][: 3 - len(near)]
        if near:
            return f"没有“{value}”这个表单；是否是：{'、'.join(near)}？（docgen forms 列出全部表单）"
        return f"没有“{value}”这个表单（中文名称见 docgen forms，如：{'、'.join(list(titles)[:4])}）"
    near = difflib.get_close_matches(value, [f.id for f in FORMS], n=1, cutoff=0.5)
    tip = f"，是否应为“{near[0]}”？" if near else ""
    return f"没有“{value}”这个表单{tip}（可用编号：{ids}；也可以用中文名称）"


class FormParam(click.ParamType):
    name = "表单"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Form:
        if isinstance(value, Form):
            return value
        form = find_form(str(value))
        if form is None:
            self.fail(_no_such_form(str(value)), param, ctx)
        if not form.renderable:
            self.fail(f"表单“{form.id}”（{form.short_title}）尚未提供模板", param, ctx)
        return form


@cli.command(**COMMAND)
@click.argument("path", type=click.Path(exists=True, path_type=Path), metavar="文件或目录")
@click.option("--form", "form", type=FormParam(), required=True, help="表单编号或中文名称（见 docgen forms）。")
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx", "pdf", "all"]), default="all", show_default=True,
              help="输出格式；all 为 Word 和 Excel，已安装 PDF 组件（pip install \"docgen[pdf]\"）时还有 PDF。")
@click.option("--as-of", "as_of", type=DateParam(), default=None, help="使用截止日期不晚于该日的最近一次监控数据。")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="输出目录。")
@profile_option
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def render(path: Path, form: Form, fmt: str, as_of: date | None, outdir: Path, profile_name: str | None) -> None:
    """把项目数据填入一张表单，生成 Word（.docx）、Excel（.xlsx）和/或 PDF 文件。

    给出一个项目文件时生成该项目的表单，文件名为“项目名称-表名.docx”；给出目录时处理其中每个项目。
    汇总类表单（表4 汇总表、覆盖情况表）需要给出目录，按全部项目生成，表4 另按主管部门各生成一份。
    项目缺少该表所需的数据（如没有监控记录）时跳过并说明原因。
    """
    from .output import (
        available_formats,
        form_formats,
        missing_aggregate_data,
        missing_data,
        render_aggregates,
        render_project_form,
    )
    from .pipeline import project_files, run_file
    from .render.pdf import require_pdf

    if fmt == "all":
        _tell_if_no_pdf()
    formats = form_formats(form, available_formats() if fmt == "all" else (fmt,))
    if not formats:
        raise click.BadParameter(f"“{form.id}”是报告，只有 Word（docx）和 PDF 格式", param_hint="--format")
    if "pdf" in formats:
        require_pdf()  # no WeasyPrint or no Chinese font: say what to install before writing anything
        if not form.tabular:
            _echo_faces_note()
    outcomes = [run_file(p, d, as_of=as_of, profile_name=profile_name) for p, d in project_files([path])]
    failed = 0
    for outcome in outcomes:
        _echo_diagnostics(outcome, err=True)
        if not outcome.ok:
            failed += 1
            click.echo(f"{outcome.file}: 数据有错误，未生成表单。", err=True)
    results = [o.result for o in outcomes if o.ok and o.result is not None]
    _check_templates_first(form, formats, results)
    if form.aggregate:
        if not results:
            click.echo("没有可用的项目数据，未生成汇总表。", err=True)
            sys.exit(1)
        reason = missing_aggregate_data(form, results)
        if reason:
            click.echo(shown(f"{path}: 提示：跳过“{form.short_title}”：{reason}。"), err=True)
            sys.exit(1 if failed else 0)
        for one in formats:
            failed += _rendered(lambda f=one: render_aggregates(results, form, (f,), outdir), form, one, str(path))
    else:
        for outcome in outcomes:
            if not outcome.ok or outcome.result is None:
                continue
            reason = missing_data(form, outcome.result)
            if reason:
                click.echo(f"{outcome.file}: 提示：跳过“{form.short_title}”：{reason}。", err=True)
                continue
            result = outcome.result
            for one in formats:
                failed += _rendered(lambda f=one, r=result: render_project_form(r, form, (f,), outdir),  # type: ignore[misc]
                                    form, one, outcome.file)
    sys.exit(1 if failed else 0)


def _rendered(write: Callable[[], list[Path]], form: Form, fmt: str, display: str) -> int:
    """Write one format; a broken template or a file that cannot be written is told (1), never a traceback."""
    from .builder.faults import os_problem
    from .render.faults import render_fault

    try:
        written = write()
    except OSError as exc:
        click.echo(shown(f"{exc.filename or display}: {os_problem(exc)}"), err=True)
        return 1
    except Exception as exc:  # SecurityError, UndefinedError, a template that does not parse …
        click.echo(shown(f"{display}: {render_fault(exc, form, fmt)}"), err=True)
        return 1
    for path in written:
        click.echo(shown(f"已生成 {path}"))
    return 0


def _check_templates_first(form: Form, formats: tuple[str, ...], results: list[Any]) -> None:
    """A broken template is told, located, before anything is written (as by templates check), never a traceback."""
    from .output import missing_data
    from .templatecheck import check_before_render

    if form.aggregate:
        contexts = [form.build(results, "")] if results else []
    else:
        contexts = [form.build(r) for r in results if missing_data(form, r) is None]
    try:
        check_before_render(form, ("docx", *(f for f in formats if f != "docx")), contexts)  # the DOCX is the source
    except DocgenError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


@cli.command(**COMMAND)
@click.option("--ids", is_flag=True, help="只列出已提供模板、可以生成的表单编号（每行一个，供脚本使用）。")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def forms(ids: bool) -> None:
    """列出全部表单（编号与名称；编号和中文名称均可用于 --form）。"""
    from rich.table import Table

    if ids:
        for f in FORMS:
            if f.renderable and f.tabular:
                click.echo(f.id)
        return
    t = Table(show_header=True)
    t.add_column("编号")
    t.add_column("名称")
    t.add_column("范围")
    t.add_column("来源")
    t.add_column("可生成")
    for f in FORMS:
        formats = ("Word、Excel、PDF" if f.tabular else "Word、PDF") if f.renderable else "尚未提供"
        t.add_row(f.id, f.title, f.scope, f.sources, formats)
    _console().print(t)
    click.echo("PDF 需要可选的 PDF 组件（命令一 scripts/samples.sh 会安装）；没有时只生成 Word 和 Excel。")


class FormsParam(click.ParamType):
    """One or more forms: ``--forms monitor --forms target`` or ``--forms monitor,target``."""

    name = "表单"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> list[Form]:
        if isinstance(value, list):
            return value
        forms = []
        for part in str(value).replace("，", ",").split(","):
            if part.strip():
                forms.append(FormParam().convert(part.strip(), param, ctx))
        return forms


@cli.command(**COMMAND)
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="目录")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录（必填；其中 .docgen/manifest.sqlite 记录每份文件由哪些输入生成）。")
@click.option("--jobs", "-j", type=int, default=None, metavar="N", help="同时生成的进程数（默认为 CPU 核数）。")
@click.option("--force", is_flag=True, help="全部重新生成，不论是否已是最新。")
@click.option("--forms", "forms", type=FormsParam(), multiple=True,
              help="只生成这些表单（编号或中文名称，可重复或用逗号分隔；默认全部表单和汇总表）。")
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx", "pdf", "all"]), multiple=True,
              help="输出格式，可重复（如 --format docx --format xlsx）；"
                   "默认 all：Word、Excel，装有 PDF 组件时也生成 PDF。")
@click.option("--as-of", "as_of", type=DateParam(), default=None, help="使用截止日期不晚于该日的最近一次监控数据。")
@profile_option
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def build(source: Path, outdir: Path | None, jobs: int | None, force: bool, forms: tuple[list[Form], ...],
          fmt: tuple[str, ...], as_of: date | None, profile_name: str | None) -> None:
    """批量生成：目录中每个项目的每张适用表单和报告，以及汇总表（表4 按主管部门及全部项目、监控覆盖情况表）。

    报告（监控报告、跟踪结果报告、自评报告）只有 Word 和 PDF 格式。

    只重新生成有变化的文件（数据、模板、配置、docgen 版本变化，或文件缺失、被改动），
    删除已删除项目的文件，并在“输出目录/changes.md”中列出填写的数值有哪些变化。
    开始前先检查模板；模板有错误时不生成。某个项目有错误时其余项目照常生成，退出码为 1。
    """
    from .builder import BuildOptions
    from .builder import build as run_build
    from .builder.report import print_report
    from .output import ALL_FORMATS, available_formats

    if outdir is None:
        raise click.UsageError("请用 -o 指定输出目录，例如 docgen build 项目目录 -o 输出目录")
    if jobs is not None and jobs < 1:
        raise click.BadParameter("进程数至少为 1", param_hint="--jobs")
    from .builder.run import job_count

    if jobs is not None and job_count(jobs) < jobs:
        click.echo(f"提示：--jobs {jobs} 超过本机可用的上限，按 {job_count(jobs)} 个进程生成。", err=True)
        jobs = job_count(jobs)
    chosen = [f for group in forms for f in group] or None
    if not fmt or "all" in fmt:
        _tell_if_no_pdf()
    # all = Word and Excel, and PDF when the PDF extra (WeasyPrint) is installed
    formats = available_formats() if not fmt or "all" in fmt else tuple(f for f in ALL_FORMATS if f in fmt)
    options = BuildOptions(source, outdir, jobs, force, chosen, formats, profile_name=profile_name, as_of=as_of)
    console = _console()
    try:
        with _ProgressBar(console) as progress:
            result = run_build(options, progress)
    except DocgenError as exc:  # a broken template, an empty source folder …: nothing was written
        click.echo(str(exc), err=True)
        sys.exit(1)
    print_report(console, result, outdir)
    if "pdf" in formats and any(not f.tabular for f in (chosen or FORMS)):
        _echo_faces_note()
    sys.exit(0 if result.ok else 1)


def _echo_faces_note() -> None:
    """One line when the reports' 仿宋/楷体 faces are missing (their PDFs then use a 宋体 face)."""
    from .render.report_pdf import missing_faces_note

    note = missing_faces_note()
    if note:
        click.echo(note, err=True)


def _tell_if_no_pdf() -> None:
    """``--format all`` makes PDFs only where they can be made: say so, once, with what to install."""
    from .render.pdf import pdf_unavailable_reason

    reason = pdf_unavailable_reason()
    if reason:
        click.echo(f"提示：本机不能生成 PDF，只生成 Word 和 Excel。{reason}", err=True)


class _ProgressBar:
    """A rich progress bar on a terminal (nothing in a pipe or a file); started once the jobs are known."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[[int], Callable[[], None]]:
        def start(total: int) -> Callable[[], None]:
            if not self.console.is_terminal:
                return lambda: None
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn("生成中"), BarColumn(), MofNCompleteColumn(), TextColumn("已用"),
                                TimeElapsedColumn(), TextColumn("预计还需"), TimeRemainingColumn(),
                                console=self.console, transient=True)
            self.bar.start()
            task = self.bar.add_task("", total=total)
            return lambda: self.bar.advance(task) if self.bar else None

        return start

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@cli.command(**COMMAND)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="文件或目录…")
@click.option("--draft", "draft_all", is_flag=True,
              help="给出目录时，为其中每个项目起草意见（写到旁注文件），再生成审核台账。")
@click.option("--import", "import_from", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              metavar="审核台账.xlsx", help="把在审核台账中修改的意见写回各项目的旁注文件。")
@click.option("--side-file", is_flag=True, help="把反馈写到旁注文件“<文件名>.反馈.yaml”，不改动项目文件。")
@click.option("--force", is_flag=True, help="重新起草全部意见，覆盖审核人已修改的内容。")
@click.option("--as-of", "as_of", type=DateParam(), default=None, help="使用截止日期不晚于该日的最近一次监控数据。")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="审核台账的输出文件（只用于目录；默认为当前目录下的 审核台账.xlsx）。")
@profile_option
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def review(paths: tuple[Path, ...], draft_all: bool, import_from: Path | None, side_file: bool, force: bool,
           as_of: date | None, output: Path | None, profile_name: str | None) -> None:
    """起草绩效跟踪综合意见反馈表（表3）的审核意见；给出目录时生成审核台账。

    给出项目文件（可以几个）时，按数据起草“反馈”（预算执行进度、项目管理、调整预算、绩效目标四项意见及整改要求），
    写回项目文件（保留原有注释和顺序）或旁注文件；审核人修改过的意见不会被再次起草覆盖（除非 --force），
    新发现的问题以“【新增】”追加。给出目录时，列出全部项目并按紧急程度排序，写出审核台账（Excel）；
    加 --draft 时先为目录中每个项目起草意见（写到旁注文件）。审核人可以直接在台账中修改意见，
    再用 --import 台账文件 写回旁注文件。
    """
    from .review.command import run

    run(paths, side_file=side_file, force=force, as_of=as_of, profile_name=profile_name, output=output,
        console=_console(), draft_all=draft_all, import_from=import_from)


@cli.group(**COMMAND, subcommand_metavar="命令 [参数]…")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def templates() -> None:
    """模板相关的命令。"""


@templates.command("check", **COMMAND)
@click.option("--samples", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="用来核对变量的示例项目目录（默认为 samples/）。")
@click.option("--forms", "forms", type=FormsParam(), multiple=True, help="只检查这些表单的模板。")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def templates_check(samples: Path | None, forms: tuple[list[Form], ...]) -> None:
    """检查全部 Word / Excel 模板：能否解析，用到哪些变量，数据中是否都有。

    每个模板列出它用到的变量（如 资金.合计.执行率、指标[].三级指标，[] 表示逐行重复的列表）；
    数据中没有的变量逐条列出：模板文件、位置（Word：表格/行/格；Excel：工作表!单元格）、标签和最接近的字段名。
    有任何问题时退出码为 1。
    """
    from .output import ALL_FORMATS
    from .templatecheck import SAMPLES, check_templates

    chosen = [f for group in forms for f in group] or [f for f in FORMS if f.renderable]
    reports = check_templates(chosen, ALL_FORMATS, samples or SAMPLES)
    problems = 0
    for report in reports:
        names = "、".join(report.variables)
        click.echo(f"{report.file}（{report.form.id}）：{len(report.variables)} 个变量：{names}")
        for note in report.notes:
            click.echo(f"  {note}")
        for problem in report.problems:
            click.echo(f"  {problem}")
        problems += len(report.problems)
    status = "全部通过" if problems == 0 else f"{problems} 个问题"
    click.echo(f"共检查 {len(reports)} 个模板：{status}。")
    sys.exit(1 if problems else 0)


def _register_intake() -> None:
    from .intake.command import intake

    cli.add_command(intake)


def _register_web() -> None:
    from .web.command import serve, user  # the desk's own imports wait until it is started

    cli.add_command(serve)
    cli.add_command(user)


_register_intake()
_register_web()


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM ends docgen as Ctrl-C does: workers stopped, temporary files removed, exit 130."""
    raise KeyboardInterrupt


def main() -> None:
    """Console entry point: never a traceback for the user (set DOCGEN_DEBUG=1 to see one)."""
    import signal

    signal.signal(signal.SIGTERM, _terminated)
    try:
        cli.main(prog_name="docgen", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:  # Ctrl-C (click turns KeyboardInterrupt into Abort)
        click.echo("已中止。", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except DocgenError as exc:
        click.echo(str(exc), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("已中断。", err=True)
        sys.exit(130)
    except MemoryError:
        click.echo("内存不足，docgen 已停止：输入文件或模板生成的内容过大；请精简数据、关闭其他程序后重试。", err=True)
        sys.exit(1)
    except OSError as exc:  # a file or folder that cannot be read or written
        from .builder.faults import os_problem

        click.echo(shown(f"{exc.filename or ''}: {os_problem(exc)}").lstrip(": "), err=True)
        sys.exit(1)
    except Exception as exc:  # a bug in docgen: say so plainly
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        click.echo(shown(f"docgen 未能完成：{type(exc).__name__}: {exc}。请检查输入文件；"
                         "仍有问题时请把输入文件和此信息发给维护人员"), err=True)
        sys.exit(1)
