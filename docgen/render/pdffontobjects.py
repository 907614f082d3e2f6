"""WeasyPrint's ``Font`` objects made from what was read for the same Pango font before in the process.

Every PDF makes a ``weasyprint.pdf.fonts.Font`` for each Pango font it draws with (a report: 6), and each one
asks Pango and HarfBuzz the same questions again: metrics, table tags, colour tables, glyph count, the
description hashed with MD5 (~100 µs a font, ~0.6 ms a report). :func:`install_font_objects` remembers the
attributes ``Font.__init__`` set for a Pango font (keyed by its address, with a GObject reference held on the
font so the address can never be another font's) and gives a new ``Font`` a copy of them, with its own empty
widths, Unicode map, missing glyphs and variations, which is all WeasyPrint and docgen change on a ``Font``
later (``Font.clean`` replaces ``file_content`` with the subset: the original is what is copied). The PDFs are
the same bytes (tests/test_pdf_speed.py).
"""

from __future__ import annotations

import threading
from typing import Any

from .pdfdraw import gobject_refs

_LOCK = threading.Lock()
_STOCK: list[Any] = []
_KEPT = 256  # Pango fonts remembered per process
# (Pango font address, size) → (the attributes Font.__init__ set, the reference held on the Pango font)
_KNOWN: dict[tuple[int, Any], tuple[dict[str, Any], Any]] = {}
_PER_FONT = ("widths", "to_unicode", "missing")  # filled while drawing: each Font gets its own
_SAFE = {"widths", "to_unicode", "missing", "variations", "used_in_forms", "file_content", "hb_font", "hb_face",
         "index", "font_size", "style", "family", "weight", "hash", "name", "ascent", "descent", "tables",
         "bitmap", "italic_angle", "upem", "png", "svg", "colr", "glyph_count", "stemv", "stemh", "flags"}


def _make_init(stock: Any) -> Any:
    from weasyprint.text.ffi import ffi

    def __init__(self: Any, pango_font: Any, description: Any, font_size: Any) -> None:
        address = int(ffi.cast("uintptr_t", pango_font))
        known = _KNOWN.get((address, font_size))
        if known is not None:
            attributes = known[0]
            self.__dict__.update(attributes)
            self.widths, self.to_unicode, self.missing = {}, {}, {}
            self.variations = dict(attributes["variations"])
            return
        stock(self, pango_font, description, font_size)
        refs = gobject_refs()
        if refs is None or set(self.__dict__) != _SAFE or self.widths or self.to_unicode or self.missing:
            return  # a Font with other attributes than this module knows: not remembered
        with _LOCK:
            if len(_KNOWN) >= _KEPT or (address, font_size) in _KNOWN:
                return
            own, ref, unref = refs
            attributes = {name: value for name, value in self.__dict__.items() if name not in _PER_FONT}
            _KNOWN[(address, font_size)] = (attributes, own.gc(ref(own.cast("void *", address)), unref))

    __init__.stock = stock  # type: ignore[attr-defined]
    return __init__


def install_font_objects() -> bool:
    """Make WeasyPrint's ``Font`` objects from remembered attributes (once per process); False, and nothing
    patched, without GObject references."""
    from weasyprint.pdf.fonts import Font

    with _LOCK:
        if _STOCK:
            return True
        if gobject_refs() is None:
            return False
        _STOCK.append(Font.__init__)
        Font.__init__ = _make_init(_STOCK[0])
        return True


def uninstall_font_objects() -> None:
    """WeasyPrint's own ``Font.__init__`` again (tests compare both)."""
    from weasyprint.pdf.fonts import Font

    with _LOCK:
        if _STOCK:
            Font.__init__ = _STOCK.pop()
            _KNOWN.clear()
