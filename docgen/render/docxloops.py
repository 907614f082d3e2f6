"""Simple repeated rows and paragraphs of a DOCX template, rendered without Jinja's per-row overhead.

A loop qualifies when its body is whole rows (``{%tr for r in 指标 %}``) or paragraphs (``{%p for %}``) whose
only tags are ``{{ r.字段 }}``, ``{{ r.字段|merge }}`` (the only tag of its table cell) or ``{{ r }}``. Such a
loop is compiled once into static pieces and slots: a render fetches each value, escapes it (once per distinct
string), and joins the whole loop once; a merged cell is one of three pre-built cells (restart, continue,
none). The passes that :class:`~docgen.render.docx.CompiledDocx` otherwise runs over the whole document after
Jinja (literal braces, XML-forbidden characters, line breaks, vertical merges) are done on the static pieces at
compile time; an item whose values need any of them is built the slow way, exactly as before. The loop's place
in the Jinja template becomes ``{{ 指标|docgen_loop(0) }}``, so Jinja still evaluates the iterable (inside
``{% if %}`` only when the branch is taken); the filter returns a short token that is replaced by the rows after
the whole-document passes, which then only see the rest of the document.

Pages: a row repeated for a list keeps with the next (``w:keepNext``, set in the Word template) inside its
一级/二级 group only: the last row of a group lets go, so an office suite breaks a page between groups when it can.
Where the page plan (compile/paginate.py, ``context[BREAKS]``) starts a page at an item, a marker goes before its
row; render/docx.py turns it into a page break that reopens the table under its column headings.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ..compile.paginate import BREAKS
from ..present import Grouped

FILTER = "docgen_loop"
_LOOP = re.compile(r"\{%\s*for\s+(\w+)\s+in\s+(\w+(?:\.\w+)*)\s*%\}(.*?)\{%\s*endfor\s*%\}", re.DOTALL)
_SLOT = re.compile(r"\{\{\s*(\w+)(?:\.(\w+))?\s*(\|\s*merge\s*)?\}\}")
TOKEN = re.compile(r"<!--docgen:loop (\d+)-->")
# what makes an item need the whole-document passes: control characters (XML-forbidden ones, and docxtpl's
# \t \n \a \f line handling). A value's own "{_{" is data and is printed as typed.
_SPECIAL = re.compile("[\x00-\x1f]")
BREAK = "<!--docgen:break-->"  # before the row of an item that starts a page (render/docx.py apply_breaks)
KEEP_NEXT = "<w:keepNext/>"
_BREAK = BREAK.encode("utf-8")
_KEEP_NEXT = KEEP_NEXT.encode("utf-8")
_SINK: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("docgen_loop_sink", default=None)


class _Slot:
    """One ``{{ var.field }}`` of a loop body; a merged slot stands for its whole table cell (UTF-8 bytes)."""

    def __init__(self, field: str | None, merged: bool) -> None:
        self.field = field
        self.merged = merged
        self.plain: tuple[bytes, bytes] = (b"", b"")  # the merged cell when the value is not a group (pre, post)
        self.restart: tuple[bytes, bytes] = (b"", b"")
        self.cont = b""  # a continued cell shows nothing of its own: no value


class Loop:
    """One compiled loop: an item is ``row % (slot, slot, …)``; ``raw`` is the body as Jinja outputs it."""

    def __init__(self, body: str, static: Callable[[str], str], post: Callable[[str], str],
                 cell_variants: Callable[[str, bool], str], env: Environment, name: str = "") -> None:
        self.name = name  # the list's name in the context (指标)
        self.body = body
        self.post = post  # the whole-document passes, for an item that needs them
        self.getattr = env.getattr  # Jinja's r.字段: attribute, then item (sandboxed)
        self.merge = env.filters["merge"]
        self.slots: list[_Slot] = []
        raw: list[str] = []  # body split at its tags, as Jinja outputs the static text
        pos = 0
        for m in _SLOT.finditer(body):
            raw.append(body[pos:m.start()])
            self.slots.append(_Slot(m.group(2), bool(m.group(3))))
            pos = m.end()
        raw.append(body[pos:])
        self.raw = raw
        # static text as the passes leave it (compile time): merged cells cut out into their three variants
        done = [static(p) for p in raw]
        pieces: list[str] = [done[0]]
        for i, slot in enumerate(self.slots):
            after = done[i + 1]
            if slot.merged:
                before = pieces[-1]
                start = max(before.rfind("<w:tc>"), before.rfind("<w:tc "))
                end = after.find("</w:tc>") + len("</w:tc>")
                cell = before[start:] + "\0" + after[:end]
                pieces[-1] = before[:start]
                after = after[end:]
                slot.plain = _split(cell)
                slot.restart = _split(cell_variants(cell, True))
                slot.cont = cell_variants(cell, False).encode("utf-8")
            pieces.append(after)
        self.row = "%s".join(p.replace("%", "%%") for p in pieces).encode("utf-8")
        self.keeps = _KEEP_NEXT in self.row

    def render(self, items: Any, breaks: Any = ()) -> bytes:
        """All items, UTF-8: each value escaped and encoded once per distinct string, the rows joined once;
        ``breaks``: the indices of the items that start a page."""
        out: list[bytes] = []
        grouped: list[bool] = []  # the item has a grouped (merged) value
        starts: list[bool] = []  # … that starts a group
        cache: dict[str, tuple[bytes, bool]] = {}  # value → (escaped UTF-8, needs the whole-document passes)
        fields = [s.field for s in self.slots]
        slots = self.slots
        row = self.row
        merge = self.merge
        for item in items:
            values = _values(item, fields, self.getattr)
            args: list[bytes] = []
            special = in_group = starts_group = False
            for slot, value in zip(slots, values, strict=True):
                if type(value) is str or (slot.merged and isinstance(value, Grouped)):
                    key = str(value)
                    hit = cache.get(key)
                    if hit is None:
                        hit = cache[key] = _text(str(escape(key)))
                elif slot.merged:
                    hit = _text(str(merge(value)))
                else:
                    hit = (b"", False) if value is None else _text(str(escape(value)))
                special = special or hit[1]
                if not slot.merged:
                    args.append(hit[0])
                elif not isinstance(value, Grouped):
                    args.append(slot.plain[0] + hit[0] + slot.plain[1])
                elif value.first:
                    args.append(slot.restart[0] + hit[0] + slot.restart[1])
                    in_group = starts_group = True
                else:
                    args.append(slot.cont)
                    in_group = True
            out.append(self._slow(values).encode("utf-8") if special else row % tuple(args))
            grouped.append(in_group)
            starts.append(starts_group)
        if not breaks and not (self.keeps and any(grouped)):
            return b"".join(out)
        return b"".join(paged(out, grouped, starts, frozenset(breaks)))

    def _slow(self, values: list[Any]) -> str:
        """One item exactly as Jinja and the whole-document passes make it (group markers and all)."""
        out = [self.raw[0]]
        for i, slot in enumerate(self.slots):
            value = values[i]
            out.append(str(self.merge(value)) if slot.merged else ("" if value is None else str(escape(value))))
            out.append(self.raw[i + 1])
        return self.post("".join(out))


def paged(rows: list[bytes], grouped: list[bool], starts: list[bool], breaks: frozenset[int]) -> list[bytes]:
    """The rows with a page-break marker before each item in ``breaks``, and the keep-with-next of a row dropped
    where the next row starts a page or a group (as :func:`group_keeps` does on the text)."""
    out: list[bytes] = []
    last = len(rows) - 1
    for i, row in enumerate(rows):
        if i in breaks and i > 0:
            out.append(_BREAK)
        if i < last and ((i + 1) in breaks or (grouped[i] and starts[i + 1])):
            row = row.replace(_KEEP_NEXT, b"")
        out.append(row)
    return out


def _text(escaped: str) -> tuple[bytes, bool]:
    return escaped.encode("utf-8"), _SPECIAL.search(escaped) is not None


def _split(cell: str) -> tuple[bytes, bytes]:
    pre, _, post = cell.partition("\0")
    return pre.encode("utf-8"), post.encode("utf-8")


def _values(item: Any, fields: list[str | None], getattr_: Callable[[Any, str], Any]) -> list[Any]:
    if type(item) is dict:
        try:
            return [item if f is None else item[f] for f in fields]
        except KeyError:
            pass
    return [item if f is None else getattr_(item, f) for f in fields]


def compile_loops(source: str, env: Environment, static: Callable[[str], str], post: Callable[[str], str],
                  cell_variants: Callable[[str, bool], str]) -> str:
    """``source`` with each simple loop replaced by ``{{ iterable|docgen_loop(i) }}``; the loops are compiled
    and the filter that renders them registered in ``env`` (one env per compiled template).

    ``static`` is the text passes (template line breaks, literal braces) applied to static text once; ``post``
    all the whole-document passes, for an item that needs them; ``cell_variants(cell, restart)`` the
    vertical-merge rewrite of one table cell. A loop whose static text holds control characters or markers
    (which those passes would rewrite in context) stays with Jinja.
    """
    loops: list[Loop] = []

    def one(m: re.Match[str]) -> str:
        var, iterable, body = m.group(1), m.group(2), m.group(3)
        stripped = body.strip("\n")
        whole = (stripped.startswith(("<w:tr>", "<w:tr ")) and stripped.endswith("</w:tr>")) or (
            stripped.startswith(("<w:p>", "<w:p ")) and stripped.endswith("</w:p>"))
        if not whole or "{%" in body or "{#" in body or "#}" in body or "<!--" in body:
            return m.group(0)
        if re.search("[\x00-\x1f]", static(_SLOT.sub("", body))):
            return m.group(0)
        slots = list(_SLOT.finditer(body))
        if "{{" in _SLOT.sub("", body) or "}}" in _SLOT.sub("", body):
            return m.group(0)  # a tag of another kind (a filter, an expression): Jinja renders it
        for s in slots:
            if s.group(1) != var or (s.group(2) is not None and hasattr(dict, s.group(2))):
                return m.group(0)
            if s.group(3) and not _alone_in_cell(body, s):
                return m.group(0)
        loops.append(Loop(body, static, post, cell_variants, env, iterable))
        return "{{ " + iterable + "|" + FILTER + "(" + str(len(loops) - 1) + ") }}"

    source = _LOOP.sub(one, source)
    _install(env, loops)
    return source


def loop_specs(env: Environment) -> list[tuple[str, str]]:
    """(body, iterable) of each loop :func:`compile_loops` installed in ``env``: enough to install them again."""
    return [(loop.body, loop.name) for loop in getattr(env, _LOOPS, [])]


def install_loops(env: Environment, specs: list[tuple[str, str]], static: Callable[[str], str],
                  post: Callable[[str], str], cell_variants: Callable[[str, bool], str]) -> None:
    """Install loops of :func:`loop_specs` in a fresh ``env`` (a template compiled earlier, read back)."""
    _install(env, [Loop(body, static, post, cell_variants, env, name) for body, name in specs])


def _alone_in_cell(body: str, slot: re.Match[str]) -> bool:
    start = max(body.rfind("<w:tc>", 0, slot.start()), body.rfind("<w:tc ", 0, slot.start()))
    end = body.find("</w:tc>", slot.end())
    if start < 0 or end < 0 or "</w:tc>" in body[start:slot.start()] or "<w:tc" in body[slot.end():end]:
        return False
    return "{{" not in body[start:slot.start()] and "{{" not in body[slot.end():end]


def page_breaks(context: Context | dict[str, Any], name: str) -> tuple[int, ...]:
    """The indices of the items of list ``name`` where the page plan starts a page (none without a plan)."""
    plan = context.get(BREAKS)
    return tuple(plan.get(name, ())) if isinstance(plan, dict) else ()


_LOOPS = "docgen_loops"  # the env's attribute holding its loops (not a global: templates cannot reach it)


def _install(env: Environment, loops: list[Loop]) -> None:
    setattr(env, _LOOPS, loops)
    @pass_context
    def docgen_loop(context: Context, items: Any, index: int) -> Markup:
        sink = _SINK.get()
        if sink is None:
            raise RuntimeError("docgen_loop outside render_parts")
        loop = loops[index]
        sink.append(loop.render(items, page_breaks(context, loop.name)))
        return Markup(f"<!--docgen:loop {len(sink) - 1}-->")

    env.filters[FILTER] = docgen_loop


def render_parts(render: Callable[[], str], finish: Callable[[str], str]) -> list[str | bytes]:
    """``render()`` (Jinja) then ``finish`` (the whole-document passes); the document as text parts with the
    loops' UTF-8 output between them (``[text, rows, text, …]``), which the passes never saw."""
    sink: list[bytes] = []
    token = _SINK.set(sink)
    try:
        xml = render()
    finally:
        _SINK.reset(token)
    xml = finish(xml)
    if not sink:
        return [xml]
    parts: list[str | bytes] = list(TOKEN.split(xml))
    parts[1::2] = [sink[int(i)] for i in parts[1::2]]  # type: ignore[arg-type]
    return parts
