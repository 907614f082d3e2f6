"""Plausibility: numbers that are valid but probably typed in the wrong unit (warnings, never errors).

A budget typed in 元 (``1,200,000``) is read as 1,200,000 万元; a percentage typed as a decimal (``0.15``
against ``≤12%``) is read as 0.15%. Both compute without complaint and give absurd rates, so each is
told where it was written, with what docgen read and what the user probably meant. Thresholds come
from the profile (``合理性检查``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..errors import Diagnostics, FieldPath
from ..model import Funding, Project
from ..profile import Profile
from ..values import Quantity
from .numbers import round_half_up

TEN_THOUSAND = Decimal(10000)


@dataclass(frozen=True)
class Amount:
    path: FieldPath
    value: Decimal
    spent: bool  # an 执行数 (compared with the budget), not a budget


def _sources(funding: Funding | None, base: FieldPath, spent: bool) -> Iterator[Amount]:
    if funding is None:
        return
    for name, value in funding.sources().items():
        yield Amount((*base, name), value, spent)


def amounts(p: Project) -> list[Amount]:
    """Every amount of the project with its field path."""
    out = [
        *_sources(p.funds.initial, ("资金", "年初预算数"), False),
        *_sources(p.funds.full_year, ("资金", "全年预算数"), False),
    ]
    for i, snap in enumerate(p.snapshots):
        out += _sources(snap.spent, ("监控", i, "执行数"), True)
        out += _sources(snap.forecast_spent, ("监控", i, "全年预计执行数"), True)
    if p.self_eval is not None:
        out += _sources(p.self_eval.spent, ("自评", "执行数"), True)
    return out


def _num(value: Decimal) -> str:
    """``1,200,000`` / ``1,234.5``: as typed, with thousands separators."""
    return f"{value.normalize():,f}" if value == value.to_integral_value() else f"{value:,f}"


def _yuan_hint(value: Decimal) -> str:
    return f"可能按元填写了（{_num(value)} 元 = {round_half_up(value / TEN_THOUSAND)} 万元）"


def _amount_reason(a: Amount, p: Project, everything: list[Amount], profile: Profile) -> str | None:
    s = profile.plausibility
    if a.value > s.amount_cap:
        return f"超过 {_num(s.amount_cap)} 万元"
    budget = p.funds.budget.total
    factor = s.amount_factor
    if a.spent and budget > 0 and a.value > factor * budget:
        return f"超过全年预算数合计（{_num(budget)} 万元）的 {_num(factor)} 倍"
    if not a.spent and p.funds.full_year is not None:
        initial, full = p.funds.initial.total, p.funds.full_year.total
        here_initial = a.path[1] == "年初预算数"
        other, label = (full, "全年预算数") if here_initial else (initial, "年初预算数")
        if other > 0 and a.value > factor * other:
            return f"超过{label}合计（{_num(other)} 万元）的 {_num(factor)} 倍"
    if a.value >= s.whole_amount_from and a.value == a.value.to_integral_value():
        others = [b.value for b in everything if b is not a and b.value > 0]
        if others and all(v < s.others_below for v in others):
            return f"是不小于 {_num(s.whole_amount_from)} 的整数，而本项目其他金额都低于 {_num(s.others_below)} 万元"
    return None


def check_amounts(p: Project, profile: Profile, diags: Diagnostics) -> None:
    everything = amounts(p)
    for a in everything:
        reason = _amount_reason(a, p, everything, profile)
        if reason:
            diags.warning(
                a.path,
                f"金额 {_num(a.value)} 万元{reason}，{_yuan_hint(a.value)}；金额单位是万元，确为万元时可忽略此警告",
            )


def _decimal_percent(target: object, actual: object, path: FieldPath, diags: Diagnostics) -> None:
    if not (isinstance(target, Quantity) and target.is_percent and isinstance(actual, Quantity)):
        return
    if actual.unit or not 0 < actual.value < 1 or target.value <= 1:
        return
    meant = (actual.value * 100).normalize()
    diags.warning(
        path,
        f"填的是 {actual.text}，按 {actual.text}% 计算（指标值“{target.text}”）；是否应为 {meant:f}%？"
        f"（百分比请写作 {meant:f} 或 {meant:f}%）",
    )


def check_percentages(p: Project, diags: Diagnostics) -> None:
    for i, snap in enumerate(p.snapshots):
        for name, entry in snap.indicators.items():
            ind = p.indicator(name)
            if ind is None:
                continue
            base = ("监控", i, "指标", name)
            _decimal_percent(ind.target, entry.actual, (*base, "执行情况"), diags)
            _decimal_percent(ind.target, entry.forecast, (*base, "全年预计"), diags)
            _decimal_percent(ind.target, entry.due, (*base, "本期应完成"), diags)
    if p.self_eval is not None:
        for name, se in p.self_eval.indicators.items():
            ind = p.indicator(name)
            if ind is not None:
                _decimal_percent(ind.target, se.actual, ("自评", "指标", name, "实际完成值"), diags)


def plausibility(p: Project, profile: Profile, diags: Diagnostics) -> None:
    """Warn about amounts that look typed in 元 and percentages typed as decimals."""
    check_amounts(p, profile, diags)
    if profile.plausibility.decimal_percent:
        check_percentages(p, diags)
