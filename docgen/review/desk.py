"""The triage desk (pure rows): every project of a folder, most urgent first, with its main figure.

:mod:`.desk_load` reads the files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..errors import Diagnostic, Level
from ..pipeline import Outcome
from ..present import DASH, Num, num_pct, pct_text
from ..rules.budget import BLUE, RED, YELLOW
from ..rules.context import ProjectResult
from .draft import draft

# severity labels, most urgent first (the desk's sort order)
SUSPEND = "建议暂停项目（第十五条（四））"
BUDGET_RED = "预算执行红灯"
REVIEW_FAILED = "目标审核不通过"
INVALID = "文件有错误"
NO_SNAPSHOT = "缺少监控数据"
NO_FORECAST = "缺少全年预计执行数"
IMPOSSIBLE = "指标完全不可能完成"
BUDGET_YELLOW = "预算执行黄灯"
COMPLIANCE = "超预算或违规"
INDICATOR_RED = "指标红灯"
SURPLUS = "预计结余较大（建议调减预算）"
INDICATOR_BLUE = "指标蓝灯（目标可能偏低）"
LATE = "启动推迟"
CLEAN = "未发现明显问题"
SEVERITY = (SUSPEND, BUDGET_RED, REVIEW_FAILED, INVALID, NO_SNAPSHOT, NO_FORECAST, IMPOSSIBLE, BUDGET_YELLOW,
            COMPLIANCE, INDICATOR_RED, SURPLUS, INDICATOR_BLUE, LATE, CLEAN)


@dataclass(frozen=True)
class DeskRow:
    file: str
    name: str
    department: str
    severity: str  # the most urgent of ``issues``
    issues: tuple[str, ...]
    figure: str  # 执行率 vs 时序进度 and the light, in words
    rate: Num
    time_progress: Num
    progress_ratio: Num
    light: str
    red: int | None
    blue: int | None
    treatment: str
    feedback: str
    note: str
    invalid: bool = False
    path: str = ""  # the project file on disk (the desk links to it; --import writes back beside it)
    status: str = ""  # 未起草 / 草稿 / 已修改 / 已出具 (desk_feedback)
    reviewer: str = ""  # 审核单位
    opinions: tuple[tuple[str, str], ...] = ()  # 表3 field label → its text, as in the file

    def opinion(self, label: str) -> str:
        return dict(self.opinions).get(label, "")

    @property
    def rank(self) -> int:
        return SEVERITY.index(self.severity)


def issues_of(result: ProjectResult) -> tuple[str, ...]:
    s = result.signals
    found: list[str] = []
    if s is None:
        found.append(NO_SNAPSHOT)
    else:
        if s.serious:
            found.append(SUSPEND)
        if s.budget.light == RED:
            found.append(BUDGET_RED)
        if s.budget.forecast is None:
            found.append(NO_FORECAST)
        if s.impossible:
            found.append(IMPOSSIBLE)
        if s.budget.light == YELLOW:
            found.append(BUDGET_YELLOW)
        if s.over_budget or s.violations:
            found.append(COMPLIANCE)
        if s.red:
            found.append(INDICATOR_RED)
        if s.propose_cut:
            found.append(SURPLUS)
        if s.blue:
            found.append(INDICATOR_BLUE)
        if s.late_start:
            found.append(LATE)
    if result.review.conclusion == "不通过":
        found.append(REVIEW_FAILED)
    return tuple(sorted(found, key=SEVERITY.index)) or (CLEAN,)


def row_of(file: str, result: ProjectResult, warnings: int = 0) -> DeskRow:
    issues = issues_of(result)
    current = result.current
    b = current.budget if current is not None else None
    lights = Counter(p.light for p in current.indicators) if current is not None else Counter()
    figure = DASH
    if b is not None:
        figure = f"执行率{pct_text(b.rate)}／时序进度{pct_text(b.time_progress)}（{b.light or '无预警'}）"
    fb = result.project.feedback
    notes = [] if result.in_scope else ["不在跟踪范围"]
    if warnings:
        notes.append(f"警告{warnings}条")
    return DeskRow(
        file=file,
        name=result.project.name,
        department=result.project.department,
        severity=issues[0],
        issues=issues,
        figure=figure,
        rate=num_pct(b.rate if b else None),
        time_progress=num_pct(b.time_progress if b else None),
        progress_ratio=num_pct(b.progress_ratio if b else None),
        light=(b.light or DASH) if b else DASH,
        red=lights[RED] if current is not None else None,
        blue=lights[BLUE] if current is not None else None,
        treatment="；".join(draft(result).treatments) or DASH,
        feedback="已填写" if fb is not None and any(v.strip() for v in fb.opinions.values()) else "未填写",
        note="；".join(notes),
    )


def invalid_row(file: str, outcome: Outcome, name: str = "", dept: str = "") -> DeskRow:
    errors = [d for d in outcome.diagnostics if d.level is Level.ERROR]
    none = num_pct(None)
    return DeskRow(file, name, dept, INVALID, (INVALID,), DASH, none, none, none, DASH, None, None,
                   "请退回实施单位修改数据", DASH, _first_error(errors), invalid=True)


def _first_error(errors: list[Diagnostic]) -> str:
    """``第14行 资金.年初预算数：无法识别的金额…`` or, in a workbook, ``资金!B5 一般公共预算拨款：…``
    (the file is the row's own)."""
    if not errors:
        return "无法读取"
    d = errors[0]
    loc = d.location
    if loc is None:
        return d.message
    cell = loc.file.split("!", 1)[1] if "!" in loc.file else ""  # x.xlsx!资金!B5
    where = " ".join(p for p in (cell, f"第{loc.line}行" if loc.line else "", loc.path) if p)
    return f"{where}：{d.message}" if where else d.message


def sort_key(row: DeskRow) -> tuple[int, float, str]:
    ratio = row.progress_ratio.value
    return row.rank, float(ratio) if ratio is not None else float("inf"), row.file
