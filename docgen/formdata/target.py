"""表1 项目绩效目标表 (000), in the national 项目支出绩效目标申报表 layout."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..errors import Diagnostics
from ..model import Project
from ..present import Num, num_money, num_score
from ..rules.budget import FundingFigures
from ..rules.context import ProjectResult
from ..rules.selfeval import weights
from .common import add_groups, header, sort_by_indicator

TITLE = "项目支出绩效目标申报表"
TRACKED = "（跟踪）"  # after the name of an indicator marked 跟踪: true
KINDS = ("新增项目", "延续项目")
UNCHECKED = "□"
CHECKED = "√"
# 财政拨款 on the national form: every source but 其他资金
PUBLIC = ("一般公共预算拨款", "政府性基金", "国有资本经营预算")


def funding(f: FundingFigures | None) -> dict[str, Num]:
    """合计 / 其中：财政拨款 / 其他资金 of one budget line (— when the line is absent)."""
    if f is None:
        return {"合计": num_money(None), "财政拨款": num_money(None), "其他资金": num_money(None)}
    public = sum((f.sources.get(name, Decimal(0)) for name in PUBLIC), Decimal(0))
    return {
        "合计": num_money(f.total),
        "财政拨款": num_money(public),
        "其他资金": num_money(f.sources.get("其他资金", Decimal(0))),
    }


def indicator_rows(result: ProjectResult) -> list[dict[str, Any]]:
    project: Project = result.project
    indicators = sort_by_indicator(project.indicators, lambda i: i)
    # 分值 are shown when the file gives any: then every row carries the weight the self-evaluation
    # uses (given, or the share the rules assign); a file without 分值 leaves the column empty.
    shown = any(i.weight is not None for i in project.indicators)
    weight = weights(project, result.profile, Diagnostics()) if shown else {}
    rows: list[dict[str, Any]] = []
    marked = any(i.tracked for i in indicators)  # the 主要绩效目标 that 表2 tracks
    for ind in indicators:
        rows.append({
            "三级指标": f"{ind.name}{TRACKED}" if marked and ind.tracked else ind.name,
            "指标值": ind.target.text,
            "分值": num_score(weight[ind.name]) if shown else "",
        })
    return add_groups(rows, indicators)


def build(result: ProjectResult) -> dict[str, Any]:
    project = result.project
    ctx = header(project, result.profile.target_form.title or TITLE, "表1")
    ctx.update({
        "主管部门及代码": project.department,
        "资金": {"中期": funding(result.medium_term), "年度": funding(result.initial)},
        "指标": indicator_rows(result),
    })
    for kind in KINDS:
        ctx[kind] = CHECKED if project.kind == kind else UNCHECKED
    return ctx
