"""What a second ``docgen review`` does with each field of ``反馈`` (pure).

An unedited draft (its text still hashes to its marker) is refreshed from the numbers; a field the
reviewer edited or wrote is kept, and findings it has not seen yet are appended, marked 【新增】;
``--force`` drafts every field again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import OPINION_AREAS
from .draft import Draft
from .marker import Marker, digest, finding_key, normalise
from .wording import NEW

Value = str | list[str] | None
FieldKey = tuple[str, ...]

DRAFTED = "起草"
REFRESHED = "已更新"
UNCHANGED = "未变"
KEPT = "保留审核人修改"
KEPT_ADDED = "保留审核人修改，追加新发现"
ADOPTED = "保留审核人填写"
REDRAFTED = "重新起草（--force）"
REMOVED = "删除（已无需整改）"
NOTHING = ""

OPINION_FIELDS: tuple[FieldKey, ...] = tuple(("意见", area) for area in OPINION_AREAS)
REQUIREMENTS: FieldKey = ("整改要求",)
DEADLINE: FieldKey = ("整改期限",)
FIELDS: tuple[FieldKey, ...] = (*OPINION_FIELDS, REQUIREMENTS, DEADLINE)


@dataclass(frozen=True)
class Current:
    """A field as it is in the file."""

    value: Value = None
    marker: Marker | None = None

    @property
    def empty(self) -> bool:
        return self.value is None or normalise(self.value) == ""


@dataclass(frozen=True)
class Decision:
    value: Value  # None: the key is removed (or not written)
    marker: Marker | None
    status: str
    added: Value = None  # what was appended to an edited field


def _unsaid(value: Value, addition: Value) -> Value:
    """The sentences of ``addition`` the field does not say yet (a treatment sentence is not repeated)."""
    if not isinstance(addition, str) or not isinstance(value, str):
        return addition
    sentences = re.findall(r"[^。]+。?", addition)
    return "".join(sentence for sentence in sentences if sentence not in value)


def _append(value: Value, addition: Value) -> Value:
    if isinstance(value, list) or isinstance(addition, (list, tuple)):
        items = [value] if isinstance(value, str) else list(value or [])
        extra = [addition] if isinstance(addition, str) else list(addition or [])
        return items + [f"{NEW}{item}" for item in extra if item not in items]
    text = str(value).rstrip()
    sep = "\n" if "\n" in text else ""
    return f"{text}{sep}{NEW}{addition}"


def decide(current: Current, drafted: Value, ids: tuple[str, ...],
           addition: Callable[[tuple[str, ...]], Value] | None, force: bool) -> Decision:
    """One field: ``drafted`` from the numbers, ``ids`` the findings it covers, ``addition`` words new ones."""
    keys = {finding_key(i): i for i in ids}
    if force or current.empty:
        if not drafted:
            return Decision(None, None, NOTHING if current.empty else REMOVED)
        status = REDRAFTED if force and not current.empty else DRAFTED
        if not current.empty and normalise(current.value) == normalise(drafted):
            status = UNCHANGED
        return Decision(drafted, Marker(digest(drafted), frozenset(keys)), status)
    if current.marker is not None and current.marker.matches(current.value):
        if not drafted:
            return Decision(None, None, REMOVED)
        same = normalise(drafted) == normalise(current.value)
        return Decision(drafted, Marker(digest(drafted), frozenset(keys)), UNCHANGED if same else REFRESHED)
    # written or edited by the reviewer: never overwritten; a field without a marker has seen today's findings
    covered = current.marker.covered if current.marker is not None else frozenset(keys)
    new = tuple(i for k, i in keys.items() if k not in covered)
    old_digest = current.marker.digest if current.marker is not None else digest(drafted or "")
    marker = Marker(old_digest, covered | frozenset(keys))
    if new and addition is not None:
        extra = _unsaid(current.value, addition(new))
        if extra:
            return Decision(_append(current.value, extra), marker, KEPT_ADDED, extra)
    return Decision(current.value, marker, KEPT if current.marker is not None else ADOPTED)


def plan(current: dict[FieldKey, Current], d: Draft, force: bool) -> dict[FieldKey, Decision]:
    """The decision for every drafted field of ``反馈``."""
    out: dict[FieldKey, Decision] = {}
    for key in OPINION_FIELDS:
        area = key[1]
        found = d.in_area(area)
        ids = tuple(f.id for f in found)

        def words(new: tuple[str, ...], found: tuple = found, area: str = area) -> Value:
            return d.opinion_for(area, tuple(f for f in found if f.id in new))

        out[key] = decide(current.get(key, Current()), d.opinions[area], ids, words, force)
    all_ids = tuple(f.id for f in d.findings)

    def more(new: tuple[str, ...]) -> Value:
        return list(d.requirements_for(tuple(f for f in d.findings if f.id in new)))

    out[REQUIREMENTS] = decide(current.get(REQUIREMENTS, Current()), list(d.requirements), all_ids, more, force)
    out[DEADLINE] = decide(current.get(DEADLINE, Current()), d.deadline, all_ids, None, force)
    return out
