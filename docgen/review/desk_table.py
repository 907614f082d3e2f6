"""The desk printed as a rich table (Chinese headers)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..present import DASH
from .desk import DeskRow

STYLE = {0: "bold red", 1: "red", 2: "magenta", 3: "magenta"}


def _count(value: int | None) -> str:
    return DASH if value is None else str(value)


def print_desk(console: Console, rows: list[DeskRow]) -> None:
    t = Table(title=f"审核台账（共 {len(rows)} 个项目，按紧急程度排序）", title_justify="left")
    for name in ("序号", "严重程度", "项目名称", "主管部门", "主要数据", "红灯", "蓝灯", "拟处理方式", "文件／说明"):
        t.add_column(name, overflow="fold")
    for i, r in enumerate(rows, start=1):
        where = f"{r.file}\n{r.note}" if r.note else r.file
        t.add_row(str(i), r.severity, r.name or DASH, r.department or DASH, r.figure, _count(r.red),
                  _count(r.blue), r.treatment, where, style=STYLE.get(r.rank))
    console.print(t)
