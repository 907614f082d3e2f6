"""Target review (绩效目标审核): 完整性, the 004 numeric rules, 相关性 / 适当性."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Project
from ..profile import Profile
from ..values import Deadline, Quantity, Text
from .numbers import percent, ratio, round_half_up

ERROR, WARNING = "错误", "警告"
PASS, FAIL = "通过", "不通过"
REQUIRED_LEVEL1 = ("产出指标", "效益指标", "满意度指标")


@dataclass(frozen=True)
class Finding:
    level: str  # 错误 / 警告
    rule: str  # 完整性 / 数量要求 / 相关性 / 适当性
    message: str
    indicator: str | None = None


@dataclass(frozen=True)
class TargetReview:
    conclusion: str
    findings: tuple[Finding, ...]
    quantified: int
    total: int
    level1: int = 0  # distinct 一级指标
    level2: int = 0  # distinct 二级指标


def _placeholders(project: Project, profile: Profile) -> list[tuple[str, str]]:
    marks = profile.target_review.placeholders
    fields: list[tuple[str, str | None]] = [
        ("项目名称", project.name),
        ("主管部门", project.department),
        ("实施单位", project.unit),
        ("年度总体目标", project.annual_goal),
        ("中长期目标", project.long_term_goal),
    ]
    for ind in project.indicators:
        fields.append((f"指标“{ind.name}”", ind.name))
        target = ind.target
        fields.append((f"指标“{ind.name}”的指标值", getattr(target, "text", None)))
    found = []
    for label, text in fields:
        if not text:
            continue
        for mark in marks:
            hit = mark.lower() in text.lower() if mark.isascii() and mark.isalpha() else mark in text
            if hit:
                found.append((label, mark))
                break
    return found


def target_review(project: Project, profile: Profile) -> TargetReview:
    s = profile.target_review
    out: list[Finding] = []

    for label, value in (
        ("项目名称", project.name), ("主管部门", project.department),
        ("实施单位", project.unit), ("年度总体目标", project.annual_goal),
    ):
        if not value.strip():
            out.append(Finding(ERROR, "完整性", f"{label}未填写"))
    if project.funds.budget.total <= 0:
        out.append(Finding(ERROR, "完整性", "资金（全年预算数）合计为 0"))
    level1 = {("产出指标" if i.level1 == "成本指标" else i.level1) for i in project.indicators}
    missing = [name for name in REQUIRED_LEVEL1 if name not in level1]
    if missing:
        out.append(Finding(ERROR, "完整性", f"缺少{'、'.join(missing)}（产出、效益、满意度指标均应设置）"))
    for label, mark in _placeholders(project, profile):
        out.append(Finding(ERROR, "完整性", f"{label}含占位文字“{mark}”，请填写实际内容"))

    total = len(project.indicators)
    quantified = sum(1 for i in project.indicators if isinstance(i.target, (Quantity, Deadline)))
    share = ratio(quantified, total)
    if share is not None and share < percent(s.quantified_share_min):
        out.append(Finding(
            ERROR, "数量要求",
            f"量化指标占比 {round_half_up(share * 100)}%（{quantified}/{total}），要求不低于 {s.quantified_share_min}%",
        ))
    n1 = len({i.level1 for i in project.indicators})
    n2 = len({i.level2 for i in project.indicators})
    if n1 < s.level1_min:
        out.append(Finding(ERROR, "数量要求", f"一级指标仅{n1}类，要求不少于{s.level1_min}类"))
    if n2 < s.level2_min:
        out.append(Finding(ERROR, "数量要求", f"二级指标仅{n2}类，要求不少于{s.level2_min}类"))
    if total < s.level3_min:
        out.append(Finding(ERROR, "数量要求", f"三级指标仅{total}个，要求不少于{s.level3_min}个"))

    for ind in project.indicators:
        target = ind.target
        if isinstance(target, Quantity):
            is_cost = "成本" in ind.level2 or ind.level1 == "成本指标"
            if is_cost and target.comparator == "≥":
                out.append(Finding(
                    WARNING, "相关性",
                    f"成本指标“{ind.name}”使用“≥”（{target.text}），成本指标一般应为“≤”", ind.name,
                ))
            if target.is_percent and target.value > 100:
                out.append(Finding(
                    WARNING, "适当性", f"指标“{ind.name}”的百分比指标值超过100%（{target.text}）", ind.name,
                ))
        elif isinstance(target, Deadline):
            d = target.date
            outside_year = d.year != project.year
            before_start = project.start is not None and d < project.start
            after_end = project.end is not None and d > project.end
            if outside_year or before_start or after_end:
                span = f"{project.start or ''}至{project.end or ''}" if project.start or project.end else ""
                where = f"预算年度 {project.year}" + (f"或项目起止时间 {span}" if span else "")
                out.append(Finding(
                    WARNING, "适当性", f"指标“{ind.name}”的完成时限 {d} 不在{where}内", ind.name,
                ))
        elif isinstance(target, Text) and False:  # qualitative targets are allowed; counted above
            pass

    for label, funding in (("年初预算数", project.funds.initial), ("全年预算数", project.funds.full_year)):
        if funding is not None and funding.total_given is not None and funding.total_given != funding.total:
            out.append(Finding(WARNING, "适当性", f"{label}合计与各来源之和不一致"))

    conclusion = FAIL if any(f.level == ERROR for f in out) else PASS
    return TargetReview(conclusion, tuple(out), quantified, total, n1, n2)
