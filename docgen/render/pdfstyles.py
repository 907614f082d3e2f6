"""WeasyPrint's computed style values remembered across the documents of a process.

WeasyPrint (70) computes each property of each element's style lazily, the first time layout asks for it
(``ComputedStyle.__missing__``, ``AnonymousStyle.__missing__``: the cascaded value, inheritance, units, a few µs a
property, ~2,000-2,700 of them per 附件1 PDF or report: 3-7 ms). For an element whose own tag and attributes and
whose ancestors' are the same as in an earlier document (the cascade memo's chain, render/pdfcascade.py, and its
own ``style`` attribute), styled by the same stylesheets whose selectors depend only on the element and its
ancestors, and whose parent's style is a remembered one, the cascade and the parent's values are the same, so
every computed value is the same: :func:`install_style_memo` records each
value when WeasyPrint computes it (before layout changes any) and fills a new style of the same chain with the
values known so far when it is created; what was never asked for is still computed lazily. A page's style and
its margin boxes' are named by the page type and the root's style, the style of the anonymous boxes inside a
box (``anonymous_style``: the lines and text of every cell and paragraph) by the style it is made from. Values
that are lists or dicts (custom properties) are not shared; copies of a style (``copy()``, which WeasyPrint
then changes) are computed as usual. The memo is per thread and bounded.

tests/test_pdf_speed.py checks that WeasyPrint still has the hooks this wraps and that the PDFs of every
form are the same bytes with and without it.
"""

from __future__ import annotations

import functools
import itertools
import threading
from typing import Any

MEMO_SIZE = 2000  # styles per thread (a dict of computed values each)
_MUTABLE = (list, dict, set, bytearray)
_SPECIFIED = frozenset(("position", "float", "display"))  # __missing__ keeps their specified values too

_LOCK = threading.Lock()
_LOCAL = threading.local()
_STOCK: dict[str, Any] = {}
_NUMBERS = itertools.count(1)
_STATS = {"filled": 0, "new": 0}


def _state() -> Any:
    local = _LOCAL
    if not hasattr(local, "memo"):
        local.memo = {}  # style number -> (values, specified values)
        local.keys = {}  # what a style is made of -> number
        local.pending = None
    return local


def _key(style_for: Any, element: Any, parent: Any, pseudo_type: Any, base_url: Any, local: Any) -> int | None:
    """A number naming what an element's (or a page's) computed style is made of, or None: compute it as usual.

    An element's style is made of its cascaded values — given by its chain (render/pdfcascade.py: its own and its
    ancestors' tags and attributes but ``style``) and its own ``style`` attribute, as every selector is local —
    and of its parent's computed style, named the same way; a page's of its page type and the root's style."""
    chains = style_for.__dict__.get("_docgen_chains")  # the cascade memo's chains: only for local selectors
    if not chains:
        return None
    if parent is None:
        parent_key = 0
    else:
        parent_style = style_for._computed_styles.get((parent, None))
        parent_key = None if parent_style is None else parent_style.__dict__.get("_docgen_key")
        if parent_key is None:
            return None
    attrib = getattr(element, "attrib", None)
    if attrib is not None:
        chain = chains.get(element)
        if chain is None:
            return None
        made_of = (chain, attrib.get("style"))
    elif type(element).__name__ == "PageType":
        made_of = ("page", repr(element))
    else:
        return None
    sheets = style_for.__dict__.get("_docgen_sheets")
    if sheets is None:
        sheets = style_for._docgen_sheets = tuple(id(sheet) for sheet, _, _ in style_for._sheets)
    return _number(local, (sheets, base_url, made_of, parent_key, pseudo_type))


def _number(local: Any, key: tuple[Any, ...]) -> int:
    number = local.keys.get(key)
    if number is None:
        if len(local.keys) >= MEMO_SIZE * 4:  # numbers are never reused: what was named before names nothing
            local.keys.clear()
            local.memo.clear()
        number = local.keys[key] = next(_NUMBERS)
    return number


def _log_computed(style: Any, key: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Note the value just computed for ``key`` in the log of a remembered style (an immutable one only);
    the log, or None when the style is not remembered."""
    log = style.__dict__.get("_docgen_log")
    if log is not None:
        stored = dict.get(style, key, _ABSENT)
        if stored is not _ABSENT and not isinstance(stored, _MUTABLE):
            log[0][key] = stored
    return log


def install_style_memo() -> bool:
    """Fill computed styles from earlier documents (once per process); False if WeasyPrint's hooks moved."""
    from weasyprint import css

    with _LOCK:
        if _STOCK:
            return True
        style_for = getattr(css, "StyleFor", None)
        computed = getattr(css, "ComputedStyle", None)
        stock_set = getattr(style_for, "set_computed_styles", None)
        stock_init = getattr(computed, "__init__", None)
        stock_missing = getattr(computed, "__missing__", None)
        anonymous = getattr(css, "AnonymousStyle", None)
        stock_anonymous = getattr(getattr(css, "Style", None), "__dict__", {}).get("anonymous_style")
        stock_anonymous_missing = getattr(anonymous, "__missing__", None)
        if (stock_set is None or stock_init is None or stock_missing is None or stock_anonymous_missing is None
                or not isinstance(stock_anonymous, functools.cached_property)):
            return False

        def set_computed_styles(self: Any, element: Any, parent: Any, root: Any = None, pseudo_type: Any = None,
                                base_url: Any = None, target_collector: Any = None) -> None:
            local = _state()
            local.pending = _key(self, element, parent, pseudo_type, base_url, local)
            try:
                stock_set(self, element, parent, root=root, pseudo_type=pseudo_type, base_url=base_url,
                          target_collector=target_collector)
            finally:
                local.pending = None

        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            stock_init(self, *args, **kwargs)
            local = _LOCAL
            key = getattr(local, "pending", None)
            if key is None:
                return
            local.pending = None  # the element's own style, not another made while computing it
            self._docgen_key = key
            memo = local.memo
            known = memo.get(key)
            if known is None:
                if len(memo) >= MEMO_SIZE:
                    memo.clear()
                known = memo[key] = ({}, {})
                _STATS["new"] += 1
            else:
                values, specified = known
                self.update(values)
                self.specified.update(specified)
                _STATS["filled"] += 1
            self._docgen_log = known

        def __missing__(self: Any, key: str) -> Any:
            value = stock_missing(self, key)
            log = _log_computed(self, key)
            if log is not None:
                for name in _SPECIFIED:
                    if name in self.specified and not isinstance(self.specified[name], _MUTABLE):
                        log[1][name] = self.specified[name]
            return value

        def anonymous_style(self: Any) -> Any:
            """The style of the anonymous boxes inside a box of this style (WeasyPrint's ``anonymous_style``),
            filled from an earlier document's when this style is a remembered one."""
            style = anonymous(self)
            key = self.__dict__.get("_docgen_key")
            if key is not None:
                local = _state()
                number = _number(local, (key, "anonymous"))
                known = local.memo.get(number)
                if known is None:
                    known = local.memo[number] = ({}, {})
                else:
                    style.update(known[0])
                style._docgen_key = number
                style._docgen_log = known
            return style

        def anonymous_missing(self: Any, key: str) -> Any:
            value = stock_anonymous_missing(self, key)
            _log_computed(self, key)
            return value

        cached = functools.cached_property(anonymous_style)
        cached.__set_name__(css.Style, "anonymous_style")
        _STOCK.update(set=stock_set, init=stock_init, missing=stock_missing, anonymous=stock_anonymous,
                      anonymous_missing=stock_anonymous_missing)
        style_for.set_computed_styles = set_computed_styles
        computed.__init__ = __init__
        computed.__missing__ = __missing__
        css.Style.anonymous_style = cached
        anonymous.__missing__ = anonymous_missing
        return True


_ABSENT = object()


def uninstall_style_memo() -> None:
    """WeasyPrint's own computed styles again, and the memo forgotten (tests compare both)."""
    from weasyprint import css

    with _LOCK:
        if _STOCK:
            css.StyleFor.set_computed_styles = _STOCK.pop("set")
            css.ComputedStyle.__init__ = _STOCK.pop("init")
            css.ComputedStyle.__missing__ = _STOCK.pop("missing")
            css.Style.anonymous_style = _STOCK.pop("anonymous")
            css.AnonymousStyle.__missing__ = _STOCK.pop("anonymous_missing")
        local = _state()
        local.memo.clear()
        local.keys.clear()
