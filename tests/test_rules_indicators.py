"""Indicator progress: 应完成值, 完成率, 进度完成率, 偏差率, lights, 完成可能性."""

from __future__ import annotations

from typing import Any

import pytest

from docgen.present import pct, trimmed

from .conftest import base_project, make, run


def _progress(target: str, entry: dict[str, Any], level2: str = "数量指标", as_of: str = "2024-06-30") -> Any:
    d = base_project()
    level1 = "产出指标"
    d["绩效指标"][0] = {"一级指标": level1, "二级指标": level2, "三级指标": "指标A", "指标值": target}
    d["监控"] = [{"截止日期": as_of, "执行数": {"一般公共预算拨款": "50"}, "指标": {"指标A": entry}}]
    result, diags = run(make(d))
    return result.snapshots[0].indicators[0], diags


def test_quantity_due_scales_with_time() -> None:
    p, _ = _progress("≥7处", {"执行情况": "3处"}, as_of="2024-08-31")
    # 7 × 8/12 = 4.666… → "4.67"; 3 ÷ 4.666… = 64.29%; (3 − 4.666…) ÷ 4.666… = −35.71%
    assert trimmed(p.due) == "4.67"
    assert pct(p.progress) == "64.29"
    assert pct(p.deviation) == "-35.71"
    assert p.light == "黄灯"


def test_given_due_wins() -> None:
    p, _ = _progress("≥12处", {"执行情况": "5处", "本期应完成": "4处"})
    assert trimmed(p.due) == "4"
    assert pct(p.progress) == "125.00"
    assert p.light == "绿灯"  # 完成率 5/12 = 41.67% is not ≥ 120%


def test_quality_indicator_uses_annual_value() -> None:
    p, _ = _progress("≥95%", {"执行情况": "96%"}, level2="质量指标")
    assert trimmed(p.due) == "95"
    assert pct(p.completion) == "101.05"


def test_blue_light_when_far_above_annual_target() -> None:
    p, _ = _progress("≥10处", {"执行情况": "12处"})
    assert pct(p.completion) == "120.00"
    assert p.light == "蓝灯"


def test_cost_without_comparator_is_reverse() -> None:
    p, _ = _progress("30万元/处", {"执行情况": "40万元/处"}, level2="成本指标")
    assert p.direction == "反向"
    assert pct(p.completion) == "75.00"  # 30 / 40
    assert pct(p.deviation) == "33.33"  # (40 − 30) / 30: positive is unfavourable for 反向
    assert p.light == "黄灯"


def test_equal_target() -> None:
    p, _ = _progress("=100%", {"执行情况": "100%"}, level2="质量指标")
    assert p.direction == "等于" and pct(p.completion) == "100.00" and p.light == "绿灯"


@pytest.mark.parametrize(
    ("forecast", "expected"),
    [("12处", "确定能"), ("10处", "有可能"), ("9.6处", "有可能"), ("9处", "完全不可能")],
)
def test_possibility_from_forecast(forecast: str, expected: str) -> None:
    p, _ = _progress("≥12处", {"执行情况": "3处", "全年预计": forecast})
    assert p.possibility == expected and p.possibility_computed


def test_possibility_reverse() -> None:
    p, _ = _progress("≤30万元/处", {"执行情况": "28万元/处", "全年预计": "36万元/处"}, level2="成本指标")
    assert p.possibility == "有可能"  # 30 / 36 = 83.33%


def test_given_possibility_kept() -> None:
    p, _ = _progress("≥12处", {"执行情况": "3处", "全年预计": "12处", "完成可能性": "有可能"})
    assert p.possibility == "有可能" and not p.possibility_computed


def test_deadline_lights() -> None:
    done, _ = _progress("2024年6月20日前", {"执行情况": "2024年6月15日"}, level2="时效指标")
    late, _ = _progress("2024年5月31日前", {"执行情况": "进行中"}, level2="时效指标")
    pending, _ = _progress("2024年11月30日前", {"执行情况": "进行中", "全年预计": "2024年12月10日"}, level2="时效指标")
    assert (done.light, late.light, pending.light) == ("绿灯", "红灯", None)
    assert done.completion is None and done.due is None
    assert pending.possibility == "有可能"


def test_deadline_done_late_is_yellow() -> None:
    # done after the deadline but by the snapshot: 部分达成 (黄灯), as self-evaluation scores it
    late_done, _ = _progress("2024年5月31日前", {"执行情况": "2024年6月10日"}, level2="时效指标")
    planned, _ = _progress("2024年5月31日前", {"执行情况": "2024年7月10日"}, level2="时效指标")
    assert late_done.light == "黄灯"
    assert planned.light == "红灯"  # a date after the snapshot is a plan: overdue and not done


def test_qualitative_light_from_completion() -> None:
    d = base_project()
    d["绩效指标"][1]["指标值"] = "有效提升"
    d["监控"] = [{
        "截止日期": "2024-06-30", "执行数": {"一般公共预算拨款": "50"},
        "指标": {"受益人口": {"执行情况": "正在推进", "完成程度": "部分达成", "完成可能性": "有可能"}},
    }]
    result, _ = run(make(d))
    p = result.snapshots[0].indicators[1]
    assert p.kind == "定性" and p.light == "黄灯"


def test_text_actual_gives_no_rates_and_warns() -> None:
    p, diags = _progress("≥12处", {"执行情况": "未统计"})
    assert (p.completion, p.progress, p.deviation, p.light) == (None, None, None, None)
    assert any("不是数值" in w.message for w in diags.warnings)


def test_zero_due_is_dash() -> None:
    p, diags = _progress("≥0处", {"执行情况": "3处"})
    assert p.progress is None and p.completion is None
    assert diags.warnings


def test_missing_entry_warns() -> None:
    d = base_project()
    d["监控"] = [{"截止日期": "2024-06-30", "执行数": {"一般公共预算拨款": "50"}}]
    result, diags = run(make(d))
    assert all(p.entry is None for p in result.snapshots[0].indicators)
    assert sum("缺少指标" in w.message for w in diags.warnings) == 3
