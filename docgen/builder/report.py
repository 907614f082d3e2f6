"""What a build tells its user: the summary table, the failures, and what changed (``OUT/changes.md``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..errors import shown
from ..forms import FORMS, find_form
from .durable import write_lines_atomic
from .plan import CHANGES, REASONS
from .result import BuildResult, Built

SHOWN = 30  # value changes printed; the rest are in changes.md


def form_label(form_id: str) -> str:
    """How a reviewer names a form: ``附件1``, ``表4``, else its short title."""
    form = find_form(form_id)
    if form is None:
        return form_id
    inside = form.title.split("（", 1)[1].rstrip("）") if "（" in form.title else ""
    return inside.split("，")[0] or form.short_title


def _order(key: tuple[str, str]) -> tuple[str, int]:
    ids = [f.id for f in FORMS]
    return key[0], ids.index(key[1]) if key[1] in ids else len(ids)


def change_lines(result: BuildResult) -> list[str]:
    """``项目A 附件1 资金.合计.执行率 34.00% → 36.50%``, by project and form."""
    lines = []
    for key in sorted(result.changes, key=_order):
        name = result.labels.get(key[0], key[0])
        for fieldname, old, new in result.changes[key]:
            lines.append(f"{name} {form_label(key[1])} {fieldname} {old} → {new}")
    return lines


def _by_reason(built: Mapping[str, str]) -> str:
    counts = built.counts if isinstance(built, Built) else Counter(built.values())
    return "，".join(f"{r} {counts[r]}" for r in REASONS if counts[r])


def _skip_reasons(result: BuildResult) -> str:
    counts = Counter(reason.split("（")[0].removeprefix("项目文件中") for _, _, reason in result.skipped)
    return "；".join(f"{reason} {n}" for reason, n in sorted(counts.items()))


def summary_table(result: BuildResult) -> Table:
    table = Table(title=f"docgen build：{result.sources} 个项目文件", title_justify="left")
    table.add_column("结果")
    table.add_column("数量", justify="right")
    table.add_column("说明", overflow="fold")
    table.add_row("已生成", str(len(result.built)), _by_reason(result.built))
    table.add_row("已是最新", str(result.fresh), f"其中 {result.moved} 份按新的文件夹结构移动（未重新生成）"
                  if result.moved else "")
    table.add_row("已跳过（表）", str(len(result.skipped)), _skip_reasons(result))
    table.add_row("失败", str(len(result.failed)), "见下方" if result.failures else "")
    table.add_row("已删除", str(len(result.deleted)), "项目已删除或不再生成这些表" if result.deleted else "")
    return table


def print_report(console: Console, result: BuildResult, out: Path) -> None:
    if result.cleaned:
        console.print(f"已清理上次中断留下的 {result.cleaned} 个临时文件。")
    console.print(summary_table(result))
    for note in result.notes:
        console.print(shown(f"提示：{note}"), markup=False)
    for message in result.failures:
        console.print(shown(f"失败：{message}"), markup=False)
    if result.warnings:
        console.print(f"数据警告 {len(result.warnings)} 条（本次生成的项目；不影响生成，docgen check 可查看全部）：")
        for message in result.warnings[:SHOWN]:
            console.print(shown(f"  {message}"), markup=False)
    for path in sorted(result.deleted):
        console.print(shown(f"已删除 {path}"), markup=False)
    lines = change_lines(result)
    if lines:
        console.print(f"数值变化 {len(lines)} 处：")
        for line in lines[:SHOWN]:
            console.print(shown(f"  {line}"), markup=False)
        if len(lines) > SHOWN:
            console.print(f"  ……其余 {len(lines) - SHOWN} 处见 {out / CHANGES}", markup=False)
    elif result.built:
        first = f"首次生成 {result.first} 张表，没有可比较的旧值。"
        console.print(first if result.first else "已填写的数值没有变化。")
    if result.built or result.deleted:
        if CHANGES not in result.failed:  # else its failure is told above
            console.print(f"变化报告：{out / CHANGES}", markup=False)
    else:
        console.print("没有需要重新生成的文件；变化报告保持上次的内容。")


def changes_markdown(result: BuildResult) -> str:
    """The reviewer's record of this build (deterministic: no times, sorted)."""
    return "".join(changes_lines(result))


def changes_lines(result: BuildResult) -> Iterator[str]:
    """changes.md a line at a time (a province's list of rebuilt files is never held whole)."""
    out = ["# docgen build 变化报告", "", "## 概况", ""]
    out.append(f"- 已生成 {len(result.built)} 份文件" + (f"（{_by_reason(result.built)}）" if result.built else ""))
    out.append(f"- 已是最新 {result.fresh} 份")
    out.append(f"- 已跳过 {len(result.skipped)} 张表" + (f"（{_skip_reasons(result)}）" if result.skipped else ""))
    out.append(f"- 失败 {len(result.failed)} 项")
    out.append(f"- 已删除 {len(result.deleted)} 份文件")
    lines = change_lines(result)
    out += ["", f"## 数值变化（{len(lines)} 处）", ""]
    out += [f"- {line}" for line in lines] or ["没有数值变化。"]
    if result.first:
        out += ["", f"首次生成的 {result.first} 张表没有可比较的旧值，未列出。"]
    if result.failures:
        out += ["", "## 失败", ""] + [f"- {m}" for m in result.failures]
    if result.notes:
        out += ["", "## 提示", ""] + [f"- {m}" for m in result.notes]
    if result.deleted:
        out += ["", "## 已删除的文件", ""] + [f"- {p}" for p in sorted(result.deleted)]
    out += ["", "## 重新生成的文件"]
    yield from (f"{line}\n" for line in out)
    if isinstance(result.built, Built):  # already in report order
        pairs: Iterable[tuple[str, str]] = result.built.items()
    else:
        pairs = sorted(((p, r) for p, r in result.built.items()), key=lambda pr: (REASONS.index(pr[1]), pr[0]))
    current = None
    for path, reason in pairs:
        if reason != current:
            yield "\n"
            yield f"### {reason}（{_count(result.built, reason)}）\n\n"
            current = reason
        yield f"- {path}\n"


def _count(built: Mapping[str, str], reason: str) -> int:
    return built.counts[reason] if isinstance(built, Built) else sum(r == reason for r in built.values())


def write_changes(result: BuildResult, out: Path) -> Path | None:
    """Write OUT/changes.md when the build changed something (a no-op build keeps the last report)."""
    if not (result.built or result.deleted):
        return None
    path = out / CHANGES
    write_lines_atomic(path, changes_lines(result))
    return path
