"""表3 绩效跟踪综合意见反馈表 (000): the reviewing 主管部门's / 财政局's opinions from the ``反馈`` section."""

from __future__ import annotations

from typing import Any

from ..model import OPINION_AREAS
from ..present import cn_date
from ..rules.context import ProjectResult
from ..values import ValueProblem, parse_date
from .common import header

TITLE = "绩效跟踪综合意见反馈表"
NONE = "无"


def _requirements(items: list[str]) -> str:
    """整改要求, one per line; numbered ``1．`` … when there are several."""
    items = [i.strip() for i in items if i.strip()]
    if not items:
        return NONE
    if len(items) == 1:
        return items[0]
    return "\n".join(f"{n}．{text}" for n, text in enumerate(items, start=1))


def _deadline(text: str | None) -> str:
    """整改期限: a date is shown as ``2024年10月15日``; other text as written."""
    text = (text or "").strip()
    if not text:
        return NONE
    try:
        return cn_date(parse_date(text))
    except ValueProblem:
        return text


def build(result: ProjectResult) -> dict[str, Any]:
    fb = result.project.feedback
    assert fb is not None
    ctx = header(result.project, TITLE, "表3")
    ctx.update({
        "审核单位": (fb.reviewer or "").strip(),
        "审核日期": cn_date(fb.review_date) or "    年  月  日",
        "整改要求": _requirements(fb.requirements),
        "整改期限": _deadline(fb.deadline),
    })
    for area in OPINION_AREAS:
        ctx[area] = (fb.opinions.get(area) or "").strip() or NONE
    return ctx
