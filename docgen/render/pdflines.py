"""WeasyPrint's line breaking remembered across the documents of a process.

WeasyPrint (70) breaks every line of text by building a Pango layout of the rest of the text and asking Pango
for its first line (``split_first_line``: a Pango context, font description, attributes and shaping for every
line attempt, ~20 ms of a 附件1 PDF or a report). Most of those lines are the same in every document of a form:
the table's labels and headings, "√", the report's headings and fixed sentences (附件1: three lines in four).

``split_first_line`` is a function of the text, the available width, its flags and a fixed set of style
properties (the fonts, language, spacing, white-space, wrapping and hyphenation ones read by it and by
``Layout``), plus the font configuration; it keeps no state between calls (the hyphenation dictionaries of the
layout context are a cache). :func:`install_line_memo` keys on exactly these and, for a text seen before, returns
the numbers found then and a copy of the ``Layout`` object that shares its Pango layout (already holding that
line: render/pdflayouts.py draws lines with the layout that broke them; a line justified at spaces is laid out
again there, on the copy). The memo is per thread (Pango layouts are not thread-safe) and bounded.

WeasyPrint's ``strut`` (a line's height and baseline from its style's font and line height, asked twice per line)
caches its result under a string it builds from fourteen style values on every call; :func:`install_strut_memo`
looks the result up by a tuple of the same values instead (the size and line height with their types, and the
type of a length's number, as the string tells 16 from 16.0).

Every Pango layout WeasyPrint sets up (``Layout.setup``: each line broken, and each line drawn anew) builds a
Pango font description from seven style values; :func:`install_font_description_memo` keeps the description of
each set of values (Pango copies a description into the layout, so one description serves them all).

tests/test_pdf_speed.py checks that WeasyPrint still calls the functions this replaces and that the PDFs of
every form are the same bytes with and without the memo.
"""

from __future__ import annotations

import operator
import threading
from typing import Any

from .pdflayouts import mark_unwrapped

# every style property split_first_line and Layout (setup, set_text, set_tabs) read
STYLE_KEYS = (
    "white_space", "font_size", "font_family", "font_style", "font_stretch", "font_weight", "font_variant_caps",
    "font_variation_settings", "font_kerning", "font_variant_ligatures", "font_variant_position",
    "font_variant_numeric", "font_variant_alternates", "font_variant_east_asian", "font_feature_settings",
    "font_language_override", "lang", "direction", "text_decoration_line", "word_spacing", "letter_spacing",
    "overflow_wrap", "word_break", "tab_size", "hyphens", "hyphenate_character", "hyphenate_limit_chars",
    "hyphenate_limit_zone")
MEMO_SIZE = 4000  # lines per thread; each holds a one-line Pango layout (forgotten all at once when full)

_LOCK = threading.Lock()
_LOCAL = threading.local()
_STOCK: list[Any] = []
_STRUTS: dict[str, Any] = {}
_STATS = {"hits": 0, "misses": 0}  # tests read them
_NO_MEMO = object()


def _memo() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    memo = getattr(_LOCAL, "memo", None)
    if memo is None:
        memo = _LOCAL.memo = {}
    return memo


def install_line_memo() -> bool:
    """Remember ``split_first_line`` across documents (once per process); False if WeasyPrint's hook moved."""
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    with _LOCK:
        if _STOCK:
            return True
        stock = getattr(inline, "split_first_line", None)
        if stock is None or stock is not getattr(line_break, "split_first_line", None):
            return False
        layout_class = line_break.Layout
        style_values = operator.itemgetter(*STYLE_KEYS)  # one C call for the 28 values (a tuple)

        def split_first_line(text: str, style: Any, context: Any, max_width: Any, justification_spacing: Any,
                             is_line_start: bool = True, minimum: bool = False) -> tuple[Any, ...]:
            key = (text, max_width, justification_spacing, is_line_start, minimum, id(style.font_config),
                   style_values(style))
            memo = _memo()
            if style["block_ellipsis"] != "none":  # an ellipsis would change the shared layout's text
                known = _NO_MEMO
            else:
                try:
                    known = memo.get(key)
                except TypeError:  # a property value that cannot be a key
                    known = _NO_MEMO
            if known is _NO_MEMO:  # break the line WeasyPrint's way
                return mark_unwrapped(stock(text, style, context, max_width, justification_spacing, is_line_start,
                                            minimum))
            if known is not None:
                state, *numbers = known
                layout = layout_class.__new__(layout_class)
                layout.__dict__.update(state)
                if "style" in state:
                    layout.style = style
                _STATS["hits"] += 1
                return (layout, *numbers)
            result = mark_unwrapped(stock(text, style, context, max_width, justification_spacing, is_line_start,
                                          minimum))
            _STATS["misses"] += 1
            state = dict(result[0].__dict__)
            if "style" in state:
                state["style"] = None  # the document's style is set on each copy; the memo keeps no document
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[key] = (state, *result[1:])
            return result

        split_first_line.stock = stock  # type: ignore[attr-defined]
        _STOCK.append(stock)
        inline.split_first_line = split_first_line
        return True


def _remembered(memo: dict[Any, Any], key: Any, stock: Any, style: Any) -> Any:
    """``stock(style)``, remembered in ``memo`` under ``key()`` (at most :data:`MEMO_SIZE` entries, forgotten all
    at once); WeasyPrint's own answer when a value of the key cannot be hashed."""
    try:
        made = key()
        known = memo.get(made)
    except TypeError:
        return stock(style)
    if known is None:
        known = stock(style)
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[made] = known
    return known


# the style properties of WeasyPrint's strut cache key (_font_style_cache_key), besides size and line height
STRUT_KEYS = (
    "font_family", "font_style", "font_stretch", "font_weight", "font_variant_ligatures", "font_variant_position",
    "font_variant_caps", "font_variant_numeric", "font_variant_alternates", "font_variant_east_asian",
    "font_feature_settings", "font_variation_settings", "font_language_override", "lang")


def install_strut_memo() -> bool:
    """Look WeasyPrint's ``strut`` (a line's height and baseline for a style, asked twice per line) up by a tuple
    of the values its own cache turns into a string on every call; False if WeasyPrint's function moved."""
    import sys

    from weasyprint.text import line_break

    with _LOCK:
        if "strut" in _STRUTS:
            return True
        stock = getattr(line_break, "strut", None)
        if stock is None or getattr(line_break, "_font_style_cache_key", None) is None:
            return False
        memo: dict[tuple[Any, ...], Any] = {}
        strut_values = operator.itemgetter(*STRUT_KEYS)  # one C call for the 14 values (a tuple)

        def strut(style: Any) -> Any:
            size, height = style["font_size"], style["line_height"]
            return _remembered(memo, lambda: (
                id(style.font_config), size.__class__, size, getattr(size, "value", None).__class__,
                height.__class__, height, getattr(height, "value", None).__class__, strut_values(style)), stock, style)

        strut.stock = stock  # type: ignore[attr-defined]
        modules = [module for name, module in list(sys.modules.items())
                   if name.startswith("weasyprint") and getattr(module, "strut", None) is stock]
        for module in modules:
            module.strut = strut
        _STRUTS.update(strut=strut, stock=stock, modules=modules)
        return True


def uninstall_strut_memo() -> None:
    with _LOCK:
        if "strut" in _STRUTS:
            for module in _STRUTS.pop("modules"):
                module.strut = _STRUTS["stock"]
            _STRUTS.clear()


def uninstall_line_memo() -> None:
    """WeasyPrint's own line breaking again, and the memo forgotten (tests compare both)."""
    from weasyprint.layout import inline

    with _LOCK:
        if _STOCK:
            inline.split_first_line = _STOCK.pop()
        _memo().clear()


# the style properties WeasyPrint's get_font_description (text/fonts.py) reads
FONT_DESCRIPTION_KEYS = ("font_family", "font_style", "font_stretch", "font_weight", "font_size", "font_variant_caps",
                         "font_variation_settings")
_DESCRIPTIONS: dict[str, Any] = {}


def install_font_description_memo() -> bool:
    """Make each Pango font description once per thread and set of values (once per process); False if
    WeasyPrint's ``Layout.setup`` no longer gets its description from ``get_font_description``."""
    from weasyprint.text import fonts, line_break

    with _LOCK:
        if _DESCRIPTIONS:
            return True
        stock = getattr(line_break, "get_font_description", None)
        if stock is None or stock is not getattr(fonts, "get_font_description", None):
            return False
        values = operator.itemgetter(*FONT_DESCRIPTION_KEYS)
        local = threading.local()

        def get_font_description(style: Any) -> Any:
            memo = getattr(local, "memo", None)
            if memo is None:
                memo = local.memo = {}
            return _remembered(memo, lambda: values(style), stock, style)

        get_font_description.stock = stock  # type: ignore[attr-defined]
        line_break.get_font_description = get_font_description
        _DESCRIPTIONS.update(stock=stock)
        return True


def uninstall_font_description_memo() -> None:
    from weasyprint.text import line_break

    with _LOCK:
        if _DESCRIPTIONS:
            line_break.get_font_description = _DESCRIPTIONS.pop("stock")
