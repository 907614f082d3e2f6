"""The worked figures of the example project (RULES.md), derived by hand in the comments."""

from __future__ import annotations

import json

import pytest

from docgen.cli import cli
from docgen.errors import Diagnostics
from docgen.pipeline import run_file
from docgen.present import result_json

from .conftest import EXAMPLE


@pytest.fixture(scope="module")
def example() -> dict:
    outcome = run_file(EXAMPLE, str(EXAMPLE))
    assert outcome.ok, [str(d) for d in outcome.diagnostics]
    assert outcome.result is not None
    return result_json(outcome.result)


def test_budget_execution(example: dict) -> None:
    snap = example["监控"][0]
    # 执行数 126 + 10 = 136; 全年预算数 360 + 40 = 400; 136 / 400 = 34.00%
    assert snap["执行数"] == {"一般公共预算拨款": "126.00", "其他资金": "10.00", "合计": "136.00"}
    assert snap["执行率"] == "34.00"
    assert snap["年初预算执行率"] == "34.00"
    # 06-30 is June's last day: 6 / 12 = 50.00%; 34 / 50 = 68.00% → 60–80 → 黄灯
    assert snap["时序进度"] == "50.00"
    assert snap["执行进度比"] == "68.00"
    assert snap["预算执行预警"] == "黄灯"
    # 全年预计 350 + 40 = 390: 97.50%, 预计结余 10.00
    assert snap["全年预计执行率"] == "97.50"
    assert snap["预计结余"] == "10.00"
    assert snap["期间"] == "1-6月"
    assert snap["超预算"] is False


def test_quantity_indicator(example: dict) -> None:
    ind = example["监控"][0]["指标"]["改造集中供水工程数量"]
    # 数量指标: 应完成值 = 12 × 50% = 6; 3 / 6 = 50.00%; (3 − 6) / 6 = −50.00% → 红灯; 3 / 12 = 25.00%
    assert ind == {
        "应完成值": "6", "完成率": "25.00", "进度完成率": "50.00", "偏差率": "-50.00",
        "指标预警": "红灯", "完成可能性": "确定能",
    }


def test_reverse_cost_indicator(example: dict) -> None:
    ind = example["监控"][0]["指标"]["单处工程平均造价"]
    # ≤30 is 反向 and not a 数量指标: 应完成值 = 30; 30 / 28.5 = 105.26%; (28.5 − 30) / 30 = −5.00% → 绿灯
    assert ind["应完成值"] == "30"
    assert ind["完成率"] == "105.26"
    assert ind["进度完成率"] == "105.26"
    assert ind["偏差率"] == "-5.00"
    assert ind["指标预警"] == "绿灯"


def test_text_actual_and_qualitative(example: dict) -> None:
    ind = example["监控"][0]["指标"]
    assert ind["受益群众满意度"]["完成率"] is None  # 未到调查时点
    assert ind["受益群众满意度"]["指标预警"] is None
    assert ind["工程运行管护机制"]["指标预警"] is None  # qualitative, no 完成程度
    assert ind["工程完工时间"]["完成可能性"] == "确定能"  # forecast 11-30 ≤ deadline 11-30


def test_self_evaluation(example: dict) -> None:
    se = example["自评"]
    # 392.80 / 400 = 98.20% → 10 × 0.982 = 9.82
    assert se["执行率"] == "98.20"
    assert se["预算执行率得分"] == "9.82"
    # 工程完工时间: 12-20 after 11-30 but done → 部分达成 0.7 × 5 = 3.50
    assert se["指标"]["工程完工时间"] == {"分值": "5.00", "得分率": "70.00", "得分": "3.50"}
    # 单处工程平均造价 ≤30 at 32.7: 30 / 32.7 = 91.74%; 10 × 0.91743 = 9.17
    assert se["指标"]["单处工程平均造价"] == {"分值": "10.00", "得分率": "91.74", "得分": "9.17"}
    # 9.82 + 15 + 10 + 10 + 3.50 + 9.17 + 15 + 15 + 10 = 97.49 → 优
    assert se["总分"] == "97.49"
    assert se["等级"] == "优"
    assert se["结果应用"] == "重点支持"


def test_target_review_passes(example: dict) -> None:
    # 8 三级, 7 二级, 3 一级, quantified 7/8 = 87.5%
    assert example["目标审核"] == {"结论": "通过", "问题": []}


def test_json_top_level_shape(example: dict) -> None:
    assert list(example) == ["项目名称", "年度", "主管部门", "跟踪范围", "资金", "监控", "自评", "目标审核"]
    assert example["跟踪范围"] is True
    assert example["资金"]["全年预算数"]["合计"] == "400.00"


def test_cli_json_matches(runner) -> None:
    res = runner.invoke(cli, ["compute", str(EXAMPLE), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["监控"][0]["执行进度比"] == "68.00"
    assert data["自评"]["总分"] == "97.49"


def test_as_of_before_snapshot_drops_monitoring(runner) -> None:
    res = runner.invoke(cli, ["compute", str(EXAMPLE), "--json", "--as-of", "2024-05-31"])
    assert res.exit_code == 0
    assert "监控" not in json.loads(res.stdout)


def test_diagnostics_collector_is_pure() -> None:
    d = Diagnostics()
    d.warning(("a",), "x")
    assert d.warnings and not d.errors
