"""The Chinese wording of the drafted opinions: figures formatted once, by the presenters of ``present``.

Pure. :func:`facts_of` turns a result into display strings; :func:`opinion` and :func:`requirements`
compose sentences from (kind, subject) pairs, so that a subset of findings (the new ones) reads as
well as the whole draft.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import OPINION_AREAS
from ..present import DASH, cn_date, money, pct_text
from ..rules.budget import BLUE, GREEN, RED, YELLOW
from ..rules.context import ProjectResult
from ..rules.indicators import IndicatorProgress

BUDGET, MANAGEMENT, ADJUST, TARGETS = OPINION_AREAS
ARTICLE = "第十五条"
TREATMENT = {  # 001 第十五条: the four kinds of corrective treatment
    "一": "调减预算并同步调整绩效目标",
    "二": "调整偏低的绩效目标，下一年度完善绩效目标和预算编报",
    "三": "分析原因、采取针对性措施纠偏，完善项目管理",
    "四": "暂停项目实施、调减预算并停止拨付资金",
}
TREATMENT_OF_KIND = {
    "暂停": "四", "调减预算": "一", "目标偏低": "二",
    "进度偏慢": "三", "指标偏差": "三", "启动推迟": "三", "违规": "三",
}
DEADLINE = "收到本意见之日起30日内"
NEW = "【新增】"


def cite(item: str) -> str:
    """``（第十五条第（三）项）``."""
    return f"（{ARTICLE}第（{item}）项）"


@dataclass(frozen=True)
class Facts:
    """The figures an opinion cites, already formatted for display."""

    date: str = ""
    rate: str = DASH
    time_progress: str = DASH
    progress_ratio: str = DASH
    light: str = ""
    spent: str = DASH
    budget: str = DASH
    forecast: str | None = None
    surplus: str | None = None
    surplus_negative: bool = False
    share: str = DASH
    threshold: str = ""
    over_sources: str = ""
    quantitative: int = 0
    red_quantitative: tuple[str, ...] = ()
    indicators: dict[str, str] = field(default_factory=dict)  # name → "名称（完成率…，红灯）"
    lights: dict[str, int] = field(default_factory=dict)
    planned_start: str = ""
    actual_start: str = ""
    late_days: int = 0
    violations: str = ""
    has_management: bool = False
    snapshot: bool = False


def _setting(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _detail(p: IndicatorProgress) -> str:
    parts: list[str] = []
    if p.kind == "定量":
        parts.append(f"完成率{pct_text(p.completion)}")
        if p.light != BLUE:
            parts.append(f"进度完成率{pct_text(p.progress)}")
    elif p.kind == "时限":
        parts.append(f"时限为{p.indicator.target.text}")
    elif p.entry is not None and p.entry.completion:
        parts.append(f"完成程度为{p.entry.completion}")
    if p.light:
        parts.append(p.light)
    if p.possibility == "完全不可能":
        parts.append("全年完成可能性为完全不可能")
    return f"{p.name}（{'，'.join(parts)}）"


def facts_of(result: ProjectResult) -> Facts:
    s = result.signals
    if s is None or result.current is None:
        return Facts(budget=money(result.budget.total) or DASH)
    b = s.budget
    progress = result.current.indicators
    quantitative = [p for p in progress if p.kind == "定量"]
    snap = result.project.snapshots[result.current.index]
    m = snap.management
    return Facts(
        date=cn_date(s.as_of),
        rate=pct_text(b.rate),
        time_progress=pct_text(b.time_progress),
        progress_ratio=pct_text(b.progress_ratio),
        light=b.light or "",
        spent=money(b.spent.total) or DASH,
        budget=money(b.budget.total) or DASH,
        forecast=money(b.forecast.total) if b.forecast is not None else None,
        surplus=money(abs(b.surplus)) if b.surplus is not None else None,
        surplus_negative=b.surplus is not None and b.surplus < 0,
        share=pct_text(s.surplus_share),
        threshold=_setting(result.profile.adjustment.surplus_share_from),
        over_sources="、".join(b.over_sources),
        quantitative=len(quantitative),
        red_quantitative=tuple(p.name for p in quantitative if p.light == RED),
        indicators={p.name: _detail(p) for p in progress},
        lights=dict(Counter(p.light for p in progress if p.light)),
        planned_start=cn_date(s.late_start[0]) if s.late_start else "",
        actual_start=cn_date(s.late_start[1]) if s.late_start else "",
        late_days=(s.late_start[1] - s.late_start[0]).days if s.late_start else 0,
        violations=(s.violations or "").rstrip("。；;，, "),
        has_management=m is not None,
        snapshot=True,
    )


def _names(subjects: list[str]) -> str:
    return "、".join(subjects)


def _budget_head(f: Facts) -> str:
    light = f"，预算执行预警为{f.light}" if f.light else ""
    return f"截至{f.date}，预算执行率{f.rate}，时序进度{f.time_progress}，执行进度比{f.progress_ratio}{light}"


def _budget(f: Facts, kinds: dict[str, list[str]]) -> list[str]:
    if "无监控" in kinds:
        return ["项目尚无绩效监控数据（未填报“监控”），无法分析预算执行进度，请督促实施单位按时报送绩效监控情况。"]
    if "进度偏慢" in kinds:
        degree = "严重偏慢" if f.light == RED else "偏慢"
        return [f"{_budget_head(f)}，执行进度{degree}。请分析执行进度偏慢的原因，采取针对性措施加快项目实施和资金支出"
                f"进度，避免资金沉淀{cite('三')}。"]
    return []


def _adjust(f: Facts, kinds: dict[str, list[str]]) -> list[str]:
    out = []
    if "暂停" in kinds:
        out.append(
            f"截至{f.date}，预算执行预警为红灯（执行进度比{f.progress_ratio}），且{f.quantitative}项定量指标中"
            f"{len(f.red_quantitative)}项红灯（{_names(list(f.red_quantitative))}），预算执行与绩效目标偏离较大，"
            f"建议暂停项目实施，按程序调减预算并停止拨付资金，及时纠偏止损{cite('四')}。"
        )
    if "调减预算" in kinds:
        out.append(
            f"全年预计执行数{f.forecast}万元，预计结余{f.surplus}万元，占全年预算数{f.budget}万元的{f.share}，"
            f"达到{f.threshold}%以上，建议按程序调减预算{f.surplus}万元，并同步调整绩效目标{cite('一')}。"
        )
    if "超预算" in kinds:
        where = f"（{f.over_sources}）" if f.over_sources else ""
        out.append(
            f"截至{f.date}，执行数{f.spent}万元，超过全年预算数{where}，属超预算支出，不符合预算执行合规性要求，"
            "请核实并按规定整改。"
        )
    return out


def _targets(f: Facts, kinds: dict[str, list[str]]) -> list[str]:
    out = []
    if "指标偏差" in kinds:
        details = "、".join(f.indicators.get(n, n) for n in kinds["指标偏差"])
        out.append(
            f"截至{f.date}，{details}执行偏差较大。请分析偏差原因，采取针对性措施予以纠正{cite('三')}；"
            "确因政策变化、突发事件等客观因素导致目标难以实现的，按程序填报《绩效运行监控目标调整表》（附件3）"
            f"调整绩效目标{cite('一')}。"
        )
    if "目标偏低" in kinds:
        details = "、".join(f.indicators.get(n, n) for n in kinds["目标偏低"])
        out.append(
            f"截至{f.date}，{details}已超额完成年度目标，绩效目标可能设置偏低，建议相应调整绩效目标并报财政部门审批，"
            f"并于下一年度完善绩效目标和预算编报{cite('二')}。"
        )
    if "目标审核" in kinds:
        problems = "；".join(m.rstrip("。") for m in kinds["目标审核"])
        out.append(f"绩效目标审核不通过：{problems}。请按审核意见修改完善绩效目标。")
    return out


def _management(f: Facts, kinds: dict[str, list[str]]) -> list[str]:
    out = []
    if "启动推迟" in kinds:
        out.append(f"项目实际启动日期（{f.actual_start}）较计划启动日期（{f.planned_start}）推迟{f.late_days}天。")
    if "违规" in kinds:
        out.append(f"存在违规情况：{f.violations}。")
    if out:
        out.append(f"请分析原因，提出改进意见，完善资金管理办法，及时进行纠偏{cite('三')}。")
    if "违规" in kinds:
        out.append("违规问题须立即整改，整改情况书面报送财政部门。")
    return out


def _clean(f: Facts, area: str) -> str:
    if area == BUDGET:
        if not f.light:
            return f"{_budget_head(f)}，无法给出预算执行预警，请核实全年预算数和执行数。"
        return f"{_budget_head(f)}，执行进度正常，未发现明显问题。"
    if area == ADJUST:
        if not f.snapshot:
            return "项目尚无绩效监控数据，暂无法判断是否需要调整预算。"
        if f.forecast is None:
            return "未填报全年预计执行数，暂无法判断是否需要调整预算。"
        if f.surplus_negative:
            return (f"全年预计执行数{f.forecast}万元，比全年预算数{f.budget}万元多{f.surplus}万元，"
                    "请核实全年预计执行数，确需增加预算的按程序办理。")
        return (f"全年预计执行数{f.forecast}万元，预计结余{f.surplus}万元，占全年预算数的{f.share}，"
                "暂不需要调整预算，未发现明显问题。")
    if area == TARGETS:
        if not f.snapshot:
            return "项目尚无绩效监控数据，暂无法分析绩效目标完成情况。"
        counts = "，".join(f"{light}{f.lights[light]}项" for light in (GREEN, YELLOW) if f.lights.get(light))
        head = f"截至{f.date}，{len(f.indicators)}项绩效指标中{counts}，" if counts else f"截至{f.date}，"
        return f"{head}未发现指标执行偏差较大或目标设置偏低等明显问题。"
    if not f.snapshot:
        return "项目尚无绩效监控数据，暂无法分析项目管理情况。"
    if not f.has_management:
        return "未填报项目管理情况，暂未发现明显问题。"
    return "项目按计划启动，未发现违规情况等明显问题。"


def _by_kind(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for kind, subject in pairs:
        out.setdefault(kind, [])
        if subject and subject not in out[kind]:
            out[kind].append(subject)
    return out


_AREA = {BUDGET: _budget, MANAGEMENT: _management, ADJUST: _adjust, TARGETS: _targets}


def opinion(f: Facts, area: str, pairs: list[tuple[str, str]]) -> str:
    """The opinion of one area from its (kind, subject) findings; the "no problem" wording when there are none."""
    sentences = _AREA[area](f, _by_kind(pairs))
    return "".join(sentences) if sentences else _clean(f, area)


def requirements(f: Facts, pairs: list[tuple[str, str]]) -> tuple[str, ...]:
    """整改要求, one item per kind of finding, in the order of the opinions."""
    kinds = _by_kind(pairs)
    out: list[str] = []
    if "暂停" in kinds:
        out.append(f"暂停项目实施，按程序调减预算并停止拨付资金，及时纠偏止损{cite('四')}")
    if "无监控" in kinds:
        out.append("按时报送绩效监控数据")
    if "进度偏慢" in kinds:
        out.append("分析预算执行进度偏慢的原因，加快项目实施和资金支出进度")
    if "调减预算" in kinds:
        out.append(f"按程序申请调减预算{f.surplus}万元，同步调整绩效目标{cite('一')}")
    if "超预算" in kinds:
        out.append("核实超预算支出，按规定整改")
    if "指标偏差" in kinds:
        out.append(f"对{_names(kinds['指标偏差'])}分析偏差原因、采取纠偏措施，确需调整的填报《绩效运行监控目标调整表》"
                   "（附件3）报财政部门审批")
    if "目标偏低" in kinds:
        out.append(f"调整偏低的绩效目标（{_names(kinds['目标偏低'])}），并于下一年度完善绩效目标和预算编报{cite('二')}")
    if "目标审核" in kinds:
        out.append("按绩效目标审核意见修改完善绩效目标")
    if "启动推迟" in kinds or "违规" in kinds:
        out.append("针对项目管理中存在的问题提出改进措施，完善资金管理办法")
    if "违规" in kinds:
        out.append("立即纠正违规问题，整改情况书面报送财政部门")
    return tuple(out)


def treatments(kinds: list[str]) -> tuple[str, ...]:
    """The 第十五条 treatments proposed, most serious first: ``（四）暂停项目实施、…``."""
    items = sorted({TREATMENT_OF_KIND[k] for k in kinds if k in TREATMENT_OF_KIND}, key="四一二三".index)
    return tuple(f"（{i}）{TREATMENT[i]}" for i in items)
