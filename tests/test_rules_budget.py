"""Budget execution rules with worked figures."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from docgen.present import pct
from docgen.profile import build_profile
from docgen.rules.budget import period_label, time_progress

from .conftest import base_project, make, run


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2024, 6, 30), "50.00"),  # month end: 6/12
        (date(2024, 8, 31), "66.67"),  # 8/12
        (date(2024, 12, 31), "100.00"),
        (date(2024, 5, 15), "37.16"),  # 31+29+31+30+15 = 136 days / 366
        (date(2023, 5, 15), "36.99"),  # 31+28+31+30+15 = 135 / 365
        (date(2024, 2, 29), "16.67"),  # leap February's last day is a month end: 2/12
        (date(2023, 2, 28), "16.67"),
        (date(2024, 1, 1), "0.27"),  # 1 / 366
    ],
)
def test_time_progress(as_of: date, expected: str) -> None:
    assert pct(time_progress(as_of)) == expected


def test_period_label() -> None:
    assert period_label(date(2024, 6, 30)) == "1-6月"
    assert period_label(date(2024, 5, 15)) == "1-5月"
    assert period_label(date(2024, 1, 31)) == "1月"


def _with_spent(spent: str, as_of: str = "2024-08-31", budget: str = "100", **extra: object) -> dict:
    d = base_project()
    d["资金"] = {"年初预算数": {"一般公共预算拨款": budget}}
    d["监控"] = [{"截止日期": as_of, "执行数": {"一般公共预算拨款": spent}, **extra}]
    return d


@pytest.mark.parametrize(
    ("spent", "as_of", "ratio", "light"),
    [
        ("40", "2024-08-31", "60.00", "黄灯"),  # 40% ÷ 8/12 is exactly 60%: the lower bound is yellow
        ("39.99", "2024-08-31", "59.99", "红灯"),
        ("40", "2024-06-30", "80.00", "绿灯"),  # exactly 80% is green
        ("39.99", "2024-06-30", "79.98", "黄灯"),
        ("0", "2024-06-30", "0.00", "红灯"),
        ("120", "2024-06-30", "240.00", "绿灯"),
    ],
)
def test_budget_light_bounds(spent: str, as_of: str, ratio: str, light: str) -> None:
    result, _ = run(make(_with_spent(spent, as_of)))
    b = result.snapshots[0].budget
    assert pct(b.progress_ratio) == ratio
    assert b.light == light


def test_full_year_budget_is_the_base_and_initial_rate_is_exposed() -> None:
    d = _with_spent("60", "2024-06-30")
    d["资金"]["全年预算数"] = {"一般公共预算拨款": "120"}
    result, _ = run(make(d))
    b = result.snapshots[0].budget
    assert pct(b.rate) == "50.00"  # 60 / 120
    assert pct(b.initial_rate) == "60.00"  # 60 / 100 (附件1's "1-6月执行率")
    assert b.light == "绿灯"


def test_forecast_and_surplus() -> None:
    d = _with_spent("30", "2024-06-30", 全年预计执行数={"一般公共预算拨款": "85.5"})
    b = run(make(d))[0].snapshots[0].budget
    assert pct(b.forecast_rate) == "85.50"
    assert str(b.surplus) == "14.5"


def test_over_budget_by_source() -> None:
    d = base_project()
    d["资金"] = {"年初预算数": {"一般公共预算拨款": "90", "其他资金": "10"}}
    d["监控"] = [{"截止日期": "2024-10-31", "执行数": {"一般公共预算拨款": "50", "其他资金": "12"}}]
    result, diags = run(make(d))
    b = result.snapshots[0].budget
    assert b.over_budget and b.over_sources == ("其他资金",)
    assert any("超预算" in w.message for w in diags.warnings)


def test_zero_budget_is_dash_not_crash() -> None:
    d = _with_spent("0", "2024-06-30", budget="0")
    result, diags = run(make(d))
    b = result.snapshots[0].budget
    assert b.rate is None and b.progress_ratio is None and b.light is None
    assert any("为 0" in w.message for w in diags.warnings)


def test_fixed_floor_mode() -> None:
    profile = build_profile("national", {"预算执行预警": {"方式": "固定执行率"}})
    red = run(make(_with_spent("39", "2024-06-30")), profile)[0].snapshots[0].budget
    green = run(make(_with_spent("40", "2024-06-30")), profile)[0].snapshots[0].budget
    early = run(make(_with_spent("1", "2024-03-31")), profile)[0].snapshots[0].budget
    before_end = run(make(_with_spent("10", "2024-04-01")), profile)[0].snapshots[0].budget
    assert (red.light, green.light, early.light, before_end.light) == ("红灯", "绿灯", None, None)


def test_snapshots_sorted_and_as_of() -> None:
    d = _with_spent("60", "2024-08-31")
    d["监控"].insert(0, {"截止日期": "2024-06-30", "执行数": {"一般公共预算拨款": "30"}})
    d["监控"].reverse()
    result, _ = run(make(d))
    assert [s.budget.as_of for s in result.snapshots] == [date(2024, 6, 30), date(2024, 8, 31)]
    assert result.current is not None and result.current.budget.as_of == date(2024, 8, 31)
    result, _ = run(make(d), as_of=date(2024, 7, 1))
    assert result.current is not None and result.current.budget.as_of == date(2024, 6, 30)
    assert result.current.budget.time_progress == Fraction(1, 2)


def test_forecast_and_self_eval_over_budget_warn() -> None:
    d = _with_spent("30", "2024-06-30", 全年预计执行数={"一般公共预算拨款": "106"})
    d["自评"] = {"执行数": {"一般公共预算拨款": "101"}, "指标": {}}
    _, diags = run(make(d))
    messages = [w.message for w in diags.warnings]
    assert any("全年预计执行数超过全年预算数 6" in m for m in messages)
    assert any("全年执行数（一般公共预算拨款）101 万元超过全年预算数（一般公共预算拨款）100 万元" in m for m in messages)
