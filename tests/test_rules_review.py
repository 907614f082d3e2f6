"""Target review, ex-ante assessment, tracking scope, coverage and opinion signals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from docgen.pipeline import run_file
from docgen.present import pct
from docgen.rules.scope import coverage

from .conftest import SAMPLES, base_project, make, run

FULL = [
    ("产出指标", "数量指标", "A", "≥10个"),
    ("产出指标", "质量指标", "B", "≥95%"),
    ("产出指标", "时效指标", "C", "2024年11月30日前"),
    ("产出指标", "成本指标", "D", "≤30万元"),
    ("效益指标", "社会效益指标", "E", "≥1000人"),
    ("效益指标", "可持续影响指标", "F", "长期有效"),
    ("满意度指标", "服务对象满意度指标", "G", "≥90%"),
]


def _indicators(rows: list[tuple[str, str, str, str]]) -> list[dict[str, str]]:
    return [{"一级指标": a, "二级指标": b, "三级指标": c, "指标值": d} for a, b, c, d in rows]


def _review(rows: list[tuple[str, str, str, str]], **changes: Any) -> Any:
    d = base_project()
    d["绩效指标"] = _indicators(rows)
    d.update(changes)
    return run(make(d))[0].review


def test_complete_project_passes() -> None:
    review = _review(FULL)
    assert review.conclusion == "通过" and review.findings == ()
    assert (review.quantified, review.total) == (6, 7)


def test_numeric_rules_of_004() -> None:
    review = _review(FULL[:5])
    messages = [f.message for f in review.findings]
    assert review.conclusion == "不通过"
    assert "三级指标仅5个，要求不少于7个" in messages
    assert "一级指标仅2类，要求不少于3类" in messages
    assert any(m.startswith("缺少满意度指标") for m in messages)


def test_quantified_share() -> None:
    rows = [*FULL[:4], ("效益指标", "社会效益指标", "E", "明显改善"), ("效益指标", "可持续影响指标", "F", "长期有效"),
            ("满意度指标", "服务对象满意度指标", "G", "满意"), ("效益指标", "生态效益指标", "H", "改善")]
    review = _review(rows)
    assert review.conclusion == "不通过"
    assert any("量化指标占比 50.00%（4/8），要求不低于 70%" in f.message for f in review.findings)


def test_placeholders_are_errors() -> None:
    review = _review(FULL, 年度总体目标="完成xx个村的改造")
    assert review.conclusion == "不通过"
    assert any("占位文字“xx”" in f.message for f in review.findings)


def test_relevance_warnings_keep_pass() -> None:
    rows = [*FULL]
    rows[3] = ("产出指标", "成本指标", "D", "≥30万元")
    rows[1] = ("产出指标", "质量指标", "B", "≥120%")
    rows[2] = ("产出指标", "时效指标", "C", "2025年3月31日前")
    review = _review(rows)
    assert review.conclusion == "通过"
    rules = sorted(f.rule for f in review.findings)
    assert rules == ["相关性", "适当性", "适当性"]
    assert all(f.level == "警告" for f in review.findings)


def _pre(scores: dict[str, Any], conclusion: str | None = None) -> tuple[Any, Any]:
    d = base_project()
    d["事前评估"] = {"维度": {k: {"得分": v} for k, v in scores.items()}}
    if conclusion:
        d["事前评估"]["结论"] = conclusion
    result, diags = run(make(d))
    return result.pre_assessment, diags


DIMS = ("立项必要性", "投入经济性", "绩效目标合理性", "实施方案可行性", "筹资合规性")


@pytest.mark.parametrize(
    ("scores", "total", "conclusion"),
    [
        ((18, 16, 16, 16, 14), "80", "予以支持"),
        ((18, 16, 16, 16, 13), "79", "部分支持"),
        ((12, 12, 12, 12, 12), "60", "部分支持"),
        ((12, 12, 12, 12, 11), "59", "不予支持"),
        ((20, 20, 20, 20, 9), "89", "部分支持"),  # a dimension below half its weight caps the conclusion
        ((20, 20, 20, 20, 10), "90", "予以支持"),  # exactly half is not below half
    ],
)
def test_pre_assessment(scores: tuple[int, ...], total: str, conclusion: str) -> None:
    pa, _ = _pre(dict(zip(DIMS, scores, strict=True)))
    assert pa is not None and str(pa.total) == total and pa.conclusion == conclusion


def test_pre_assessment_contradicting_conclusion_warns() -> None:
    pa, diags = _pre(dict(zip(DIMS, (18, 16, 16, 16, 14), strict=True)), "不予支持")
    assert pa is not None and pa.conclusion == "不予支持" and pa.computed_conclusion == "予以支持"
    assert any("与评分不符" in w.message for w in diags.warnings)


def test_pre_assessment_score_above_weight() -> None:
    _, diags = _pre(dict(zip(DIMS, (21, 16, 16, 16, 14), strict=True)))
    assert any("超过该维度分值" in e.message for e in diags.errors)


@pytest.mark.parametrize(
    ("amount", "unfinished", "inside"),
    [("20", False, True), ("19.99", False, False), ("5", True, True), ("400", False, True)],
)
def test_tracking_scope(amount: str, unfinished: bool, inside: bool) -> None:
    d = base_project()
    d["资金"] = {"年初预算数": {"其他资金": amount}}
    d["上年未完工"] = unfinished
    assert run(make(d))[0].in_scope is inside


def test_coverage_over_samples() -> None:
    projects = []
    for path in sorted(SAMPLES.glob("*.yaml")):
        outcome = run_file(path, str(path))
        assert outcome.loaded is not None
        projects.append(outcome.loaded.project)
    cov = coverage(projects)
    assert cov.total.projects == len(projects)
    assert cov.total.amount == sum((p.funds.initial.total for p in projects), Decimal(0))
    assert sum(r.projects for r in cov.rows) == cov.total.projects
    assert len(cov.rows) >= 3
    assert pct(cov.total.coverage) == "100.00"  # every sample has a 监控 entry


def test_coverage_partial() -> None:
    a = base_project()
    b = base_project()
    a["监控"] = [{"截止日期": "2024-06-30", "执行数": {"一般公共预算拨款": "10"}}]
    b["资金"] = {"年初预算数": {"一般公共预算拨款": "300"}}
    b["实施单位"] = "另一单位"
    cov = coverage([make(a), make(b)])
    assert (cov.total.projects, cov.total.monitored_projects) == (2, 1)
    assert pct(cov.total.coverage) == "25.00"  # 100 of 400
    assert (len(cov.total.units), len(cov.total.monitored_units)) == (2, 1)


def test_signals_on_lagging_sample() -> None:
    outcome = run_file(SAMPLES / "cunweishengshi-biaozhunhua.yaml", "x")
    assert outcome.result is not None
    s = outcome.result.signals
    assert s is not None
    assert s.budget_slow and s.budget.light == "红灯"
    assert s.late_start is not None and s.late_start[1] > s.late_start[0]
    assert s.violations
    assert s.propose_cut  # 预计结余 ≥ 10% of 全年预算数
    assert len(s.red) == 3 and not s.serious  # 3 of 7 quantitative indicators red: less than half
    assert not s.clean


def test_serious_signal() -> None:
    d = base_project()
    d["监控"] = [{
        "截止日期": "2024-08-31", "执行数": {"一般公共预算拨款": "10"},
        "指标": {"新建工程": {"执行情况": "1处"}, "受益人口": {"执行情况": "900人"}, "满意度": {"执行情况": "95%"}},
    }]
    result, _ = run(make(d))
    s = result.signals
    assert s is not None and s.budget.light == "红灯"
    assert s.red == ("新建工程",)  # 1 of 3 red: not serious
    assert not s.serious
    d["监控"][0]["指标"]["受益人口"]["执行情况"] = "100人"
    s = run(make(d))[0].signals
    assert s is not None and s.red == ("新建工程", "受益人口") and s.serious


def test_signals_blue_and_clean() -> None:
    blue = run_file(SAMPLES / "chanong-jishu-peixun.yaml", "x").result
    assert blue is not None and blue.signals is not None and blue.signals.blue
    d = base_project()
    d["监控"] = [{
        "截止日期": "2024-06-30", "执行数": {"一般公共预算拨款": "50"}, "全年预计执行数": {"一般公共预算拨款": "100"},
        "指标": {"新建工程": {"执行情况": "6处", "全年预计": "12处"}, "受益人口": {"执行情况": "1000人", "全年预计": "1000人"},
                 "满意度": {"执行情况": "95%", "全年预计": "95%"}},
    }]
    result, _ = run(make(d))
    assert result.signals is not None and result.signals.clean
