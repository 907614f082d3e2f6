"""The body of ``docgen review``: draft one project's 表3 opinions, or triage a whole folder."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..errors import InputError, Level
from ..pipeline import IGNORE_MARKER, Outcome, skipped_dirs, skipped_files
from ..project import validate
from ..render.package import write_atomic
from ..yamlfile import parse, read
from .apply import apply_review
from .draft import draft
from .merge import FIELDS, Decision, FieldKey
from .roundtrip import RewriteError, rewrite, section_span
from .sidefile import YAML_SUFFIXES, merge, run_reviewed, side_file_for

DESK_NAME = "审核台账.xlsx"


def _echo_errors(outcome: Outcome) -> None:
    for d in outcome.diagnostics:
        if d.level is Level.ERROR:
            click.echo(str(d), err=True)


def side_seed(project_text: str, name: str, project_file: str) -> str:
    """A new side file: a header, and the project file's own 反馈 when it has one."""
    head = f"# {name} 的审核意见（docgen review 起草；审核人修改后签发）\n# 项目文件：{project_file}\n"
    span = section_span(project_text) if "反馈" in project_text else None  # parsing a long file takes a while
    if span is None:
        return head
    lines = project_text.replace("\r\n", "\n").split("\n")
    return head + "\n".join(lines[span[0]:span[1]]) + "\n"


_side_seed = side_seed  # the name an earlier web desk imported


def _label(key: FieldKey) -> str:
    return key[-1]


def _show(console: Console, target: Path, decisions: dict[FieldKey, Decision]) -> None:
    t = Table(title=f"反馈（{target}）", title_justify="left", show_lines=True)
    t.add_column("栏目", no_wrap=True)
    t.add_column("处理", no_wrap=True)
    t.add_column("内容", overflow="fold")
    for key in FIELDS:
        d = decisions[key]
        value = "\n".join(d.value) if isinstance(d.value, list) else (d.value or "—")
        t.add_row(_label(key), d.status or "—", value)
    console.print(t)


def review_file(path: Path, *, side_file: bool, force: bool, as_of: date | None, profile_name: str | None,
                console: Console, today: date | None = None, batch: bool = False) -> int:
    """Draft ``反馈`` for one project file; returns the exit code. In a batch, one line per file."""
    if path.suffix.lower() not in YAML_SUFFIXES:
        raise click.UsageError(f"{path}：只能为 YAML 项目文件（.yaml/.yml）起草反馈意见；"
                               "Excel 填报表请先用 docgen intake import 转为 YAML")
    display = str(path)
    side = side_file_for(path)
    use_side = side_file or side.is_file()
    outcome = run_reviewed(path, display, as_of=as_of, profile_name=profile_name)
    if not outcome.ok or outcome.result is None:
        _echo_errors(outcome)
        click.echo(f"{display}: 数据有错误，未起草反馈意见。", err=True)
        return 1
    warnings = sum(1 for d in outcome.diagnostics if d.level is Level.WARNING)
    d = draft(outcome.result)
    target = side if use_side else path
    try:
        text = target.read_bytes().decode("utf-8") if target.is_file() else ""
        if use_side and not text.strip():
            text = side_seed(path.read_bytes().decode("utf-8"), outcome.result.project.name, path.name)
        decisions: dict[FieldKey, Decision] = {}
        new_text = rewrite(text, lambda block: decisions.update(
            apply_review(block, d, force, today or date.today())))
    except (RewriteError, UnicodeDecodeError, OSError) as exc:
        click.echo(f"{target}: 无法写入反馈：{exc}", err=True)
        return 1
    shown = str(side) if use_side else display
    try:  # never write a file docgen itself could not read back
        if use_side:
            merged, _ = merge(read(path, display), parse(new_text, shown))
            validate(merged)
        else:
            validate(parse(new_text, display))
    except InputError as exc:
        click.echo(str(exc), err=True)
        click.echo(f"{shown}: 起草结果未通过校验，未写入（请把文件发给维护人员）。", err=True)
        return 1
    if not batch:
        _show(console, target, decisions)
    if new_text == text and target.is_file():
        click.echo(f"{shown}: 反馈没有变化，文件未改写。")
    else:
        try:
            # through a link: the file it points to is rewritten, the link stays a link
            write_atomic(target.resolve() if target.is_symlink() else target, new_text.encode("utf-8"))
        except OSError as exc:
            click.echo(f"{shown}: 无法写入：{exc.strerror or exc}", err=True)
            return 1
        click.echo(f"已写入 {shown}（反馈）")
    if batch:
        return 0
    if use_side and not side_file:
        click.echo(f"提示：已有旁注文件 {side.name}，意见写在旁注文件中。")
    if warnings:
        click.echo(f"提示：数据另有 {warnings} 条警告，可用 docgen check {display} 查看。")
    click.echo("请审核、修改意见后用 docgen render 文件 --form feedback 生成表3。")
    return 0


def review_dir(path: Path, *, output: Path | None, as_of: date | None, profile_name: str | None,
               console: Console) -> int:
    """The triage desk of every project under ``path``; returns the exit code."""
    from .desk_load import desk_rows
    from .desk_table import print_desk
    from .desk_xlsx import desk_xlsx

    rows = desk_rows(path, as_of=as_of, profile_name=profile_name)
    target = output or Path.cwd() / DESK_NAME
    if not rows:
        click.echo(f"{path}: 没有找到项目数据文件（.yaml / .yml / 填报工作簿 .xlsx）。", err=True)
        return 1
    print_desk(console, rows)
    try:
        write_atomic(target, desk_xlsx(rows, target.parent))
    except OSError as exc:
        click.echo(f"{target}: 无法写入审核台账：{exc.strerror or exc}", err=True)
        return 1
    for folder in skipped_dirs(path):
        click.echo(f"{folder}: 提示：含 {IGNORE_MARKER}，其中的文件未列入台账（单独指定该目录即可审核）")
    for file in skipped_files(path):
        click.echo(f"{file}: 提示：旧版 Excel 格式（.xls），未列入台账；如是项目数据，请用 Excel/WPS 另存为 .xlsx")
    bad = sum(1 for r in rows if r.invalid)
    click.echo(f"共 {len(rows)} 个项目；已写入审核台账 {target}" + (f"；{bad} 个文件有错误" if bad else "") + "。")
    return 1 if bad else 0


def draft_dir(path: Path, *, force: bool, as_of: date | None, profile_name: str | None, console: Console) -> int:
    """``docgen review 目录 --draft``: draft every YAML project's 表3 opinions into its side file."""
    from .desk_load import desk_files

    failed = 0
    for project, _ in desk_files(path):
        if project.suffix.lower() not in YAML_SUFFIXES:
            click.echo(f"{project}: 提示：填报工作簿不起草反馈意见（可先用 docgen intake import 转为 YAML）")
            continue
        failed += review_file(project, side_file=True, force=force, as_of=as_of, profile_name=profile_name,
                              console=console, batch=True)
    return failed


def import_desk_file(desk: Path) -> int:
    from .desk_import import import_desk

    try:
        report = import_desk(desk)
    except InputError as exc:
        click.echo(str(exc), err=True)
        return 1
    for problem in report.problems:
        click.echo(problem, err=True)
    for written in report.written:
        click.echo(f"已写入 {written}（反馈）")
    click.echo(f"已从 {desk} 导入：{len(report.written)} 个文件有修改，{report.unchanged} 个没有变化"
               + (f"，{len(report.problems)} 个问题" if report.problems else "") + "。")
    return 1 if report.problems else 0


def run(paths: tuple[Path, ...], *, side_file: bool, force: bool, as_of: date | None, profile_name: str | None,
        output: Path | None, console: Console, draft_all: bool = False, import_from: Path | None = None) -> None:
    if import_from is not None:
        if paths or draft_all or side_file or force:
            raise click.UsageError("--import 只能单独使用：docgen review --import 审核台账.xlsx")
        sys.exit(import_desk_file(import_from))
    if not paths:
        raise click.UsageError("请给出项目文件或目录（或用 --import 审核台账.xlsx 导入台账中修改的意见）")
    folders = [p for p in paths if p.is_dir()]
    if folders and (len(paths) > 1 and not draft_all):
        raise click.UsageError("一次只能为一个目录生成审核台账；要为几个目录起草意见请加 --draft")
    if output is not None and not folders:
        raise click.UsageError("-o 只用于目录（审核台账的输出文件）；单个项目的反馈写回项目文件或旁注文件")
    if folders and not draft_all:
        if side_file or force:
            raise click.UsageError("--side-file 和 --force 只用于起草意见（项目文件，或目录加 --draft）")
        sys.exit(review_dir(paths[0], output=output, as_of=as_of, profile_name=profile_name, console=console))
    failed = 0
    batch = len(paths) > 1 or bool(folders)
    for path in paths:
        if path.is_dir():
            failed += draft_dir(path, force=force, as_of=as_of, profile_name=profile_name, console=console)
        else:
            failed += review_file(path, side_file=side_file, force=force, as_of=as_of, profile_name=profile_name,
                                  console=console, batch=batch)
    if folders and len(folders) == 1:  # the desk, now showing the drafts
        code = review_dir(folders[0], output=output, as_of=as_of, profile_name=profile_name, console=console)
        failed += code
    if batch:
        click.echo("请审核、修改意见（可在审核台账中修改后用 docgen review --import 导入），"
                   "再用 docgen render 或 docgen build 生成表3。")
    sys.exit(1 if failed else 0)
