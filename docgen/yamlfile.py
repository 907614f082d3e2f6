"""Read a YAML file into plain Python data plus a map from field paths to line numbers.

libyaml (through PyYAML's C loader) builds the node tree with line marks; the values are
then built here under YAML 1.2 core rules: floats become ``Decimal`` from their written
text (never binary floats), dates stay as text (a bad date is reported by validation,
not by a crash), duplicate keys are refused, and aliases that would expand beyond
:data:`MAX_NODES` are refused before anything walks them. Problems raise :class:`InputError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Diagnostic, FieldPath, InputError, Level, Location
from .values import NonFinite

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 50_000  # after alias expansion; a large project has a few thousand
MAX_DEPTH = 40

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML 1.2 core schema for plain scalars
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$")


class SourceInt(int):
    """An integer that remembers how it was written, so that ``联系电话: 0691…`` keeps its zero as text."""

    source: str

    def __new__(cls, text: str) -> SourceInt:
        obj = super().__new__(cls, int(text))
        obj.source = text
        return obj


def _scalar(node: ScalarNode) -> Any:
    text = node.value
    if node.style not in (None, ""):  # quoted, or a block of text ('|', '>')
        return text
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        if len(text) > 40:
            return NonFinite(text)
        return SourceInt(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _SPECIAL.match(text):
        return NonFinite(text)
    if _FLOAT.match(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            return NonFinite(text)
    return text


@dataclass
class YamlDocument:
    """The data of one file and where each field path was written."""

    file: str
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line_of(self, path: FieldPath) -> int:
        """The line of the deepest part of ``path`` that exists in the file (1-based)."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)

    def locate(self, diagnostic: Diagnostic) -> Diagnostic:
        from .errors import format_path

        loc = Location(self.file, self.line_of(diagnostic.path), format_path(diagnostic.path) or "文件")
        return diagnostic.located(loc)


def _fail(file: str, line: int, area: str, message: str) -> InputError:
    d = Diagnostic(Level.ERROR, message, (), Location(file, line, area))
    return InputError(message, [d])


def decode(raw: bytes, file: str) -> str:
    """UTF-8 (with or without BOM); GBK and binary bytes get a message saying what to do."""
    if not raw.strip():
        raise _fail(file, 1, "文件", "文件为空：请填写项目数据（可参照 samples/example-project.yaml）")
    if b"\x00" in raw[:4096]:
        raise _fail(file, 1, "文件编码", "这不是文本文件（含二进制字节），请提供 UTF-8 编码的 YAML 项目文件")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            raise _fail(file, line, "文件编码", "文件含有无法识别的字节，不是 UTF-8 文本文件") from None
        raise _fail(
            file, line, "文件编码",
            "文件不是 UTF-8 编码（看起来是 GBK/GB2312）：请在记事本或 WPS 中“另存为”，编码选择 UTF-8",
        ) from None


def _yaml_message(exc: yaml.YAMLError) -> str:
    text = str(getattr(exc, "problem", "") or exc)
    if "\\t" in text:
        return "使用了制表符（Tab）缩进，YAML 只能用空格缩进：请把 Tab 换成空格"
    if "characters are not allowed" in text or "unacceptable character" in text:
        return "含有不允许的控制字符，请删除"
    if "mapping values are not allowed" in text:
        return "格式错误：缩进与上一行不一致，或文字中含有“: ”（这种文字请加引号）"
    if "expected a single document" in text or "found another document" in text:
        return "一个文件只能写一个项目（发现了多个以“---”分隔的文档）"
    if "flow" in str(exc):
        return "格式错误：方括号 [ ] 或花括号 { } 没有配对"
    if (
        "could not find expected ':'" in text or "expected <block end>" in text
        or "did not find expected" in text or "while parsing" in str(exc)
    ):
        return "格式错误：这一行的缩进与上下文不一致，或缺少“: ”（英文冒号加空格）"
    if "found undefined alias" in text:
        return "引用了未定义的锚点（*别名 之前没有对应的 &锚点）"
    return f"YAML 格式错误（{text}）"


ABSURD_DEPTH = 1000  # beyond this a file is refused before any parser sees it


def nesting_estimate(text: str) -> tuple[int, int]:
    """An upper bound of the nesting depth and the line where it peaks, without parsing.

    Counts open ``[``/``{`` (anywhere: brackets in text only make the bound looser), block
    indentation levels and compact ``- - -`` sequences. libyaml's composer recurses in C, so a
    file whose bound is large is parsed by the pure-Python loader instead (whose recursion is
    guarded), and an absurd one is refused at once.
    """
    best, best_line, flow = 0, 1, 0
    indents: list[int] = [0]
    for number, row in enumerate(text.split("\n"), start=1):
        stripped = row.lstrip(" ")
        if stripped and not stripped.startswith("#"):
            indent = len(row) - len(stripped)
            while indents and indent < indents[-1]:
                indents.pop()
            if not indents or indent > indents[-1]:
                indents.append(indent)
            dashes = 0
            rest = stripped
            while rest.startswith("- ") or rest == "-":
                dashes += 1
                rest = rest[2:].lstrip(" ")
            peak = flow
            if "[" in row or "{" in row or "]" in row or "}" in row:
                for ch in row:
                    if ch in "[{":
                        flow += 1
                        peak = max(peak, flow)
                    elif ch in "]}" and flow:
                        flow -= 1
            depth = len(indents) + dashes + peak
            if depth > best:
                best, best_line = depth, number
    return best, best_line


_KEY_WITH_FULLWIDTH_COLON = re.compile(r"^\s*(?:-\s+)?[^\s:#'\"-][^:]*?：")


def _fullwidth_colon_line(lines: list[str], error_line: int) -> int:
    """The line (1-based) at or just before a parse error that writes ``键：值`` with a full-width colon."""
    for number in range(min(error_line, len(lines)), max(error_line - 3, 0), -1):
        row = lines[number - 1]
        if ": " not in row and not row.rstrip().endswith(":") and _KEY_WITH_FULLWIDTH_COLON.match(row):
            return number
    return 0


_KEY_WITHOUT_SPACE = re.compile(r"^\s*(?:-\s+)?(?P<key>[^\s:#'\"\[{-][^:\s]*):(?P<value>[^\s/].*)$")


def _missing_space_line(lines: list[str], error_line: int) -> int:
    """The line at or just before a parse error that writes ``年度:2025`` (no space after the colon)."""
    for number in range(min(error_line, len(lines)), max(error_line - 3, 0), -1):
        m = _KEY_WITHOUT_SPACE.match(lines[number - 1])
        if m and any(ord(c) > 0x2E7F for c in m["key"]):  # a Chinese key: not a URL or a time of day
            return number
    return 0


def _error_line(exc: yaml.YAMLError, text: str) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        return int(mark.line) + 1
    position = getattr(exc, "position", None)
    if isinstance(position, int):  # libyaml counts bytes of the UTF-8 text, the pure loader characters
        if getattr(exc, "_pure", False) or _Loader is yaml.SafeLoader:
            return text[:position].count("\n") + 1
        return text.encode("utf-8")[:position].count(b"\n") + 1
    return 1


def parse(text: str, file: str) -> YamlDocument:
    depth, depth_line = nesting_estimate(text)
    if depth > ABSURD_DEPTH:
        raise _fail(file, depth_line, "YAML 格式", f"嵌套层级过深（超过 {MAX_DEPTH} 层），不是项目数据文件")
    loader = _Loader if depth <= MAX_DEPTH else yaml.SafeLoader
    try:
        root = yaml.compose(text, Loader=loader)
    except RecursionError:
        raise _fail(file, 1, "YAML 格式", f"嵌套层级过深（超过 {MAX_DEPTH} 层），不是项目数据文件") from None
    except yaml.YAMLError as exc:
        line = _error_line(exc, text)
        lines = text.split("\n")
        colon = _fullwidth_colon_line(lines, line)
        if colon:
            raise _fail(
                file, colon, "YAML 格式",
                f"“{lines[colon - 1].strip()[:30]}”用了中文冒号“：”，键后面应为英文冒号加空格“: ”",
            ) from None
        bare = _missing_space_line(lines, line)
        if bare:
            m = _KEY_WITHOUT_SPACE.match(lines[bare - 1])
            assert m is not None
            raise _fail(
                file, bare, "YAML 格式",
                f"“{lines[bare - 1].strip()[:30]}”的冒号后缺少空格：应写作“{m['key']}: {m['value'].strip()[:20]}”"
                "（英文冒号加空格）",
            ) from None
        row = lines[line - 1] if 0 < line <= len(lines) else ""
        message = _yaml_message(exc)
        if "\t" in row[: len(row) - len(row.lstrip())] or ("cannot start any token" in message and "\t" in row):
            message = "使用了制表符（Tab）缩进，YAML 只能用空格缩进：请把 Tab 换成空格"
        if 0 < line <= len(lines) and lines[line - 1].strip() and "Tab" not in message:
            message += f"（第{line}行：“{lines[line - 1].strip()[:40]}”）"
        raise _fail(file, line, "YAML 格式", message) from None
    doc = YamlDocument(file, None)
    if root is None:
        doc.lines[()] = 1
        return doc
    _check_size(root, file)
    doc.data = _build(root, (), doc.lines, file)
    doc.lines.setdefault((), _line(root))
    return doc


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _check_size(root: Node, file: str) -> None:
    """Refuse alias bombs, cycles and absurd nesting before anything walks the tree naively."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node, depth: int) -> int:
        if isinstance(node, ScalarNode):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise _fail(file, _line(node), "YAML 格式", "锚点/别名构成了循环引用")
        if depth > MAX_DEPTH:
            raise _fail(file, _line(node), "YAML 格式", f"嵌套层级过深（超过 {MAX_DEPTH} 层）")
        active.add(key)
        children = [n for pair in node.value for n in pair] if isinstance(node, MappingNode) else node.value
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_NODES:
                raise _fail(
                    file, _line(node), "YAML 格式",
                    f"数据项过多（含锚点/别名展开后超过 {MAX_NODES} 项），不是项目数据文件，已拒绝读取",
                )
        active.discard(key)
        sizes[key] = total
        return total

    size(root, 0)


def _build(node: Node, path: FieldPath, lines: dict[FieldPath, int], file: str) -> Any:
    """Plain Python data from the node tree, recording the line of every key and list item."""
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if path not in lines:
        lines[path] = _line(node)
    if isinstance(node, SequenceNode):
        items = []
        for i, child in enumerate(node.value):
            lines[(*path, i)] = _line(child)
            items.append(_build(child, (*path, i), lines, file))
        return items
    out: dict[str, Any] = {}
    defaults: dict[str, Any] = {}  # from merge keys (<<): explicit keys win
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge" or (
            isinstance(key_node, ScalarNode) and key_node.value == "<<" and key_node.style in (None, "")
        ):
            merged = _build(value_node, path, {}, file)
            sources = merged if isinstance(merged, list) else [merged]
            for src in sources:
                if isinstance(src, dict):
                    for k, v in src.items():
                        defaults.setdefault(k, v)
            continue
        if not isinstance(key_node, ScalarNode):
            raise _fail(file, _line(key_node), "YAML 格式", "键必须是文字，不能是列表或映射")
        raw_key = _scalar(key_node)
        key = "" if raw_key is None else str(raw_key)
        if key in out:
            raise _fail(file, _line(key_node), "YAML 格式", f"键重复：“{key}”在同一层级出现了两次")
        lines[(*path, key)] = _line(key_node)
        out[key] = _build(value_node, (*path, key), lines, file)
    for key, value in defaults.items():
        out.setdefault(key, value)
    return out


def read(path: Path, display: str | None = None) -> YamlDocument:
    """Read and parse one YAML file; ``display`` is the name used in messages."""
    file = display or str(path)
    if not path.is_file():
        raise _fail(file, 1, "文件", "不是普通文件（可能是目录、管道或设备），无法作为项目数据读取")
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except PermissionError:
        raise _fail(file, 1, "文件", "没有读取这个文件的权限") from None
    except OSError as exc:
        raise _fail(file, 1, "文件", f"无法读取文件（错误号 {exc.errno}）") from None
    if len(raw) > MAX_BYTES:
        raise _fail(file, 1, "文件", f"文件过大（超过 {MAX_BYTES // 1024 // 1024} MB），不是项目数据文件")
    return parse(decode(raw, file), file)
