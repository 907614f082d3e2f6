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
        amount = project.funds.initial.total
        self.units.add(project.unit)
        self.projects += 1
        self.amount += amount
        if project.snapshots:
            self.monitored_units.add(project.unit)
            self.monitored_projects += 1
            self.monitored_amount += amount


@dataclass(frozen=True)
class Coverage:
    rows: tuple[CoverageRow, ...]  # one per 主管部门, in first-seen order
    total: CoverageRow


def coverage(projects: Iterable[Project]) -> Coverage:
    rows: dict[str, CoverageRow] = {}
    total = CoverageRow("合计")
    for project in projects:
        rows.setdefault(project.department, CoverageRow(project.department)).add(project)
        total.add(project)
    return Coverage(tuple(rows.values()), total)
