"""绩效监控覆盖情况 (004): units, projects and amounts under monitoring, per 主管部门 and in total."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..present import num_money, num_pct
from ..rules.context import ProjectResult
from ..rules.scope import CoverageRow, coverage_of
from .rows import ProjectRow, as_rows

TITLE = "绩效监控覆盖情况表"


def _row(no: str, row: CoverageRow) -> dict[str, Any]:
    return {
        "序号": no,
        "主管部门": row.department,
        "单位数": str(len(row.units)),
        "已监控单位数": str(len(row.monitored_units)),
        "项目数": str(row.projects),
        "已监控项目数": str(row.monitored_projects),
        "项目金额": num_money(row.amount),
        "已监控金额": num_money(row.monitored_amount),
        "金额覆盖率": num_pct(row.coverage),
        "项目覆盖率": num_pct(row.project_coverage),
    }


def build(results: list[ProjectResult] | list[ProjectRow], scope: str = "") -> dict[str, Any]:
    """``results``: every project of the set (results or their summary rows)."""
    results = as_rows(results)
    cov = coverage_of((r.department, r.unit, r.amount, r.monitored) for r in results)
    rows = [_row(str(i), row) for i, row in enumerate(cov.rows, start=1)]
    rows.append(_row("", cov.total))
    years = Counter(r.year for r in results)
    year = years.most_common(1)[0][0] if years else ""
    t = cov.total
    return {
        "表名": TITLE,
        "附件": "",
        "年度": str(year),
        "范围": scope or "全部项目",
        "部门": rows,
        "说明": (
            f"纳入绩效监控的预算单位 {len(t.monitored_units)} 个、项目 {t.monitored_projects} 个，"
            f"金额 {num_money(t.monitored_amount)} 万元，占项目金额的 {num_pct(t.coverage)}。"
        ),
    }
