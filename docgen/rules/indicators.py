"""Indicator progress as of a snapshot (RULES.md "Indicator progress")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from ..errors import Diagnostics, FieldPath
from ..model import Indicator, SnapshotIndicator
from ..profile import Profile
from ..values import DateValue, Deadline, Quantity, Text
from .budget import BLUE, GREEN, RED, YELLOW
from .numbers import Ratio, frac, percent, ratio

Direction = Literal["正向", "反向", "等于"]
Kind = Literal["定量", "时限", "定性"]

QUALITATIVE_LIGHT = {"达成": GREEN, "部分达成": YELLOW, "未达成": RED}


def kind_of(ind: Indicator) -> Kind:
    if isinstance(ind.target, Quantity):
        return "定量"
    if isinstance(ind.target, Deadline):
        return "时限"
    return "定性"


def direction(ind: Indicator) -> Direction | None:
    """≥ > 正向, ≤ < 反向, = 等于; no comparator is ≥, except for 成本指标 where it is ≤."""
    target = ind.target
    if not isinstance(target, Quantity):
        return None
    if target.comparator == "≥":
        return "正向"
    if target.comparator == "≤":
        return "反向"
    if target.comparator == "=":
        return "等于"
    return "反向" if "成本" in ind.level2 or ind.level1 == "成本指标" else "正向"


def achievement(ind: Indicator, actual: Decimal | Fraction | None, against: Decimal | Fraction | None) -> Ratio:
    """正向/等于: actual ÷ against; 反向: against ÷ actual."""
    if direction(ind) == "反向":
        return ratio(against, actual)
    return ratio(actual, against)


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    kind: Kind
    direction: Direction | None
    entry: SnapshotIndicator | None
    due: Fraction | None  # 应完成值
    completion: Ratio  # 完成率 (of the annual target)
    progress: Ratio  # 进度完成率
    deviation: Ratio  # 偏差率
    light: str | None
    possibility: str | None
    possibility_computed: bool

    @property
    def name(self) -> str:
        return self.indicator.name


def _light_from_rates(completion: Ratio, progress: Ratio, profile: Profile) -> str | None:
    alert = profile.indicator_alert
    if completion is not None and completion >= percent(alert.blue_from):
        return BLUE
    if progress is None:
        return None
    if progress < percent(alert.red_below):
        return RED
    if progress < percent(alert.yellow_below):
        return YELLOW
    return GREEN


def _possibility_quantity(ind: Indicator, forecast: object, profile: Profile) -> str | None:
    if not isinstance(forecast, Quantity) or not isinstance(ind.target, Quantity):
        return None
    share = achievement(ind, forecast.value, ind.target.value)
    if share is None:
        return None
    bands = profile.possibility
    if share >= percent(bands.certain_from):
        return "确定能"
    if share >= percent(bands.possible_from):
        return "有可能"
    return "完全不可能"


def _done_on(actual: object, as_of: date) -> date | None:
    """The completion date of a deadline actual; a date after the snapshot is a plan, not done."""
    if isinstance(actual, DateValue) and actual.date <= as_of:
        return actual.date
    return None


def indicator_progress(
    ind: Indicator,
    entry: SnapshotIndicator | None,
    as_of: date,
    tp: Fraction,
    profile: Profile,
    diags: Diagnostics,
    path: FieldPath,
) -> IndicatorProgress:
    kind = kind_of(ind)
    due: Fraction | None = None
    completion = progress = deviation = None
    light: str | None = None
    possibility = entry.possibility if entry is not None else None
    computed = False
    if entry is None:
        diags.warning(path, f"本次监控缺少指标“{ind.name}”的执行情况，相关比率记为“—”")
    elif kind == "定量":
        target = ind.target
        assert isinstance(target, Quantity)
        if isinstance(entry.due, Quantity):
            due = frac(entry.due.value)
        elif ind.level2 == "数量指标":
            due = frac(target.value) * tp
        else:
            due = frac(target.value)
        actual = entry.actual.value if isinstance(entry.actual, Quantity) else None
        if actual is None:
            diags.warning(
                (*path, "执行情况"),
                f"执行情况“{entry.actual.text}”不是数值，完成率、偏差率记为“—”，不给预警",
            )
        else:
            completion = achievement(ind, actual, target.value)
            progress = achievement(ind, actual, due)
            deviation = ratio(frac(actual) - due, due)
            if progress is None or completion is None:
                diags.warning((*path, "执行情况"), "分母为 0，完成率/进度完成率记为“—”")
            light = _light_from_rates(completion, progress, profile)
        if possibility is None:
            possibility = _possibility_quantity(ind, entry.forecast, profile)
            computed = possibility is not None
    elif kind == "时限":
        target = ind.target
        assert isinstance(target, Deadline)
        done = _done_on(entry.actual, as_of)
        if done is not None and done <= target.date:
            light = GREEN
        elif done is not None:  # done, but after the deadline: 部分达成, as in self-evaluation
            light = YELLOW
        elif as_of > target.date:
            light = RED
        if possibility is None and isinstance(entry.forecast, DateValue):
            possibility = "确定能" if entry.forecast.date <= target.date else "有可能"
            computed = True
    else:
        if entry.completion is not None:
            light = QUALITATIVE_LIGHT[entry.completion]
    if entry is not None and possibility is None:
        diags.warning(
            (*path, "完成可能性"),
            "无法根据全年预计判断完成可能性，请填写“完成可能性”（确定能/有可能/完全不可能）",
        )
    return IndicatorProgress(
        indicator=ind,
        kind=kind,
        direction=direction(ind),
        entry=entry,
        due=due,
        completion=completion,
        progress=progress,
        deviation=deviation,
        light=light,
        possibility=possibility,
        possibility_computed=computed,
    )


__all__ = ["QUALITATIVE_LIGHT", "IndicatorProgress", "Text", "indicator_progress"]
