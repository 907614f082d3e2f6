"""What an aggregate form (表4, coverage) needs from one project: a small summary row.

An aggregate is a reduce over these rows, so a build keeps one row per project (cached in the manifest by
the project's data hash) instead of every project's full result, and editing one project re-reads no other.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from ..present import Num
from ..rules.context import ProjectResult


@dataclass
class ProjectRow:
    name: str
    department: str
    unit: str
    year: Any
    in_scope: bool
    initial: Decimal  # 年初预算数.合计
    budget: Decimal  # 全年预算数.合计
    spent: Decimal | None  # 执行数.合计 of the latest 监控 (None: not monitored)
    as_of: date | None  # that 监控's date
    cells: dict[str, str]  # 表4's text columns of this project (formatted once, where it is computed)
    amount: Decimal  # the project's amount for coverage (年初预算数.合计 as filed)
    monitored: bool  # has any 监控
    region: str  # from the project's profile
    unit_name: str


def project_row(result: ProjectResult) -> ProjectRow:
    from .summary import project_cells  # summary builds its rows from ProjectRow: import late

    p = result.project
    current = result.current
    return ProjectRow(
        name=p.name, department=p.department, unit=p.unit, year=p.year, in_scope=result.in_scope,
        initial=result.initial.total, budget=result.budget.total,
        spent=current.budget.spent.total if current is not None else None,
        as_of=current.budget.as_of if current is not None else None,
        cells=project_cells(result), amount=p.funds.initial.total, monitored=bool(p.snapshots),
        region=result.profile.region, unit_name=result.profile.summary.unit_name or "",
    )


def as_rows(items: list[ProjectResult] | list[ProjectRow]) -> list[ProjectRow]:
    return [r if isinstance(r, ProjectRow) else project_row(r) for r in items]


_DECIMALS = ("initial", "budget", "spent", "amount")


def _cell(value: str) -> Any:
    """A cell as JSON: a number cell (Num) keeps its value and Excel format."""
    if isinstance(value, Num):
        return [str(value), None if value.value is None else str(value.value), value.fmt]
    return str(value)


def _uncell(value: Any) -> str:
    if isinstance(value, list):
        text, number, fmt = value
        return Num(text, None if number is None else Decimal(number), fmt)
    return str(value)


def pack_row(row: ProjectRow) -> bytes:
    """The row as compressed JSON (Decimals as text: exact), for the manifest and between processes."""
    data = {f.name: getattr(row, f.name) for f in fields(row)}
    for name in _DECIMALS:
        data[name] = None if data[name] is None else str(data[name])
    data["as_of"] = None if row.as_of is None else row.as_of.isoformat()
    data["cells"] = {k: _cell(v) for k, v in row.cells.items()}
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 1)


def unpack_row(blob: bytes) -> ProjectRow:
    data = json.loads(zlib.decompress(blob))
    for name in _DECIMALS:
        data[name] = None if data[name] is None else Decimal(data[name])
    data["as_of"] = None if data["as_of"] is None else date.fromisoformat(data["as_of"])
    data["cells"] = {k: _uncell(v) for k, v in data["cells"].items()}
    return ProjectRow(**data)
