"""The compiled templates' HTML parsed into the tree WeasyPrint lays out, in C (expat) instead of pure Python.

WeasyPrint parses its HTML with tinyhtml5, an HTML5 tree builder written in Python: ~10 ms for the 6 KB of a
附件1 page, about a tenth of its whole PDF. The HTML docgen renders is generated (docgen/compile, Jinja with
autoescape) and is XML in all but its void elements (``<meta>``, ``<col>``, ``<br>``), so :func:`fast_tree`
closes those and lets expat build the tree, then applies the one HTML5 tree-construction rule the templates
meet: rows written straight into a ``<table>`` get an implied ``<tbody>``. Anything else the HTML5 parser would
treat its own way (an entity expat does not know, a control character, a line break inside a tag, a comment,
raw text elements, a table with text or other elements between its rows …) makes :func:`fast_tree` return
None and the caller parses with tinyhtml5 as before. tests/test_pdf_speed.py compares the two trees for every
form of every sample.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree as ET

_VOID = re.compile(r"<(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b([^<>]*?)/?>")
_DOCTYPE = re.compile(r"\A\s*<!DOCTYPE html>", re.IGNORECASE)
# what the HTML5 parser treats differently from XML: comments, CDATA, processing instructions, raw text
# elements, a line break or tab inside a tag (expat folds it to a space in an attribute), upper-case tags
_NOT_XML_LIKE = re.compile(r"<!--|<!\[|<\?|<(script|style|textarea|pre|listing|plaintext|xmp|iframe|noembed|noframes"
                           r"|noscript|template|svg|math|select|frameset|form|li|dd|dt|option|optgroup|rp|rt|ruby|a|nobr)\b"
                           r"|<[^<>]*[\r\n\t][^<>]*>|</?[A-Za-z]*[A-Z]")
_ROW_PARENTS = frozenset({"tbody", "thead", "tfoot"})
# the elements that end an open <p> in HTML5 (a <p> holding one is not the same tree in XML)
_CLOSE_P = frozenset("address article aside blockquote center details dialog dir div dl fieldset figcaption figure "
                     "footer header hgroup main menu nav ol p section summary ul h1 h2 h3 h4 h5 h6 pre listing form "
                     "plaintext table hr xmp".split())


def fast_tree(html: str) -> ET.Element | None:
    """The ``<html>`` element tinyhtml5 would build from ``html`` (``namespace_html_elements=False``), or None
    when ``html`` holds anything this shortcut does not reproduce exactly."""
    doctype = _DOCTYPE.match(html)
    if doctype is None or _NOT_XML_LIKE.search(html):
        return None
    body = _VOID.sub(r"<\1\2/>", html[doctype.end():])
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    if root.tag != "html" or [child.tag for child in root] != ["head", "body"] or root.text or root[0].tail \
            or (root[1].tail or "").strip():
        return None
    root[1].tail = None  # the HTML5 parser moves text after </body> into the body; there is none but blanks
    for p in root.iter("p"):
        if any(child.tag in _CLOSE_P for child in p.iter() if child is not p):
            return None
    for table in root.iter("table"):
        if not _implied_tbody(table):
            return None
    return root


def _implied_tbody(table: ET.Element) -> bool:
    """Wrap each run of rows written straight into ``table`` in a ``<tbody>`` as the HTML5 parser does; False if
    the table holds anything the shortcut does not handle (text, or elements other than the table's parts)."""
    if (table.text or "").strip():
        return False
    kept: list[ET.Element] = []
    body: ET.Element | None = None
    for child in list(table):
        if (child.tail or "").strip():
            return False
        if child.tag == "tr":
            if body is None:
                body = ET.Element("tbody")
                kept.append(body)
            body.append(child)
        elif child.tag in _ROW_PARENTS or child.tag in ("caption", "colgroup"):
            body = None
            kept.append(child)
        else:
            return False
    table[:] = kept
    return True


_TAG_NAME = re.compile(r"[a-z][a-z0-9]*")


class _Found:
    """What WeasyPrint reads of an element found by :meth:`TagQueryRoot.query_all`: its ElementTree element."""

    __slots__ = ("etree_element",)

    def __init__(self, etree_element: ET.Element) -> None:
        self.etree_element = etree_element


def tag_query_root(root: ET.Element) -> object:
    """cssselect2's wrapper of a :func:`fast_tree` tree, whose ``query_all`` of plain tag names walks the tree in C.

    WeasyPrint asks the whole document for ``title, meta, link`` (its metadata) and ``style, link`` (stylesheets)
    in every render, and cssselect2 compiles those selectors and wraps every element in Python on the way (~1.5 ms
    a document). A type selector matches an element of that name in tree order, root included, which is what
    ``ElementTree.iter`` gives for the fast tree (lower-case names, no namespaces); WeasyPrint reads only the
    ``etree_element`` of what is found. Any other selector is cssselect2's.
    """
    return _tag_query_root_class().from_html_root(root, content_language=None)


@functools.cache
def _tag_query_root_class() -> Any:
    import cssselect2

    class TagQueryRoot(cssselect2.ElementWrapper):  # type: ignore[misc]
        def query_all(self, *selectors: Any) -> Iterator[Any]:
            if self.parent is None and selectors and all(
                    isinstance(s, str) and _TAG_NAME.fullmatch(s) for s in selectors):
                names = frozenset(selectors)
                return (_Found(e) for e in self.etree_element.iter() if e.tag in names)
            return super().query_all(*selectors)

    return TagQueryRoot
