"""The sandboxed, autoescaping Jinja environment shared by every template, and its filters."""

from __future__ import annotations

from typing import Any

from jinja2 import StrictUndefined
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


def make_env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    env.filters["merge"] = merge
    env.filters["大写"] = rmb_upper  # 人民币大写 of an amount in 万元 (reports)
    return env
