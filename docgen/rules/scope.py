"""Tracking scope (勐海, 000) and monitoring coverage over a set of projects (阿图什, 004)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Project
from ..profile import Profile
from .numbers import Ratio, ratio


def in_tracking_scope(project: Project, profile: Profile) -> bool:
    """年初预算数.合计 ≥ the threshold (20 万元), or unfinished last year."""
    return project.funds.initial.total >= profile.scope.amount_from or project.unfinished_last_year


@dataclass
class CoverageRow:
    department: str
    units: set[str] = field(default_factory=set)
    monitored_units: set[str] = field(default_factory=set)
    projects: int = 0
    amount: Decimal = Decimal(0)
    monitored_projects: int = 0
    monitored_amount: Decimal = Decimal(0)

    @property
    def coverage(self) -> Ratio:
        """Monitored amount ÷ total amount."""
        return ratio(self.monitored_amount, self.amount)

    @property
    def project_coverage(self) -> Ratio:
        return ratio(self.monitored_projects, self.projects)

    def add(self, project: Project) -> None:
        self.add_entry(project.unit, project.funds.initial.total, bool(project.snapshots))

    def add_entry(self, unit: str, amount: Decimal, monitored: bool) -> None:
        self.units.add(unit)
        self.projects += 1
        self.amount += amount
        if monitored:
            self.monitored_units.add(unit)
            self.monitored_projects += 1
            self.monitored_amount += amount


@dataclass(frozen=True)
class Coverage:
    rows: tuple[CoverageRow, ...]  # one per 主管部门, in first-seen order
    total: CoverageRow


def coverage(projects: Iterable[Project]) -> Coverage:
    return coverage_of((p.department, p.unit, p.funds.initial.total, bool(p.snapshots)) for p in projects)


def coverage_of(entries: Iterable[tuple[str, str, Decimal, bool]]) -> Coverage:
    """Coverage over (主管部门, 实施单位, 金额, 已监控) entries: a reduce that needs no project loaded."""
    rows: dict[str, CoverageRow] = {}
    total = CoverageRow("合计")
    for department, unit, amount, monitored in entries:
        rows.setdefault(department, CoverageRow(department)).add_entry(unit, amount, monitored)
        total.add_entry(unit, amount, monitored)
    return Coverage(tuple(rows.values()), total)
