"""WeasyPrint's page-margin boxes (the reports' page numbers) remembered across the documents of a process.

For every page WeasyPrint (70) builds and lays out all sixteen margin boxes of the page (``make_margin_boxes``:
their styles, percentages, the generated content, the line of text: ~1 ms a page, ~5 ms a report), although for
the reports they are the same on page 3 of every report: "— 3 —" at the same place. What they are is a function
of the page's type (side, blank, name, index, groups), the values of the counters the margin boxes show and the
quote depth, the page box's geometry, the root element's own tag and attributes (the page inherits from it) and
the stylesheets — as long as no margin box takes content from the document itself (``string()``, ``element()``,
``attr()``, ``target-*``, ``url()``…) or sets a counter: :func:`margin_counters` checks a stylesheet's source for
that and names the counters shown, and :func:`mark_plain` lets the memo work for documents styled only by sheets
that passed.

:func:`install_margin_memo` then keeps a pristine copy of the laid-out margin boxes per such key and gives every
later page of that key a copy of them (``deepcopy``: new boxes, the same styles and text). The memo is per thread
and bounded. tests/test_pdf_speed.py checks that WeasyPrint still calls the function this wraps and that the PDFs
are the same bytes with and without it.
"""

from __future__ import annotations

import threading
from typing import Any

MEMO_SIZE = 2000  # pages per thread (a few KB each)
_PLAIN_FUNCTIONS = frozenset(("counter", "counters"))
_COUNTER_PROPERTIES = frozenset(("counter-reset", "counter-increment", "counter-set"))
_GEOMETRY = tuple(f"{part}_{side}" for part in ("margin", "padding") for side in ("top", "right", "bottom", "left")) + \
    tuple(f"border_{side}_width" for side in ("top", "right", "bottom", "left")) + ("width", "height")

_LOCK = threading.Lock()
_LOCAL = threading.local()
_PLAIN_SHEETS: set[int] = set()
_COUNTERS: set[str] = set()  # the counters the marked sheets' margin boxes show
_KEPT: list[Any] = []  # the marked sheets, alive so that their ids are never reused
_STOCK: list[Any] = []
_STATS = {"hits": 0, "misses": 0}


def margin_content_is_plain(css: str) -> bool:
    """Whether every ``content`` of ``css``'s page-margin boxes is strings and counters only (and no margin box
    sets a counter)."""
    return margin_counters(css) is not None


def margin_counters(css: str) -> frozenset[str] | None:
    """The counters the page-margin boxes (``@top-left`` … ``@bottom-right-corner``) of ``css`` show, or None when
    one shows anything but strings and counters, or sets a counter."""
    import tinycss2

    counters: set[str] = set()

    def plain(rules: Any, margin_box: bool) -> bool:
        for rule in rules:
            if rule.type == "at-rule" and rule.content is not None:
                # the sixteen margin boxes; @footnote and @note-area are not made by make_margin_boxes
                inner = rule.lower_at_keyword.split("-")[0] in ("top", "bottom", "left", "right")
                if inner and not plain(tinycss2.parse_blocks_contents(rule.content), True):
                    return False
            elif margin_box and rule.type == "declaration" and rule.lower_name in _COUNTER_PROPERTIES:
                return False
            elif margin_box and rule.type == "declaration" and rule.lower_name == "content":
                for token in rule.value:
                    if token.type == "function" and token.lower_name not in _PLAIN_FUNCTIONS:
                        return False
                    if token.type not in ("whitespace", "string", "function", "comment"):
                        return False
                    if token.type == "function":
                        names = [arg.value for arg in token.arguments if arg.type == "ident"]
                        if not names:
                            return False
                        counters.add(names[0])
        return True

    pages = [rule for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
             if rule.type == "at-rule" and rule.lower_at_keyword == "page" and rule.content is not None]
    if not all(plain(tinycss2.parse_blocks_contents(rule.content), False) for rule in pages):
        return None
    return frozenset(counters)


def mark_plain(sheet: Any, source: str) -> None:
    """Let the memo work for documents styled by ``sheet`` (a weasyprint.CSS parsed from ``source``)."""
    counters = margin_counters(source)
    if counters is not None:
        with _LOCK:
            _COUNTERS.update(counters)
            _PLAIN_SHEETS.add(id(sheet))
            _KEPT.append(sheet)


def _memo() -> dict[tuple[Any, ...], list[Any]]:
    memo = getattr(_LOCAL, "memo", None)
    if memo is None:
        memo = _LOCAL.memo = {}
    return memo


def _key(context: Any, page: Any, state: Any) -> tuple[Any, ...] | None:
    sheets = getattr(context.style_for, "_sheets", None)
    if not sheets or not all(id(sheet) in _PLAIN_SHEETS for sheet, _, _ in sheets):
        return None
    root = page.children[0].element if page.children else None
    if root is None:
        return None
    attributes = tuple(sorted(root.attrib.items()))
    quote_depth, counter_values = state[0], state[1]
    shown = tuple((name, tuple(counter_values.get(name, ()))) for name in sorted(_COUNTERS))
    return (tuple(id(sheet) for sheet, _, _ in sheets), root.tag, attributes, repr(page.page_type),
            repr(quote_depth), shown, *[getattr(page, name) for name in _GEOMETRY])


def install_margin_memo() -> bool:
    """Remember the margin boxes of each kind of page (once per process); False if WeasyPrint's hook moved."""
    import weasyprint.layout as layout
    from weasyprint.layout import page as page_module

    with _LOCK:
        if _STOCK:
            return True
        stock = getattr(layout, "make_margin_boxes", None)
        if stock is None or stock is not getattr(page_module, "make_margin_boxes", None):
            return False

        def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
            try:
                key = _key(context, page, state)
            except (AttributeError, IndexError, TypeError):
                key = None
            if key is None:
                return stock(context, page, state)
            memo = _memo()
            known = memo.get(key)
            if known is not None:
                _STATS["hits"] += 1
                return [box.deepcopy() for box in known]
            _STATS["misses"] += 1
            made = list(stock(context, page, state))
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[key] = [box.deepcopy() for box in made]  # pristine: the page's own boxes are drawn and changed
            return made

        make_margin_boxes.stock = stock  # type: ignore[attr-defined]
        _STOCK.append(stock)
        layout.make_margin_boxes = make_margin_boxes
        return True


def uninstall_margin_memo() -> None:
    """WeasyPrint's own margin boxes again, and the memo forgotten (tests compare both)."""
    import weasyprint.layout as layout

    with _LOCK:
        if _STOCK:
            layout.make_margin_boxes = _STOCK.pop()
        _memo().clear()
