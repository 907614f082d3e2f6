"""WeasyPrint's ``avoid_collisions`` in fewer Python steps when no float is there to avoid.

WeasyPrint (70) places every line box (two or three times while it fills the line: layout/inline.py) and every
block that starts a formatting context through ``avoid_collisions`` (layout/float.py), which finds the floats the
box would collide with and moves the box beside or below them. Most of our forms' and reports' boxes have no float
in their formatting context, so the list of floats is empty and the function only works out the containing
block's bounds. It still reads the box's outer sizes, builds keyword lists and loops over nothing: ~450 calls and
~1.5 ms a report or a 附件1. :func:`avoid_collisions` returns the same numbers from the same expressions, in the
same order, when the list is empty and the text runs left to right. It skips the box's outer sizes, which only the
floats need. In any other case it calls WeasyPrint's function.

It is installed only on the WeasyPrint file it was written from (a digest of layout/float.py). tests/test_pdf_speed.py
compares both functions call by call on every form and fails loudly when a new WeasyPrint is not patched.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from pathlib import Path
from typing import Any

KNOWN_SOURCE = "4e6cc308ad2a7d2a"  # WeasyPrint 70.0: layout/float.py (first 16 hex digits of its SHA-256)
_LOCK = threading.Lock()
_STOCK: dict[str, Any] = {}


def source_digest() -> str:
    from weasyprint.layout import float as floats

    return hashlib.sha256(Path(floats.__file__).read_bytes()).hexdigest()[:16]


def _make_avoid_collisions(stock: Any, boxes: Any) -> Any:
    line_box, replaced_box = boxes.LineBox, boxes.BlockReplacedBox

    def avoid_collisions(context: Any, box: Any, containing_block: Any, outer: bool = True) -> Any:
        """WeasyPrint's ``avoid_collisions`` (layout/float.py) for a left-to-right formatting context without floats."""
        if context.excluded_shapes or containing_block.style["direction"] != "ltr":
            return stock(context, box, containing_block, outer)
        position_y = box.position_y if outer else box.border_box_y()
        if box.is_floated() and box.border_height() == 0:
            return 0, position_y, containing_block.width

        # no float to avoid: the bounds of the containing block
        max_left_bound = containing_block.content_box_x()
        max_right_bound = max_left_bound + containing_block.width
        if not outer:
            max_left_bound += box.margin_left
            max_right_bound -= box.margin_right

        assert (
            isinstance(box, line_box) or
            box.is_floated() or
            box.is_table_wrapper or
            isinstance(box, replaced_box) or
            box.establishes_formatting_context())

        position_x = max_left_bound  # left to right: the box starts at the left bound
        available_width = max_right_bound - max_left_bound
        if not outer:
            position_x -= box.margin_left
            position_y -= box.margin_top
        return position_x, position_y, available_width

    avoid_collisions.stock = stock  # type: ignore[attr-defined]
    return avoid_collisions


def install_fast_floats() -> bool:
    """Use :func:`avoid_collisions` (once per process); False, and nothing patched, on another WeasyPrint than
    the one it reproduces."""
    with _LOCK:
        if _STOCK:
            return True
        if source_digest() != KNOWN_SOURCE:
            return False
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout import float as floats

        stock = floats.avoid_collisions
        fast = _make_avoid_collisions(stock, boxes)
        modules = [module for name, module in list(sys.modules.items())
                   if name.startswith("weasyprint") and getattr(module, "avoid_collisions", None) is stock]
        for module in modules:
            module.avoid_collisions = fast
        _STOCK.update(avoid_collisions=stock, modules=modules)
        return True


def uninstall_fast_floats() -> None:
    """WeasyPrint's own function again (tests compare both)."""
    with _LOCK:
        if _STOCK:
            for module in _STOCK["modules"]:
                module.avoid_collisions = _STOCK["avoid_collisions"]
            _STOCK.clear()
