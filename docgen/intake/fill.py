"""A validated project as the values of the intake workbook's cells (``intake new --from``).

Values are keyed by a column's label (``执行数：一般公共预算拨款``); amounts stay Decimal here
(:func:`.style.number` decides how Excel stores them), dates are dates, lists of text are lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Funding, Project
from . import layout as L

Record = dict[str, Any]


@dataclass
class Filled:
    forms: dict[str, Record] = field(default_factory=dict)  # sheet → label → value
    grids: dict[str, dict[tuple[str, str], Any]] = field(default_factory=dict)  # sheet → (row, column) → value
    tables: dict[str, list[Record]] = field(default_factory=dict)  # sheet → records


def _text(value: Any) -> str | None:
    """An indicator value or actual as written (its ``text``)."""
    return None if value is None else str(getattr(value, "text", value))


def _funding(funding: Funding | None, group: str = "") -> Record:
    if funding is None:
        return {}
    prefix = f"{group}：" if group else ""
    out: Record = {f"{prefix}{k}": v for k, v in funding.sources().items()}
    if funding.total_given is not None:
        out[f"{prefix}{L.TOTAL}"] = funding.total_given
    return out


def _basic(p: Project) -> Record:
    return {
        "项目名称": p.name, "项目编码": p.code, "年度": p.year, "主管部门": p.department, "实施单位": p.unit,
        "项目负责人": p.leader, "联系电话": p.phone, "项目属性": p.kind, "开始日期": p.start, "结束日期": p.end,
        "上年未完工": L.YES if p.unfinished_last_year else L.NO, "项目类型": p.category,
        "年度总体目标": p.annual_goal, "中长期目标": p.long_term_goal,
    }


def _funds(p: Project) -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}
    for line, funding in (("年初预算数", p.funds.initial), ("全年预算数", p.funds.full_year),
                          ("中期资金总额", p.funds.medium_term)):
        for key, value in _funding(funding).items():
            out[(line, key)] = value
    return out


def _snapshots(p: Project) -> tuple[list[Record], list[Record]]:
    rows: list[Record] = []
    indicator_rows: list[Record] = []
    for snap in p.snapshots:
        row: Record = {"截止日期": snap.as_of, **_funding(snap.spent, "执行数"),
                       **_funding(snap.forecast_spent, "全年预计执行数"),
                       "项目进展": snap.progress, "存在问题": snap.problems, "改进措施": snap.measures,
                       "其他说明": snap.other_notes}
        m = snap.management
        if m is not None:
            row.update({"管理情况：计划启动日期": m.planned_start, "管理情况：实际启动日期": m.actual_start,
                        "管理情况：资金拨付": m.disbursement, "管理情况：制度建设": m.rules_in_place,
                        "管理情况：违规情况": m.violations})
        rows.append(row)
        for name, e in snap.indicators.items():
            entry: Record = {"截止日期": snap.as_of, "三级指标": name, "执行情况": _text(e.actual),
                             "本期应完成": _text(e.due), "全年预计": _text(e.forecast), "原因说明": e.cause_note,
                             "改进措施": e.measures, "完成可能性": e.possibility, "完成程度": e.completion,
                             "备注": e.remark}
            entry.update({f"偏差原因：{c}": True for c in e.causes})
            indicator_rows.append(entry)
    return rows, indicator_rows


def _self_eval(p: Project, out: Filled) -> None:
    se = p.self_eval
    if se is None:
        return
    out.forms[L.SELF_EVAL.sheet] = {**_funding(se.spent, "执行数"), "总体目标完成情况": se.summary}
    out.tables[L.SELF_EVAL_INDICATORS.sheet] = [
        {"三级指标": name, "实际完成值": _text(e.actual), "完成程度": e.completion, "得分": e.score,
         "偏差原因及改进措施": e.explanation}
        for name, e in se.indicators.items()
    ]


def _adjustment(p: Project, out: Filled) -> None:
    a = p.adjustment
    if a is None:
        return
    out.forms[L.ADJUSTMENT.sheet] = {"调整原因": a.reason, "调整后产出": a.outputs_after,
                                     "调整后成效": a.outcomes_after}
    out.tables[L.BUDGET_CHANGES.sheet] = [
        {"工作任务": c.task, "原先申请资金": c.requested, "计划调整后资金": c.adjusted, "开始日期": c.start,
         "结束日期": c.end}
        for c in a.budget_changes
    ]
    out.tables[L.INDICATOR_CHANGES.sheet] = [
        {"三级指标": c.name, "原指标": c.before, "调整后指标": _text(c.after), "指标解释": c.explanation}
        for c in a.indicator_changes
    ]


def _pre_assessment(p: Project, out: Filled) -> None:
    pa = p.pre_assessment
    if pa is None:
        return
    grid: dict[tuple[str, str], Any] = {}
    for name, dim in pa.dimensions.items():
        grid[(name, "得分")] = dim.score
        grid[(name, "意见")] = dim.opinion
    grid[(L.CONCLUSION, "意见")] = pa.conclusion
    out.grids[L.PRE_ASSESSMENT.sheet] = grid


def _feedback(p: Project, out: Filled) -> None:
    f = p.feedback
    if f is None:
        return
    out.forms[L.FEEDBACK.sheet] = {
        "审核单位": f.reviewer, "审核日期": f.review_date, "整改要求": f.requirements, "整改期限": f.deadline,
        **{f"意见：{area}": text for area, text in f.opinions.items()},
    }


def filled(p: Project) -> Filled:
    """Every value of ``p`` placed on its sheet."""
    out = Filled()
    out.forms[L.BASIC.sheet] = _basic(p)
    out.grids[L.FUNDS.sheet] = _funds(p)
    out.tables[L.INDICATORS.sheet] = [
        {"一级指标": i.level1, "二级指标": i.level2, "三级指标": i.name, "指标值": _text(i.target),
         "分值": i.weight, "指标解释": i.explanation}
        for i in p.indicators
    ]
    rows, indicator_rows = _snapshots(p)
    out.tables[L.SNAPSHOTS.sheet] = rows
    out.tables[L.SNAPSHOT_INDICATORS.sheet] = indicator_rows
    _self_eval(p, out)
    _adjustment(p, out)
    _pre_assessment(p, out)
    _feedback(p, out)
    return out


__all__ = ["Filled", "filled"]
