"""Chinese for click's own messages (usage lines, option errors), so a user never meets English.

click looks its messages up through the module-level ``_``/``ngettext`` of each of its
modules; :func:`install` points those at a small catalogue. Unknown strings pass through.
"""

from __future__ import annotations

import importlib

CATALOGUE = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有名为“{name}”的命令。",
    "No such option {name!r}.": "没有“{name}”这个选项。",
    "Option {name!r} does not take a value.": "选项“{name}”不需要值。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是目录，这里需要文件。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件，这里需要目录。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”无法读取。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”无法写入。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "File": "文件",
    "Directory": "目录",
    "Path": "路径",
    "Aborted!": "已中止。",
    "default: {default}": "默认：{default}",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在 {range} 范围内。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
}
PLURAL = {
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "{value!r} is not {choice}.": "“{value}”不是 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不在可选值 {choices} 之中。",
    "Option {name!r} requires an argument.": "选项“{name}”需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项“{name}”需要 {nargs} 个值。",
    "Did you mean {possibility}?": "您是否想输入 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（您是否想输入其中之一：{possibilities}？）",
}


def _gettext(message: str) -> str:
    return CATALOGUE.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular in PLURAL:
        return PLURAL[singular]
    return singular if n == 1 else plural


def _format(message: str) -> str:
    return message.replace("{name!r}", "{name}").replace("{value!r}", "{value}").replace("{filename!r}", "{filename}")


def install() -> None:
    for key in list(CATALOGUE):
        CATALOGUE[key] = _format(CATALOGUE[key])
    for name in ("core", "exceptions", "types", "decorators", "formatting", "parser", "termui"):
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover - a click without that module
            continue
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]
    _full_width_headings()


def _full_width_headings() -> None:
    """``选项：`` like ``用法：`` (click writes ``heading:`` with an ASCII colon)."""
    from click.formatting import HelpFormatter

    if getattr(HelpFormatter.write_heading, "_docgen", False):
        return

    def write_heading(self: HelpFormatter, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    write_heading._docgen = True  # type: ignore[attr-defined]
    HelpFormatter.write_heading = write_heading  # type: ignore[method-assign]
