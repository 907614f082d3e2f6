"""The desk printed as a rich table (Chinese headers)."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from ..present import DASH
from .desk import SEVERITY, DeskRow
from .desk_feedback import STATES

STYLE = {0: "bold red", 1: "red", 2: "magenta", 3: "magenta"}


def _count(value: int | None) -> str:
    return DASH if value is None else str(value)


def print_counts(console: Console, rows: list[DeskRow]) -> None:
    """How many projects in each category, most urgent first (before the long table)."""
    counts = Counter(r.severity for r in rows)
    parts = [f"{name} {counts[name]} 个" for name in SEVERITY if counts[name]]
    console.print(f"共 {len(rows)} 个项目：" + "；".join(parts))
    states = Counter(r.status for r in rows if r.status)
    if states:
        console.print("反馈意见：" + "；".join(f"{s} {states[s]} 个" for s in STATES if states[s]))


def print_desk(console: Console, rows: list[DeskRow]) -> None:
    print_counts(console, rows)
    t = Table(title=f"审核台账（共 {len(rows)} 个项目，按紧急程度排序）", title_justify="left")
    for name in ("序号", "严重程度", "项目名称", "主管部门", "主要数据", "红灯", "蓝灯", "拟处理方式", "文件／说明"):
        t.add_column(name, overflow="fold")
    for i, r in enumerate(rows, start=1):
        where = f"{r.file}\n{r.note}" if r.note else r.file
        t.add_row(str(i), r.severity, r.name or DASH, r.department or DASH, r.figure, _count(r.red),
                  _count(r.blue), r.treatment, where, style=STYLE.get(r.rank))
    console.print(t)
