"""绩效目标审核意见表 (003 第二十五条: 完整性/相关性/适当性/可行性; 004: the numeric requirements)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..present import Num, num_money, num_pct, trimmed
from ..rules.context import ProjectResult
from ..rules.numbers import percent, ratio
from ..rules.review import ERROR, FAIL, PASS, WARNING, Finding
from .common import header, mark

TITLE = "绩效目标审核意见表"
OK, NOT_OK = "符合", "不符合"
MANUAL = "需人工审核"  # 可行性: no rule can judge 论证 and 测算; the reviewer writes it


def _count(n: int) -> Num:
    return Num(str(n), Decimal(n), "0")


def aspect(findings: list[Finding], rule: str) -> str:
    """审核情况 of one aspect, from the findings of its rule."""
    errors = sum(1 for f in findings if f.rule == rule and f.level == ERROR)
    warnings = sum(1 for f in findings if f.rule == rule and f.level == WARNING)
    if errors:
        return f"{NOT_OK}（错误{errors}项" + (f"、警告{warnings}项" if warnings else "") + "，见问题清单）"
    if warnings:
        return f"基本{OK}（警告{warnings}项，见问题清单）"
    return OK


def numeric_checks(result: ProjectResult) -> dict[str, Any]:
    """The 004 figures as rules/review.py counted them, with the profile's minimums."""
    s = result.profile.target_review
    review = result.review
    share = ratio(review.quantified, review.total)
    n1, n2 = review.level1, review.level2
    n3 = review.total

    def verdict(ok: bool) -> str:
        return OK if ok else NOT_OK

    return {
        "量化指标数": _count(review.quantified),
        "指标总数": _count(review.total),
        "量化指标占比": {
            "实际": num_pct(share),
            "要求": f"≥{trimmed(s.quantified_share_min)}%",
            "结果": verdict(share is not None and share >= percent(s.quantified_share_min)),
        },
        "一级指标数": {"实际": _count(n1), "要求": f"≥{s.level1_min}", "结果": verdict(n1 >= s.level1_min)},
        "二级指标数": {"实际": _count(n2), "要求": f"≥{s.level2_min}", "结果": verdict(n2 >= s.level2_min)},
        "三级指标数": {"实际": _count(n3), "要求": f"≥{s.level3_min}", "结果": verdict(n3 >= s.level3_min)},
    }


def opinion(conclusion: str, findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.level == ERROR)
    warnings = sum(1 for f in findings if f.level == WARNING)
    if conclusion == FAIL:
        return f"绩效目标审核不通过：存在{errors}项错误，请按问题清单修改后重新申报绩效目标。"
    if warnings:
        return f"绩效目标审核通过，可进入预算安排；所列{warnings}项警告请在预算编制和执行中予以完善。"
    return "绩效目标审核通过，可进入预算安排。"


def build(result: ProjectResult) -> dict[str, Any]:
    review = result.review
    findings = list(review.findings)
    s = result.profile.target_review
    ctx = header(result.project, TITLE)
    problems = [
        {"序号": i, "级别": f.level, "规则": f.rule, "说明": f.message} for i, f in enumerate(findings, start=1)
    ] or [{"序号": "", "级别": "", "规则": "", "说明": "未发现问题"}]
    ctx.update({
        "年初预算数": num_money(result.initial.total),
        "要点": {
            "完整性": aspect(findings, "完整性"),
            "相关性": aspect(findings, "相关性"),
            "适当性": aspect(findings, "适当性"),
            "可行性": MANUAL,
        },
        "数量": numeric_checks(result),
        "要求": {
            "量化指标占比": f"{trimmed(s.quantified_share_min)}%",
            "一级指标": str(s.level1_min),
            "二级指标": str(s.level2_min),
            "三级指标": str(s.level3_min),
        },
        "问题": problems,
        "审核结论": review.conclusion,
        "结论": {PASS: mark(review.conclusion == PASS), FAIL: mark(review.conclusion == FAIL)},
        "审核意见": opinion(review.conclusion, findings),
    })
    return ctx
