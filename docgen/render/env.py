"""The sandboxed, autoescaping Jinja environment shared by every template, and its filters."""

from __future__ import annotations

import math
import re
from collections.abc import Sized
from typing import Any

from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from ..present import Grouped, rmb_upper

VMERGE = "docgen:vmerge"


def _finalize(value: Any) -> Any:
    return "" if value is None else value


def merge(value: Any) -> Markup:
    """A grouped cell: the value plus a marker the DOCX renderer turns into ``w:vMerge``."""
    if isinstance(value, Grouped):
        state = "restart" if value.first else "continue"
        return Markup(f"<!--{VMERGE} {state}-->") + escape(str(value))
    return escape("" if value is None else str(value))


MAX_TEXT = 1_000_000  # characters (or items) one template expression may build; a form prints far fewer
MAX_DIGITS = 1_000  # digits of a number one template expression may build
_WIDTH = re.compile(r"\d{7,}")  # a width or precision of a million or more in a format string


def _too_long() -> SecurityError:
    return SecurityError(f"表达式生成的文字或列表过长（超过 {MAX_TEXT} 个字符），模板安全限制不允许")


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


class LimitedEnvironment(SandboxedEnvironment):
    """The sandbox, plus limits on what one expression may build: ``'x' * 2000000000``, ``9 ** 9 ** 9``,
    ``'%2000000000s' % x`` and ``'{:2000000000}'.format(x)`` are refused instead of exhausting memory."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                size = _length(seq)
                if size is not None and isinstance(times, int) and size * times > MAX_TEXT:
                    raise _too_long()
        elif operator == "**" and isinstance(left, (int, float)) and isinstance(right, (int, float)):
            base = abs(float(left))
            if base > 1 and right > 0 and right * math.log10(base) > MAX_DIGITS:
                raise SecurityError(f"表达式生成的数字过大（超过 {MAX_DIGITS} 位），模板安全限制不允许")
        elif operator == "+":
            sizes = (_length(left), _length(right))
            if None not in sizes and sum(sizes) > MAX_TEXT:  # type: ignore[arg-type]
                raise _too_long()
        elif operator == "%" and isinstance(left, str) and _WIDTH.search(left):
            raise _too_long()
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Any:
        wrapped = super().wrap_str_format(value)
        if wrapped is None or not _WIDTH.search(value.__self__):
            return wrapped

        def refused(*args: Any, **kwargs: Any) -> str:
            raise _too_long()

        return refused


def _bounded(name: str, limit_arg: int, env: SandboxedEnvironment) -> None:
    """Wrap a filter whose numeric argument sets the size of its result (center's width, indent's)."""
    original = env.filters[name]

    def bounded(value: Any, *args: Any, **kwargs: Any) -> Any:
        sizes = [a for a in (*args[:limit_arg + 1], *kwargs.values()) if isinstance(a, int)]
        if any(abs(size) > MAX_TEXT for size in sizes):
            raise _too_long()
        result = original(value, *args, **kwargs)
        if isinstance(result, Sized) and len(result) > MAX_TEXT:
            raise _too_long()
        return result

    env.filters[name] = bounded


def make_env() -> SandboxedEnvironment:
    env = LimitedEnvironment(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    for name in ("center", "indent", "wordwrap", "truncate"):
        _bounded(name, 0, env)
    env.filters["merge"] = merge
    env.filters["大写"] = rmb_upper  # 人民币大写 of an amount in 万元 (reports)
    return env
