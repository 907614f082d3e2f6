"""Placeholders, column letters and built-in number formats shared by the XLSX renderers.

Without openpyxl: the fast writer (render/xlsxfast) runs on every build, and loading openpyxl costs ~0.12 s a
process — most of an edited project's rebuild. tests/test_xlsx_cells.py checks these against openpyxl.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ..errors import TemplateKeyError

PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s|]+)\s*\}\}")

# ECMA-376 Part 1, 18.8.30: the built-in number formats present.Num uses, by their format code
BUILTIN_NUMBER_FORMATS = {"0": 1, "0.00": 2, "0%": 9, "0.00%": 10}


def lookup(context: dict[str, Any], dotted: str) -> Any:
    value: Any = context
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise TemplateKeyError(dotted)
    return value


@cache
def column_letter(index: int) -> str:
    """1 → ``A``, 27 → ``AA`` (bijective base 26)."""
    if not 1 <= index <= 18278:
        raise ValueError(f"column index out of range: {index}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """``A`` → 1, ``AA`` → 27."""
    index = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"not a column: {letters}")
        index = index * 26 + ord(ch) - 64
    return index
