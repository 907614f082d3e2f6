"""Signals for the drafted 表3 opinions (RULES.md "Drafted opinions"; 001 第十五条).

Only the facts and figures: the wording is drafted by ``docgen review`` from these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..model import Project, Snapshot
from ..profile import Profile
from .budget import BLUE, RED, YELLOW, BudgetExecution
from .indicators import IndicatorProgress
from .numbers import Ratio, percent, ratio


@dataclass(frozen=True)
class OpinionSignals:
    as_of: date
    budget: BudgetExecution
    budget_slow: bool  # 预算执行进度: 红/黄灯
    surplus_share: Ratio  # 预计结余 ÷ 全年预算数
    propose_cut: bool  # 预计结余 ≥ 10%: 调减预算 (第十五条（一）)
    over_budget: bool  # 合规性 finding (001 第十条)
    impossible: tuple[str, ...]  # 完全不可能
    red: tuple[str, ...]  # 红灯 indicators
    blue: tuple[str, ...]  # 蓝灯: target set too low (第十五条（二）)
    late_start: tuple[date, date] | None  # (计划, 实际) (第十五条（三）)
    violations: str | None
    serious: bool  # 第十五条（四）

    @property
    def clean(self) -> bool:
        return not (
            self.budget_slow or self.propose_cut or self.over_budget or self.impossible or self.red
            or self.blue or self.late_start or self.violations or self.serious
        )


def opinion_signals(
    project: Project, snap: Snapshot, budget: BudgetExecution, progress: list[IndicatorProgress], profile: Profile
) -> OpinionSignals:
    surplus_share = ratio(budget.surplus, budget.budget.total) if budget.surplus is not None else None
    propose_cut = surplus_share is not None and surplus_share >= percent(profile.adjustment.surplus_share_from)
    impossible = tuple(p.name for p in progress if p.possibility == "完全不可能")
    red = tuple(p.name for p in progress if p.light == RED)
    blue = tuple(p.name for p in progress if p.light == BLUE)
    late = None
    violations = None
    if snap.management is not None:
        m = snap.management
        if m.planned_start and m.actual_start and m.actual_start > m.planned_start:
            late = (m.planned_start, m.actual_start)
        if m.violations and m.violations.strip() and m.violations.strip() not in ("无", "没有", "未发现"):
            violations = m.violations.strip()
    quantitative = [p for p in progress if p.kind == "定量"]
    red_quant = [p for p in quantitative if p.light == RED]
    serious = budget.light == RED and bool(quantitative) and 2 * len(red_quant) >= len(quantitative)
    return OpinionSignals(
        as_of=snap.as_of,
        budget=budget,
        budget_slow=budget.light in (RED, YELLOW),
        surplus_share=surplus_share,
        propose_cut=propose_cut,
        over_budget=budget.over_budget,
        impossible=impossible,
        red=red,
        blue=blue,
        late_start=late,
        violations=violations,
        serious=serious,
    )


__all__ = ["Decimal", "OpinionSignals", "opinion_signals"]
