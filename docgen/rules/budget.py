"""Budget execution of one monitoring snapshot (RULES.md "Budget execution")."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from ..model import Funding, Project, Snapshot
from ..profile import Profile
from .numbers import Ratio, percent, ratio

RED, YELLOW, GREEN, BLUE = "红灯", "黄灯", "绿灯", "蓝灯"


def time_progress(as_of: date) -> Fraction:
    """Month ÷ 12 at a month's last day; otherwise days elapsed (both ends included) ÷ days in the year."""
    last = calendar.monthrange(as_of.year, as_of.month)[1]
    if as_of.day == last:
        return Fraction(as_of.month, 12)
    elapsed = (as_of - date(as_of.year, 1, 1)).days + 1
    return Fraction(elapsed, 366 if calendar.isleap(as_of.year) else 365)


def period_label(as_of: date) -> str:
    """``1-6月`` for a snapshot up to June (``1月`` for January)."""
    return "1月" if as_of.month == 1 else f"1-{as_of.month}月"


@dataclass(frozen=True)
class FundingFigures:
    sources: dict[str, Decimal]
    total: Decimal


def figures(funding: Funding | None) -> FundingFigures | None:
    if funding is None:
        return None
    return FundingFigures(funding.sources(), funding.total)


@dataclass(frozen=True)
class BudgetExecution:
    as_of: date
    period: str
    initial: FundingFigures
    budget: FundingFigures
    spent: FundingFigures
    forecast: FundingFigures | None
    rate: Ratio  # 执行率: spent ÷ 全年预算数
    initial_rate: Ratio  # 年初预算执行率: spent ÷ 年初预算数 (附件1 "1-6月执行率")
    forecast_rate: Ratio  # 全年预计执行率
    surplus: Decimal | None  # 预计结余
    time_progress: Fraction
    progress_ratio: Ratio  # 执行进度比
    light: str | None
    over_budget: bool
    over_sources: tuple[str, ...]


def budget_light(rate: Ratio, progress_ratio: Ratio, as_of: date, profile: Profile) -> str | None:
    alert = profile.budget_alert
    if alert.mode == "固定执行率":  # a floor applies from the last day of its month ("25% by 04-30")
        months = [m for m in alert.month_floors
                  if m < as_of.month or (m == as_of.month and as_of.day == calendar.monthrange(as_of.year, m)[1])]
        if rate is None or not months:
            return None
        return RED if rate < percent(alert.month_floors[max(months)]) else GREEN
    if progress_ratio is None:
        return None
    if progress_ratio < percent(alert.red_below):
        return RED
    if progress_ratio < percent(alert.yellow_below):
        return YELLOW
    return GREEN


def budget_execution(project: Project, snap: Snapshot, profile: Profile) -> BudgetExecution:
    budget = project.funds.budget
    initial = project.funds.initial
    spent = snap.spent
    tp = time_progress(snap.as_of)
    rate = ratio(spent.total, budget.total)
    progress_ratio = ratio(rate, tp) if rate is not None else None
    forecast_total = snap.forecast_spent.total if snap.forecast_spent is not None else None
    budget_sources = budget.sources()
    over = tuple(
        name for name, value in spent.sources().items() if value > budget_sources.get(name, Decimal(0))
    )
    return BudgetExecution(
        as_of=snap.as_of,
        period=period_label(snap.as_of),
        initial=figures(initial),  # type: ignore[arg-type]
        budget=figures(budget),  # type: ignore[arg-type]
        spent=figures(spent),  # type: ignore[arg-type]
        forecast=figures(snap.forecast_spent),
        rate=rate,
        initial_rate=ratio(spent.total, initial.total),
        forecast_rate=ratio(forecast_total, budget.total),
        surplus=(budget.total - forecast_total) if forecast_total is not None else None,
        time_progress=tp,
        progress_ratio=progress_ratio,
        light=budget_light(rate, progress_ratio, snap.as_of, profile),
        over_budget=bool(over) or spent.total > budget.total,
        over_sources=over,
    )
