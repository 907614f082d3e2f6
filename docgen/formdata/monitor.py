"""附件1 项目支出绩效监控情况表 (001)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..model import DEVIATION_CAUSES, POSSIBILITIES
from ..present import cn_date, num_money, num_pct
from ..rules.budget import FundingFigures
from ..rules.context import ProjectResult, SnapshotResult
from ..rules.numbers import ratio
from .common import add_groups, header, mark, sort_by_indicator

TITLE = "项目支出绩效监控情况表"
GENERAL = "一般公共预算拨款"


def _other(f: FundingFigures | None) -> Decimal | None:
    if f is None:
        return None
    return f.total - f.sources.get(GENERAL, Decimal(0))


def _general(f: FundingFigures | None) -> Decimal | None:
    if f is None:
        return None
    return f.sources.get(GENERAL, Decimal(0))


def funding_rows(result: ProjectResult, snap: SnapshotResult) -> dict[str, dict[str, Any]]:
    """年度资金总额 / 其中：本年一般公共预算拨款 / 其他资金: 年初预算数, 执行数, 执行率 (on 年初), 全年预计执行数."""
    b = snap.budget
    out = {}
    for key, pick in (("合计", lambda f: None if f is None else f.total), ("一般公共预算拨款", _general),
                      ("其他资金", _other)):
        initial, spent, forecast = pick(b.initial), pick(b.spent), pick(b.forecast)
        out[key] = {
            "年初预算数": num_money(initial),
            "执行数": num_money(spent),
            "执行率": num_pct(ratio(spent, initial)),
            "全年预计执行数": num_money(forecast),
        }
    return out


def _remark(entry: Any) -> str:
    """备注: why the target may not be met (原因说明) and anything else the unit noted (备注)."""
    if entry is None:
        return ""
    parts = [t.strip() for t in (entry.cause_note, entry.remark) if t and t.strip()]
    return "；".join(dict.fromkeys(parts))


def indicator_rows(snap: SnapshotResult) -> list[dict[str, Any]]:
    progress = sort_by_indicator(snap.indicators, lambda p: p.indicator)
    rows = []
    for p in progress:
        e = p.entry
        row: dict[str, Any] = {
            "三级指标": p.name,
            "年度指标值": p.indicator.target.text,
            "执行情况": e.actual.text if e else "",
            "全年预计": e.forecast.text if e and e.forecast else "",
            "改进措施": (e.measures or "") if e else "",
            "备注": _remark(e),
        }
        causes = set(e.causes) if e else set()
        for cause in DEVIATION_CAUSES:
            row[cause] = mark(cause in causes)
        for level in POSSIBILITIES:
            row[level] = mark(p.possibility == level)
        rows.append(row)
    return add_groups(rows, [p.indicator for p in progress])


def build(result: ProjectResult) -> dict[str, Any]:
    snap = result.current
    assert snap is not None
    ctx = header(result.project, TITLE, "附件1")
    ctx.update({
        "期间": snap.budget.period,
        "截止日期": cn_date(snap.budget.as_of),
        "资金": funding_rows(result, snap),
        "指标": indicator_rows(snap),
    })
    return ctx
