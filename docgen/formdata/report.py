"""Pieces shared by the three reports (监控报告, 跟踪结果报告, 自评报告): sentences written from the computed figures.

Every figure in a report's prose is formatted here (present.py) from the one computed result; the templates only
place the sentences. A section whose data is absent gets a short honest sentence, never an empty heading.
"""

from __future__ import annotations

from typing import Any

from ..model import Indicator, Project
from ..present import DASH, cn_date, money, num_money, num_pct, pct_text
from ..rules.budget import BLUE, GREEN, RED, YELLOW, FundingFigures
from ..rules.context import ProjectResult, SnapshotResult
from ..rules.indicators import IndicatorProgress
from ..rules.signals import OpinionSignals
from .common import header, sort_by_indicator

NO_MONITORING = "本项目尚无监控数据。"
# the nine groups of 附件4 四（一）, keyed by a short name
GROUPS = ("数量", "质量", "时效", "成本", "经济效益", "社会效益", "生态效益", "可持续影响", "满意度")
LIGHTS = (GREEN, YELLOW, RED, BLUE)


def group_of(ind: Indicator) -> str:
    """The 附件4 group of an indicator: 成本 for every cost indicator (产出 or a 2021-style 成本 一级)."""
    if ind.level1 == "成本指标" or "成本" in ind.level2:
        return "成本"
    if ind.level1 == "满意度指标":
        return "满意度"
    name = ind.level2.removesuffix("指标")
    return name if name in GROUPS else "可持续影响" if ind.level1 == "效益指标" else "数量"


def report_title(project: Project, kind: str) -> str:
    """``xx项目支出绩效监控报告``: the project name without a doubled 项目."""
    name = project.name.strip()
    if kind.startswith("项目") and name.endswith("项目"):
        name = name[: -len("项目")]
    return f"{name}{kind}"


def sentence(text: str) -> str:
    """A sentence ending in one 。 (user text may end in ；，。 or nothing)."""
    text = text.strip().rstrip("；;，,。.")
    return f"{text}。" if text else ""


def joined(text: str) -> str:
    """A text wrapped over several lines of the data file as one paragraph (Chinese: no spaces between lines)."""
    return "".join(line.strip() for line in text.splitlines())


def lines(texts: Any, fallback: str) -> list[str]:
    out = [sentence(t) for t in texts if t and str(t).strip()]
    return out or [fallback]


def span_text(project: Project) -> str:
    if project.start and project.end:
        return f"{cn_date(project.start)}至{cn_date(project.end)}"
    if project.start or project.end:
        return cn_date(project.start) or f"至{cn_date(project.end)}"
    return ""


def funding_parts(f: FundingFigures) -> str:
    """``一般公共预算拨款360.00万元、其他资金40.00万元``."""
    return "、".join(f"{name}{money(v)}万元" for name, v in f.sources.items())


def funding_lines(result: ProjectResult) -> list[str]:
    """项目资金投入安排: 年初预算数 and 全年预算数 by source."""
    out = [f"本项目年初预算数{money(result.initial.total)}万元"
           + (f"，其中{funding_parts(result.initial)}" if len(result.initial.sources) > 1 else "") + "。"]
    if result.full_year_given:
        out.append(f"全年预算数（含调整）{money(result.budget.total)}万元"
                   + (f"，其中{funding_parts(result.budget)}" if len(result.budget.sources) > 1 else "") + "。")
    return out


# --- indicators as of a snapshot ---------------------------------------------------------------


def actual_text(p: IndicatorProgress) -> str:
    return p.entry.actual.text if p.entry is not None else ""


def completion_sentence(p: IndicatorProgress, year: int, period: str) -> str:
    """附件4's sentence: ``{年度}年度目标值为{指标值}，{期间}执行情况为{执行情况}，完成年度目标值的{完成率}，
    偏差率为{偏差率}。`` for a quantitative indicator; a plain statement of the actual for the others."""
    target = p.indicator.target.text
    head = f"{p.name}：{year}年度目标值为{target}"
    if p.entry is None:
        return f"{head}，本期未填报执行情况。"
    actual = actual_text(p)
    if p.kind == "定量":
        if p.completion is None or p.deviation is None:
            return f"{head}，{period}执行情况为{actual}，暂无法计算完成率和偏差率。"
        return (f"{head}，{period}执行情况为{actual}，完成年度目标值的{pct_text(p.completion)}，"
                f"偏差率为{pct_text(p.deviation)}。")
    if p.kind == "时限":
        state = {GREEN: "已按期完成", RED: "已超过完成时限仍未完成"}.get(p.light or "", "尚在实施中")
        return f"{head}，{period}执行情况为{actual}，{state}。"
    light = f"，判定为{p.light}" if p.light else ""
    return f"{head}，{period}执行情况为{actual}{light}。"


def deviating(p: IndicatorProgress) -> bool:
    """An indicator the 原因分析 speaks about: a red/yellow/blue light, or a cause the unit gave."""
    e = p.entry
    return p.light in (RED, YELLOW, BLUE) or (e is not None and bool(e.causes or (e.cause_note or "").strip()))


def cause_sentence(p: IndicatorProgress) -> str:
    """附件4: ``偏差率为x%，其原因是……`` from 偏差原因 and 原因说明."""
    e = p.entry
    rate = f"偏差率为{pct_text(p.deviation)}，" if p.deviation is not None else ""
    light = f"（{p.light}）" if p.light else ""
    causes = "、".join(e.causes) if e is not None else ""
    note = sentence(e.cause_note or "") if e is not None else ""
    if causes and note:
        why = f"其原因属{causes}方面：{note}"
    elif causes:
        why = f"其原因属{causes}方面。"
    elif note:
        why = f"其原因是：{note}"
    else:
        why = "填报单位未说明偏差原因。"
    if p.light == BLUE:
        why = f"完成率已达{pct_text(p.completion)}，超额完成，目标值可能设定偏低。" + (why if causes or note else "")
    return f"{p.name}{light}：{rate}{why}"


def by_group(snap: SnapshotResult | None, make: Any, keep: Any, fallback: str) -> dict[str, list[str]]:
    """Sentences per 附件4 group, in the official indicator order; a fallback sentence for an empty group."""
    out: dict[str, list[str]] = {g: [] for g in GROUPS}
    if snap is not None:
        for p in sort_by_indicator(snap.indicators, lambda x: x.indicator):
            if keep(p):
                out[group_of(p.indicator)].append(make(p))
    return {g: v or [fallback.format(g=g)] for g, v in out.items()}


def light_summary(snap: SnapshotResult) -> str:
    """``绩效指标8个，其中绿灯3个、红灯2个，未给出预警1个``."""
    counts = {light: sum(1 for p in snap.indicators if p.light == light) for light in LIGHTS}
    none = sum(1 for p in snap.indicators if p.light is None)
    parts = [f"{light}{n}个" for light, n in counts.items() if n]
    if none:
        parts.append(f"未给出预警{none}个（定性指标未评定或执行情况非数值）")
    return f"共监控绩效指标{len(snap.indicators)}个" + (f"，其中{'、'.join(parts)}" if parts else "")


def budget_context(result: ProjectResult) -> dict[str, Any]:
    """年度预算执行情况 as of the current snapshot: the figures (Num, for the 大写 filter) and the detail lines."""
    snap = result.current
    if snap is None:
        return {"有监控": False, "说明": [f"{NO_MONITORING}本年度预算执行情况待监控后填报。"]}
    b = snap.budget
    detail = []
    if len(b.spent.sources) > 1:
        detail.append(f"执行数中，{funding_parts(b.spent)}。")
    if b.forecast is not None:
        share = f"，占全年预算数的{pct_text(result.signals.surplus_share)}" if result.signals else ""
        detail.append(f"预计全年执行{money(b.forecast.total)}万元，全年预计执行率{pct_text(b.forecast_rate)}，"
                      f"预计结余{money(b.surplus)}万元{share}。")
    if b.over_budget:
        detail.append(f"执行数超过全年预算数（{'、'.join(b.over_sources) or '合计'}），属超预算开支。")
    return {
        "有监控": True,
        "全年预算数": num_money(b.budget.total),
        "执行数": num_money(b.spent.total),
        "执行率": num_pct(b.rate),
        "时序进度": num_pct(b.time_progress),
        "执行进度比": num_pct(b.progress_ratio),
        "预警": b.light or DASH,
        "明细": detail,
        "说明": [],
    }


# --- drafted suggestions (RULES.md "Drafted opinions") -----------------------------------------


def budget_advice(s: OpinionSignals) -> list[str]:
    b = s.budget
    head = (f"截至{cn_date(s.as_of)}，预算执行率{pct_text(b.rate)}，时序进度{pct_text(b.time_progress)}，"
            f"执行进度比{pct_text(b.progress_ratio)}，预算执行预警为{b.light or DASH}")
    if s.budget_slow:
        return [f"{head}，执行进度偏慢，建议加快资金拨付和项目实施进度，确保预算执行与时序进度相匹配。"]
    return [f"{head}，预算执行进度正常，建议保持当前执行进度。"]


def management_advice(s: OpinionSignals) -> list[str]:
    out = []
    if s.late_start is not None:
        planned, actual = s.late_start
        out.append(f"项目计划于{cn_date(planned)}启动，实际于{cn_date(actual)}启动，较计划推迟"
                   f"{(actual - planned).days}天，建议加强项目实施进度管理。")
    if s.violations:
        out.append(f"监控发现违规情况：{sentence(s.violations)}建议立即整改。")
    if s.over_budget:
        out.append("执行数超过全年预算数，属超预算开支，建议核实并按规定整改（合规性）。")
    return out or ["监控未发现项目管理和实施方面的问题，建议继续按计划组织实施。"]


def cut_advice(s: OpinionSignals) -> list[str]:
    b = s.budget
    if b.surplus is None:
        return ["未填报全年预计执行数，无法判断是否需要调整项目预算。"]
    share = pct_text(s.surplus_share)
    if s.propose_cut:
        return [f"预计全年结余{money(b.surplus)}万元，占全年预算数的{share}，建议按程序调减项目预算。"]
    return [f"预计全年结余{money(b.surplus)}万元，占全年预算数的{share}，暂不需要调整项目预算。"]


def target_advice(s: OpinionSignals) -> list[str]:
    out = []
    weak = list(dict.fromkeys((*s.impossible, *s.red)))
    if weak:
        out.append(f"{'、'.join(weak)}完成进度严重滞后或预计无法完成，建议分析原因，确需调整的通过"
                   "《绩效运行监控目标调整表》（附件3）按程序修订绩效目标。")
    if s.blue:
        out.append(f"{'、'.join(s.blue)}完成率明显超过年度目标，目标值可能设定偏低，建议下一年度合理提高目标值。")
    return out or ["各项绩效指标未出现需要修订目标的情形，暂不需要修订绩效目标。"]


def serious_advice(s: OpinionSignals) -> list[str]:
    if s.serious:
        return ["预算执行预警为红灯，且半数以上定量指标为红灯，项目预算执行和绩效目标均严重偏离，建议暂停项目实施、"
                "调减预算并停止拨付资金。"]
    return []


def correction_lines(snap: SnapshotResult) -> list[str]:
    """纠偏情况: each indicator's 改进措施 with its 完成可能性."""
    out = []
    for p in sort_by_indicator(snap.indicators, lambda x: x.indicator):
        e = p.entry
        if e is None or not (e.measures or "").strip():
            continue
        chance = f"完成目标可能性：{p.possibility}。" if p.possibility else ""
        out.append(f"{p.name}：{sentence(e.measures or '')}{chance}")
    return out


def base(result: ProjectResult, title: str) -> dict[str, Any]:
    """The header fields every report shows, and the snapshot's date and period when there is one."""
    ctx = header(result.project, title)
    snap = result.current
    ctx.update({
        "报告标题": report_title(result.project, title),
        "有监控": snap is not None,
        "截止日期": cn_date(snap.budget.as_of) if snap else "",
        "期间": snap.budget.period if snap else "",
        "起止日期": span_text(result.project) or "项目数据未填写起止日期。",
    })
    return ctx
