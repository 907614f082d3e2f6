"""附件3 绩效运行监控目标调整表 (001): the project's 调整 section, with the latest 监控 as 目标完成度."""

from __future__ import annotations

from typing import Any

from ..model import BudgetChange, Indicator, IndicatorChange, Project
from ..present import cn_date, num_money, pct_text
from ..rules.context import ProjectResult
from .common import add_groups, header, indicator_order

TITLE = "绩效运行监控目标调整表"


def time_span(change: BudgetChange) -> str:
    """计划时间安排（起止时间）: ``2024年3月1日至2024年8月31日``."""
    if change.start and change.end:
        return f"{cn_date(change.start)}至{cn_date(change.end)}"
    if change.start:
        return f"{cn_date(change.start)}起"
    if change.end:
        return f"至{cn_date(change.end)}"
    return ""


def budget_rows(project: Project) -> list[dict[str, Any]]:
    assert project.adjustment is not None
    return [
        {
            "工作任务": c.task,
            "原先申请资金": num_money(c.requested),
            "计划调整后资金": num_money(c.adjusted),
            "计划时间安排": time_span(c),
        }
        for c in project.adjustment.budget_changes
    ]


def _changes(project: Project) -> list[tuple[IndicatorChange, Indicator]]:
    """指标调整 with the indicator each names (an unknown name is a 校验 error already), official order."""
    assert project.adjustment is not None
    pairs = [(c, project.indicator(c.name)) for c in project.adjustment.indicator_changes]
    known = [(c, ind) for c, ind in pairs if ind is not None]
    return sorted(known, key=lambda pair: indicator_order(pair[1]))


def indicator_rows(project: Project) -> list[dict[str, Any]]:
    pairs = _changes(project)
    rows = [
        {
            "三级指标": c.name,
            "原指标": c.before if c.before else ind.target.text,
            "调整后指标": c.after.text,
            "指标标准解释": c.explanation or ind.explanation or "",
        }
        for c, ind in pairs
    ]
    return add_groups(rows, [ind for _, ind in pairs])


def completion(result: ProjectResult) -> str:
    """目标完成度: the latest 监控 as of the chosen date — budget execution, then each adjusted indicator."""
    snap = result.current
    if snap is None:
        return ""
    b = snap.budget
    light = f"，预算执行预警{b.light}" if b.light else ""
    lines = [f"截至{cn_date(b.as_of)}，预算执行率{pct_text(b.rate)}（时序进度{pct_text(b.time_progress)}）{light}。"]
    progress = {p.name: p for p in snap.indicators}
    for c, _ind in _changes(result.project):
        p = progress.get(c.name)
        if p is None or p.entry is None:
            continue
        done = f"，完成原年度指标值的{pct_text(p.completion)}" if p.completion is not None else ""
        lines.append(f"{c.name}：执行情况{p.entry.actual.text}{done}。")
    return "\n".join(lines)


def build(result: ProjectResult) -> dict[str, Any]:
    project = result.project
    adj = project.adjustment
    assert adj is not None
    ctx = header(project, TITLE, "附件3")
    ctx.update({
        "调整原因": (adj.reason or "").strip(),
        "调整后产出": (adj.outputs_after or "").strip(),
        "调整后成效": (adj.outcomes_after or "").strip(),
        "目标完成度": completion(result),
        "预算调整": budget_rows(project),
        "指标调整": indicator_rows(project),
    })
    return ctx
