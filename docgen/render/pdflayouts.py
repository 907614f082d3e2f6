"""WeasyPrint's Pango layouts kept from line breaking to drawing, instead of being made twice.

WeasyPrint (70) breaks each line of text with a Pango layout, then drops it (``Layout.deactivate``) to save
memory, and at drawing time builds a new one with the same style and the line's text (``Layout.reactivate``:
a new Pango context, font description, attributes and shaping, for every line of every page: ~20 % of drawing
a report). The line's layout already holds exactly that text and style, so :func:`install_kept_layouts`
keeps it until the line is drawn and frees it then. A layout is rebuilt WeasyPrint's way whenever it is not
that same state: it was freed, the box's style is another object, or the line is justified at spaces (the
drawn layout then has the justification's word spacing, which line breaking did not apply).

tests/test_pdf_speed.py checks that WeasyPrint still has the two methods, that drawing reuses the layout, and
that the PDFs of every form of every sample are the same bytes with and without this.
"""

from __future__ import annotations

import threading
from typing import Any

_LOCK = threading.Lock()
_STOCK: dict[str, Any] = {}


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
            """After line breaking: keep the layout; after drawing (see reactivate): free it as WeasyPrint does."""
            if getattr(self, "_docgen_drawing", False):
                self._docgen_drawing = False
                stock_deactivate(self)

        def reactivate(self: Any, style: Any) -> None:
            """Before drawing: the kept layout when it is the one WeasyPrint would make, else a new one."""
            self._docgen_drawing = True
            if getattr(self, "layout", None) is not None and self.style is style and not self.justification_spacing:
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
