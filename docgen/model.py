"""The project data file as validated pydantic models.

Field names are English; each field's alias is its key in the data file (DATA.md), which
is the contract. Values are read here (amounts, dates, indicator values) so that every
problem is reported against the field that holds it. Rules that need several files or the
profile live in :mod:`docgen.rules`; checks that span several fields of one project are in
:mod:`docgen.project`.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .values import Actual as ActualValue
from .values import (
    NonFinite,
    Quantity,
    Target,
    ValueProblem,
    _show,
    parse_actual,
    parse_amount,
    parse_date,
    parse_target,
)

# XML 1.0 forbids these; they would corrupt a DOCX/XLSX.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2_OF: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标", "成本指标"),
}
SOURCES = ("一般公共预算拨款", "政府性基金", "国有资本经营预算", "其他资金")
DEVIATION_CAUSES = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")
POSSIBILITIES = ("确定能", "有可能", "完全不可能")
COMPLETION = ("达成", "部分达成", "未达成")
DIMENSIONS = ("立项必要性", "投入经济性", "绩效目标合理性", "实施方案可行性", "筹资合规性")
PRE_CONCLUSIONS = ("予以支持", "部分支持", "不予支持")
OPINION_AREAS = ("预算执行进度", "项目管理", "调整预算", "绩效目标")


def _err(message: str) -> PydanticCustomError:
    return PydanticCustomError("docgen", "{message}", {"message": message})


def closest(word: str, options: Any, cutoff: float = 0.4) -> str | None:
    found = difflib.get_close_matches(str(word), list(options), n=1, cutoff=cutoff)
    return found[0] if found else None


# --- scalar types -------------------------------------------------------------------------------


def _text(raw: object) -> str:
    if isinstance(raw, bool) or raw is None or isinstance(raw, (list, dict)):
        raise _err(f"应为文字，实际是 {_show(raw)}")
    if isinstance(raw, NonFinite):
        return str(raw)
    source = getattr(raw, "source", None)  # an integer as written: keeps leading zeros
    if isinstance(source, str):
        return source
    if isinstance(raw, Decimal):
        raw = format(raw, "f")
    elif isinstance(raw, (int, date)):
        raw = str(raw)
    if not isinstance(raw, str):
        raise _err(f"应为文字，实际是 {_show(raw)}")
    bad = _CONTROL.search(raw)
    if bad:
        raise _err(f"含有不可见的控制字符（U+{ord(bad.group()):04X}），请删除")
    return str(raw)


def _text_list(raw: object) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, list):
        return [_text(item) for item in raw]
    return [_text(raw)]


def _year(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise _err(f"应为四位数字的年度（如 2024），实际是 {_show(raw)}")
    if not 1990 <= raw <= 2100:
        raise _err(f"年度 {raw} 不在 1990–2100 之间")
    return int(raw)


def _bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw in ("是", "否"):
        return raw == "是"
    raise _err(f"应为 true 或 false（是/否），实际是 {_show(raw)}")


def _wrap(fn: Any) -> Any:
    def run(raw: object) -> Any:
        try:
            return fn(raw)
        except ValueProblem as exc:
            raise _err(str(exc)) from None

    return run


def _score(raw: object) -> Decimal:
    if isinstance(raw, bool) or isinstance(raw, NonFinite):
        raise _err(f"应为分数，实际是 {_show(raw)}")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, float):  # only from Python callers; YAML numbers arrive as Decimal
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        try:
            from .values import parse_number

            value = parse_number(raw)
        except ValueProblem:
            bare = raw.strip().removesuffix("分").strip()
            if bare != raw.strip() and _is_number(bare):
                raise _err(f"无法识别的分数 \"{raw}\"：只写数字，不写“分”（如 {bare}）") from None
            raise _err(f"无法识别的分数 \"{raw}\"") from None
    else:
        raise _err(f"应为分数，实际是 {_show(raw)}")
    if not value.is_finite() or value < 0 or value > 100:
        raise _err(f"分数应在 0–100 之间，实际是 {raw}")
    return value


def _is_number(text: str) -> bool:
    from .values import parse_number

    try:
        parse_number(text)
    except ValueProblem:
        return False
    return True


def _choice(options: tuple[str, ...], what: str) -> Any:
    def check(raw: object) -> str:
        text = _text(raw).strip()
        if text in options:
            return text
        hint = closest(text, options)
        tip = f"，是否应为“{hint}”？" if hint else ""
        raise _err(f"{what}应为 {' / '.join(options)} 之一，实际是 \"{text}\"{tip}")

    return check


def _actual(raw: object) -> ActualValue:
    return _wrap(parse_actual)(raw)


def _causes(raw: object) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    check = _choice(DEVIATION_CAUSES, "偏差原因")
    return [check(i) for i in items if i not in (None, "")]


Text = Annotated[str, PlainValidator(_text)]
TextList = Annotated[list[str], PlainValidator(_text_list)]
Year = Annotated[int, PlainValidator(_year)]
Flag = Annotated[bool, PlainValidator(_bool)]
Amount = Annotated[Decimal, PlainValidator(_wrap(parse_amount))]
Day = Annotated[date, PlainValidator(_wrap(parse_date))]
Score = Annotated[Decimal, PlainValidator(_score)]
TargetValue = Annotated[Any, PlainValidator(_wrap(parse_target))]
Actual = Annotated[Any, PlainValidator(_actual)]
Causes = Annotated[list[str], PlainValidator(_causes)]
Possibility = Annotated[str, PlainValidator(_choice(POSSIBILITIES, "完成可能性"))]
Completion = Annotated[str, PlainValidator(_choice(COMPLETION, "完成程度"))]
ProjectKind = Annotated[str, PlainValidator(_choice(("新增项目", "延续项目"), "项目属性"))]
Level1 = Annotated[str, PlainValidator(_choice(LEVEL1, "一级指标"))]
PreConclusion = Annotated[str, PlainValidator(_choice(PRE_CONCLUSIONS, "结论"))]


class Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore", arbitrary_types_allowed=True)


# --- funding ------------------------------------------------------------------------------------


class Funding(Model):
    """Funding source → amount (万元); ``合计`` is checked, or computed when absent."""

    general: Amount | None = Field(None, alias="一般公共预算拨款")
    fund: Amount | None = Field(None, alias="政府性基金")
    state_capital: Amount | None = Field(None, alias="国有资本经营预算")
    other: Amount | None = Field(None, alias="其他资金")
    total_given: Amount | None = Field(None, alias="合计")

    @field_validator("total_given")
    @classmethod
    def _total_adds_up(cls, value: Decimal | None, info: Any) -> Decimal | None:
        if value is None:
            return value
        keys = ("general", "fund", "state_capital", "other")
        if any(k not in info.data for k in keys):
            return value  # a source failed validation; that error is reported already
        given = [info.data[k] for k in keys if info.data[k] is not None]
        if not given:
            return value
        total = sum(given, Decimal(0))
        if total != value:
            raise _err(f"合计 {value} 不等于各资金来源之和 {total}")
        return value

    @model_validator(mode="after")
    def _some_source(self) -> Funding:
        if not self.sources():
            raise _err(f"至少填写一个资金来源（{' / '.join(SOURCES)}）")
        return self

    def sources(self) -> dict[str, Decimal]:
        """The sources that were written, in the official order, keyed by their Chinese name."""
        values = (self.general, self.fund, self.state_capital, self.other)
        return {name: v for name, v in zip(SOURCES, values, strict=True) if v is not None}

    @property
    def total(self) -> Decimal:
        return sum(self.sources().values(), Decimal(0))


class Funds(Model):
    initial: Funding = Field(alias="年初预算数")
    full_year: Funding | None = Field(None, alias="全年预算数")
    medium_term: Funding | None = Field(None, alias="中期资金总额")

    @property
    def budget(self) -> Funding:
        """全年预算数, defaulting to 年初预算数."""
        return self.full_year or self.initial


# --- indicators ---------------------------------------------------------------------------------


class Indicator(Model):
    level1: Level1 = Field(alias="一级指标")
    level2: Text = Field(alias="二级指标")
    name: Text = Field(alias="三级指标")
    target: TargetValue = Field(alias="指标值")
    weight: Score | None = Field(None, alias="分值")
    explanation: Text | None = Field(None, alias="指标解释")
    tracked: bool = Field(False, alias="跟踪")  # a 主要绩效目标 chosen for 表2 (000); marked in 表1

    @field_validator("level2")
    @classmethod
    def _level2_belongs(cls, value: str, info: Any) -> str:
        level1 = info.data.get("level1")
        if level1 is None:
            return value
        allowed = LEVEL2_OF[level1]
        if value.strip() not in allowed:
            hint = closest(value, allowed)
            tip = f"，是否应为“{hint}”？" if hint else ""
            raise _err(f"二级指标“{value}”不属于一级指标“{level1}”（可选：{' / '.join(allowed)}）{tip}")
        return value.strip()

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise _err("三级指标不能为空")
        return value.strip()

    @property
    def is_quantitative(self) -> bool:
        return isinstance(self.target, Quantity)


# --- monitoring ---------------------------------------------------------------------------------


class SnapshotIndicator(Model):
    actual: Actual = Field(alias="执行情况")
    due: Actual | None = Field(None, alias="本期应完成")
    forecast: Actual | None = Field(None, alias="全年预计")
    causes: Causes = Field(default_factory=list, alias="偏差原因")
    cause_note: Text | None = Field(None, alias="原因说明")
    measures: Text | None = Field(None, alias="改进措施")
    possibility: Possibility | None = Field(None, alias="完成可能性")
    completion: Completion | None = Field(None, alias="完成程度")
    remark: Text | None = Field(None, alias="备注")


class Management(Model):
    planned_start: Day | None = Field(None, alias="计划启动日期")
    actual_start: Day | None = Field(None, alias="实际启动日期")
    disbursement: Text | None = Field(None, alias="资金拨付")
    rules_in_place: Text | None = Field(None, alias="制度建设")
    violations: Text | None = Field(None, alias="违规情况")


class Snapshot(Model):
    as_of: Day = Field(alias="截止日期")
    spent: Funding = Field(alias="执行数")
    forecast_spent: Funding | None = Field(None, alias="全年预计执行数")
    indicators: dict[str, SnapshotIndicator] = Field(default_factory=dict, alias="指标")
    problems: TextList = Field(default_factory=list, alias="存在问题")
    measures: TextList = Field(default_factory=list, alias="改进措施")
    other_notes: TextList = Field(default_factory=list, alias="其他说明")
    progress: Text | None = Field(None, alias="项目进展")
    management: Management | None = Field(None, alias="管理情况")


# --- adjustment, self-evaluation, ex-ante, feedback ------------------------------------------


class BudgetChange(Model):
    task: Text = Field(alias="工作任务")
    requested: Amount | None = Field(None, alias="原先申请资金")
    adjusted: Amount | None = Field(None, alias="计划调整后资金")
    start: Day | None = Field(None, alias="开始日期")
    end: Day | None = Field(None, alias="结束日期")


class IndicatorChange(Model):
    name: Text = Field(alias="三级指标")
    before: Text | None = Field(None, alias="原指标")
    after: TargetValue = Field(alias="调整后指标")
    explanation: Text | None = Field(None, alias="指标解释")


class Adjustment(Model):
    reason: Text | None = Field(None, alias="调整原因")
    outputs_after: Text | None = Field(None, alias="调整后产出")
    outcomes_after: Text | None = Field(None, alias="调整后成效")
    budget_changes: list[BudgetChange] = Field(default_factory=list, alias="预算调整")
    indicator_changes: list[IndicatorChange] = Field(default_factory=list, alias="指标调整")


class SelfEvalIndicator(Model):
    actual: Actual | None = Field(None, alias="实际完成值")
    completion: Completion | None = Field(None, alias="完成程度")
    score: Score | None = Field(None, alias="得分")
    explanation: Text | None = Field(None, alias="偏差原因及改进措施")


class SelfEval(Model):
    spent: Funding = Field(alias="执行数")
    summary: Text | None = Field(None, alias="总体目标完成情况")
    indicators: dict[str, SelfEvalIndicator] = Field(default_factory=dict, alias="指标")


class Dimension(Model):
    score: Score = Field(alias="得分")
    opinion: Text | None = Field(None, alias="意见")


class PreAssessment(Model):
    dimensions: dict[str, Dimension] = Field(alias="维度")
    conclusion: PreConclusion | None = Field(None, alias="结论")


class Feedback(Model):
    reviewer: Text | None = Field(None, alias="审核单位")
    review_date: Day | None = Field(None, alias="审核日期")
    opinions: dict[str, Text] = Field(default_factory=dict, alias="意见")
    requirements: TextList = Field(default_factory=list, alias="整改要求")
    deadline: Text | None = Field(None, alias="整改期限")


# --- the project --------------------------------------------------------------------------------


class Project(Model):
    name: Text = Field(alias="项目名称")
    code: Text | None = Field(None, alias="项目编码")
    year: Year = Field(alias="年度")
    department: Text = Field(alias="主管部门")
    unit: Text = Field(alias="实施单位")
    leader: Text | None = Field(None, alias="项目负责人")
    phone: Text | None = Field(None, alias="联系电话")
    kind: ProjectKind | None = Field(None, alias="项目属性")
    start: Day | None = Field(None, alias="开始日期")
    end: Day | None = Field(None, alias="结束日期")
    unfinished_last_year: Flag = Field(False, alias="上年未完工")
    category: Text | None = Field(None, alias="项目类型")
    funds: Funds = Field(alias="资金")
    annual_goal: Text = Field(alias="年度总体目标")
    long_term_goal: Text | None = Field(None, alias="中长期目标")
    indicators: list[Indicator] = Field(alias="绩效指标", min_length=1)
    snapshots: list[Snapshot] = Field(default_factory=list, alias="监控")
    adjustment: Adjustment | None = Field(None, alias="调整")
    self_eval: SelfEval | None = Field(None, alias="自评")
    pre_assessment: PreAssessment | None = Field(None, alias="事前评估")
    feedback: Feedback | None = Field(None, alias="反馈")

    def indicator(self, name: str) -> Indicator | None:
        for ind in self.indicators:
            if ind.name == name:
                return ind
        return None

    def sorted_snapshots(self) -> list[Snapshot]:
        return sorted(self.snapshots, key=lambda s: s.as_of)


__all__ = ["Project", "Target"]
