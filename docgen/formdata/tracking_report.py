"""绩效跟踪结果报告 (002 “形成跟踪结论”): 项目基本情况, 目标设定情况, 项目实施情况, 绩效目标完成及偏差情况,
存在问题及纠偏情况, 跟踪结论 — from the latest 监控 snapshot, its lights and the drafted signals."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..model import LEVEL1
from ..present import DASH, cn_date, pct_text
from ..rules.context import ProjectResult
from ..rules.indicators import kind_of
from . import report as r
from .common import sort_by_indicator

TITLE = "绩效跟踪结果报告"


def _basics(result: ProjectResult) -> list[str]:
    p = result.project
    out = [f"{p.name}由{p.department}主管、{p.unit}实施" + (f"，属{p.kind}" if p.kind else "")
           + (f"，项目负责人为{p.leader}" if p.leader else "") + "。"]
    span = r.span_text(p)
    if span:
        out.append(f"项目起止日期为{span}。")
    return out + r.funding_lines(result)


def _targets(result: ProjectResult) -> list[str]:
    p = result.project
    out = [f"年度总体目标：{r.sentence(r.joined(p.annual_goal))}"]
    levels = Counter(i.level1 for i in p.indicators)
    kinds = Counter(kind_of(i) for i in p.indicators)
    parts = "、".join(f"{name}{levels[name]}个" for name in LEVEL1 if levels.get(name))
    out.append(f"本项目设置绩效指标{len(p.indicators)}个，其中{parts}；定量指标{kinds['定量']}个、"
               f"时限指标{kinds['时限']}个、定性指标{kinds['定性']}个。")
    review = result.review
    issues = "；".join(f.message for f in review.findings)
    out.append(f"经审核，绩效目标审核结论为“{review.conclusion}”" + (f"，审核发现：{issues}。" if issues else "。"))
    return out


def _implementation(result: ProjectResult) -> list[str]:
    snap = result.current
    if snap is None:
        return [f"{r.NO_MONITORING}项目实施情况待跟踪监控后填报。"]
    data = result.project.snapshots[snap.index]
    m = data.management
    out = []
    if m is not None:
        if m.planned_start or m.actual_start:
            late = ""
            if m.planned_start and m.actual_start and m.actual_start > m.planned_start:
                late = f"，较计划推迟{(m.actual_start - m.planned_start).days}天"
            out.append(f"项目计划启动日期为{cn_date(m.planned_start) or '未填写'}，实际启动日期为"
                       f"{cn_date(m.actual_start) or '未填写'}{late}。")
        if m.disbursement and m.disbursement.strip():
            out.append(f"资金拨付：{r.sentence(m.disbursement)}")
        if m.rules_in_place and m.rules_in_place.strip():
            out.append(f"制度建设：{r.sentence(m.rules_in_place)}")
        violations = (m.violations or "").strip()
        out.append(f"违规情况：{r.sentence(violations)}" if violations else "跟踪未发现违规情况。")
    if data.progress and data.progress.strip():
        out.append(f"项目进展：{r.sentence(data.progress)}")
    return out or ["本期未填报项目管理情况。"]


def _conclusion(result: ProjectResult) -> list[str]:
    snap, s = result.current, result.signals
    if snap is None or s is None:
        return [f"{r.NO_MONITORING}尚不能形成跟踪结论，请在填报监控数据后重新生成本报告。"]
    b = snap.budget
    out = [f"截至{cn_date(b.as_of)}，预算执行率{pct_text(b.rate)}，执行进度比{pct_text(b.progress_ratio)}，"
           f"预算执行预警为{b.light or DASH}；{r.light_summary(snap)}。"]
    chances = Counter(p.possibility for p in snap.indicators if p.possibility)
    if chances:
        out.append("完成目标可能性：" + "、".join(f"{k}{v}个" for k, v in chances.items()) + "。")
    if s.serious:
        out += r.serious_advice(s)
    elif s.clean:
        out.append("跟踪结论：项目预算执行和绩效目标实现情况总体正常，未发现需要纠偏的问题，按计划继续实施。")
    else:
        out.append("跟踪结论：项目预算执行或绩效目标实现存在偏差，需要纠偏的事项如下：")
        if s.budget_slow:
            out += r.budget_advice(s)
        if s.late_start or s.violations or s.over_budget:
            out += r.management_advice(s)
        if s.propose_cut:
            out += r.cut_advice(s)
        if s.impossible or s.red or s.blue:
            out += r.target_advice(s)
    return out


def build(result: ProjectResult) -> dict[str, Any]:
    snap = result.current
    ctx = r.base(result, TITLE)
    if snap is not None:
        data = result.project.snapshots[snap.index]
        year, period = result.project.year, snap.budget.period
        progress = sort_by_indicator(snap.indicators, lambda x: x.indicator)
        done = [r.completion_sentence(p, year, period) for p in progress]
        causes = [r.cause_sentence(p) for p in progress if r.deviating(p)] or ["本期无偏差指标。"]
        problems = r.lines(data.problems, "本期未发现需要说明的问题。")
        corrections = r.lines(data.measures, "") if data.measures else []
        corrections = [c for c in corrections if c] + r.correction_lines(snap)
        corrections = corrections or ["本期未填报纠偏措施。"]
    else:
        done = causes = problems = corrections = [r.NO_MONITORING]
    ctx.update({
        "基本情况": _basics(result),
        "目标设定": _targets(result),
        "实施情况": _implementation(result),
        "预算": r.budget_context(result),
        "完成情况": done,
        "偏差情况": causes,
        "存在问题": problems,
        "纠偏情况": corrections,
        "跟踪结论": _conclusion(result),
    })
    return ctx
