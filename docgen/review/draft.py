"""The findings behind the drafted 表3 opinions (RULES.md "Drafted opinions"; 001 第十五条).

Pure: a :class:`Draft` is built from a :class:`ProjectResult` and its :class:`OpinionSignals`; nothing
here reads or writes files. Every finding has a stable id (no figures in it), so that a later
``docgen review`` can tell a new finding from one the reviewer has already seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import OPINION_AREAS
from ..rules.budget import BLUE, GREEN, RED, YELLOW
from ..rules.context import ProjectResult
from . import wording

BUDGET, MANAGEMENT, ADJUST, TARGETS = OPINION_AREAS  # 预算执行进度, 项目管理, 调整预算, 绩效目标

# finding kinds, in the order their sentences appear within an opinion
SUSPEND = "暂停"
NO_SNAPSHOT = "无监控"
SLOW = "进度偏慢"
CUT = "调减预算"
OVER = "超预算"
OFF_TRACK = "指标偏差"  # 红灯 or 完全不可能
TOO_LOW = "目标偏低"  # 蓝灯
REVIEW = "目标审核"
LATE = "启动推迟"
VIOLATION = "违规"
KIND_ORDER = (SUSPEND, NO_SNAPSHOT, SLOW, CUT, OVER, OFF_TRACK, TOO_LOW, REVIEW, LATE, VIOLATION)


@dataclass(frozen=True)
class Finding:
    area: str  # one of OPINION_AREAS
    kind: str
    subject: str = ""  # the indicator (or target-review message) concerned, when there is one

    @property
    def id(self) -> str:
        return f"{self.area}/{self.kind}/{self.subject}"


@dataclass(frozen=True)
class Draft:
    """What ``docgen review`` proposes for one project."""

    facts: wording.Facts
    findings: tuple[Finding, ...]
    opinions: dict[str, str] = field(default_factory=dict)
    requirements: tuple[str, ...] = ()
    deadline: str | None = None

    def in_area(self, area: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.area == area)

    def opinion_for(self, area: str, findings: tuple[Finding, ...]) -> str:
        """The wording of ``findings`` (a subset of this draft's) for one opinion."""
        return wording.opinion(self.facts, area, [(f.kind, f.subject) for f in findings if f.area == area])

    def requirements_for(self, findings: tuple[Finding, ...]) -> tuple[str, ...]:
        return wording.requirements(self.facts, [(f.kind, f.subject) for f in findings])

    @property
    def treatments(self) -> tuple[str, ...]:
        return wording.treatments([f.kind for f in self.findings])

    @property
    def clean(self) -> bool:
        return not self.findings


def _order(f: Finding) -> tuple[int, int]:
    return OPINION_AREAS.index(f.area), KIND_ORDER.index(f.kind)


def findings_of(result: ProjectResult) -> tuple[Finding, ...]:
    """Every finding RULES.md's "Drafted opinions" triggers for the result's latest snapshot."""
    out: list[Finding] = []
    s = result.signals
    if s is None:
        out.append(Finding(BUDGET, NO_SNAPSHOT))
    else:
        if s.serious:
            out.append(Finding(ADJUST, SUSPEND))
        if s.budget_slow:
            out.append(Finding(BUDGET, SLOW))
        if s.propose_cut:
            out.append(Finding(ADJUST, CUT))
        if s.over_budget:
            out.append(Finding(ADJUST, OVER))
        off_track = [n for n in _indicator_names(result) if n in s.red or n in s.impossible]
        out.extend(Finding(TARGETS, OFF_TRACK, name) for name in off_track)
        out.extend(Finding(TARGETS, TOO_LOW, name) for name in s.blue)
        if s.late_start is not None:
            out.append(Finding(MANAGEMENT, LATE))
        if s.violations:
            out.append(Finding(MANAGEMENT, VIOLATION))
    for f in result.review.findings:
        if f.level == "错误":
            out.append(Finding(TARGETS, REVIEW, f.message))
    return tuple(sorted(out, key=_order))  # sorted() is stable: indicators keep the file's order


def _indicator_names(result: ProjectResult) -> list[str]:
    return [i.name for i in result.project.indicators]


def draft(result: ProjectResult) -> Draft:
    """The drafted opinions, 整改要求 and 整改期限 of one project."""
    facts = wording.facts_of(result)
    found = findings_of(result)
    base = Draft(facts, found)
    opinions = {area: base.opinion_for(area, base.in_area(area)) for area in OPINION_AREAS}
    requirements = base.requirements_for(found)
    return Draft(facts, found, opinions, requirements, wording.DEADLINE if requirements else None)


__all__ = ["BLUE", "GREEN", "RED", "YELLOW", "Draft", "Finding", "draft", "findings_of"]
