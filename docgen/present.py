"""Display formatting (the one place figures are rounded) and the ``compute --json`` shape."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .rules.budget import FundingFigures
from .rules.context import ProjectResult, SnapshotResult
from .rules.numbers import round_half_up

DASH = "—"


class Num(str):
    """A number as shown on a form (``"34.00%"``) that also knows its value and Excel number format."""

    value: Decimal | None
    fmt: str

    def __new__(cls, text: str, value: Decimal | None, fmt: str = "0.00") -> Num:
        obj = super().__new__(cls, text)
        obj.value = value
        obj.fmt = fmt
        return obj


class Grouped(str):
    """A cell value that is merged vertically with the rows of its group (一级/二级 指标).

    ``first`` marks the first row of a group; ``span`` is the group's row count (on the first row).
    """

    first: bool
    span: int

    def __new__(cls, text: str, first: bool, span: int) -> Grouped:
        obj = super().__new__(cls, text)
        obj.first = first
        obj.span = span
        return obj


def num_pct(value: Fraction | None) -> Num:
    """A percentage cell: ``34.00%`` (Excel: 0.34 with format 0.00%), or ``—``."""
    p = pct(value)
    if p is None:
        return Num(DASH, None)
    return Num(f"{p}%", Decimal(p) / 100, "0.00%")


def num_money(value: Decimal | Fraction | None) -> Num:
    """An amount cell with 2 decimals (万元), or ``—``."""
    m = money(value)
    return Num(DASH, None) if m is None else Num(m, Decimal(m), "0.00")


def num_score(value: Decimal | None) -> Num:
    return num_money(value)


def pct(value: Fraction | None) -> str | None:
    """A ratio as a percent value with 2 decimals, no sign: ``"34.00"``; None when not a number."""
    return None if value is None else str(round_half_up(value * 100))


def pct_text(value: Fraction | None) -> str:
    """For forms: ``34.00%`` or ``—``."""
    p = pct(value)
    return DASH if p is None else f"{p}%"


def money(value: Decimal | Fraction | None) -> str | None:
    return None if value is None else str(round_half_up(value))


def trimmed(value: Decimal | Fraction | None) -> str | None:
    """2 decimals with trailing zeros dropped: ``6``, ``4.67``, ``95``."""
    if value is None:
        return None
    text = str(round_half_up(value))
    return text.rstrip("0").rstrip(".") if "." in text else text


def cn_date(value: date | None) -> str:
    """``2024年6月30日``."""
    return "" if value is None else f"{value.year}年{value.month}月{value.day}日"


def funding_json(f: FundingFigures | None) -> dict[str, str | None] | None:
    if f is None:
        return None
    out: dict[str, str | None] = {name: money(v) for name, v in f.sources.items()}
    out["合计"] = money(f.total)
    return out


def snapshot_json(s: SnapshotResult) -> dict[str, Any]:
    b = s.budget
    return {
        "截止日期": b.as_of.isoformat(),
        "期间": b.period,
        "执行数": funding_json(b.spent),
        "执行率": pct(b.rate),
        "年初预算执行率": pct(b.initial_rate),
        "全年预计执行率": pct(b.forecast_rate),
        "预计结余": money(b.surplus),
        "时序进度": pct(b.time_progress),
        "执行进度比": pct(b.progress_ratio),
        "预算执行预警": b.light,
        "超预算": b.over_budget,
        "指标": {
            p.name: {
                "应完成值": trimmed(p.due),
                "完成率": pct(p.completion),
                "进度完成率": pct(p.progress),
                "偏差率": pct(p.deviation),
                "指标预警": p.light,
                "完成可能性": p.possibility,
            }
            for p in s.indicators
        },
    }


def result_json(r: ProjectResult) -> dict[str, Any]:
    """The PRODUCT.md "docgen compute --json output" object."""
    p = r.project
    out: dict[str, Any] = {
        "项目名称": p.name,
        "年度": p.year,
        "主管部门": p.department,
        "跟踪范围": r.in_scope,
        "资金": {"年初预算数": funding_json(r.initial), "全年预算数": funding_json(r.budget)},
    }
    if r.medium_term is not None:
        out["资金"]["中期资金总额"] = funding_json(r.medium_term)
    if r.snapshots:
        out["监控"] = [snapshot_json(s) for s in r.snapshots]
    if r.self_eval is not None:
        se = r.self_eval
        out["自评"] = {
            "执行率": pct(se.rate),
            "预算执行率得分": money(se.budget_score),
            "指标": {
                s.name: {"分值": money(s.weight), "得分率": pct(s.rate), "得分": money(s.score)}
                for s in se.indicators
            },
            "总分": money(se.total),
            "等级": se.grade,
            "结果应用": se.use,
        }
    out["目标审核"] = {
        "结论": r.review.conclusion,
        "问题": [{"级别": f.level, "规则": f.rule, "说明": f.message} for f in r.review.findings],
    }
    if r.pre_assessment is not None:
        out["事前评估"] = {"总分": money(r.pre_assessment.total), "结论": r.pre_assessment.conclusion}
    return out


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def _group_upper(group: int) -> str:
    """0 < group < 10000 in capital digits, a 零 for each run of inner zeros (1010 → 壹仟零壹拾)."""
    out, zero = "", False
    for place in (3, 2, 1, 0):
        digit = group // 10**place % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _SMALL_UNITS[place]
    return out


def _integer_upper(n: int) -> str:
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out, zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero = bool(out)
            continue
        if out and (zero or group < 1000):
            out += "零"
        out += _group_upper(group) + _BIG_UNITS[index]
        zero = False
    return out


def rmb_upper(value: Any) -> str:
    """人民币大写 of an amount in 万元 (``136`` → ``壹佰叁拾陆万元整``); ``—`` when it is not a number.

    Accepts a :class:`Num`, a Decimal/int or its text; the amount is rounded to the fen (四舍五入).
    """
    if isinstance(value, Num):
        value = value.value
    if value is None or isinstance(value, bool):
        return DASH
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        return DASH
    if not amount.is_finite():
        return DASH
    fen = int(round_half_up(amount * 10000) * 100)
    sign = "负" if fen < 0 else ""
    fen = abs(fen)
    yuan, jiao, cent = fen // 100, fen // 10 % 10, fen % 10
    if fen == 0:
        return "零元整"
    text = _integer_upper(yuan) + "元" if yuan else ""
    if jiao == 0 and cent == 0:
        return sign + text + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if cent:
        text += _DIGITS[cent] + "分"
    else:
        text += "整"
    return sign + text


_MINUS_BEFORE_FIGURE = re.compile(r"(?<![0-9A-Za-z.])-(?=[0-9])")
NON_BREAKING_HYPHEN = "\u2011"


def keep_minus(value: Any) -> Any:
    """``value`` (a report's context) with the minus sign of every negative figure (``-50.00%``) a non-breaking
    hyphen, so that Word, LibreOffice and WeasyPrint never end a line after it; a range such as ``1-3`` is kept."""
    if isinstance(value, str):
        return _MINUS_BEFORE_FIGURE.sub(NON_BREAKING_HYPHEN, value) if "-" in value else value
    if isinstance(value, dict):
        return {k: keep_minus(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(keep_minus(v) for v in value) if not hasattr(value, "_fields") else value
    return value
