"""事前绩效评估评分表及结论 (003 第十三条、第十八条)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..model import PRE_CONCLUSIONS
from ..present import num_money, trimmed
from ..profile import Profile
from ..rules.context import ProjectResult
from ..rules.preassess import DimensionScore
from .common import header, mark

TITLE = "事前绩效评估评分表"

# 003 第十三条: what each dimension assesses (printed in the 评估内容 column)
CONTENT = {
    "立项必要性": "项目设立是否与国家、省市县、相关行业政策相符，是否与部门和单位职能、规划及年度工作重点相关，"
                  "是否有迫切的现实需求和确定的服务对象，是否属于财政资金支持范围等。",
    "投入经济性": "项目投入产出比是否合理，成本测算是否充分，成本控制措施是否科学有效等。",
    "绩效目标合理性": "项目绩效目标是否明确，是否与相关规划、计划相符，是否与现实需求相匹配，绩效指标是否细化、量化、"
                      "可衡量，指标值是否合理、可考核等。",
    "实施方案可行性": "项目实施方案是否合理可行、是否经过前期论证，是否制定有效的过程控制措施和保证项目绩效可持续发挥的"
                      "配套机制等。",
    "筹资合规性": "项目资金来源渠道、筹措程序是否合规，财权与事权是否匹配，财政投入方式是否合理，筹资风险是否可控等。",
}


def _number(value: Decimal) -> str:
    return trimmed(value) or "0"


def bands(profile: Profile) -> str:
    """``评估得分满分100分，80分（含）以上为予以支持，…；任一维度得分低于其分值一半的，结论最高为部分支持。``"""
    s = profile.pre_assessment
    total = sum(s.weights.values(), Decimal(0))
    text = (
        f"评估得分满分{_number(total)}分，{_number(s.support_from)}分（含）以上为予以支持，"
        f"{_number(s.partial_from)}分（含）至{_number(s.support_from)}分为部分支持，"
        f"{_number(s.partial_from)}分以下为不予支持"
    )
    if s.cap_on_weak_dimension:
        text += "；任一维度得分低于其分值一半的，结论最高为部分支持"
    return text + "。"


def cap_note(weak: list[DimensionScore]) -> str:
    names = "、".join(f"{d.name}{_number(d.score)}分" for d in weak)
    weights = "、".join(dict.fromkeys(f"{_number(d.weight)}分" for d in weak))
    return f"说明：{names}，低于分值（{weights}）的一半，评估结论最高为“部分支持”。"


def build(result: ProjectResult) -> dict[str, Any]:
    pa = result.pre_assessment
    assert pa is not None
    ctx = header(result.project, TITLE)
    ctx.update({
        "年初预算数": num_money(result.initial.total),
        "维度": [
            {
                "评估维度": d.name,
                "评估内容": CONTENT.get(d.name, ""),
                "分值": num_money(d.weight),
                "得分": num_money(d.score),
                "评估意见": (d.opinion or "").strip(),
            }
            for d in pa.dimensions
        ],
        "总分值": num_money(sum((d.weight for d in pa.dimensions), Decimal(0))),
        "总分": num_money(pa.total),
        "评估结论": pa.conclusion,
        "结论": {name: mark(pa.conclusion == name) for name in PRE_CONCLUSIONS},
        "结论分档": bands(result.profile),
        # the rule caps on a dimension scored below half its weight (rules/preassess.py); name them
        "封顶说明": cap_note(list(pa.weak)) if pa.capped else "",
    })
    return ctx
