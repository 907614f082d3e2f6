"""附件2 绩效运行监控目标纠偏表 (001): one quarter's indicators against what the quarter should have done."""

from __future__ import annotations

import re
from typing import Any

from ..model import Indicator
from ..present import DASH, Num, cn_date, num_pct, pct_text
from ..rules.budget import GREEN, RED
from ..rules.context import ProjectResult
from ..rules.indicators import IndicatorProgress
from ..values import DateValue
from .common import due_text, group_column, header, sort_by_indicator

TITLE = "绩效运行监控目标纠偏表"

# 一级/二级指标 → the 目标 names the seed prints (产出目标 → 数量目标 …; 效果目标 → 经济效益目标 …)
_LEVEL1 = {"产出指标": "产出目标", "效益指标": "效果目标", "满意度指标": "效果目标", "成本指标": "成本目标"}
_LEVEL2 = {"可持续影响指标": "可持续目标"}
_NUMBERED = re.compile(r"^\s*(?:[0-9０-９]+|[一二三四五六七八九十]+)\s*[．.、)）]")


def goal_names(ind: Indicator) -> tuple[str, str]:
    """(一级目标, 二级目标) of an indicator: 数量指标 → 数量目标, 可持续影响指标 → 可持续目标 …"""
    level1 = _LEVEL1.get(ind.level1, ind.level1.removesuffix("指标") + "目标")
    level2 = _LEVEL2.get(ind.level2, ind.level2.removesuffix("指标") + "目标")
    return level1, level2


def quarter_label(result: ProjectResult) -> str:
    """``2024年第2季度``: the quarter of the snapshot's 截止日期."""
    assert result.current is not None
    as_of = result.current.budget.as_of
    return f"{as_of.year}年第{(as_of.month + 2) // 3}季度"


def numbered(items: list[str]) -> str:
    """``1．…`` one item per line (``\\n`` becomes a line break); ``无`` when there is none."""
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        return "无"
    if len(items) == 1 and _NUMBERED.match(items[0]):
        return items[0]  # already numbered by the writer
    return "\n".join(item if _NUMBERED.match(item) else f"{n}．{item}" for n, item in enumerate(items, start=1))


def _actual(p: IndicatorProgress) -> str:
    """执行情况, plus the 进度完成率 where there is one: ``3处（50.00%）``."""
    e = p.entry
    if e is None:
        return ""
    if p.progress is None:
        return e.actual.text
    return f"{e.actual.text}（{pct_text(p.progress)}）"


def _deviation(p: IndicatorProgress, as_of: Any) -> Num | str:
    """执行偏差: the signed 偏差率 of a quantity; the status of a deadline; the 完成程度 of a qualitative one."""
    e = p.entry
    if e is None:
        return DASH
    if p.kind == "定量":
        return num_pct(p.deviation)
    if p.kind == "时限":
        if p.light == GREEN:
            return "按期完成"
        if p.light == RED:
            return "逾期未完成"
        if isinstance(e.actual, DateValue) and e.actual.date <= as_of:
            return "逾期完成"
        return "未到完成时限"
    return e.completion or DASH


def indicator_rows(result: ProjectResult) -> list[dict[str, Any]]:
    snap = result.current
    assert snap is not None
    progress = sort_by_indicator(snap.indicators, lambda p: p.indicator)
    names = [goal_names(p.indicator) for p in progress]
    level1 = group_column([n[0] for n in names])
    level2 = group_column([n[1] for n in names], list(names))
    rows = []
    for p, a, b in zip(progress, level1, level2, strict=True):
        rows.append({
            "一级目标": a,
            "二级目标": b,
            "三级目标": p.name,
            "完成时的指标值": p.indicator.target.text,
            "本季度应完成": due_text(p),
            "实际完成": _actual(p),
            "执行偏差": _deviation(p, snap.budget.as_of),
        })
    return rows


def build(result: ProjectResult) -> dict[str, Any]:
    snap = result.current
    assert snap is not None
    entry = result.project.snapshots[snap.index]
    ctx = header(result.project, TITLE, "附件2")
    ctx.update({
        "季度": quarter_label(result),
        "截止日期": cn_date(snap.budget.as_of),
        "指标": indicator_rows(result),
        "存在问题": numbered(entry.problems),
        "改进措施": numbered(entry.measures),
        "其他说明": numbered(entry.other_notes),
    })
    return ctx
