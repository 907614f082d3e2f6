"""Three of WeasyPrint's most called layout helpers, with the same results in fewer Python steps.

WeasyPrint (70) resolves every box's margins, paddings, sizes and borders again each time it lays the box out
(``resolve_percentages``: 22 properties, each through two function calls; ~500 boxes a report, ~4 % of its PDF)
and asks every box whether it is in normal flow through five methods, each reading the style again
(``Box.is_in_normal_flow``, ~3 %), and lays out the background of every box of every page even when it has none
(``layout_box_backgrounds``, ~3 %). :func:`resolve_percentages` and :func:`is_in_normal_flow` compute the same
values with the same expressions, in one pass over the style; anything unusual (a ``calc()``, a unit other than
px and %) goes through WeasyPrint's own ``percentage``.

They are installed only on the WeasyPrint files they were written from (a digest of layout/percent.py,
formatting_structure/boxes.py and layout/background.py); tests/test_pdf_speed.py checks every call of the first two
against WeasyPrint's own on a copy of the box, compares the bytes of forms rendered with and without all three,
and fails loudly when a new WeasyPrint is not patched.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from math import inf
from pathlib import Path
from typing import Any

# WeasyPrint 70.0: layout/percent.py, formatting_structure/boxes.py, layout/background.py
KNOWN_SOURCES = ("bac190e240dce17b", "8ffd28ab74a149f0", "3d98949e4fe71bc7")
_LOCK = threading.Lock()
_STOCK: dict[str, Any] = {}
_OUT_OF_FLOW_FLOATS = frozenset(("left", "right", "inline-start", "inline-end", "footnote"))
_BORDER_WIDTHS = ("border_top_width", "border_right_width", "border_bottom_width", "border_left_width")


def _make_resolve_percentages(percentage: Any, check_math: Any, adjust_box_sizing: Any, boxes: Any,
                              dimension: type) -> Any:
    box_class, page_class = boxes.Box, boxes.PageBox

    def resolve(box: Any, style: Any, pairs: tuple[tuple[str, Any], ...]) -> None:
        """WeasyPrint's ``resolve_one_percentage`` for each (property, length for 100 %) pair: px and % here,
        anything else through its ``percentage``; the boxes have no descriptor for these names, so the used
        values go straight into the box's ``__dict__``."""
        values = box.__dict__
        for name, refer_to in pairs:
            value = style[name]
            if value.__class__ is dimension:
                number, unit = value
                if unit == "px":
                    values[name] = number
                    continue
                if unit == "%":
                    values[name] = refer_to * number / 100
                    continue
            used = value if value == "auto" or value is None else percentage(value, style, refer_to)
            values[name] = 0 if used == "auto" and name in ("min_width", "min_height") else used

    def resolve_percentages(box: Any, containing_block: Any) -> None:
        """WeasyPrint's ``resolve_percentages`` (layout/percent.py): the used values as attributes of the box."""
        if isinstance(containing_block, box_class):
            cb_width = containing_block.width
            cb_height = containing_block.height
        else:
            cb_width, cb_height = containing_block
        maybe_height = cb_height if isinstance(box, page_class) else cb_width
        style = box.style
        resolve(box, style, (("margin_left", cb_width), ("margin_right", cb_width), ("margin_top", maybe_height),
                             ("margin_bottom", maybe_height), ("padding_left", cb_width),
                             ("padding_right", cb_width), ("padding_top", maybe_height),
                             ("padding_bottom", maybe_height), ("width", cb_width), ("min_width", cb_width),
                             ("max_width", cb_width)))

        if cb_height == "auto":
            height = style["height"]
            if height == "auto" or check_math(height) or height.unit == "%":
                box.height = "auto"
            else:
                assert height.unit.lower() == "px"
                box.height = height.value
            resolve(box, style, (("min_height", 0), ("max_height", inf)))
        else:
            resolve(box, style, (("height", cb_height), ("min_height", cb_height), ("max_height", cb_height)))

        collapse = style["border_collapse"] == "collapse"
        for prop in _BORDER_WIDTHS:
            if not (collapse and hasattr(box, prop)):
                setattr(box, prop, style[prop])

        if style["box_sizing"] != "content-box":  # content-box changes nothing
            adjust_box_sizing(box, "width")
            adjust_box_sizing(box, "height")

    return resolve_percentages


def is_in_normal_flow(self: Any) -> bool:
    """WeasyPrint's ``Box.is_in_normal_flow``: not floated, not a footnote, not absolutely or fixed positioned,
    not a running element or a note, read from the style once."""
    style = self.style
    if style["float"] in _OUT_OF_FLOW_FLOATS:
        return False
    position = style["position"]
    if position == "static" or position == "relative":
        return True
    return not (position in ("absolute", "fixed") or position[0] == "running()" or position[0] == "note()")


def _make_layout_box_backgrounds(stock: Any, resolve_radii_percentages: Any, get_color: Any) -> Any:
    def layout_box_backgrounds(page: Any, box: Any, get_image_from_uri: Any, layout_children: bool = True,
                               style: Any = None) -> None:
        """WeasyPrint's ``layout_box_backgrounds`` (layout/background.py), which every box of every page goes
        through: a box with no background, border image, mask border or shadow gets ``background = None`` here,
        read from its style once; any other box (and the page) is WeasyPrint's."""
        if style is not None or box is page:
            return stock(page, box, get_image_from_uri, layout_children, style)
        resolve_radii_percentages(box)
        if layout_children:
            for child in box.all_children():
                layout_box_backgrounds(page, child, get_image_from_uri)
        style = box.style
        if style["border_image_source"][0] == "none" and style["mask_border_source"][0] == "none" \
                and not style["box_shadow"] \
                and all(type_ != "url" and not value for type_, value in style["background_image"]) \
                and (style["visibility"] == "hidden" or get_color(style, "background_color").alpha == 0):
            box.background = None
            return None
        return stock(page, box, get_image_from_uri, False, None)

    return layout_box_backgrounds


def _sources_known() -> bool:
    try:
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout import background, percent

        got = tuple(hashlib.sha256(Path(module.__file__).read_bytes()).hexdigest()[:16]
                    for module in (percent, boxes, background))
    except (ImportError, OSError, TypeError):
        return False
    return got == KNOWN_SOURCES


def install_fast_boxes() -> bool:
    """Use the fast ``resolve_percentages``, :func:`is_in_normal_flow` and ``layout_box_backgrounds`` (once per
    process); False, and nothing patched, on another WeasyPrint than the one they reproduce."""
    with _LOCK:
        if _STOCK:
            return True
        if not _sources_known():
            return False
        from weasyprint.css.functions import check_math
        from weasyprint.css.properties import Dimension
        from weasyprint.draw.color import get_color
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout import background, percent

        stock = percent.resolve_percentages
        fast = _make_resolve_percentages(percent.percentage, check_math, percent.adjust_box_sizing, boxes,
                                         Dimension)
        modules = [module for name, module in list(sys.modules.items())
                   if name.startswith("weasyprint") and getattr(module, "resolve_percentages", None) is stock]
        for module in modules:
            module.resolve_percentages = fast
        _STOCK.update(resolve_percentages=stock, modules=modules, is_in_normal_flow=boxes.Box.is_in_normal_flow,
                      layout_box_backgrounds=background.layout_box_backgrounds)
        boxes.Box.is_in_normal_flow = is_in_normal_flow
        background.layout_box_backgrounds = _make_layout_box_backgrounds(
            background.layout_box_backgrounds, background.resolve_radii_percentages, get_color)
        return True


def uninstall_fast_boxes() -> None:
    """WeasyPrint's own functions again (tests compare both)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import background

    with _LOCK:
        if not _STOCK:
            return
        for module in _STOCK["modules"]:
            module.resolve_percentages = _STOCK["resolve_percentages"]
        boxes.Box.is_in_normal_flow = _STOCK["is_in_normal_flow"]
        background.layout_box_backgrounds = _STOCK["layout_box_backgrounds"]
        _STOCK.clear()
