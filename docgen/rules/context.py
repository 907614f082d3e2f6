"""Everything computed for one project, in one pass: the single source every format reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..errors import Diagnostics, FieldPath
from ..model import Funding, Project
from ..profile import Profile
from .budget import BudgetExecution, FundingFigures, budget_execution, figures
from .indicators import IndicatorProgress, indicator_progress
from .plausibility import plausibility
from .preassess import PreAssessmentResult, pre_assessment
from .review import TargetReview, target_review
from .scope import in_tracking_scope
from .selfeval import SelfEvaluation, self_evaluation, weights
from .signals import OpinionSignals, opinion_signals


@dataclass(frozen=True)
class SnapshotResult:
    index: int  # position in the file's 监控 list
    budget: BudgetExecution
    indicators: tuple[IndicatorProgress, ...]


@dataclass(frozen=True)
class ProjectResult:
    project: Project
    profile: Profile
    in_scope: bool
    initial: FundingFigures
    budget: FundingFigures  # 全年预算数 (defaulted)
    full_year_given: bool
    medium_term: FundingFigures | None
    snapshots: tuple[SnapshotResult, ...]  # in date order, up to --as-of
    current: SnapshotResult | None  # the latest one (the "as of" snapshot of forms)
    signals: OpinionSignals | None
    self_eval: SelfEvaluation | None
    review: TargetReview
    pre_assessment: PreAssessmentResult | None


def _over_budget(spent: Funding, budget: Funding, base: FieldPath, diags: Diagnostics, what: str = "执行数") -> None:
    """One warning per source that is over, at that source's field (its cell in a workbook)."""
    budget_sources = budget.sources()
    told = False
    for name, value in spent.sources().items():
        limit = budget_sources.get(name, Decimal(0))
        if value > limit:
            told = True
            has = f"{limit} 万元" if name in budget_sources else "0（全年预算数中没有这项来源）"
            diags.warning(
                (*base, name),
                f"{what}（{name}）{value} 万元超过全年预算数（{name}）{has}，属超预算开支，请核实（合规性）",
            )
    if not told and spent.total > budget.total:
        diags.warning(
            base, f"{what}合计 {spent.total} 万元超过全年预算数合计 {budget.total} 万元，属超预算开支，请核实（合规性）"
        )


class AsOfError(ValueError):
    """--as-of is before every snapshot."""


def compute(project: Project, profile: Profile, diags: Diagnostics, as_of: date | None = None) -> ProjectResult:
    """Compute every field of RULES.md for one project. Problems go to ``diags``; nothing is printed."""
    order = sorted(range(len(project.snapshots)), key=lambda i: project.snapshots[i].as_of)
    if as_of is not None:
        order = [i for i in order if project.snapshots[i].as_of <= as_of]
    results = []
    for i in order:
        snap = project.snapshots[i]
        budget = budget_execution(project, snap, profile)
        if budget.rate is None:
            diags.warning(("资金", "全年预算数"), "全年预算数合计为 0，执行率记为“—”")
        if budget.over_budget:
            _over_budget(snap.spent, project.funds.budget, ("监控", i, "执行数"), diags)
        if budget.surplus is not None and budget.surplus < 0:
            diags.warning(
                ("监控", i, "全年预计执行数"),
                f"全年预计执行数超过全年预算数 {-budget.surplus} 万元，请核实或按程序调整预算",
            )
        progress = tuple(
            indicator_progress(
                ind, snap.indicators.get(ind.name), snap.as_of, budget.time_progress, profile, diags,
                ("监控", i, "指标", ind.name) if ind.name in snap.indicators else ("监控", i, "指标"),
            )
            for ind in project.indicators
        )
        results.append(SnapshotResult(i, budget, progress))
    current = results[-1] if results else None
    signals = None
    if current is not None:
        snap = project.snapshots[current.index]
        signals = opinion_signals(project, snap, current.budget, list(current.indicators), profile)
    if project.self_eval is None:
        weights(project, profile, diags)  # a wrong 分值 total is reported whether or not there is a 自评
    if project.funds.initial.total == 0 and project.snapshots:
        diags.warning(("资金", "年初预算数"), "年初预算数合计为 0，年初预算执行率记为“—”")
    if project.self_eval is not None:
        _over_budget(project.self_eval.spent, project.funds.budget, ("自评", "执行数"), diags, "全年执行数")
    plausibility(project, profile, diags)
    initial = figures(project.funds.initial)
    budget_fig = figures(project.funds.budget)
    assert initial is not None and budget_fig is not None
    return ProjectResult(
        project=project,
        profile=profile,
        in_scope=in_tracking_scope(project, profile),
        initial=initial,
        budget=budget_fig,
        full_year_given=project.funds.full_year is not None,
        medium_term=figures(project.funds.medium_term),
        snapshots=tuple(results),
        current=current,
        signals=signals,
        self_eval=self_evaluation(project, profile, diags),
        review=target_review(project, profile),
        pre_assessment=pre_assessment(project, profile, diags),
    )
