"""Pieces shared by several forms: the header block and indicators grouped by 一级/二级."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from ..model import LEVEL1, LEVEL2_OF, Indicator, Project
from ..present import Grouped, cn_date, trimmed
from ..rules.indicators import IndicatorProgress
from ..values import Quantity

T = TypeVar("T")
CHECK = "√"

_LEVEL2_ORDER = [name for level1 in LEVEL1 for name in LEVEL2_OF[level1]]


def indicator_order(ind: Indicator) -> tuple[int, int]:
    """The official order: 产出 → 效益 → 满意度 (成本 after 产出), 二级 as listed in the framework."""
    l1 = {"产出指标": 0, "成本指标": 1, "效益指标": 2, "满意度指标": 3}.get(ind.level1, 9)
    l2 = _LEVEL2_ORDER.index(ind.level2) if ind.level2 in _LEVEL2_ORDER else 99
    return l1, l2


def due_text(p: IndicatorProgress) -> str:
    """应完成值 as every form prints it (表2, 附件2): the unit's own 本期应完成 when written, else the value due by
    the date with the target's unit and, for a 反向 indicator, its ``≤`` (``6处``, ``≤30万元/处``); a deadline or a
    qualitative target is due as itself (``2024年11月30日前``)."""
    e = p.entry
    if e is not None and e.due is not None:
        return e.due.text
    target = p.indicator.target
    if isinstance(target, Quantity) and p.due is not None:
        sign = "≤" if p.direction == "反向" else ""
        return f"{sign}{trimmed(p.due)}{target.unit}"
    return target.text


def sort_by_indicator(items: Iterable[T], indicator: Callable[[T], Indicator]) -> list[T]:
    return sorted(items, key=lambda item: indicator_order(indicator(item)))  # stable within a group


def group_column(values: list[str], keys: list[Any] | None = None) -> list[Grouped]:
    """Mark runs of equal ``keys`` (default: the values) as merged groups."""
    keys = keys if keys is not None else list(values)
    out: list[Grouped] = []
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and keys[j + 1] == keys[i]:
            j += 1
        span = j - i + 1
        out.append(Grouped(values[i], True, span))
        out.extend(Grouped(values[k], False, span) for k in range(i + 1, j + 1))
        i = j + 1
    return out


def add_groups(rows: list[dict[str, Any]], indicators: list[Indicator]) -> list[dict[str, Any]]:
    """Set ``一级指标`` and ``二级指标`` of each row as grouped cells (二级 grouped within its 一级)."""
    l1 = group_column([i.level1 for i in indicators])
    l2 = group_column([i.level2 for i in indicators], [(i.level1, i.level2) for i in indicators])
    for row, a, b in zip(rows, l1, l2, strict=True):
        row["一级指标"] = a
        row["二级指标"] = b
    return rows


def header(project: Project, title: str, annex: str = "") -> dict[str, Any]:
    return {
        "表名": title,
        "附件": annex,
        "项目名称": project.name,
        "项目编码": project.code or "",
        "年度": str(project.year),
        "主管部门": project.department,
        "实施单位": project.unit,
        "填报单位": project.unit,
        "项目负责人": project.leader or "",
        "联系电话": project.phone or "",
        "项目属性": project.kind or "",
        "起止时间": _span(project),
        "年度总体目标": project.annual_goal.strip(),
        "中长期目标": (project.long_term_goal or "").strip(),
    }


def _span(project: Project) -> str:
    if project.start and project.end:
        return f"{cn_date(project.start)}至{cn_date(project.end)}"
    return cn_date(project.start) or cn_date(project.end)


def mark(chosen: bool) -> str:
    return CHECK if chosen else ""
