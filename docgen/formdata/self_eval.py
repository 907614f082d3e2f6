"""项目支出绩效自评表 (002, 003; the national 项目支出绩效自评表 layout)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..present import DASH, num_money, num_pct, trimmed
from ..profile import Profile
from ..rules.budget import FundingFigures
from ..rules.context import ProjectResult
from ..rules.numbers import ratio
from ..rules.selfeval import SelfEvaluation
from .common import add_groups, header, sort_by_indicator

TITLE = "项目支出绩效自评表"
# 当年财政拨款: the sources appropriated in the budget year; 其他资金 is the rest
APPROPRIATED = ("一般公共预算拨款", "政府性基金", "国有资本经营预算")
Pick = Callable[[FundingFigures], Decimal | None]


def _part(names: tuple[str, ...]) -> Pick:
    def pick(f: FundingFigures) -> Decimal | None:
        values = [f.sources[n] for n in names if n in f.sources]
        return sum(values, Decimal(0)) if values else None

    return pick


def _total(f: FundingFigures) -> Decimal | None:
    return f.total


def funding_rows(result: ProjectResult, se: SelfEvaluation) -> dict[str, dict[str, Any]]:
    """Rows 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金;
    columns 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分.

    分值 and 得分 belong to the 年度资金总额 row (预算执行率 10 分); the other rows show "—" there, as on the
    national form. A row with no amount in the project (上年结转资金 has no data key) prints 0.00 like the others, its
    执行率 "—" (0 ÷ 0): a blank row would read as not filled in.
    """
    figures = (result.initial, result.budget, se.spent)
    out: dict[str, dict[str, Any]] = {
        "合计": {
            "年初预算数": num_money(result.initial.total),
            "全年预算数": num_money(result.budget.total),
            "全年执行数": num_money(se.spent.total),
            "分值": num_money(se.budget_weight),
            "执行率": num_pct(se.rate),
            "得分": num_money(se.budget_score),
        },
    }
    zero = Decimal(0)
    parts = (("财政拨款", _part(APPROPRIATED)), ("上年结转", lambda _f: None), ("其他资金", _part(("其他资金",))))
    for key, pick in parts:
        initial, budget, spent = (pick(f) for f in figures)
        out[key] = {
            "年初预算数": num_money(initial or zero),
            "全年预算数": num_money(budget or zero),
            "全年执行数": num_money(spent or zero),
            "分值": DASH,
            "执行率": num_pct(ratio(spent or zero, budget or zero)),
            "得分": DASH,
        }
    return out


def indicator_rows(se: SelfEvaluation) -> list[dict[str, Any]]:
    scores = sort_by_indicator(se.indicators, lambda s: s.indicator)
    rows = []
    for s in scores:
        e = s.entry
        rows.append({
            "三级指标": s.name,
            "年度指标值": s.indicator.target.text,
            "实际完成值": e.actual.text if e is not None and e.actual is not None else "",
            "分值": num_money(s.weight),
            "得分": num_money(s.score),
            "偏差原因分析及改进措施": (e.explanation or "") if e is not None else "",
        })
    return add_groups(rows, [s.indicator for s in scores])


def _number(value: Decimal) -> str:
    return trimmed(value) or "0"


def grade_note(profile: Profile) -> str:
    """``总分90分（含）以上为优，80分（含）至90分为良，…，60分以下为差。`` from the profile's bands."""
    grades = profile.self_eval.grades
    parts = []
    for i, g in enumerate(grades):
        if i == 0:
            parts.append(f"{_number(g.lower)}分（含）以上为{g.name}")
            continue
        upper = _number(grades[i - 1].lower)
        if g.lower == 0:
            parts.append(f"{upper}分以下为{g.name}")
        else:
            parts.append(f"{_number(g.lower)}分（含）至{upper}分为{g.name}")
    return "自评等级按总分确定：" + "，".join(parts) + "。"


def qualitative_note(profile: Profile) -> str:
    rates = profile.self_eval.qualitative_rates
    return "、".join(f"{name}按分值的{_number(rate * 100)}%" for name, rate in rates.items())


def build(result: ProjectResult) -> dict[str, Any]:
    se = result.self_eval
    assert se is not None and result.project.self_eval is not None
    total_weight = se.budget_weight + sum((s.weight for s in se.indicators), Decimal(0))
    ctx = header(result.project, TITLE)
    ctx.update({
        "资金": funding_rows(result, se),
        "总体目标完成情况": (result.project.self_eval.summary or "").strip(),
        "指标": indicator_rows(se),
        "总分值": num_money(total_weight),
        "总分": num_money(se.total),
        "自评等级": se.grade,
        "结果应用": se.use,
        "预算执行率分值": _number(se.budget_weight),
        "定性计分": qualitative_note(result.profile),
        "等级说明": grade_note(result.profile),
    })
    return ctx

