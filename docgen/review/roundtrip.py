"""Rewrite the ``反馈`` section of a YAML file, and nothing else (ruamel.yaml round-trip mode).

The lines outside ``反馈`` are kept byte for byte (comments, key order, quoting, blank lines, line
endings); inside it ruamel keeps the reviewer's comments, quoting and block scalars. Each drafted
field carries its marker comment (:mod:`.marker`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from . import marker as mk

SECTION = "反馈"
_BLOCK = (LiteralScalarString, FoldedScalarString)


class RewriteError(Exception):
    """The file cannot be rewritten safely; the message says why, in Chinese."""


@dataclass(frozen=True)
class Layout:
    mapping: int = 2
    sequence: int = 4
    offset: int = 2


def _yaml(layout: Layout) -> YAML:
    y = YAML(typ="rt")
    y.width = 1_000_000  # never fold a long opinion over several lines
    y.preserve_quotes = True
    y.allow_unicode = True
    y.indent(mapping=layout.mapping, sequence=layout.sequence, offset=layout.offset)
    return y


_KEY_LINE = re.compile(r"^( *)[^\s#-][^#]*:\s*(#.*)?$")
_DASH_LINE = re.compile(r"^( *)- ")


def detect_layout(lines: list[str]) -> Layout:
    """The indentation the file already uses (mapping step, and where a list's ``-`` sits)."""
    mapping = offset = None
    for prev, line in pairwise(lines):
        key = _KEY_LINE.match(prev)
        if key is None:
            continue
        base = len(key.group(1))
        dash = _DASH_LINE.match(line)
        if dash and offset is None:
            offset = len(dash.group(1)) - base
        elif mapping is None and line.strip() and not line.lstrip().startswith(("#", "-")):
            step = len(line) - len(line.lstrip(" ")) - base
            if step > 0:
                mapping = step
        if mapping is not None and offset is not None:
            break
    mapping = mapping or 2
    offset = offset if offset is not None and offset >= 0 else 2
    return Layout(mapping, offset + 2, offset)


def _load(y: YAML, text: str) -> Any:
    try:
        return y.load(text)
    except YAMLError as exc:
        raise RewriteError(f"无法按原格式改写（{str(exc).splitlines()[0]}）") from None


def section_span(text: str) -> tuple[int, int] | None:
    """Lines ``[start, end)`` of the top-level ``反馈`` block, without the comments that lead into the next key."""
    root = _load(_yaml(Layout()), text)
    if root is None:  # only comments (a new side file)
        return None
    if not isinstance(root, CommentedMap) or root.fa.flow_style():
        raise RewriteError("文件顶层不是逐行书写的“键: 值”映射，无法自动写入“反馈”")
    if SECTION not in root:
        return None
    start, col = root.lc.key(SECTION)
    if col != 0:
        raise RewriteError("“反馈”不在行首，无法自动改写")
    lines = text.split("\n")
    later = [root.lc.key(k)[0] for k in root if root.lc.key(k)[0] > start]
    end = min(later) if later else len(lines)
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith(("#", "---", "..."))):
        end -= 1
    return start, end


# --- comments ---------------------------------------------------------------------------------


def _comment_of(parent: CommentedMap, key: str) -> str:
    parts: list[str] = []
    slot = parent.ca.items.get(key)
    for item in slot or []:
        for token in item if isinstance(item, list) else [item]:
            if token is not None:
                parts.append(token if isinstance(token, str) else token.value)
    comment = getattr(parent.get(key), "comment", None)
    if isinstance(comment, str):
        parts.append(comment)
    return "\n".join(parts)


def read_field(parent: CommentedMap, key: str) -> tuple[Any, mk.Marker | None]:
    if key not in parent:
        return None, None
    value = parent[key]
    if isinstance(value, CommentedSeq):
        value = [str(v) for v in value if v is not None]
    elif value is not None and not isinstance(value, (dict, list)):
        value = str(value)
    return value, mk.parse(_comment_of(parent, key))


def _own_comment(parent: CommentedMap, key: str) -> tuple[str, str]:
    """The reviewer's words on the key's line (marker removed) and any comment lines that follow it."""
    slot = parent.ca.items.get(key)
    if not slot or len(slot) < 3 or slot[2] is None:
        return "", ""
    first, _, tail = slot[2].value.partition("\n")
    return mk.strip(first.lstrip().lstrip("#")), tail


def write_field(parent: CommentedMap, key: str, value: Any, marker: mk.Marker | None, old: Any) -> None:
    """Set ``parent[key]`` (keeping the original scalar style) with ``marker`` on its line."""
    if key in parent and read_field(parent, key) == (value, marker):
        return  # untouched: the line stays exactly as it was
    own, tail = _own_comment(parent, key)
    new: Any
    if old is not None and key in parent and read_field(parent, key)[0] == value:
        new = old  # same words: keep the reviewer's quoting, block style or date as written
        if isinstance(new, CommentedSeq) and new.ca.comment:
            new.ca.comment[0] = None
    elif isinstance(value, list):
        seq = parent[key] if isinstance(parent.get(key), CommentedSeq) else CommentedSeq()
        seq[:] = value
        if seq.ca.comment:
            seq.ca.comment[0] = None
        new = seq
    elif isinstance(old, _BLOCK) and "\n" in value.strip():
        new = type(old)(value.rstrip("\n") + "\n")
    elif "\n" in value.strip():
        new = LiteralScalarString(value.rstrip("\n") + "\n")
    else:
        new = value
    if key in parent.ca.items:
        del parent.ca.items[key]
    parent[key] = new
    text = " ".join(t for t in (own, marker.text() if marker else "") if t)
    if isinstance(new, _BLOCK):
        new.comment = f"  # {text}" if text else None  # type: ignore[attr-defined]
        if tail:
            tail = ""  # a comment line after a block scalar stays with the next key in ruamel
    elif text:
        parent.yaml_add_eol_comment(f"# {text}", key, column=0)
    if tail and key in parent.ca.items and parent.ca.items[key][2] is not None:
        parent.ca.items[key][2].value += "\n" + tail.rstrip("\n")


def remove_field(parent: CommentedMap, key: str) -> None:
    if key in parent:
        del parent[key]
    parent.ca.items.pop(key, None)


def insert_in_order(parent: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Add a new key where DATA.md puts it among the keys already there."""
    if key in parent:
        return
    rank = order.index(key) if key in order else len(order)
    position = len(parent)
    for i, existing in enumerate(parent):
        if existing in order and order.index(existing) > rank:
            position = i
            break
    parent.insert(position, key, value)


def _block_style(node: Any) -> None:
    if isinstance(node, (CommentedMap, CommentedSeq)):
        node.fa.set_block_style()
        for child in node.values() if isinstance(node, CommentedMap) else node:
            _block_style(child)


def read_block(text: str) -> CommentedMap | None:
    """The ``反馈`` mapping of ``text`` (None when the file has none)."""
    lines = text.split("\n")
    span = section_span(text) if text.strip() else None
    if span is None:
        return None
    loaded = _load(_yaml(detect_layout(lines)), "\n".join(lines[span[0]:span[1]]) + "\n")
    block = loaded.get(SECTION) if isinstance(loaded, CommentedMap) else None
    return block if isinstance(block, CommentedMap) else None


# --- the whole rewrite ----------------------------------------------------------------------


def rewrite(text: str, edit: Callable[[CommentedMap], None]) -> str:
    """``text`` with its ``反馈`` block replaced by ``edit``'s result (appended when absent)."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    crlf = "\r\n" in body
    body = body.replace("\r\n", "\n")
    lines = body.split("\n")
    layout = detect_layout(lines)
    y = _yaml(layout)
    span = section_span(body) if body.strip() else None
    if span is None:
        block: Any = CommentedMap()
        only_comments = all(not line.strip() or line.startswith("#") for line in lines)
        before = body.rstrip("\n") + ("\n" if only_comments else "\n\n") if body.strip() else ""
        after = ""
    else:
        start, end = span
        loaded = _load(y, "\n".join(lines[start:end]) + "\n")
        block = loaded.get(SECTION) if isinstance(loaded, CommentedMap) else None
        if block is None:
            block = CommentedMap()
        if not isinstance(block, CommentedMap):
            raise RewriteError("“反馈”应为键值映射（审核单位、审核日期、意见、整改要求、整改期限）")
        before = "\n".join(lines[:start]) + ("\n" if start else "")
        after = "\n".join(lines[end:])
    _block_style(block)  # a flow-style 反馈 ({…}) cannot carry the markers: written out line by line
    edit(block)
    root = CommentedMap()
    root[SECTION] = block
    out = io.StringIO()
    y.dump(root, out)
    new_block = out.getvalue()
    result = before + new_block + after
    if crlf:
        result = result.replace("\n", "\r\n")
    return bom + result
