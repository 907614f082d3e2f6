"""A validated project as the text of a project file: DATA.md's keys in DATA.md's order, readable YAML.

Amounts and scores are written as plain numbers from their Decimal (never through a float), dates as
``2024-06-30``, indicator values as the text the user wrote, long text as ``|`` blocks. A string that the
project-file reader would take for something else (``"12"``, ``"true"``, ``"0o17"``) is quoted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from ..model import Funding, Project
from ..yamlfile import _scalar

Data = dict[str, Any]


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # list items indented under their key, as people write them


class _Flow(list):  # type: ignore[type-arg]
    """A short list written inline: ``偏差原因: [经费保障, 制度保障]``."""


def _flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _str(dumper: yaml.SafeDumper, value: str) -> ScalarNode:
    style = None
    if "\n" in value:
        style = "|"
    elif not isinstance(_scalar(ScalarNode("tag:yaml.org,2002:str", value, style=None)), str):
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _date(dumper: yaml.SafeDumper, value: date) -> ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(str, _str)
_Dumper.add_representer(date, _date)
_Dumper.add_representer(_Flow, _flow)
CENT = Decimal("0.01")


def _money(value: Decimal | None) -> Decimal | None:
    """An amount with at least 2 decimals (360 → 360.00), as amounts are written on the forms."""
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    return value.quantize(CENT) if isinstance(exponent, int) and exponent > -2 else value


def _clean(data: Data) -> Data:
    """Without absent values (None, empty lists and mappings)."""
    return {k: v for k, v in data.items() if v is not None and v != [] and v != {}}


def _text(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "text", value))


def _funding(f: Funding | None) -> Data | None:
    if f is None:
        return None
    out: Data = {k: _money(v) for k, v in f.sources().items()}
    if f.total_given is not None:
        out["合计"] = _money(f.total_given)
    return out


def _snapshot(s: Any) -> Data:
    indicators = {
        name: _clean({
            "执行情况": _text(e.actual), "本期应完成": _text(e.due), "全年预计": _text(e.forecast),
            "偏差原因": _Flow(e.causes), "原因说明": e.cause_note, "改进措施": e.measures, "完成可能性": e.possibility,
            "完成程度": e.completion, "备注": e.remark,
        })
        for name, e in s.indicators.items()
    }
    m = s.management
    management = None if m is None else _clean({
        "计划启动日期": m.planned_start, "实际启动日期": m.actual_start, "资金拨付": m.disbursement,
        "制度建设": m.rules_in_place, "违规情况": m.violations,
    })
    return _clean({
        "截止日期": s.as_of, "执行数": _funding(s.spent), "全年预计执行数": _funding(s.forecast_spent),
        "指标": indicators, "存在问题": s.problems, "改进措施": s.measures, "其他说明": s.other_notes,
        "项目进展": s.progress, "管理情况": management or None,
    })


def _adjustment(p: Project) -> Data | None:
    a = p.adjustment
    if a is None:
        return None
    return _clean({
        "调整原因": a.reason, "调整后产出": a.outputs_after, "调整后成效": a.outcomes_after,
        "预算调整": [_clean({"工作任务": c.task, "原先申请资金": _money(c.requested),
                             "计划调整后资金": _money(c.adjusted),
                             "开始日期": c.start, "结束日期": c.end}) for c in a.budget_changes],
        "指标调整": [_clean({"三级指标": c.name, "原指标": c.before, "调整后指标": _text(c.after),
                             "指标解释": c.explanation}) for c in a.indicator_changes],
    })


def _self_eval(p: Project) -> Data | None:
    se = p.self_eval
    if se is None:
        return None
    return _clean({
        "执行数": _funding(se.spent), "总体目标完成情况": se.summary,
        "指标": {name: _clean({"实际完成值": _text(e.actual), "完成程度": e.completion, "得分": e.score,
                               "偏差原因及改进措施": e.explanation}) for name, e in se.indicators.items()},
    })


def _pre_assessment(p: Project) -> Data | None:
    pa = p.pre_assessment
    if pa is None:
        return None
    dims = {name: _clean({"得分": d.score, "意见": d.opinion}) for name, d in pa.dimensions.items()}
    return _clean({"维度": dims, "结论": pa.conclusion})


def _feedback(p: Project) -> Data | None:
    f = p.feedback
    if f is None:
        return None
    return _clean({"审核单位": f.reviewer, "审核日期": f.review_date, "意见": dict(f.opinions),
                   "整改要求": f.requirements, "整改期限": f.deadline})


def project_data(p: Project) -> Data:
    """The project as plain data in DATA.md's order."""
    return _clean({
        "项目名称": p.name, "项目编码": p.code, "年度": p.year, "主管部门": p.department, "实施单位": p.unit,
        "项目负责人": p.leader, "联系电话": p.phone, "项目属性": p.kind, "开始日期": p.start, "结束日期": p.end,
        "上年未完工": True if p.unfinished_last_year else None, "项目类型": p.category,
        "资金": _clean({"年初预算数": _funding(p.funds.initial), "全年预算数": _funding(p.funds.full_year),
                        "中期资金总额": _funding(p.funds.medium_term)}),
        "年度总体目标": p.annual_goal, "中长期目标": p.long_term_goal,
        "绩效指标": [_clean({"一级指标": i.level1, "二级指标": i.level2, "三级指标": i.name,
                             "指标值": _text(i.target), "分值": i.weight, "指标解释": i.explanation})
                     for i in p.indicators],
        "监控": [_snapshot(s) for s in p.snapshots],
        "调整": _adjustment(p), "自评": _self_eval(p), "事前评估": _pre_assessment(p), "反馈": _feedback(p),
    })


HEADER = "# 项目数据文件（由 docgen intake import 从 Excel 填报工作簿生成）。金额单位：万元。\n"


def dump_project(p: Project, source: str = "") -> str:
    """The YAML text of a project file."""
    body = yaml.dump(project_data(p), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=4096, indent=2)
    head = HEADER if not source else HEADER.replace("Excel 填报工作簿", f"Excel 填报工作簿“{source}”")
    return head + body
