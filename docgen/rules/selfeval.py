"""Year-end self-evaluation: weights, 得分率, 得分, 总分, 等级, 结果应用 (RULES.md "Self-evaluation")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..errors import Diagnostics
from ..model import Indicator, Project, SelfEvalIndicator
from ..profile import Profile
from ..values import DateValue, Deadline, Quantity
from .budget import FundingFigures, figures
from .indicators import direction, kind_of
from .numbers import CENT, ONE, Ratio, frac, percent, ratio, round_half_up

BUDGET_KEY = "预算执行率"


def _group(ind: Indicator) -> str:
    """The weight group of an indicator: a 2021-style 成本指标 一级 shares the 产出 weight."""
    return "产出指标" if ind.level1 == "成本指标" else ind.level1


def _share(total: Decimal, count: int) -> list[Decimal]:
    """``total`` split into ``count`` 2-decimal parts that add up exactly (largest remainder)."""
    if count <= 0:
        return []
    cents = int((total / CENT).to_integral_value())
    base, extra = divmod(cents, count)
    return [Decimal(base + (1 if i < extra else 0)) * CENT for i in range(count)]


def weights(project: Project, profile: Profile, diags: Diagnostics) -> dict[str, Decimal]:
    """分值 of every indicator: as given, or an equal share of what its 一级 weight leaves."""
    group_weight = profile.self_eval.weights
    out: dict[str, Decimal] = {}
    groups: dict[str, list[Indicator]] = {}
    for ind in project.indicators:
        groups.setdefault(_group(ind), []).append(ind)
    any_given = any(ind.weight is not None for ind in project.indicators)
    for group, members in groups.items():
        given = sum((i.weight for i in members if i.weight is not None), Decimal(0))
        missing = [i for i in members if i.weight is None]
        left = max(group_weight.get(group, Decimal(0)) - given, Decimal(0))
        parts = iter(_share(left, len(missing)))
        for ind in members:
            out[ind.name] = ind.weight if ind.weight is not None else next(parts)
    if any_given:
        budget_weight = group_weight[BUDGET_KEY]
        total = budget_weight + sum(out.values(), Decimal(0))
        if total != 100:
            diags.error(
                ("绩效指标",),
                f"指标分值合计 {total - budget_weight} 分，加上预算执行率 {budget_weight} 分共 {total} 分，应为 100 分",
            )
    return out


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    entry: SelfEvalIndicator | None
    weight: Decimal  # 分值
    rate: Ratio  # 得分率
    score: Decimal  # 得分, rounded to 2 decimals
    completion: str | None  # 完成程度 (given or derived for deadlines)
    manual: bool

    @property
    def name(self) -> str:
        return self.indicator.name


@dataclass(frozen=True)
class SelfEvaluation:
    spent: FundingFigures
    rate: Ratio  # 执行率
    budget_weight: Decimal
    budget_score: Decimal  # 预算执行率得分, rounded
    indicators: tuple[IndicatorScore, ...]
    total: Decimal  # 总分
    grade: str  # 等级
    use: str  # 结果应用


def _quantity_rate(ind: Indicator, actual: Decimal, profile: Profile) -> Fraction:
    target = ind.target
    assert isinstance(target, Quantity)
    t, a = frac(target.value), frac(actual)
    if direction(ind) == "反向":
        if a <= t:
            return ONE
        if profile.self_eval.reverse_scoring == "线性":
            if t == 0:
                return Fraction(0)
            return max(Fraction(0), 1 - (a - t) / t)
        return t / a
    if a >= t or t == 0:
        return ONE
    return max(Fraction(0), a / t)


def _score_one(
    ind: Indicator, entry: SelfEvalIndicator | None, weight: Decimal, profile: Profile, diags: Diagnostics
) -> IndicatorScore:
    path = ("自评", "指标", ind.name)
    settings = profile.self_eval
    kind = kind_of(ind)
    if entry is None or entry.actual is None:
        where = path if entry is not None else ("自评", "指标")
        diags.error(where, f"缺少指标“{ind.name}”的实际完成值")
        return IndicatorScore(ind, entry, weight, None, Decimal("0.00"), None, False)
    rate: Ratio = None
    completion = entry.completion
    if kind == "定量":
        if isinstance(entry.actual, Quantity):
            rate = _quantity_rate(ind, entry.actual.value, profile)
        elif entry.score is None:
            diags.error((*path, "实际完成值"), f"定量指标的实际完成值应为数值，实际是“{entry.actual.text}”")
    elif kind == "时限":
        target = ind.target
        assert isinstance(target, Deadline)
        if isinstance(entry.actual, DateValue):
            completion = "达成" if entry.actual.date <= target.date else "部分达成"
        else:
            completion = "未达成"
        rate = frac(settings.qualitative_rates[completion]) if completion != "达成" else ONE
    elif completion is not None:
        rate = frac(settings.qualitative_rates[completion])
    elif entry.score is None:
        diags.error((*path, "完成程度"), "定性指标需填写完成程度（达成/部分达成/未达成）或得分")

    manual = entry.score is not None
    if manual:
        assert entry.score is not None
        if entry.score > weight:
            diags.error((*path, "得分"), f"得分 {entry.score} 超过该指标分值 {weight}")
        elif completion is not None and kind != "定量" and weight > 0:
            low, high = settings.qualitative_bands[completion]
            share = entry.score / weight * 100
            if not low <= share <= high:
                diags.error(
                    (*path, "得分"),
                    f"得分 {entry.score} 不在“{completion}”对应的区间内"
                    f"（分值的 {low}%–{high}%，即 {round_half_up(weight * low / 100)}–"
                    f"{round_half_up(weight * high / 100)} 分）",
                )
        rate = ratio(entry.score, weight)
        score = round_half_up(entry.score)
    else:
        score = round_half_up(frac(weight) * rate) if rate is not None else Decimal("0.00")

    if not entry.explanation:
        if rate is not None and rate < 1:
            diags.warning((*path, "偏差原因及改进措施"), "未达到指标值，请填写偏差原因及改进措施")
        elif (
            kind == "定量"
            and direction(ind) == "正向"
            and isinstance(entry.actual, Quantity)
            and isinstance(ind.target, Quantity)
            and ind.target.value > 0
            and frac(entry.actual.value) >= frac(ind.target.value) * percent(settings.overachieve_note_from)
        ):
            share = round_half_up(frac(entry.actual.value) / frac(ind.target.value) * 100)
            diags.warning(
                (*path, "偏差原因及改进措施"),
                f"实际完成值为指标值的 {share}%，超额较多（目标可能偏低），请说明原因",
            )
    return IndicatorScore(ind, entry, weight, rate, score, completion, manual)


def self_evaluation(project: Project, profile: Profile, diags: Diagnostics) -> SelfEvaluation | None:
    se = project.self_eval
    if se is None:
        return None
    w = weights(project, profile, diags)
    scores = tuple(
        _score_one(ind, se.indicators.get(ind.name), w[ind.name], profile, diags) for ind in project.indicators
    )
    budget_total = project.funds.budget.total
    rate = ratio(se.spent.total, budget_total)
    budget_weight = profile.self_eval.weights[BUDGET_KEY]
    if rate is None:
        diags.warning(("自评", "执行数"), "全年预算数为 0，执行率记为“—”，预算执行率得 0 分")
        budget_score = Decimal("0.00")
    else:
        budget_score = round_half_up(frac(budget_weight) * min(rate, ONE))
    total = budget_score + sum((s.score for s in scores), Decimal(0))
    grade = profile.grade_for(total)
    spent = figures(se.spent)
    assert spent is not None
    return SelfEvaluation(spent, rate, budget_weight, budget_score, scores, total, grade.name, grade.use)
