"""表4 绩效跟踪情况汇总表 (000): one row per in-scope project, a 小计 per 主管部门, a 合计."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from ..present import Grouped, cn_date, num_money, num_pct
from ..rules.budget import BLUE, GREEN, RED, YELLOW
from ..rules.context import ProjectResult
from ..rules.numbers import ratio
from .rows import ProjectRow, as_rows

TITLE = "绩效跟踪情况汇总表"
LIGHTS = (RED, YELLOW, GREEN, BLUE)


def _lights(result: ProjectResult) -> str:
    if result.current is None:
        return "—"
    counts = Counter(p.light for p in result.current.indicators if p.light)
    return "，".join(f"{light[0]}{counts[light]}" for light in LIGHTS if counts[light]) or "—"


def _measures(result: ProjectResult) -> str:
    """整改方案和措施: the reviewer's 整改要求 when there is a 反馈, else the unit's own 改进措施."""
    p = result.project
    items: list[str] = []
    if p.feedback is not None and p.feedback.requirements:
        items = list(p.feedback.requirements)
    elif result.current is not None:
        items = list(p.snapshots[result.current.index].measures)
    return "\n".join(f"{i}．{text}" for i, text in enumerate(items, start=1))


def _problems(result: ProjectResult) -> str:
    if result.current is None:
        return ""
    items = result.project.snapshots[result.current.index].problems
    return "\n".join(f"{i}．{text}" for i, text in enumerate(items, start=1))


def project_cells(result: ProjectResult) -> dict[str, str]:
    """A project's text columns on 表4 (everything but 序号 and 主管部门), computed once where its result is."""
    b = result.current.budget if result.current is not None else None
    spent = b.spent.total if b is not None else None
    return {
        "项目名称": result.project.name,
        "实施单位": result.project.unit,
        "年初预算数": num_money(result.initial.total),
        "全年预算数": num_money(result.budget.total),
        "执行数": num_money(spent),
        "执行率": num_pct(ratio(spent, result.budget.total)),
        "时序进度": num_pct(b.time_progress) if b else num_pct(None),
        "预算执行预警": (b.light or "—") if b else "未监控",
        "指标预警": _lights(result),
        "存在问题": _problems(result),
        "整改方案和措施": _measures(result),
    }


def _total_row(no: str, dept: str, name: str, unit: str, initial: Decimal, budget: Decimal,
               spent: Decimal) -> dict[str, Any]:
    """A 小计 or 合计 row."""
    return {
        "序号": no,
        "主管部门": dept,
        "项目名称": name,
        "实施单位": unit,
        "年初预算数": num_money(initial),
        "全年预算数": num_money(budget),
        "执行数": num_money(spent),
        "执行率": num_pct(ratio(spent, budget)),
        "时序进度": num_pct(None),
        "预算执行预警": "",
        "指标预警": "",
        "存在问题": "",
        "整改方案和措施": "",
    }


def _period(dates: list[Any]) -> str:
    """The data date(s) of the rows: one date, or the earliest to the latest when projects differ."""
    if not dates:
        return ""
    first, last = min(dates), max(dates)
    return cn_date(last) if first == last else f"{cn_date(first)}至{cn_date(last)}（各项目最近一次监控）"


def build(results: list[ProjectResult] | list[ProjectRow], scope: str = "") -> dict[str, Any]:
    """``results`` are every project of the set (results or their summary rows); out-of-scope ones are left
    out (000: ≥ 20 万元 or unfinished)."""
    rows_in = as_rows(results)
    included = [r for r in rows_in if r.in_scope]
    departments: dict[str, list[ProjectRow]] = {}
    for r in sorted(included, key=lambda r: r.name):
        departments.setdefault(r.department, []).append(r)
    rows: list[dict[str, Any]] = []
    dept_cells: list[tuple[str, int]] = []
    totals = [Decimal(0), Decimal(0), Decimal(0)]
    number = 0
    for dept, members in departments.items():
        sums = [Decimal(0), Decimal(0), Decimal(0)]
        for r in members:
            number += 1
            rows.append({"序号": str(number), "主管部门": dept, **r.cells})
            sums[0] += r.initial
            sums[1] += r.budget
            sums[2] += r.spent or Decimal(0)
        # one department (its own file): its 小计 would repeat the 合计 line for line
        if len(departments) > 1:
            rows.append(_total_row("", dept, "小计", "", sums[0], sums[1], sums[2]))
        dept_cells.append((dept, len(members) + (len(departments) > 1)))
        totals = [a + b for a, b in zip(totals, sums, strict=True)]
    # "合计" once, in the 主管部门 column; the name column says how many projects it adds up
    rows.append(_total_row("", "合计", f"共 {number} 个项目", "", totals[0], totals[1], totals[2]))
    dept_cells.append(("合计", 1))
    grouped: list[Grouped] = []
    for dept, span in dept_cells:
        grouped.append(Grouped(dept, True, span))
        grouped.extend(Grouped(dept, False, span) for _ in range(span - 1))
    for row, cell in zip(rows, grouped, strict=True):
        row["主管部门"] = cell
    years = Counter(r.year for r in rows_in)
    year = years.most_common(1)[0][0] if years else ""
    dates = [r.as_of for r in included if r.as_of is not None]
    first = rows_in[0] if rows_in else None
    unit = (first.unit_name if first else "") or scope
    return {
        "表名": TITLE,
        "附件": "表4",
        "年度": str(year),
        "地区": first.region if first else "",
        "填报单位": unit,
        "范围": scope or "全部项目",
        "截止日期": _period(dates),
        "项目": rows,
        "项目数": str(number),
    }
