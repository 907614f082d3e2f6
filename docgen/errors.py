"""One small error hierarchy; every problem carries its location.

Code that finds a problem records a :class:`Diagnostic` (or raises a
:class:`DocgenError` holding several); only the CLI prints them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

PathPart = str | int
FieldPath = tuple[PathPart, ...]


# control characters (but newline and tab) and the bidi overrides: a name holding ESC must not drive the terminal
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """``text`` for a terminal or a log: control characters written as escapes (``\\x1b``), never raw."""
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], text)


class Level(str, Enum):
    ERROR = "错误"
    WARNING = "警告"
    NOTE = "提示"


def format_path(path: FieldPath) -> str:
    """Render a field path: ``绩效指标[2].指标值`` (list positions count from 0, as in JSON paths)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, a line (1-based, 0 = unknown) and a field path or cell."""

    file: str = ""
    line: int = 0
    path: str = ""

    def __str__(self) -> str:
        head = self.file or "<输入>"
        if self.line:
            head += f":{self.line}"
        return f"{head}: {self.path}" if self.path else head


@dataclass
class Diagnostic:
    """One problem found in the input. ``path`` is resolved to a line by the loader's line map."""

    level: Level
    message: str
    path: FieldPath = ()
    location: Location | None = None

    def located(self, location: Location) -> Diagnostic:
        return Diagnostic(self.level, self.message, self.path, location)

    def __str__(self) -> str:
        loc = self.location or Location(path=format_path(self.path))
        prefix = "" if self.level is Level.ERROR else f"{self.level.value}："
        return shown(f"{loc}: {prefix}{self.message}")


@dataclass
class Diagnostics:
    """A collector passed through pure code; it never prints."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: FieldPath, message: str) -> None:
        self.items.append(Diagnostic(Level.ERROR, message, tuple(path)))

    def warning(self, path: FieldPath, message: str) -> None:
        self.items.append(Diagnostic(Level.WARNING, message, tuple(path)))

    def note(self, path: FieldPath, message: str) -> None:
        self.items.append(Diagnostic(Level.NOTE, message, tuple(path)))

    def extend(self, other: Diagnostics | list[Diagnostic]) -> None:
        self.items.extend(other.items if isinstance(other, Diagnostics) else other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level is Level.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level is Level.WARNING]

    def __bool__(self) -> bool:
        return bool(self.items)


class DocgenError(Exception):
    """Root of every error docgen raises on purpose. ``exit_code`` tells the CLI what to return."""

    exit_code = 1

    def __init__(self, message: str = "", diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics or []

    def __str__(self) -> str:
        if self.diagnostics:
            return "\n".join(str(d) for d in self.diagnostics)
        return shown(self.message)


class InputError(DocgenError):
    """A data or configuration file cannot be used; holds every located problem."""


class ConfigError(InputError):
    """``docgen.yaml`` or a profile is wrong."""


class UsageError(DocgenError):
    """The command line asks for something impossible (unknown form, bad date option)."""

    exit_code = 2


class TemplateKeyError(KeyError):
    """An XLSX template's placeholder names something the context does not have (render/xlsx raises it; its
    message is made by render/faults)."""
