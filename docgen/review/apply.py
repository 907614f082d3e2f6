"""Apply a :class:`Draft` to the ``反馈`` mapping of a file (ruamel objects), field by field."""

from __future__ import annotations

from datetime import date

from ruamel.yaml.comments import CommentedMap

from ..model import OPINION_AREAS
from . import roundtrip as rt
from .draft import Draft
from .merge import FIELDS, Current, Decision, FieldKey, plan

KEY_ORDER = ("审核单位", "审核日期", "意见", "整改要求", "整改期限")
ASK_REVIEWER = "请填写审核单位（盖章单位）"


def _parent(block: CommentedMap, key: FieldKey, create: bool) -> CommentedMap | None:
    if len(key) == 1:
        return block
    sub = block.get(key[0])
    if not isinstance(sub, CommentedMap):
        if not create:
            return None
        sub = CommentedMap()
        rt.remove_field(block, key[0])
        rt.insert_in_order(block, key[0], sub, KEY_ORDER)
    return sub


def current_fields(block: CommentedMap) -> dict[FieldKey, Current]:
    out: dict[FieldKey, Current] = {}
    for key in FIELDS:
        parent = _parent(block, key, create=False)
        if parent is None:
            continue
        value, marker = rt.read_field(parent, key[-1])
        out[key] = Current(value if isinstance(value, (str, list)) else None, marker)
    return out


def apply_review(block: CommentedMap, d: Draft, force: bool, today: date) -> dict[FieldKey, Decision]:
    """Write the draft into ``block`` as :func:`merge.plan` decides; returns each field's decision."""
    decisions = plan(current_fields(block), d, force)
    if "审核单位" not in block:
        rt.insert_in_order(block, "审核单位", "", KEY_ORDER)
        block.yaml_add_eol_comment(f"# {ASK_REVIEWER}", "审核单位", column=0)
    if block.get("审核日期") in (None, ""):
        rt.remove_field(block, "审核日期")
        rt.insert_in_order(block, "审核日期", today, KEY_ORDER)
    for key, decision in decisions.items():
        parent = _parent(block, key, create=decision.value is not None)
        if parent is None:
            continue
        name = key[-1]
        if decision.value is None:
            rt.remove_field(parent, name)
            continue
        order = OPINION_AREAS if len(key) == 2 else KEY_ORDER
        old = parent.get(name)
        if name not in parent:
            rt.insert_in_order(parent, name, "", order)
        rt.write_field(parent, name, decision.value, decision.marker, old)
    return decisions
