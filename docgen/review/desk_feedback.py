"""The 表3 opinions of a project as the desk shows them, and their state (未起草/草稿/已修改/已出具).

The opinions live in the project's side file ``<stem>.反馈.yaml`` when there is one, else in the project
file's own ``反馈``. A field still carrying its draft marker with unchanged words is a draft; a field the
reviewer wrote or edited makes the project 已修改; a filled-in 审核单位 (the stamping unit) makes it 已出具.
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from . import roundtrip as rt
from .apply import current_fields
from .merge import FIELDS, Current, FieldKey
from .sidefile import YAML_SUFFIXES, side_file_for

NOT_DRAFTED = "未起草"
DRAFT = "草稿"
EDITED = "已修改"
ISSUED = "已出具"
STATES = (NOT_DRAFTED, DRAFT, EDITED, ISSUED)
REVIEWER_KEY = "审核单位"


def feedback_target(project: Path) -> Path:
    """Where the opinions of ``project`` are kept: its side file when it exists, else the file itself."""
    side = side_file_for(project)
    return side if side.is_file() else project


def feedback_block(path: Path) -> CommentedMap | None:
    """The ``反馈`` mapping of a YAML file as ruamel reads it (None when absent or unreadable)."""
    if path.suffix.lower() not in YAML_SUFFIXES or not path.is_file():
        return None
    try:
        text = path.read_bytes().decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
        return rt.read_block(text)
    except (rt.RewriteError, UnicodeDecodeError, OSError, ValueError):
        return None


def field_text(current: Current | None) -> str:
    if current is None or current.value is None:
        return ""
    return "\n".join(current.value) if isinstance(current.value, list) else str(current.value)


def state_of(block: CommentedMap | None) -> tuple[str, dict[FieldKey, Current]]:
    if block is None:
        return NOT_DRAFTED, {}
    fields = {k: v for k, v in current_fields(block).items() if not v.empty}
    reviewer = block.get(REVIEWER_KEY)
    if isinstance(reviewer, str) and reviewer.strip():
        return ISSUED, fields
    if not fields:
        return NOT_DRAFTED, fields
    if all(c.marker is not None and c.marker.matches(c.value) for c in fields.values()):
        return DRAFT, fields
    return EDITED, fields


def desk_feedback(project: Path) -> tuple[str, str, dict[str, str]]:
    """(状态, 审核单位, field label → text) of a project file."""
    block = feedback_block(feedback_target(project))
    state, fields = state_of(block)
    reviewer = block.get(REVIEWER_KEY) if block is not None else None
    texts = {label(k): field_text(fields.get(k)) for k in FIELDS}
    return state, str(reviewer or ""), texts


def label(key: FieldKey) -> str:
    return key[-1]
