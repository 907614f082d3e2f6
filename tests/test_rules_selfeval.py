"""Self-evaluation: weights, 得分率, 得分, 总分, 等级, 结果应用."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from docgen.present import pct
from docgen.profile import build_profile
from docgen.rules.selfeval import _share

from .conftest import base_project, make, run


def _project(indicators: list[dict[str, Any]], actuals: dict[str, dict[str, Any]], spent: str = "100") -> Any:
    d = base_project()
    d["绩效指标"] = indicators
    d["自评"] = {"执行数": {"一般公共预算拨款": spent}, "指标": actuals}
    return make(d)


def _ind(level1: str, level2: str, name: str, target: str, weight: Any = None) -> dict[str, Any]:
    out = {"一级指标": level1, "二级指标": level2, "三级指标": name, "指标值": target}
    if weight is not None:
        out["分值"] = weight
    return out


THREE = [
    _ind("产出指标", "数量指标", "A", "≥10个"),
    _ind("产出指标", "数量指标", "B", "≥10个"),
    _ind("产出指标", "质量指标", "C", "≥90%"),
    _ind("效益指标", "社会效益指标", "D", "有效提升"),
    _ind("满意度指标", "服务对象满意度指标", "E", "≥90%"),
]


def test_equal_shares_add_up_exactly() -> None:
    assert _share(Decimal(50), 3) == [Decimal("16.67"), Decimal("16.67"), Decimal("16.66")]
    assert sum(_share(Decimal(30), 7)) == 30


def test_default_weights_and_perfect_score() -> None:
    p = _project(THREE, {
        "A": {"实际完成值": "10个"}, "B": {"实际完成值": "12个"}, "C": {"实际完成值": "95%"},
        "D": {"实际完成值": "明显提升", "完成程度": "达成"}, "E": {"实际完成值": "92%"},
    })
    result, diags = run(p)
    se = result.self_eval
    assert se is not None
    assert [str(s.weight) for s in se.indicators] == ["16.67", "16.67", "16.66", "30.00", "10.00"]
    assert str(se.total) == "100.00"
    assert (se.grade, se.use) == ("优", "重点支持")
    assert not diags.errors


def test_partial_scores() -> None:
    p = _project(THREE, {
        "A": {"实际完成值": "5个", "偏差原因及改进措施": "资金未到位"},  # 5/10 → 16.67 × 0.5 = 8.335 → 8.34 (half up)
        "B": {"实际完成值": "10个"},
        "C": {"实际完成值": "81%", "偏差原因及改进措施": "见说明"},  # 81/90 = 0.9 → 16.66 × 0.9 = 14.994 → 14.99
        "D": {"实际完成值": "有所提升", "完成程度": "部分达成", "偏差原因及改进措施": "见说明"},  # 30 × 0.7 = 21
        "E": {"实际完成值": "80%", "偏差原因及改进措施": "见说明"},  # 80/90 → 10 × 0.8889 = 8.89
    }, spent="85.5")
    result, diags = run(p)
    se = result.self_eval
    assert se is not None
    assert [str(s.score) for s in se.indicators] == ["8.34", "16.67", "14.99", "21.00", "8.89"]
    assert str(se.budget_score) == "8.55"
    assert str(se.total) == "78.44"  # 8.55 + 8.34 + 16.67 + 14.99 + 21 + 8.89
    assert se.grade == "中"
    assert not diags.errors and not diags.warnings


def test_missing_explanation_and_overachievement_warn() -> None:
    p = _project(THREE, {
        "A": {"实际完成值": "5个"}, "B": {"实际完成值": "13个"}, "C": {"实际完成值": "95%"},
        "D": {"实际完成值": "x", "完成程度": "达成"}, "E": {"实际完成值": "92%"},
    })
    _, diags = run(p)
    messages = [w.message for w in diags.warnings]
    assert any("偏差原因及改进措施" in m for m in messages)
    assert any("130.00%" in m and "超额" in m for m in messages)


def test_grade_bounds_are_inclusive() -> None:
    profile = build_profile("national")
    assert profile.grade_for(Decimal("90")).name == "优"
    assert profile.grade_for(Decimal("89.99")).name == "良"
    assert profile.grade_for(Decimal("60")).name == "中"
    assert profile.grade_for(Decimal("59.99")).name == "差"
    assert build_profile("fufeng").grade_for(Decimal("59.99")).name == "不合格"
    assert build_profile("fufeng").grade_for(Decimal("70")).name == "合格"


def test_reverse_scoring_ratio_and_linear() -> None:
    inds = [_ind("产出指标", "成本指标", "A", "≤50元", 50), _ind("效益指标", "社会效益指标", "B", "≥1次", 30),
            _ind("满意度指标", "服务对象满意度指标", "C", "≥90%", 10)]
    acts = {"A": {"实际完成值": "60元", "偏差原因及改进措施": "涨价"}, "B": {"实际完成值": "1次"}, "C": {"实际完成值": "90%"}}
    ratio_se = run(_project(inds, acts))[0].self_eval
    linear = build_profile("national", {"自评": {"反向指标计分": "线性"}})
    linear_se = run(_project(inds, acts), linear)[0].self_eval
    assert ratio_se is not None and linear_se is not None
    assert pct(ratio_se.indicators[0].rate) == "83.33"  # 50 / 60
    assert pct(linear_se.indicators[0].rate) == "80.00"  # 1 − (60 − 50) / 50


def test_weights_must_total_100() -> None:
    inds = [_ind("产出指标", "数量指标", "A", "≥1个", 40), _ind("效益指标", "社会效益指标", "B", "≥1次", 30),
            _ind("满意度指标", "服务对象满意度指标", "C", "≥90%", 10)]
    acts = {n: {"实际完成值": v} for n, v in (("A", "1个"), ("B", "1次"), ("C", "90%"))}
    _, diags = run(_project(inds, acts))
    assert any("共 90 分，应为 100 分" in e.message for e in diags.errors)


def test_mixed_weights_fill_the_rest_of_the_group() -> None:
    inds = [_ind("产出指标", "数量指标", "A", "≥1个", 30), _ind("产出指标", "数量指标", "B", "≥1个"),
            _ind("效益指标", "社会效益指标", "C", "≥1次"), _ind("满意度指标", "服务对象满意度指标", "D", "≥90%")]
    acts = {n: {"实际完成值": v} for n, v in (("A", "1个"), ("B", "1个"), ("C", "1次"), ("D", "90%"))}
    result, diags = run(_project(inds, acts))
    assert result.self_eval is not None
    assert [str(s.weight) for s in result.self_eval.indicators] == ["30", "20.00", "30.00", "10.00"]
    assert not diags.errors


def test_manual_score_band_and_limit() -> None:
    inds = [_ind("产出指标", "数量指标", "A", "≥1个", 50), _ind("效益指标", "社会效益指标", "B", "有效提升", 30),
            _ind("满意度指标", "服务对象满意度指标", "C", "≥90%", 10)]
    ok = {"A": {"实际完成值": "1个"}, "B": {"实际完成值": "提升", "完成程度": "部分达成", "得分": 22.5,
                                            "偏差原因及改进措施": "x"}, "C": {"实际完成值": "90%"}}
    result, diags = run(_project(inds, ok))
    assert not diags.errors
    assert result.self_eval is not None and str(result.self_eval.indicators[1].score) == "22.50"
    bad = dict(ok, B={"实际完成值": "提升", "完成程度": "部分达成", "得分": 27})
    _, diags = run(_project(inds, bad))
    assert any("不在“部分达成”对应的区间" in e.message for e in diags.errors)
    over = dict(ok, B={"实际完成值": "提升", "得分": 31})
    _, diags = run(_project(inds, over))
    assert any("超过该指标分值" in e.message for e in diags.errors)


def test_missing_entry_and_missing_completion_are_errors() -> None:
    _, diags = run(_project(THREE, {"A": {"实际完成值": "10个"}, "D": {"实际完成值": "提升"}}))
    messages = [e.message for e in diags.errors]
    assert any("缺少指标“B”" in m for m in messages)
    assert any("完成程度" in m for m in messages)


@pytest.mark.parametrize(("actual", "rate"), [("2024年11月20日", "100.00"), ("2024年12月5日", "70.00"), ("未完成", "30.00")])
def test_deadline_scoring(actual: str, rate: str) -> None:
    inds = [_ind("产出指标", "时效指标", "T", "2024年11月30日前"), *THREE[3:]]
    acts = {"T": {"实际完成值": actual, "偏差原因及改进措施": "x"}, "D": {"实际完成值": "x", "完成程度": "达成"},
            "E": {"实际完成值": "90%"}}
    se = run(_project(inds, acts))[0].self_eval
    assert se is not None and pct(se.indicators[0].rate) == rate
