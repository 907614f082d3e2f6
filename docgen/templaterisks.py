"""What a template's syntax tree shows the sandbox would refuse at render time, found where templates are
checked (``docgen templates check`` and before a build), each with its file and place:

- attribute access to private or internal names (``__class__``, ``__mro__``, ``__subclasses__``, ``mro`` …);
- ``include`` / ``import`` / ``extends`` (docgen's templates are single files; a path outside the
  templates folder is named as such);
- constant expressions that would build a huge string or number (``'x' * 2000000000``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jinja2 import nodes
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
)

from .render.env import MAX_DIGITS, MAX_TEXT

UNSAFE = (UNSAFE_FUNCTION_ATTRIBUTES | UNSAFE_METHOD_ATTRIBUTES | UNSAFE_GENERATOR_ATTRIBUTES
          | UNSAFE_COROUTINE_ATTRIBUTES | UNSAFE_ASYNC_GENERATOR_ATTRIBUTES | {"mro", "format_map"})
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
Problem = tuple[str, str, str]  # (where, expression, message)


def _unsafe(name: str) -> bool:
    return name.startswith("_") or name in UNSAFE


def _outside(name: str) -> bool:
    """A template name that leaves the templates folder: absolute, a drive, a ``..`` step."""
    parts = re.split(r"[\\/]+", name)
    return name.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", name)) or ".." in parts


def _const(node: nodes.Node) -> Any:
    try:
        return node.as_const()
    except Exception:
        return None


def _size(node: nodes.Node) -> int | None:
    value = _const(node)
    return len(value) if isinstance(value, (str, list, tuple)) else None


def _message(node: nodes.Node) -> tuple[str, str] | None:
    """(the name the tag mentions, why the sandbox refuses it)."""
    if isinstance(node, nodes.Getattr) and _unsafe(node.attr):
        return node.attr, f"访问内部属性“{node.attr}”，渲染时会被模板安全限制拒绝：请删除"
    if isinstance(node, nodes.Getitem):
        key = _const(node.arg)
        if isinstance(key, str) and _unsafe(key):
            return key, f"访问内部属性“{key}”，渲染时会被模板安全限制拒绝：请删除"
    if isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        keyword = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "import",
                   nodes.Extends: "extends"}[type(node)]
        name = _const(node.template)
        if isinstance(name, str) and _outside(name):
            return keyword, f"{keyword} 引用了模板目录之外的文件“{name}”，渲染时会被拒绝：docgen 的模板不能引用其他文件"
        return keyword, f"{keyword} 引用其他模板，渲染时会失败：docgen 的模板是单个文件，请把内容直接写在模板中"
    if isinstance(node, nodes.Mul):
        for seq, times in ((node.left, node.right), (node.right, node.left)):
            size, count = _size(seq), _const(times)
            if size is not None and isinstance(count, int) and size * count > MAX_TEXT:
                return "*", f"表达式会生成过长的文字（超过 {MAX_TEXT} 个字符），渲染时会被模板安全限制拒绝"
    if isinstance(node, nodes.Pow):
        base, power = _const(node.left), _const(node.right)
        if isinstance(base, (int, float)) and isinstance(power, (int, float)) and abs(base) > 1 and power > 0:
            import math

            if power * math.log10(abs(base)) > MAX_DIGITS:
                return "**", f"表达式会生成过大的数字（超过 {MAX_DIGITS} 位），渲染时会被模板安全限制拒绝"
    return None


def sandbox_problems(tree: nodes.Template, source: str, where: Callable[[str, int], str]) -> list[Problem]:
    """(place, tag, message) of each construct the sandbox would refuse, in template order."""
    lines = source.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    found: list[Problem] = []
    for node in tree.find_all(nodes.Node):
        hit = _message(node)
        if hit is None:
            continue
        name, message = hit
        line = min(max(node.lineno, 1), len(lines))
        tags = list(_TAG.finditer(lines[line - 1]))
        tag = next((m for m in tags if name in m.group(0)), tags[0] if tags else None)
        pos = starts[line - 1] + (tag.start() if tag else 0)
        expr = re.sub(r"\s+", " ", tag.group(0)) if tag else ""
        problem = (where(source, pos), expr, message)
        if problem not in found:
            found.append(problem)
    return found
