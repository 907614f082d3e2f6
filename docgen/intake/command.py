"""``docgen intake new`` and ``docgen intake import`` (registered in :mod:`docgen.cli`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import Diagnostics, InputError, Level
from ..profilenames import builtin_profiles

if TYPE_CHECKING:
    from ..profile import Profile

# pydantic models and openpyxl load when a subcommand runs, not when `docgen --help` lists it
WORKBOOK_SUFFIXES = (".xlsx",)
PROJECT_SUFFIXES = (".yaml", ".yml")

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
COMMAND = {"context_settings": CONTEXT, "options_metavar": "[选项]"}


def _fail(error: InputError) -> None:
    from ..pipeline import sort_diagnostics

    for d in sort_diagnostics(list(error.diagnostics)) or []:
        click.echo(str(d), err=True)
    if not error.diagnostics:
        click.echo(str(error), err=True)
    sys.exit(1)


@click.group("intake", **COMMAND, subcommand_metavar="命令 [参数]…")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def intake() -> None:
    """Excel 填报工作簿：生成带下拉列表的工作簿（new），把填好的工作簿转成项目数据文件（import）。

    填好的工作簿也可以直接交给 check、compute、render、build 使用。
    """


@intake.command("new", **COMMAND)
@click.option("--from", "source", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              metavar="文件", help="用已有的项目数据文件（.yaml 或填好的 .xlsx）预先填好工作簿。")
@click.option("-p", "--profile", "profile_name", type=click.Choice(builtin_profiles()), default=None,
              help="配置方案（决定事前评估各维度满分、说明中的自评权重）；"
                   "默认按 --from 文件（没有时按目标文件）所在目录的 docgen.yaml。")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              metavar="文件.xlsx", help="要生成的工作簿。")
@click.option("--force", is_flag=True, help="目标文件已存在时覆盖。")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def new(source: Path | None, profile_name: str | None, output: Path, force: bool) -> None:
    """生成项目数据填报工作簿（Excel）：中文表头、填写说明、下拉列表，表头受保护（无密码）。"""
    if output.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise click.BadParameter("工作簿文件名应以 .xlsx 结尾", param_hint="-o")
    if output.exists() and not force:
        click.echo(f"{output}: 文件已存在，未覆盖（其中可能有已填写的内容）；确需覆盖请加 --force。", err=True)
        sys.exit(2)  # a usage error, as the README says
    from ..project import load_project
    from ..render.package import write_atomic

    project = None
    try:
        if source is not None:
            loaded = load_project(source, str(source))
            project = loaded.project
            for d in loaded.diagnostics:
                click.echo(str(d), err=True)
        profile = _profile(profile_name, source or output)
    except InputError as exc:
        _fail(exc)
    from .writer import build_workbook  # openpyxl: loaded only when a workbook is written

    write_atomic(output, build_workbook(project, profile))
    what = f"已按 {source} 预先填写" if source is not None else "空白工作簿"
    click.echo(f"已生成 {output}（{what}；配置方案：{profile.name}）")


def _profile(name: str | None, near: Path) -> Profile:
    from ..profile import build_profile, profile_for

    return build_profile(name) if name else profile_for(near)


def _overwrites_own(path: Path) -> bool:
    """A file written by an earlier import (its first line is our header) may be replaced."""
    from .yamlout import HEADER

    try:
        with path.open("r", encoding="utf-8") as fh:
            return fh.readline().startswith(HEADER[:HEADER.index("Excel")])
    except (OSError, UnicodeDecodeError):
        return False


@intake.command("import", **COMMAND)
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="工作簿.xlsx")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="文件.yaml", help="要生成的项目数据文件（默认与工作簿同名的 .yaml）。")
@click.option("--force", is_flag=True, help="覆盖不是由 intake import 生成的同名文件。")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def import_(workbook: Path, output: Path | None, force: bool) -> None:
    """把填好的工作簿转成项目数据文件（YAML）。

    先按与 YAML 文件相同的规则校验；每个问题标明位置，如 工作簿.xlsx!绩效指标!D7: 指标值: 说明。
    有错误时不生成文件，退出码为 1。
    """
    from ..pipeline import sort_diagnostics
    from ..profile import profile_for
    from ..project import load_project, validate
    from ..render.package import write_atomic
    from ..rules.plausibility import plausibility
    from ..yamlfile import parse
    from .yamlout import dump_project

    if workbook.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise click.BadParameter("应为 docgen intake new 生成的 .xlsx 工作簿", param_hint="工作簿.xlsx")
    output = output or workbook.with_suffix(".yaml")
    if output.suffix.lower() not in PROJECT_SUFFIXES:
        raise click.BadParameter("项目数据文件名应以 .yaml 或 .yml 结尾", param_hint="-o")
    if output.exists() and not force and not _overwrites_own(output):
        click.echo(f"{output}: 文件已存在且不是由 intake import 生成的，未覆盖；确需覆盖请加 --force。", err=True)
        sys.exit(2)
    try:
        loaded = load_project(workbook, str(workbook))
        plausible = Diagnostics()
        plausibility(loaded.project, profile_for(workbook), plausible)  # 元 for 万元, 0.15 for 15%: warnings
        loaded.diagnostics = sort_diagnostics([*loaded.diagnostics, *loaded.locate(plausible)])
    except InputError as exc:
        _fail(exc)
    for d in loaded.diagnostics:
        click.echo(str(d), err=True)
    text = dump_project(loaded.project, workbook.name)
    again = validate(parse(text, str(output))).project  # what a later command will read from the file
    if again.model_dump() != loaded.project.model_dump():
        raise RuntimeError("生成的项目数据文件与工作簿内容不一致")
    write_atomic(output, text.encode("utf-8"))
    warnings = sum(1 for d in loaded.diagnostics if d.level is Level.WARNING)
    tail = f"；警告 {warnings} 条" if warnings else ""
    click.echo(f"已生成 {output}（项目：{loaded.project.name}{tail}）")
