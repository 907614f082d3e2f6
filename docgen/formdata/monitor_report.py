"""项目支出绩效监控报告 (001 附件4 outline), as of the latest 监控 snapshot."""

from __future__ import annotations

from typing import Any

from ..present import cn_date
from ..rules.context import ProjectResult
from . import report as r

TITLE = "项目支出绩效监控报告"


def _organisation(result: ProjectResult) -> list[str]:
    p, snap = result.project, result.current
    if snap is None:
        return [f"{r.NO_MONITORING}绩效监控工作由{p.unit}组织实施，主管部门为{p.department}。"]
    return [
        f"本项目绩效监控工作由{p.unit}组织实施，主管部门为{p.department}"
        + (f"，项目负责人为{p.leader}" if p.leader else "") + "。",
        f"本次监控截至{cn_date(snap.budget.as_of)}，监控期间为{snap.budget.period}，对预算执行进度和绩效目标完成情况"
        f"实行“双监控”，{r.light_summary(snap)}。",
    ]


def _plan(result: ProjectResult) -> list[str]:
    snap = result.current
    out = []
    if snap is not None:
        data = result.project.snapshots[snap.index]
        m = data.management
        if m is not None and (m.planned_start or m.actual_start):
            parts = []
            if m.planned_start:
                parts.append(f"计划于{cn_date(m.planned_start)}启动")
            if m.actual_start:
                parts.append(f"实际于{cn_date(m.actual_start)}启动")
            out.append("项目" + "，".join(parts) + "。")
        if data.progress and data.progress.strip():
            out.append(r.sentence(data.progress))
    return out or ([r.NO_MONITORING] if snap is None else ["本期未填报项目实施进度。"])


def build(result: ProjectResult) -> dict[str, Any]:
    snap = result.current
    p = result.project
    ctx = r.base(result, TITLE)
    signals = result.signals
    if snap is not None:
        data = p.snapshots[snap.index]
        year, period = p.year, snap.budget.period
        done = r.by_group(snap, lambda x: r.completion_sentence(x, year, period), lambda x: True,
                          "本项目未设置{g}指标。")
        causes = r.by_group(snap, r.cause_sentence, r.deviating, "本期无偏差指标。")
        problems = r.lines(data.problems, "本期未发现需要说明的问题。")
        measures = r.lines(data.measures, "本期未填报改进措施。")
        corrections = r.correction_lines(snap) or ["本期未填报纠偏措施。"]
        others = r.lines(data.other_notes, "无。")
        assert signals is not None
        advice = {
            "预算执行进度": r.budget_advice(signals),
            "预算绩效管理": r.management_advice(signals),
            "调整预算": r.cut_advice(signals),
            "修订绩效目标": r.target_advice(signals),
            "有关建议": r.serious_advice(signals) or ["无其他建议。"],
        }
    else:
        none = [r.NO_MONITORING]
        done = dict.fromkeys(r.GROUPS, none)
        causes = dict.fromkeys(r.GROUPS, none)
        problems = measures = corrections = others = none
        advice = dict.fromkeys(("预算执行进度", "预算绩效管理", "调整预算", "修订绩效目标", "有关建议"), none)
    ctx.update({
        "组织实施": _organisation(result),
        "主要内容": r.lines([r.joined(p.annual_goal)], "项目数据未填写年度总体目标。"),
        "实施进度": _plan(result),
        "资金安排": r.funding_lines(result),
        "预算": r.budget_context(result),
        "完成情况": done,
        "原因分析": causes,
        "主要问题": problems,
        "改进措施": measures,
        "建议": advice,
        "纠偏情况": corrections,
        "其他说明": others,
    })
    return ctx
