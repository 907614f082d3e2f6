"""A cell's value as project data: what the user typed, never a guess.

openpyxl gives ``int``/``float``/``str``/``datetime``/``bool``. Numbers become ``int`` or the
``Decimal`` of the float's shortest repr (``Decimal(repr(x))``, never ``Decimal(x)``); text is passed on
as written so that the project validation reads it exactly as it reads a YAML value ("1,200.5" is an
amount, "约400" an error naming the cell).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from ..values import normalise
from . import layout as L

_YEAR = re.compile(r"^\d{4}$")


class CellProblem(ValueError):
    """A cell that cannot be read at all (its Chinese message)."""


def _number(raw: int | float) -> int | Decimal:
    if isinstance(raw, int):
        return raw
    if raw != raw or raw in (float("inf"), float("-inf")):
        raise CellProblem("不是有效的数值")
    if raw.is_integer() and abs(raw) < 2**53:
        return int(raw)
    return Decimal(repr(raw))


def _shown(value: int | Decimal, number_format: str) -> str:
    """A number in a text-like column as the user sees it (a 0.95 formatted as percent is "95%")."""
    if "%" in number_format:
        scaled = (Decimal(value) * 100).normalize()
        return f"{format(scaled, 'f')}%"
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _text_kind(kind: str) -> bool:
    return kind in (L.TEXT, L.VALUE, L.CHOICE, L.LINES)


def convert(kind: str, raw: Any, number_format: str = "General") -> Any:
    """The data value of a cell of ``kind`` (None when empty)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        if not raw.strip():
            return None
        if kind == L.LINES:
            return [line.strip() for line in raw.splitlines() if line.strip()]
        if kind == L.CHOICE:
            return raw.strip()
        if kind == L.YEAR and _YEAR.match(normalise(raw)):
            return int(normalise(raw))
        return raw
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        if _text_kind(kind):
            text = raw.isoformat()
            return [text] if kind == L.LINES else text
        return raw  # a date where a number belongs: the validation names the field
    if isinstance(raw, (time, timedelta)):
        raise CellProblem(f"无法识别的单元格内容（时间 {raw}）")
    if isinstance(raw, (int, float)):
        value = _number(raw)
        if _text_kind(kind):
            text = _shown(value, number_format)
            return [text] if kind == L.LINES else text
        return value
    raise CellProblem(f"无法识别的单元格内容（{type(raw).__name__}）")


def ticked(raw: Any, what: str) -> bool:
    """A 偏差原因 cell: √ (or ✓ / 是) means yes, empty means no, anything else is a problem."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return False
    if isinstance(raw, str) and raw.strip() in L.TICKS:
        return True
    raise CellProblem(f"偏差原因“{what}”一栏请选择“{L.TICK}”或留空，实际是“{raw}”")
