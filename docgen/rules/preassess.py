"""Ex-ante assessment (事前绩效评估): 总分 and 结论."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import Diagnostics
from ..model import DIMENSIONS, Project
from ..profile import Profile

SUPPORT, PARTIAL, REJECT = "予以支持", "部分支持", "不予支持"
_ORDER = (REJECT, PARTIAL, SUPPORT)


def is_weak(score: Decimal, weight: Decimal) -> bool:
    """Below half the dimension's weight (exactly half is not)."""
    return score * 2 < weight


@dataclass(frozen=True)
class DimensionScore:
    name: str
    weight: Decimal
    score: Decimal
    opinion: str | None


@dataclass(frozen=True)
class PreAssessmentResult:
    dimensions: tuple[DimensionScore, ...]
    total: Decimal
    computed_conclusion: str
    conclusion: str  # the given one when written, else the computed one
    capped: bool

    @property
    def weak(self) -> tuple[DimensionScore, ...]:
        """Dimensions scored below half their weight (the ones that cap the conclusion)."""
        return tuple(d for d in self.dimensions if is_weak(d.score, d.weight))


def pre_assessment(project: Project, profile: Profile, diags: Diagnostics) -> PreAssessmentResult | None:
    pa = project.pre_assessment
    if pa is None:
        return None
    s = profile.pre_assessment
    dims: list[DimensionScore] = []
    weak = False
    for name in DIMENSIONS:
        dim = pa.dimensions.get(name)
        weight = s.weights.get(name, Decimal(20))
        if dim is None:
            continue  # reported by the loader
        if dim.score > weight:
            diags.error(("事前评估", "维度", name, "得分"), f"得分 {dim.score} 超过该维度分值 {weight}")
        if is_weak(dim.score, weight):
            weak = True
        dims.append(DimensionScore(name, weight, dim.score, dim.opinion))
    total = sum((d.score for d in dims), Decimal(0))
    if total >= s.support_from:
        computed = SUPPORT
    elif total >= s.partial_from:
        computed = PARTIAL
    else:
        computed = REJECT
    capped = False
    if weak and s.cap_on_weak_dimension and computed == SUPPORT:
        computed, capped = PARTIAL, True
    conclusion = pa.conclusion or computed
    if pa.conclusion and pa.conclusion != computed:
        why = "（有维度得分低于其分值一半，最高为部分支持）" if capped else ""
        diags.warning(
            ("事前评估", "结论"),
            f"填写的结论“{pa.conclusion}”与评分不符：总分 {total} 分应为“{computed}”{why}",
        )
    return PreAssessmentResult(tuple(dims), total, computed, conclusion, capped)
