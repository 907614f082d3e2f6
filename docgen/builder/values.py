"""Filled values, flattened for the what-changed report: ``资金.合计.执行率`` → ``34.00%``.

List items are named by what identifies them on the form (主管部门 / 项目名称 / 三级指标), else by
position, so that ``指标[受益人口].完成率`` still names the same row after rows were added.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

ID_KEYS = ("主管部门", "项目名称", "三级指标")
ABSENT = "（无）"
EMPTY = "（空）"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _ident(item: Any, index: int) -> str:
    if isinstance(item, dict):
        parts = [_text(item[k]) for k in ID_KEYS if _text(item.get(k))]
        if parts:
            return "/".join(parts)
    return str(index + 1)


def flatten(value: Any, prefix: str = "", out: dict[str, str] | None = None) -> dict[str, str]:
    """Every leaf of a form context as ``path → text``."""
    out = {} if out is None else out
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        seen: Counter[str] = Counter()
        for index, item in enumerate(value):
            ident = _ident(item, index)
            seen[ident] += 1
            if seen[ident] > 1:
                ident = f"{ident}#{seen[ident]}"
            flatten(item, f"{prefix}[{ident}]", out)
    else:
        out[prefix] = _text(value)
    return out


def _shown(text: str | None) -> str:
    if text is None:
        return ABSENT
    return " ".join(text.split("\n")) if text else EMPTY


def diff(old: dict[str, str], new: dict[str, str]) -> list[tuple[str, str, str]]:
    """(field, old, new) for each value that differs, in the form's order (removed fields last)."""
    out = [(k, _shown(old.get(k)), _shown(v)) for k, v in new.items() if old.get(k) != v]
    out += [(k, _shown(v), ABSENT) for k, v in old.items() if k not in new]
    return out
