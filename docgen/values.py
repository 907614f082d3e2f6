"""The value reader: amounts, dates and indicator values written the way they are on paper.

Every function here is pure. A problem is a :class:`ValueProblem` carrying a Chinese
message; the loader attaches the file, line and field path.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

MAX_AMOUNT = Decimal("1e10")  # 万元; a county project never comes near
AMOUNT_PLACES = 6  # 1 分 = 0.000001 万元


class ValueProblem(ValueError):
    """A value that cannot be read; ``str()`` is the user's message."""


class NonFinite(str):
    """A YAML scalar such as ``.nan`` or ``.inf``: kept as text so validation can name it."""


# --- normalisation -------------------------------------------------------------------------

_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９．，％＋－＝＞＜／"}
_FULLWIDTH.update({0x3000: 0x20, ord("≧"): ord("≥"), ord("≦"): ord("≤"), ord("﹪"): ord("%")})


def normalise(text: str) -> str:
    """Full-width digits and signs to ASCII, ``>=``/``<=`` to ``≥``/``≤``, outer blanks removed."""
    out = text.translate(_FULLWIDTH).strip()
    return out.replace(">=", "≥").replace("<=", "≤").replace("=>", "≥").replace("=<", "≤")


def has_digit(text: str) -> bool:
    return any(c.isdigit() for c in normalise(text))


# --- numbers and amounts ----------------------------------------------------------------------

_NUM = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+"
_NUM_RE = re.compile(rf"^(?:{_NUM})$")
_AMOUNT_RE = re.compile(rf"^(?P<num>{_NUM})\s*(?P<unit>万元|万|元)?$")


def parse_number(text: str) -> Decimal:
    """``"1,234.56"`` → Decimal; raise :class:`ValueProblem` for anything else."""
    t = normalise(text)
    if not _NUM_RE.match(t):
        raise ValueProblem(f"无法识别的数值 \"{text}\"")
    return Decimal(t.replace(",", ""))


def parse_amount(raw: object) -> Decimal:
    """An amount in 万元 from a YAML scalar: number, ``"1,234.56"``, ``"４００"``, ``"4000000元"``, ``"12.5万元"``."""
    if isinstance(raw, bool) or raw is None:
        raise ValueProblem(f"应为金额（万元），实际是 {_show(raw)}")
    if isinstance(raw, NonFinite):
        raise ValueProblem(f"不是有效的金额 \"{raw}\"")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, float):  # only reached when a caller bypasses the YAML loader
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        m = _AMOUNT_RE.match(normalise(raw))
        if not m:
            raise ValueProblem(
                f"无法识别的金额 \"{raw}\"（应写作 400、\"1,234.56\"、\"50万元\" 或 \"4000000元\"；单位默认为万元）"
            )
        value = Decimal(m["num"].replace(",", ""))
        if m["unit"] == "元":
            if _places(value) > 2:
                raise ValueProblem(f"金额 \"{raw}\" 精确到了分以下")
            value = value / Decimal(10000)
    else:
        raise ValueProblem(f"应为金额（万元），实际是 {_show(raw)}")
    if not value.is_finite():
        raise ValueProblem(f"不是有效的金额 \"{raw}\"")
    if value < 0:
        raise ValueProblem(f"金额不能为负数（{raw}）")
    if value > MAX_AMOUNT:
        raise ValueProblem(f"金额过大（{_short(raw)}），请以万元为单位填写")
    if _places(value) > AMOUNT_PLACES:
        raise ValueProblem(f"金额 {raw} 万元精确到了分以下（万元最多6位小数）")
    return value


def _places(value: Decimal) -> int:
    exp = value.normalize().as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def _show(raw: object) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if raw is None:
        return "空值"
    if isinstance(raw, (list, tuple)):
        return "列表"
    if isinstance(raw, dict):
        return "键值映射"
    return f"\"{_short(raw)}\""


def _short(raw: object) -> str:
    s = str(raw)
    return s if len(s) <= 40 else s[:37] + "…"


# --- dates --------------------------------------------------------------------------------------

_DATE_CORE = (
    r"(?P<y>\d{4})\s*(?:"
    r"年\s*(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*[日号]|(?P<mend>底|末))?"
    r"|[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})"
    r"|年\s*(?P<yend>底|末)"
    r")"
)
_BEFORE = r"(?:前|以前|之前)"
_DONE = r"(?:完成|完工|竣工|交付|到位|投入使用)?"
_DATE_RE = re.compile(rf"^{_DATE_CORE}$")
_DEADLINE_RE = re.compile(rf"^{_DATE_CORE}\s*{_BEFORE}\s*{_DONE}$")
_DATED_ACTUAL_RE = re.compile(rf"^{_DATE_CORE}\s*{_BEFORE}?\s*{_DONE}$")


def _date_from(m: re.Match[str], text: str) -> date:
    year = int(m["y"])
    if not 1900 <= year <= 2200:
        raise ValueProblem(f"不是有效日期 \"{text}\"（年份 {year}）")
    if m["yend"]:
        return date(year, 12, 31)
    month = int(m["m"] or m["m2"])
    day_s = m["d"] or m["d2"]
    if not 1 <= month <= 12:
        raise ValueProblem(f"不是有效日期 \"{text}\"（月份 {month}）")
    last = calendar.monthrange(year, month)[1]
    day = int(day_s) if day_s else last  # a month alone means its last day
    if not 1 <= day <= last:
        raise ValueProblem(f"不是有效日期 \"{text}\"（{year}年{month}月没有{day}日）")
    return date(year, month, day)


def parse_date(raw: object) -> date:
    """A date field: ``2024-06-30``, ``2024/6/30``, ``2024年6月30日``."""
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        raise ValueProblem(f"应为日期（如 2024-06-30），实际是 {_show(raw)}")
    m = _DATE_RE.match(normalise(raw))
    if not m or (not (m["d"] or m["d2"])):
        raise ValueProblem(f"不是有效日期 \"{raw}\"（应写作 2024-06-30）")
    return _date_from(m, raw)


# --- indicator values ---------------------------------------------------------------------------

_COMPARATORS = {">": "≥", "≥": "≥", "<": "≤", "≤": "≤", "=": "="}
_WORD_PREFIX = {  # longest first, so 不超过 wins over 超过
    "大于等于": "≥", "小于等于": "≤",
    "不少于": "≥", "不低于": "≥", "不小于": "≥", "不超过": "≤", "不高于": "≤", "不大于": "≤", "控制在": "≤",
    "达到": "≥", "超过": "≥", "高于": "≥", "大于": "≥", "低于": "≤", "小于": "≤",
}
_APPROX = re.compile(r"^(?:约|大约|约为|近|接近|预计|估计|左右)\s*[+-]?\d|(?:左右|上下|余|多)$")
_WORD_SUFFIX = {"及以上": "≥", "以上": "≥", "及以下": "≤", "以下": "≤", "以内": "≤"}
_QUANT_RE = re.compile(rf"^(?P<cmp>[≥≤><=])?\s*(?P<num>{_NUM})\s*(?P<unit>[^\d\s,.].*)?$")


@dataclass(frozen=True)
class Quantity:
    """A number with an optional comparator and unit: ``≥12处``, ``28.5万元/处``, ``95%``."""

    value: Decimal
    unit: str
    comparator: str | None  # '≥', '≤', '=' or None (not written)
    strict: bool  # written as > or <
    text: str

    @property
    def is_percent(self) -> bool:
        return self.unit.startswith("%")


@dataclass(frozen=True)
class Deadline:
    """A target date: ``2024年11月30日前``."""

    date: date
    text: str


@dataclass(frozen=True)
class DateValue:
    """An actual that is a date: ``2024年11月15日``."""

    date: date
    text: str


@dataclass(frozen=True)
class Text:
    """A value with no number in it: a qualitative target, or an actual such as ``进行中``."""

    text: str


Target = Quantity | Deadline | Text
Actual = Quantity | DateValue | Text


def unit_key(unit: str) -> str:
    return normalise(unit).replace(" ", "")


def _parse_quantity(raw_text: str) -> Quantity | None:
    t = re.sub(r"[（(]含[）)]", "", normalise(raw_text))
    comparator: str | None = None
    for word, cmp in _WORD_PREFIX.items():
        if t.startswith(word):
            comparator, t = cmp, t[len(word):].strip()
            break
    m = _QUANT_RE.match(t)
    if not m:
        return None
    unit = (m["unit"] or "").strip()
    for word, cmp in _WORD_SUFFIX.items():
        if unit.endswith(word) and comparator is None and m["cmp"] is None:
            comparator, unit = cmp, unit[: -len(word)].strip()
            break
    sym = m["cmp"]
    if sym is not None:
        comparator = _COMPARATORS[sym]
    if unit and (unit[0] in "≥≤<>=-+~～—–至到、" or any(c.isdigit() for c in unit)):
        return None  # a range or a second number, not a unit
    return Quantity(
        value=Decimal(m["num"].replace(",", "")),
        unit=unit,
        comparator=comparator,
        strict=sym in (">", "<"),
        text=raw_text,
    )


def _as_text(raw: object) -> str:
    if isinstance(raw, bool) or raw is None or isinstance(raw, (list, dict)):
        raise ValueProblem(f"应为文字或数值，实际是 {_show(raw)}")
    if isinstance(raw, NonFinite):
        raise ValueProblem(f"不是有效的数值 \"{raw}\"")
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueProblem(f"不是有效的数值 \"{raw}\"")
        return format(raw, "f")
    if isinstance(raw, date):
        return raw.isoformat()
    source = getattr(raw, "source", None)
    return (source if isinstance(source, str) else str(raw)).strip()


def parse_target(raw: object) -> Target:
    """An indicator's 指标值: quantitative, deadline or qualitative (RULES.md "Reading 指标值")."""
    text = _as_text(raw)
    if not text:
        raise ValueProblem("指标值不能为空")
    t = normalise(text)
    m = _DEADLINE_RE.match(t) or _DATE_RE.match(t)  # a bare date is a deadline too: done by that day
    if m:
        return Deadline(_date_from(m, text), text)
    if _APPROX.search(t):
        raise ValueProblem(f"无法识别的数值 \"{text}\"：指标值不能是约数（应写作 ≥400人、≤30万元/处、95% 等）")
    q = _parse_quantity(text)
    if q is not None:
        _check_magnitude(q.value, text)
        if q.value < 0:
            raise ValueProblem(
                f"指标值不能为负数 \"{text}\"（表示下降的指标，请在指标名称中写明“下降”，指标值写正数，如 ≥5%）"
            )
        return q
    if has_digit(text) and len(re.sub(r"[\d.,%\s]", "", t)) <= 2:
        raise ValueProblem(f"无法识别的数值 \"{text}\"（应写作 ≥400人、≤30万元/处、95%、2024年11月30日前 或纯文字）")
    return Text(text)


def parse_actual(raw: object) -> Actual:
    """An actual (执行情况, 全年预计, 实际完成值): a quantity, a date, or text such as ``进行中``."""
    text = _as_text(raw)
    if not text:
        raise ValueProblem("不能为空（未完成请写“进行中”等文字）")
    t = normalise(text)
    m = _DATED_ACTUAL_RE.match(t)
    if m:
        return DateValue(_date_from(m, text), text)
    q = _parse_quantity(text)
    if q is not None and not _APPROX.search(t):
        _check_magnitude(q.value, text)
        return q
    return Text(text)  # the caller decides whether text is acceptable for this indicator


def _check_magnitude(value: Decimal, text: str) -> None:
    if abs(value) > Decimal("1e15"):
        raise ValueProblem(f"数值过大 \"{_short(text)}\"")


def to_decimal_or_none(text: str) -> Decimal | None:
    try:
        return parse_number(text)
    except (ValueProblem, InvalidOperation):
        return None
