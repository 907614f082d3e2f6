"""表3 opinions on the desk: the ``review`` draft shown for editing, saved through the side-file round trip.

A save carries the version (hash) of the side file it was edited from; when the file changed in the
meantime the save is refused and both texts are shown, so nothing is silently overwritten.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from ..errors import InputError
from ..forms import find_form
from ..model import OPINION_AREAS
from ..output import render_bytes, safe_name
from ..project import validate
from ..render.package import write_atomic
from ..review import roundtrip as rt
from ..review.apply import KEY_ORDER, apply_review
from ..review.command import side_seed
from ..review.draft import draft
from ..sidefile import merge, side_file_for
from ..yamlfile import parse, read
from .projects import Entry
from .store import DRAFTED, Store

REVIEWER = "审核单位"
REQUIREMENTS = "整改要求"
DEADLINE = "整改期限"
# the editable fields: (form field name, label)
FIELDS: tuple[tuple[str, str], ...] = (
    (REVIEWER, "审核单位"),
    *((f"意见.{a}", f"意见：{a}") for a in OPINION_AREAS),
    (REQUIREMENTS, "整改要求（每行一条）"),
    (DEADLINE, "整改期限"),
)
_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)


class OpinionError(Exception):
    """The opinions cannot be saved; the message says why, in Chinese."""


@dataclass
class Conflict:
    """Another reviewer saved first: their text, ours, and the version to save over theirs."""

    theirs: dict[str, str]
    mine: dict[str, str]
    version: str


def side_text(entry: Entry) -> str:
    side = side_file_for(entry.path)
    return side.read_bytes().decode("utf-8") if side.is_file() else ""


def version_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def current_values(entry: Entry) -> tuple[dict[str, str], bool]:
    """The values to edit, and whether they are still only the draft (no 反馈 saved yet)."""
    result = entry.outcome.result
    assert result is not None
    fb = result.project.feedback
    if fb is None:
        d = draft(result)
        values = {f"意见.{a}": d.opinions.get(a, "") for a in OPINION_AREAS}
        values.update({REVIEWER: "", REQUIREMENTS: "\n".join(d.requirements), DEADLINE: d.deadline or ""})
        return values, True
    values = {f"意见.{a}": fb.opinions.get(a, "") for a in OPINION_AREAS}
    values.update({REVIEWER: fb.reviewer or "", REQUIREMENTS: "\n".join(fb.requirements),
                   DEADLINE: fb.deadline or ""})
    return values, False


def _clean(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _set(block: CommentedMap, key: str, value: str) -> None:
    """Write one edited field (the reviewer's words carry no draft marker)."""
    if key.startswith("意见."):
        area = key.split(".", 1)[1]
        parent = block.get("意见")
        if not isinstance(parent, CommentedMap):
            parent = CommentedMap()
            rt.remove_field(block, "意见")
            rt.insert_in_order(block, "意见", parent, KEY_ORDER)
        name, order = area, OPINION_AREAS
    else:
        parent, name, order = block, key, KEY_ORDER
    new: str | list[str] = [line.strip() for line in value.split("\n") if line.strip()] \
        if key == REQUIREMENTS else value
    current, _ = rt.read_field(parent, name)
    if current == new or (current in (None, "", []) and new in ("", [])):
        return  # unchanged: the line (and its draft marker) stays as it is
    old = parent.get(name)
    if name not in parent:
        rt.insert_in_order(parent, name, "", order)
    rt.write_field(parent, name, new, None, old)


def save(entry: Entry, values: dict[str, str], version: str, today: date | None = None) -> Conflict | str:
    """Write the opinions into the side file; returns a Conflict, or the list of changed fields."""
    result = entry.outcome.result
    if result is None:
        raise OpinionError("项目数据有错误，不能保存意见。")
    mine = {k: _clean(values.get(k, "")) for k, _ in FIELDS}
    side = side_file_for(entry.path)
    with _locks[entry.rel]:
        text = side_text(entry)
        if version_of(text) != version:
            theirs_values, _ = _values_from_text(entry, text)
            return Conflict(theirs_values, mine, version_of(text))
        before, _ = current_values(entry)
        seed = text if text.strip() else side_seed(entry.path.read_bytes().decode("utf-8"), result.project.name,
                                                      entry.path.name)

        def edit(block: CommentedMap) -> None:
            apply_review(block, draft(result), False, today or date.today())
            for key, value in mine.items():
                _set(block, key, value)

        try:
            new_text = rt.rewrite(seed, edit)
            merged, _ = merge(read(entry.path, entry.rel), parse(new_text, side.name))
            validate(merged)
        except rt.RewriteError as exc:
            raise OpinionError(f"{side.name}: 无法写入反馈：{exc}") from None
        except InputError as exc:
            raise OpinionError(str(exc)) from None
        write_atomic(side, new_text.encode("utf-8"))
    changed = [label for key, label in FIELDS if before.get(key, "") != mine[key]]
    return "、".join(changed) or "（无改动，已写入起草内容）"


def _values_from_text(entry: Entry, text: str) -> tuple[dict[str, str], bool]:
    """The opinions as saved in the side file's ``text`` (what another reviewer just wrote)."""
    try:
        merged, _ = merge(read(entry.path, entry.rel), parse(text, "旁注文件"))
        project = validate(merged).project
    except InputError:
        return {k: "" for k, _ in FIELDS}, False
    fb = project.feedback
    if fb is None:
        return {k: "" for k, _ in FIELDS}, False
    values = {f"意见.{a}": fb.opinions.get(a, "") for a in OPINION_AREAS}
    values.update({REVIEWER: fb.reviewer or "", REQUIREMENTS: "\n".join(fb.requirements),
                   DEADLINE: fb.deadline or ""})
    return values, False


def mark_drafted(store: Store, entry: Entry, who: str, changed: str) -> None:
    store.set_status_logged(entry.rel, DRAFTED, who, "保存意见", changed)


def issue(store: Store, entry: Entry, who: str) -> Path:
    """Render 表3 from the saved opinions, keep it in ``.docgen/issued/``, mark the project 已出具."""
    result = entry.outcome.result
    if result is None or not entry.ok:
        raise OpinionError("项目数据有错误，不能出具表3。")
    if result.project.feedback is None:
        raise OpinionError("还没有保存审核意见，请先保存意见再出具表3。")
    form = find_form("feedback")
    assert form is not None
    title = f"{result.project.name}-{form.short_title}"
    data = render_bytes(form, form.build(result), "docx", title)
    folder = store.dir / "issued" / entry.id
    n = len(store.issued(entry.rel)) + 1
    path = folder / f"{n:03d}-{safe_name(result.project.name)}-{form.short_title}.docx"
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    store.add_issued(entry.rel, path.relative_to(store.dir).as_posix(), who)
    store.audit(who, "出具表3", entry.rel, path.name)
    return path
