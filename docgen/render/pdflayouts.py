"""WeasyPrint's Pango layouts kept from line breaking to drawing, instead of being made twice.

WeasyPrint (70) breaks each line of text with a Pango layout, then drops it (``Layout.deactivate``) to save
memory, and at drawing time builds a new one with the same style and the line's text (``Layout.reactivate``:
a new Pango context, font description, attributes and shaping, for every line of every page: ~20 % of drawing
a report). The line's layout already holds exactly that text and style, so :func:`install_kept_layouts`
keeps it for drawing. A layout is rebuilt WeasyPrint's way whenever it is not that same state: the box's style is
another object, or the line is justified at spaces (the drawn layout then has the justification's word spacing,
which line breaking did not apply).

The layout is not freed after drawing either: it goes when its ``Layout`` object goes, with the document's boxes.
Every line's layout is alive when drawing starts anyway. A line drawn again keeps its layout too: the page numbers,
whose boxes render/pdfmargins.py copies from page to page, share one ``Layout``. Freed after their first drawing,
they were set up and laid out anew on every page (~50 µs a page).

A kept layout is drawn without a width, as a new one would be. Removing the width of a line that fitted (the last
line of a paragraph, most table cells) made Pango lay it out again (~25–40 µs a line). :func:`mark_unwrapped` marks
the layouts whose one line is the same at any width, and ``reactivate`` leaves their width. In Pango (1.50) the
width changes a line that is not wrapped only through ``process_item``:
- with a width, an item that fits is shaped again by the same ``shape_run``, which gives the same glyphs;
- an item that does not fit is looked at for a break, and Pango may flag it to end in a hyphen and shape it again
  (``PANGO_ANALYSIS_FLAG_NEED_HYPHEN``);
- tabs are shaped from the line's width.

So a layout qualifies when all of these hold:
- it has one line;
- no run of that line has the hyphen flag;
- its text has no tab;
- its text has no paragraph or line separator (drawing sets the single-paragraph mode for those: pdfdraw.py).

tests/test_pdf_speed.py checks that WeasyPrint still has the two methods, that drawing reuses the layout and lays
no marked line out again, and that the PDFs of every form of every sample are the same bytes with and without
this.
"""

from __future__ import annotations

import re
import threading
from typing import Any

_LOCK = threading.Lock()
_STOCK: dict[str, Any] = {}
_ANY_WIDTH = "_docgen_any_width"  # set on a Layout (see mark_unwrapped)
_NOT_PLAIN = re.compile("[\t\n\r\x1c-\x1e\x85\u2028\u2029]")  # tabs, and pdfdraw's paragraph separators
_NEED_HYPHEN = 1 << 2  # PANGO_ANALYSIS_FLAG_NEED_HYPHEN (pango-item.h)
# Pango's (1.50) layout line, run list and item, as far as mark_unwrapped reads them: WeasyPrint's declaration
# has the analysis' 8-bit fields as whole ints, so its flags are read through these
_LINE_DECLARATION = """
typedef struct {
    void *shape_engine; void *lang_engine; void *font;
    uint8_t level; uint8_t gravity; uint8_t flags; uint8_t script;
    void *language; void *extra_attrs;
} DocgenPangoAnalysis;
typedef struct { int offset; int length; int num_chars; DocgenPangoAnalysis analysis; } DocgenPangoItem;
typedef struct { DocgenPangoItem *item; void *glyphs; } DocgenPangoGlyphItem;
typedef struct DocgenGSList { DocgenPangoGlyphItem *data; struct DocgenGSList *next; } DocgenGSList;
typedef struct { void *layout; int start_index; int length; DocgenGSList *runs; } DocgenPangoLayoutLine;
"""
_LINES: list[Any] = []  # (get a layout's line, WeasyPrint's NULL, that line as a DocgenPangoLayoutLine *): made once


def install_kept_layouts() -> bool:
    """Keep each line's Pango layout for drawing (once per process); False if WeasyPrint's hooks have moved."""
    from weasyprint.text import line_break

    layout_class = getattr(line_break, "Layout", None)
    with _LOCK:
        if _STOCK:
            return True
        stock_deactivate = getattr(layout_class, "deactivate", None)
        stock_reactivate = getattr(layout_class, "reactivate", None)
        if stock_deactivate is None or stock_reactivate is None:
            return False
        from weasyprint.text.ffi import pango

        def deactivate(self: Any) -> None:
            """After line breaking and after drawing: keep the layout (it goes with the Layout object)."""
            self._docgen_drawing = False

        def reactivate(self: Any, style: Any) -> None:
            """Before drawing: the kept layout when it is the one WeasyPrint would make, else a new one."""
            self._docgen_drawing = True
            if getattr(self, "layout", None) is not None and self.style is style and not self.justification_spacing:
                if not getattr(self, _ANY_WIDTH, False):  # see mark_unwrapped
                    pango.pango_layout_set_width(self.layout, -1)  # drawn unconstrained, as a new layout would be
                return
            if getattr(self, "layout", None) is not None:
                stock_deactivate(self)
            stock_reactivate(self, style)

        _STOCK.update(deactivate=stock_deactivate, reactivate=stock_reactivate)
        layout_class.deactivate = deactivate
        layout_class.reactivate = reactivate
        return True


def uninstall_kept_layouts() -> None:
    """WeasyPrint's own methods again (tests compare both)."""
    from weasyprint.text import line_break

    with _LOCK:
        if _STOCK:
            line_break.Layout.deactivate = _STOCK.pop("deactivate")
            line_break.Layout.reactivate = _STOCK.pop("reactivate")


def _lines() -> Any:
    if not _LINES:
        import cffi
        from weasyprint.text.ffi import ffi, pango

        own = cffi.FFI()
        own.cdef(_LINE_DECLARATION)
        address, line_type = ffi.typeof("uintptr_t"), own.typeof("DocgenPangoLayoutLine *")

        def own_line(line: Any) -> Any:
            return own.cast(line_type, int(ffi.cast(address, line)))

        _LINES.append((pango.pango_layout_get_line_readonly, ffi.NULL, own_line))
    return _LINES[0]


def mark_unwrapped(result: tuple[Any, ...]) -> tuple[Any, ...]:
    """``split_first_line``'s result, its layout marked to be drawn at the width it has when its line is the same at
    any width (see the module's docstring): a line that fitted keeps the layout Pango made for it."""
    if result[2] is not None:
        return result  # a line followed by another has no width any more (WeasyPrint's first_line_metrics)
    layout = result[0]
    pango_layout = getattr(layout, "layout", None)
    if pango_layout is None or "deactivate" not in _STOCK or _NOT_PLAIN.search(layout.text):
        return result
    get_line, null, own_line = _LINES[0] if _LINES else _lines()
    if get_line(pango_layout, 1) != null:
        return result
    run = own_line(get_line(pango_layout, 0)).runs
    while run:
        if run.data.item.analysis.flags & _NEED_HYPHEN:
            return result
        run = run.next
    setattr(layout, _ANY_WIDTH, True)
    return result
