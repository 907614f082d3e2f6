"""表2 项目绩效跟踪情况表 (000): 预算执行及项目管理情况分析 + 绩效目标跟踪完成情况分析, as of a snapshot."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..model import Management
from ..present import DASH, cn_date, num_money, num_pct
from ..profile import Profile
from ..rules.context import ProjectResult, SnapshotResult
from ..rules.indicators import IndicatorProgress
from .common import add_groups, due_text, header, sort_by_indicator

TITLE = "项目绩效跟踪情况表"
NONE = "无"


def _start(m: Management | None) -> tuple[str, str]:
    """计划启动日期, 实际启动日期 (with the delay in days when it started late)."""
    if m is None:
        return "", ""
    planned, actual = cn_date(m.planned_start), cn_date(m.actual_start)
    if m.planned_start and m.actual_start and m.actual_start > m.planned_start:
        actual += f"（较计划推迟{(m.actual_start - m.planned_start).days}天）"
    return planned, actual


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def alert_rules(profile: Profile) -> dict[str, str]:
    """The warning thresholds of the profile in use, worded for the notes under the table."""
    b, i = profile.budget_alert, profile.indicator_alert
    if b.mode == "固定执行率":
        floors = "、".join(f"{m}月底{_pct(v)}" for m, v in sorted(b.month_floors.items()))
        budget = f"执行率低于当期下限（{floors}）为红灯，否则为绿灯"
    else:
        budget = (f"执行进度比低于{_pct(b.red_below)}为红灯，{_pct(b.red_below)}至{_pct(b.yellow_below)}为黄灯，"
                  f"{_pct(b.yellow_below)}及以上为绿灯")
    indicator = (f"进度完成率低于{_pct(i.red_below)}为红灯，{_pct(i.red_below)}至{_pct(i.yellow_below)}为黄灯，"
                 f"{_pct(i.yellow_below)}及以上为绿灯，完成率{_pct(i.blue_from)}及以上为蓝灯")
    return {"预算": budget, "指标": indicator}


def _cause(p: IndicatorProgress) -> str:
    """偏差原因 categories, then the 原因说明: ``经费保障：上级资金下达较晚。``."""
    e = p.entry
    if e is None:
        return ""
    causes = "、".join(e.causes)
    note = (e.cause_note or "").strip()
    if causes and note:
        return f"{causes}：{note}"
    return causes or note


def indicator_rows(snap: SnapshotResult) -> list[dict[str, Any]]:
    """One row per indicator; only those marked ``跟踪: true`` when any is (000: the 主要绩效目标 chosen from 表1)."""
    chosen = [p for p in snap.indicators if p.indicator.tracked] or snap.indicators
    progress = sort_by_indicator(chosen, lambda p: p.indicator)
    rows = []
    for p in progress:
        e = p.entry
        rows.append({
            "三级指标": p.name,
            "年度指标值": p.indicator.target.text,
            "应完成值": due_text(p),
            "执行情况": e.actual.text if e else "",
            "完成率": num_pct(p.completion),
            "偏差率": num_pct(p.deviation),
            "判定": p.light or DASH,
            "偏差及原因": _cause(p),
            "完成可能性": p.possibility or "",
        })
    return add_groups(rows, [p.indicator for p in progress])


def build(result: ProjectResult) -> dict[str, Any]:
    snap = result.current
    assert snap is not None
    b = snap.budget
    data = result.project.snapshots[snap.index]
    m = data.management
    planned, actual = _start(m)
    ctx = header(result.project, TITLE, "表2")
    ctx.update({
        "截止日期": cn_date(b.as_of),
        "期间": b.period,
        "计划启动日期": planned,
        "实际启动日期": actual,
        "年初预算数": num_money(b.initial.total),
        "全年预算数": num_money(b.budget.total),
        "执行数": num_money(b.spent.total),
        "执行率": num_pct(b.rate),
        "时序进度": num_pct(b.time_progress),
        "执行进度比": num_pct(b.progress_ratio),
        "预算执行预警": b.light or DASH,
        "资金拨付": ((m.disbursement or "") if m else "").strip(),
        "制度建设": ((m.rules_in_place or "") if m else "").strip(),
        "违规情况": ((m.violations or "") if m else "").strip() or NONE,
        "项目进展": (data.progress or "").strip(),
        "指标": indicator_rows(snap),
        "预警说明": alert_rules(result.profile),
    })
    return ctx
