"""WeasyPrint's cascade, remembered per kind of element across the documents of a process.

For every element of every document WeasyPrint (70) matches the selectors of each stylesheet and sorts the
matched declarations by weight (``StyleFor.__init__``): ~12 % of a 附件1 PDF, whose ~300 table cells are a
handful of kinds (``td``, ``td.l`` … under the same ancestors). When every selector of every stylesheet
depends only on an element's own tag and attributes and on its ancestors' (no sibling combinators, no
pseudo-classes — :func:`selectors_are_local` checks our stylesheets' sources), what the cascade gives an
element is a function of that chain, so :func:`install_cascade_memo` remembers it per chain (as long as the
stylesheet objects live: they are parsed once per process) and copies it for the next element of that kind.
Elements with a ``style`` attribute, and documents with any other stylesheet, are cascaded as before.

The chains of a document's elements are kept on its ``StyleFor`` (``_docgen_chains``): render/pdfstyles.py names
computed styles by them.

The memo is added to WeasyPrint's own ``StyleFor.__init__`` source at two exact places; when the source no
longer has them (another WeasyPrint), nothing is changed and tests/test_pdf_speed.py fails, so that this is
looked at again. The same test renders PDFs with and without it and compares the bytes.
"""

from __future__ import annotations

import inspect
import itertools
import re
import textwrap
import threading
from typing import Any

_LOCK = threading.Lock()
_SAFE_SHEETS: set[int] = set()  # id() of stylesheet objects whose selectors are local (kept alive by their owners)
_KEPT: list[Any] = []  # …and the objects themselves, so that an id is never reused
_MEMO: dict[tuple[Any, ...], tuple[tuple[Any, ...], list[tuple[Any, dict[str, Any]]]]] = {}
_CHAINS: dict[tuple[Any, ...], int] = {}
_NUMBERS = itertools.count(1)
_MEMO_SIZE = 20_000
_STOCK: list[Any] = []

_LOCAL_SELECTOR = re.compile(r"(?:[a-zA-Z0-9_*-]*(?:[.#][a-zA-Z0-9_-]+)*(?:::(?:before|after|marker))?|>)")

# the two places of StyleFor.__init__ the memo goes in (WeasyPrint 70)
_BEFORE_SHEETS = """            selectors_keys = []
            for sheet, origin, sheet_specificity in sheets:
"""
_AFTER_SHEETS = """            # Store computed styles.
            key = (parent_id, element_declarations, tuple(selectors_keys))
"""
_PSEUDO_LINE = "                    specificity, order, pseudo_type, (declarations, layer) = selector\n"
_DECLARATIONS_LINE = "            elements_declarations[element] = tuple(declarations)\n"


def selectors_are_local(css: str) -> bool:
    """Whether every selector of ``css`` depends only on an element and its ancestors (tags, classes, ids,
    descendant and child combinators, ::before/::after/::marker); at-rules (``@page``) are not element rules."""
    import tinycss2

    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        for selector in tinycss2.serialize(rule.prelude).split(","):
            parts = selector.replace(">", " > ").split()
            if not parts or not all(_LOCAL_SELECTOR.fullmatch(part) for part in parts):
                return False
    return True


def mark_local(sheet: Any, source: str) -> None:
    """Let the memo work for documents styled by ``sheet`` (a weasyprint.CSS parsed from ``source``)."""
    if selectors_are_local(source):
        with _LOCK:
            _SAFE_SHEETS.add(id(sheet))
            _KEPT.append(sheet)


def _chain(etree_element: Any, parent_chain: int | None) -> int:
    """A small number naming an element's tag and attributes and its ancestors' (``style`` aside)."""
    attributes = tuple(sorted(item for item in etree_element.attrib.items() if item[0] != "style"))
    key = (etree_element.tag, attributes, parent_chain)
    chain = _CHAINS.get(key)
    if chain is None:
        with _LOCK:
            if len(_CHAINS) > _MEMO_SIZE:  # numbers are never reused, so a chain made before still names nothing
                _CHAINS.clear()
                _MEMO.clear()
            chain = _CHAINS.setdefault(key, next(_NUMBERS))
    return chain


def memo_key(element: Any, etree_element: Any, parent: Any, chains: dict[Any, int], sheets: Any,
             cascaded_styles: dict[Any, Any], safe: bool) -> tuple[Any, ...] | None:
    """The memo's key for an element (None: cascade it WeasyPrint's way); records its chain in ``chains``."""
    if not safe:
        return None
    chain = _chain(etree_element, chains.get(parent) if parent is not None else 0)
    chains[etree_element] = chain
    if (etree_element, None) in cascaded_styles:  # a style attribute: weights to merge with
        return None
    return (tuple(sheet for sheet, _, _ in sheets), chain)


def sheets_are_safe(sheets: Any) -> bool:
    return all(id(sheet) in _SAFE_SHEETS for sheet, _, _ in sheets)


def remember(key: tuple[Any, ...] | None, etree_element: Any, selectors_keys: list[Any], pseudos: set[Any],
             cascaded_styles: dict[Any, Any]) -> None:
    if key is None:
        return
    styles = [(pseudo, dict(cascaded_styles[etree_element, pseudo]))
              for pseudo in sorted(pseudos, key=lambda p: (p is not None, p or ""))
              if (etree_element, pseudo) in cascaded_styles]
    with _LOCK:
        _MEMO[key] = (tuple(selectors_keys), styles)


def recall(key: tuple[Any, ...] | None, etree_element: Any, cascaded_styles: dict[Any, Any]) -> list[Any] | None:
    """The remembered selectors keys of an element's kind, its cascaded styles set; None if not remembered."""
    if key is None:
        return None
    known = _MEMO.get(key)
    if known is None:
        return None
    selectors_keys, styles = known
    for pseudo, style in styles:
        cascaded_styles[etree_element, pseudo] = dict(style)
    return list(selectors_keys)


def _patched_source(source: str) -> str | None:
    """The source of ``StyleFor.__init__`` as WeasyPrint's file has it (indented in its class) with the memo."""
    if (source.count(_BEFORE_SHEETS) != 1 or source.count(_AFTER_SHEETS) != 1 or source.count(_PSEUDO_LINE) != 1
            or source.count(_DECLARATIONS_LINE) != 1 or source.count("        computed_cache = {}\n") != 1):
        return None
    # style attributes named by their text, not by their parsed tokens (new objects for every element): two
    # <col style="width: 1.10cm"> under the same parent then share one computed style, as other elements do
    source = source.replace(_DECLARATIONS_LINE, (
        "            elements_declarations[element] = elements_declarations.get(element, ()) + (\n"
        "                specificity, base_url, tinycss2.serialize(declarations))\n"))
    source = source.replace("        computed_cache = {}\n", "        computed_cache = {}\n"
                            "        _docgen_chains = self._docgen_chains = {}\n"
                            "        _docgen_safe = _docgen_cascade.sheets_are_safe(sheets)\n")
    source = source.replace(_BEFORE_SHEETS, (
        "            _docgen_key = _docgen_cascade.memo_key(element, etree_element, parent, _docgen_chains, sheets,\n"
        "                                                   cascaded_styles, _docgen_safe)\n"
        "            _docgen_known = _docgen_cascade.recall(_docgen_key, etree_element, cascaded_styles)\n"
        "            _docgen_pseudos = set()\n"
        "            selectors_keys = [] if _docgen_known is None else _docgen_known\n"
        "            for sheet, origin, sheet_specificity in (sheets if _docgen_known is None else ()):\n"))
    source = source.replace(_PSEUDO_LINE, _PSEUDO_LINE + "                    _docgen_pseudos.add(pseudo_type)\n")
    source = source.replace(_AFTER_SHEETS, (
        "            if _docgen_known is None:\n"
        "                _docgen_cascade.remember(_docgen_key, etree_element, selectors_keys, _docgen_pseudos,\n"
        "                                         cascaded_styles)\n") + _AFTER_SHEETS)
    return source


def install_cascade_memo() -> bool:
    """Add the memo to ``weasyprint.css.StyleFor.__init__`` (once per process); False if its source has moved."""
    import sys

    from weasyprint import css

    with _LOCK:
        if _STOCK:
            return True
        stock = css.StyleFor.__init__
        try:
            source = inspect.getsource(stock)
        except (OSError, TypeError):
            return False
        patched = _patched_source(source)
        if patched is None:
            return False
        patched = textwrap.dedent(patched)
        css._docgen_cascade = sys.modules[__name__]  # the patched source's globals are the module's own
        defined: dict[str, Any] = {}
        exec(compile(patched, inspect.getsourcefile(stock) or "<StyleFor>", "exec"), vars(css), defined)
        _STOCK.append(stock)
        css.StyleFor.__init__ = defined["__init__"]
        return True


def uninstall_cascade_memo() -> None:
    """WeasyPrint's own cascade again (tests compare both)."""
    from weasyprint import css

    with _LOCK:
        if _STOCK:
            css.StyleFor.__init__ = _STOCK.pop()
