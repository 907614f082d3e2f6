"""Read a YAML file into plain Python data plus a map from field paths to line numbers.

Floats become ``Decimal`` from their written text (never binary floats), timestamps stay as
their text (a bad date is reported by validation, not by a crash), and aliases that would
expand beyond :data:`MAX_NODES` are refused. Problems raise :class:`InputError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import Diagnostic, FieldPath, InputError, Level, Location
from .values import NonFinite

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 50_000  # after alias expansion; a large project has a few thousand
MAX_DEPTH = 40


class _Constructor(RoundTripConstructor):
    """Round-trip constructor with exact numbers and undecoded timestamps."""


def _construct_float(self: RoundTripConstructor, node: Any) -> object:
    text = str(node.value).replace("_", "")
    if text.lower().lstrip("+-") in (".nan", ".inf"):
        return NonFinite(node.value)
    try:
        return Decimal(text)
    except InvalidOperation:
        return NonFinite(node.value)


def _construct_timestamp(self: RoundTripConstructor, node: Any) -> object:
    return str(node.value)


_Constructor.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


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


def _yaml_message(exc: YAMLError) -> str:
    text = str(getattr(exc, "problem", "") or exc)
    if "\\t" in text or "'\\t'" in text or "tab" in text.lower():
        return "使用了制表符（Tab）缩进，YAML 只能用空格缩进：请把 Tab 换成空格"
    if "duplicate key" in text or "found duplicate key" in str(exc):
        return "键重复：同一层级中同一个键出现了两次"
    if "special characters are not allowed" in text or "unacceptable character" in text:
        return "含有不允许的控制字符，请删除"
    if "mapping values are not allowed" in text:
        return "格式错误：冒号后缺少空格，或冒号出现在不该出现的位置（文字中含冒号时请加引号）"
    if "could not find expected ':'" in text or "expected <block end>" in text:
        return "格式错误：缩进不一致或缺少冒号"
    return f"YAML 格式错误（{text}）"


def _flow_depth_line(text: str) -> int:
    """The line where ``[``/``{`` nesting first exceeds MAX_DEPTH (0 when it never does).

    A cheap scan before parsing: the YAML parser recurses per level and is slow on
    thousands of brackets. Quoted text is skipped; the count is an upper bound elsewhere.
    """
    depth, line, quote = 0, 1, ""
    for ch in text:
        if ch == "\n":
            line += 1
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"" and depth:
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif ch in "]}" and depth:
            depth -= 1
    return 0


def parse(text: str, file: str) -> YamlDocument:
    deep = _flow_depth_line(text)
    if deep:
        raise _fail(file, deep, "YAML 格式", f"嵌套层级过深（超过 {MAX_DEPTH} 层），不是项目数据文件")
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _Constructor
    try:
        data = yaml.load(text)
    except RecursionError:
        raise _fail(file, 1, "YAML 格式", f"嵌套层级过深（超过 {MAX_DEPTH} 层），不是项目数据文件") from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise _fail(file, line, "YAML 格式", _yaml_message(exc)) from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise _fail(file, line, "YAML 格式", _yaml_message(exc)) from None
    except (ValueError, TypeError, OverflowError) as exc:  # odd scalars the constructor rejects
        raise _fail(file, 1, "YAML 格式", f"无法读取的值（{exc}）") from None
    _check_size(data, file)
    doc = YamlDocument(file, data)
    _collect_lines(data, (), doc.lines)
    doc.lines.setdefault((), 1)
    return doc


def _check_size(data: Any, file: str) -> None:
    """Refuse alias bombs, cycles and absurd nesting before anything walks the data naively."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Any, depth: int) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise _fail(file, _line(node), "YAML 格式", "锚点/别名构成了循环引用")
        if depth > MAX_DEPTH:
            raise _fail(file, _line(node), "YAML 格式", f"嵌套层级过深（超过 {MAX_DEPTH} 层）")
        active.add(key)
        children = node.values() if isinstance(node, dict) else node
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_NODES:
                raise _fail(
                    file, _line(node), "YAML 格式",
                    f"锚点/别名展开后数据过大（超过 {MAX_NODES} 项），已拒绝读取",
                )
        active.discard(key)
        sizes[key] = total
        return total

    size(data, 0)


def _line(node: Any) -> int:
    lc = getattr(node, "lc", None)
    return (lc.line + 1) if lc is not None and lc.line is not None else 1


def _collect_lines(node: Any, path: FieldPath, out: dict[FieldPath, int]) -> None:
    if isinstance(node, CommentedMap):
        if path not in out:
            out[path] = _line(node)
        for key in node:
            try:
                line = node.lc.key(key)[0] + 1
            except (KeyError, TypeError, IndexError):
                line = out.get(path, 1)
            sub = (*path, str(key))
            out[sub] = line
            _collect_lines(node[key], sub, out)
    elif isinstance(node, CommentedSeq):
        if path not in out:
            out[path] = _line(node)
        for i, item in enumerate(node):
            try:
                line = node.lc.item(i)[0] + 1
            except (KeyError, TypeError, IndexError):
                line = out.get(path, 1)
            sub = (*path, i)
            out[sub] = line
            _collect_lines(item, sub, out)


def read(path: Path, display: str | None = None) -> YamlDocument:
    """Read and parse one YAML file; ``display`` is the name used in messages."""
    file = display or str(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _fail(file, 0, "文件", f"无法读取文件（{exc.strerror}）") from None
    if len(raw) > MAX_BYTES:
        raise _fail(file, 1, "文件", f"文件过大（超过 {MAX_BYTES // 1024 // 1024} MB），不是项目数据文件")
    return parse(decode(raw, file), file)
