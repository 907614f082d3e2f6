"""Drafted 表3 opinions (RULES.md "Drafted opinions"): triggers, figures and the 第十五条 treatment named."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from docgen.review.draft import draft, findings_of
from docgen.review.wording import NEW, opinion

from .conftest import base_project, make, run
from .formcheck import sample_result


def _monitored(spent: str, actuals: dict[str, str], **snapshot: Any) -> dict[str, Any]:
    data = base_project()
    data["监控"] = [{
        "截止日期": "2024-06-30",
        "执行数": {"一般公共预算拨款": spent},
        "全年预计执行数": {"一般公共预算拨款": snapshot.pop("forecast", "100")},
        "指标": {name: {"执行情况": value} for name, value in actuals.items()},
        **snapshot,
    }]
    return data


def _draft(data: dict[str, Any]) -> Any:
    result, _ = run(make(data))
    return draft(result)


def test_red_budget_cites_its_figures_and_treatment_three() -> None:
    d = draft(sample_result("cunweishengshi-biaozhunhua.yaml"))
    text = d.opinions["预算执行进度"]
    assert text.startswith("截至2024年8月31日，预算执行率20.00%，时序进度66.67%，执行进度比30.00%，预算执行预警为红灯，")
    assert "执行进度严重偏慢" in text and "（第十五条第（三）项）" in text


def test_yellow_budget_is_slow_not_severe() -> None:
    text = draft(sample_result("example-project.yaml")).opinions["预算执行进度"]
    assert "预算执行率34.00%，时序进度50.00%，执行进度比68.00%，预算执行预警为黄灯，执行进度偏慢。" in text
    assert "严重" not in text


def test_surplus_proposes_cut_with_amount_and_share() -> None:
    text = draft(sample_result("cunweishengshi-biaozhunhua.yaml")).opinions["调整预算"]
    assert text == (
        "全年预计执行数300.00万元，预计结余140.00万元，占全年预算数440.00万元的31.82%，达到10%以上，"
        "建议按程序调减预算140.00万元，并同步调整绩效目标（第十五条第（一）项）。"
    )


def test_red_and_impossible_indicators_named_with_rates_and_annex_three() -> None:
    text = draft(sample_result("cunweishengshi-biaozhunhua.yaml")).opinions["绩效目标"]
    assert "标准化改造村卫生室数量（完成率20.83%，进度完成率31.25%，红灯，全年完成可能性为完全不可能）" in text
    assert "乡村医生培训人次（完成率30.00%，进度完成率45.00%，红灯）" in text
    assert "《绩效运行监控目标调整表》（附件3）" in text


def test_blue_indicator_gets_target_too_low_opinion() -> None:
    d = draft(sample_result("chanong-jishu-peixun.yaml"))
    text = d.opinions["绩效目标"]
    assert "培训茶农人次（完成率124.00%，蓝灯）已超额完成年度目标，绩效目标可能设置偏低" in text
    assert "下一年度完善绩效目标和预算编报（第十五条第（二）项）" in text
    assert any(t.startswith("（二）") for t in d.treatments)


def test_management_findings_late_start_and_violations() -> None:
    text = draft(sample_result("cunweishengshi-biaozhunhua.yaml")).opinions["项目管理"]
    assert text.startswith("项目实际启动日期（2024年6月10日）较计划启动日期（2024年3月1日）推迟101天。存在违规情况：曼稿村")
    assert "（第十五条第（三）项）" in text and "违规问题须立即整改" in text


def test_clean_project_says_no_obvious_problem() -> None:
    d = draft(sample_result("xuesheng-yingyang-gaishan.yaml"))
    assert d.clean and d.findings == ()
    for area, text in d.opinions.items():
        assert "未发现" in text, area
    assert d.opinions["预算执行进度"] == (
        "截至2024年6月30日，预算执行率52.50%，时序进度50.00%，执行进度比105.00%，预算执行预警为绿灯，"
        "执行进度正常，未发现明显问题。"
    )
    assert d.requirements == () and d.deadline is None and d.treatments == ()


def test_serious_proposes_suspension() -> None:
    data = _monitored("10", {"新建工程": "1处", "受益人口": "100人", "满意度": "95%"})
    d = _draft(data)
    assert [f.kind for f in d.findings if f.area == "调整预算"] == ["暂停"]
    text = d.opinions["调整预算"]
    assert text.startswith("截至2024年6月30日，预算执行预警为红灯（执行进度比20.00%），且3项定量指标中2项红灯（新建工程、受益人口）")
    assert "建议暂停项目实施，按程序调减预算并停止拨付资金，及时纠偏止损（第十五条第（四）项）" in text
    assert d.treatments[0] == "（四）暂停项目实施、调减预算并停止拨付资金"
    assert d.requirements[0].startswith("暂停项目实施")


def test_red_budget_with_few_red_indicators_is_not_serious() -> None:
    data = _monitored("10", {"新建工程": "1处", "受益人口": "900人", "满意度": "95%"})
    kinds = [f.kind for f in _draft(data).findings]
    assert "暂停" not in kinds and "进度偏慢" in kinds


def test_over_budget_is_a_compliance_finding() -> None:
    data = _monitored("120", {"新建工程": "6处", "受益人口": "500人", "满意度": "95%"}, forecast="120")
    text = _draft(data).opinions["调整预算"]
    assert "执行数120.00万元，超过全年预算数（一般公共预算拨款），属超预算支出" in text


def test_no_snapshot_asks_for_monitoring() -> None:
    d = _draft(base_project())
    assert [f.kind for f in d.findings if f.area != "绩效目标"] == ["无监控"]  # the small base project fails 目标审核 too
    assert "项目尚无绩效监控数据" in d.opinions["预算执行进度"]
    assert d.requirements[0] == "按时报送绩效监控数据"


def test_target_review_errors_in_targets_opinion() -> None:
    text = draft(sample_result("renju-huanjing-guanhu.yaml")).opinions["绩效目标"]
    assert text.startswith("绩效目标审核不通过：量化指标占比 45.45%（5/11），要求不低于 70%")


def test_as_of_picks_the_earlier_snapshot() -> None:
    d = draft(sample_result("chayuan-lvse-fangkong.yaml", as_of=date(2024, 6, 30)))
    assert d.opinions["预算执行进度"].startswith("截至2024年6月30日")


@pytest.mark.parametrize("name", [
    "chanong-jishu-peixun.yaml", "cunweishengshi-biaozhunhua.yaml", "example-project.yaml",
    "jiben-gonggong-weisheng.yaml", "liushahe-hedao-zhili.yaml", "xuesheng-yingyang-gaishan.yaml",
])
def test_findings_follow_the_signals(name: str) -> None:
    result = sample_result(name)
    s = result.signals
    kinds = {f.kind for f in findings_of(result)}
    assert ("进度偏慢" in kinds) == s.budget_slow
    assert ("调减预算" in kinds) == s.propose_cut
    assert ("目标偏低" in kinds) == bool(s.blue)
    assert ("指标偏差" in kinds) == bool(s.red or s.impossible)
    assert ("启动推迟" in kinds) == (s.late_start is not None)
    assert ("暂停" in kinds) == s.serious
    text = "".join(draft(result).opinions.values())
    assert NEW not in text and "None" not in text


def test_subset_wording_reads_alone() -> None:
    d = draft(sample_result("cunweishengshi-biaozhunhua.yaml"))
    one = tuple(f for f in d.findings if f.subject == "乡村医生培训人次")
    text = d.opinion_for("绩效目标", one)
    assert text.startswith("截至2024年8月31日，乡村医生培训人次（完成率30.00%")
    assert "标准化改造" not in text
    assert opinion(d.facts, "项目管理", []) == "项目按计划启动，未发现违规情况等明显问题。"


def test_an_appended_finding_does_not_repeat_a_treatment_the_reviewer_kept() -> None:
    from docgen.review.merge import _unsaid

    kept = "项目启动推迟。请分析原因，提出改进意见（第十五条第（三）项）。"
    added = "存在违规情况：未经招标直接发包。请分析原因，提出改进意见（第十五条第（三）项）。"
    assert _unsaid(kept, added) == "存在违规情况：未经招标直接发包。"
    assert _unsaid(kept, "请分析原因，提出改进意见（第十五条第（三）项）。") == ""
    assert _unsaid(kept, "无句号的新问题") == "无句号的新问题"
