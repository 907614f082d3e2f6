"""项目支出绩效自评报告 (003; 002 结果应用): 基本情况, 绩效目标, 自评得分, 偏差原因及改进措施, 结果应用."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..present import DASH, num_money, num_pct, pct_text
from ..rules.context import ProjectResult
from ..rules.numbers import ONE
from . import report as r
from .common import sort_by_indicator
from .self_eval import grade_note

TITLE = "项目支出绩效自评报告"


def build(result: ProjectResult) -> dict[str, Any]:
    se = result.self_eval
    p = result.project
    assert se is not None and p.self_eval is not None
    ctx = r.base(result, TITLE)
    scores = sort_by_indicator(se.indicators, lambda s: s.indicator)
    overview = [f"{p.name}由{p.department}主管、{p.unit}实施" + (f"，属{p.kind}" if p.kind else "") + "。"]
    span = r.span_text(p)
    if span:
        overview.append(f"项目起止日期为{span}。")
    funds = r.funding_lines(result)
    if len(se.spent.sources) > 1:
        funds.append(f"全年执行数中，{r.funding_parts(se.spent)}。")
    targets = []
    for s in scores:
        e = s.entry
        actual = e.actual.text if e is not None and e.actual is not None else "未填报"
        targets.append(f"{s.name}：年度指标值为{s.indicator.target.text}，实际完成值为{actual}，"
                       f"得分{num_money(s.score)}分（分值{num_money(s.weight)}分）。")
    table = [{"指标": "预算执行率", "分值": num_money(se.budget_weight), "得分": num_money(se.budget_score)}]
    table += [{"指标": s.name, "分值": num_money(s.weight), "得分": num_money(s.score)} for s in scores]
    total_weight = se.budget_weight + sum((s.weight for s in se.indicators), Decimal(0))
    deviations = []
    for s in scores:
        e = s.entry
        note = (e.explanation or "").strip() if e is not None else ""
        below = s.rate is not None and s.rate < ONE
        if not (note or below):
            continue
        rate = f"得分率{pct_text(s.rate)}，" if s.rate is not None else ""
        why = r.sentence(note) if note else "填报单位未说明偏差原因及改进措施。"
        actual = e.actual.text if e is not None and e.actual is not None else "未填报"
        deviations.append(f"{s.name}：年度指标值为{s.indicator.target.text}，实际完成值为{actual}，{rate}{why}")
    if se.rate is not None and se.rate < ONE:
        deviations.insert(0, f"预算执行率为{pct_text(se.rate)}，未全部执行，预算执行率得分"
                             f"{num_money(se.budget_score)}分（分值{num_money(se.budget_weight)}分）。")
    summary = (p.self_eval.summary or "").strip()
    ctx.update({
        "项目概况": overview,
        "资金情况": funds,
        "全年预算数": num_money(result.budget.total),
        "执行数": num_money(se.spent.total),
        "执行率": num_pct(se.rate),
        "年度总体目标": r.lines([r.joined(p.annual_goal)], "项目数据未填写年度总体目标。"),
        "总体目标完成情况": [r.sentence(summary)] if summary else ["项目数据未填写总体目标完成情况。"],
        "指标完成情况": targets or ["本项目未设置绩效指标。"],
        "得分表": table,
        "总分值": num_money(total_weight),
        "总分": num_money(se.total),
        "自评等级": se.grade or DASH,
        "等级说明": grade_note(result.profile),
        "偏差说明": deviations or ["各项绩效指标均已完成年度目标，预算全部执行，无偏差。"],
        "结果应用": [f"本项目自评总分{num_money(se.total)}分，自评等级为“{se.grade}”，按规定自评结果应用为："
                 f"{se.use}。",
                 "自评结果将作为以后年度预算安排和政策调整的重要依据，并按规定予以公开。"],
    })
    return ctx
