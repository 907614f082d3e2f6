"""WeasyPrint's drawing of text lines and of plain cell borders, in fewer Python steps, the same PDF operators.

Drawing is a quarter of a form's PDF (bench/pdf.py), most of it per glyph and per table cell in Python:

- ``draw_first_line`` (weasyprint/draw/text.py) builds each line's ``TJ`` operand glyph by glyph, reading
  every field of every glyph through cffi and adding to a string one piece at a time (~5 µs a glyph, ~20 ms
  a report). :func:`draw_first_line` reads a run's glyphs in one copy, writes the glyph ids as one hex string
  and inserts the spacing adjustments only where there are some; the numbers are computed by the same
  expressions in the same order, so the operators are the same bytes. Any line that is not plain text in an
  outline font (an emoji, an SVG/PNG/COLR or bitmap font, a missing glyph, a raised or shifted glyph, a glyph
  id above 65535, an ellipsis) is drawn by WeasyPrint's own function.
- a line that the reports' CJK justification spaced out (render/report_pdf.py) keeps the Pango layout that broke
  it; :func:`respaced_layout` marks it with the letter spacing Pango had and the one it should have, and the
  glyphs are moved here as Pango's letter spacing would have moved them (:func:`_respace`), instead of shaping the
  line again in a new layout (~6 ms a report). Only for text whose every character is a cursor position and
  shapes to one glyph of its own (:data:`_PLAIN_TEXT`); any other line gets its new layout first.
- a line drawn before with the same Pango layout (render/pdflines.py gives every document that has a line the
  layout that broke it first) and the same spacing is written again from what was written then
  (:func:`_replay`): the same operators, and each glyph's text and width made known to the document's font in
  the same order (~6 ms a report, where most lines are the same in every document).
- Pango's single-paragraph mode, which WeasyPrint sets on every line it draws (a change that makes Pango lay a
  kept line out again), is only set on text that has a paragraph separator: without one, the layout is the same.
- ``draw_border`` (weasyprint/draw/border.py) looks at four colours, styles and radii through generic code
  for every cell: :func:`draw_border` draws a box whose four sides are solid, of one colour and not rounded
  (every cell of the forms) with the same operators directly, and leaves anything else to WeasyPrint.

tests/test_pdf_speed.py renders every form of every sample with and without these and compares the bytes, and
fails when WeasyPrint's functions are no longer the ones these reproduce.
"""

from __future__ import annotations

import functools
import re
import struct
import threading
from operator import add
from typing import Any

# the WeasyPrint functions reproduced here, as their source was when this was written: a new version that
# changes them is not patched (the tests say so loudly)
_LOCK = threading.Lock()
_STOCK: dict[str, Any] = {}
_GLYPH_INFO_SIZE = 20  # PangoGlyphInfo: glyph, width, x_offset, y_offset, attr (5 × 32 bits)


def _glyph_layout_ok(ffi: Any, glyphs: Any) -> bool:
    """Whether cffi lays PangoGlyphInfo (``glyphs`` points to some) out as five 32-bit fields: glyph, geometry
    (width, x_offset, y_offset), attr. Read from a real pointer: parsing the type's name costs pycparser ~10 ms."""
    try:
        info = ffi.typeof(glyphs).item
        fields = dict(info.fields)
        geometry = dict(fields["geometry"].type.fields)
        return (ffi.sizeof(info) == _GLYPH_INFO_SIZE and fields["glyph"].offset == 0
                and fields["geometry"].offset == 4 and ffi.sizeof(fields["geometry"].type) == 12
                and [geometry[name].offset for name in ("width", "x_offset", "y_offset")] == [0, 4, 8])
    except (AttributeError, KeyError, TypeError, ValueError):
        return False


# characters that are each a cursor position (a grapheme of their own) and never combine, so that Pango's letter
# spacing moves every glyph of their runs alike: ASCII, Latin-1, general punctuation (not the zero-width and
# direction marks), letterlike and number forms, arrows, mathematical operators, enclosed numbers, CJK
# punctuation, kana, CJK ideographs (A and unified), full-width forms (not the half-width voiced sound marks
# U+FF9E/FF9F, which join the character before them); tests/test_pdf_speed.py asks Pango about every one
_PLAIN_TEXT = re.compile("[\x20-\x7e\xa0-\xff\u2010-\u2027\u2030-\u205e\u2100-\u23ff\u2460-\u27bf"
                         "\u3000-\u3029\u3030-\u3098\u309b-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff9d\uffa0-\uffef]*")
_PANGO_SCALE = 1024
_PARAGRAPH_SEPARATORS = re.compile("[\n\r\x1c-\x1e\x85\u2028\u2029]")  # Pango's (and line separators)


def _space_left(units: int) -> int:
    """The part of a letter spacing (Pango units) Pango puts before a glyph: ``distribute_letter_spacing``,
    C's division (towards zero), rounded to a whole point when the spacing is one."""
    left = -(-units // 2) if units < 0 else units // 2
    if units & (_PANGO_SCALE - 1) == 0:
        left = (left + (_PANGO_SCALE >> 1)) & ~(_PANGO_SCALE - 1)
    return left


def _spacing_units(value: Any) -> int:
    """A ``letter-spacing`` value as WeasyPrint's ``Layout.set_text`` gives it to Pango."""
    return 0 if value == "normal" else int(value * _PANGO_SCALE)


PANGO_SPACING_VERSIONS = (14400, 15700)  # Pango versions whose letter spacing _respace reproduces (1.44 to 1.56)


@functools.cache
def _pango_spaces_as_known() -> bool:
    """Whether this Pango spaces letters the way :func:`_respace` reproduces (tests check it on the one they run)."""
    from weasyprint.text.ffi import pango

    return PANGO_SPACING_VERSIONS[0] <= pango.pango_version() < PANGO_SPACING_VERSIONS[1]


def respaced_layout(layout: Any, text: str, style: Any) -> Any | None:
    """A copy of ``layout`` (a line's kept Layout, render/pdflayouts.py) to be drawn with ``style``, whose
    letter spacing alone differs from the one the layout was shaped with, the glyphs moved when drawn (see the
    module's docstring); None when that would not be exactly what Pango does (then make the layout anew)."""
    if not _STOCK or not _pango_spaces_as_known() or getattr(layout, "layout", None) is None \
            or layout.text != text or layout.justification_spacing or style["word_spacing"] \
            or _PLAIN_TEXT.fullmatch(text) is None:
        return None
    shaped = getattr(layout, "_docgen_spacing", None)
    before = shaped[0] if shaped is not None else _spacing_units(layout.style["letter_spacing"])
    after = _spacing_units(style["letter_spacing"])
    if not before or not after:  # without any letter spacing Pango shapes another way (ligatures)
        return None
    copy = type(layout).__new__(type(layout))
    copy.__dict__.update(layout.__dict__)
    copy.style = style
    copy._docgen_spacing = (before, after)
    return copy


def _respace(runs: list[list[Any]], before: int, after: int) -> None:
    """Move a line's glyphs (each run's widths and x offsets, items 8 and 9) from letter spacing ``before`` to
    ``after`` (Pango units) as Pango 1.44+ spaces a line: ``pango_glyph_item_letter_space`` and ``shape_run`` give
    every glyph the spacing (the left half also as its x offset), then ``adjust_line_letter_spacing`` takes the
    left half back from the line's first glyph and the right half from its last."""
    left = _space_left(after) - _space_left(before)
    right = (after - _space_left(after)) - (before - _space_left(before))
    change = after - before
    for run in runs:
        run[8] = [width + change for width in run[8]]
        run[9] = [x_offset + left for x_offset in run[9]]
    first, last = runs[0], runs[-1]
    first[8][0] -= left
    first[9][0] -= left
    last[8][-1] -= right


def spaced_layout(textbox: Any) -> Any:
    """The line's own layout with its style's letter spacing, as WeasyPrint would draw it (made when needed)."""
    from weasyprint.text.line_break import create_layout

    layout = create_layout(textbox.text, textbox.style, None, max_width=None, justification_spacing=0)
    layout.deactivate()  # kept for drawing (render/pdflayouts.py)
    return layout


# a line's drawing, remembered per Pango layout (the line memo of render/pdflines.py gives every document that has
# the line the same layout): (layout, its runs' (Pango font held, font changes, TJ piece, glyph ids, what gives each
# glyph its text, glyph → width, glyphs whose width came from this run's font), the line's UTF-8 text); the layout
# and fonts are held so that their addresses stay theirs
_DRAWN: dict[tuple[Any, ...], tuple[Any, list[tuple[Any, ...]], bytes]] = {}
_DRAWN_KEPT = 4000


def _remember_drawn(key: tuple[Any, ...], pango_layout: Any, record: list[tuple[Any, ...]], utf8: bytes) -> None:
    refs = gobject_refs()
    if refs is None:
        return
    own, ref, unref = refs
    held = [(own.gc(ref(own.cast("void *", run[0])), unref), *run[1:]) for run in record]
    if len(_DRAWN) >= _DRAWN_KEPT:
        _DRAWN.clear()
    _DRAWN[key] = (pango_layout, held, utf8)


def _add_glyph_texts(to_unicode: dict[int, str], utf8: bytes, gids: tuple[int, ...], clusters: list[int],
                     rtl: int, offset: int, length: int) -> None:
    """WeasyPrint's text of each glyph not known yet (its cluster of the line's UTF-8 text), in glyph order:
    the first text a document's glyph gets is the one its ToUnicode map keeps."""
    count = len(gids)
    for i, glyph_id in enumerate(gids):
        if glyph_id not in to_unicode:
            t1 = clusters[i]
            if rtl:
                t2 = length if i == 0 else clusters[i - 1]
            else:
                t2 = length if i == count - 1 else clusters[i + 1]
            to_unicode[glyph_id] = utf8[offset + t1:offset + t2].decode()


def _forget_drawn(layout: Any) -> None:
    """Forget what was drawn with this layout (rare: an ellipsis line), before WeasyPrint changes it."""
    pango_layout = getattr(layout, "layout", None)
    if pango_layout is not None:
        for key in [k for k, v in list(_DRAWN.items()) if v[0] is pango_layout]:  # a snapshot: threads add too
            _DRAWN.pop(key, None)


def _replay(stream: Any, matrix: Any, record: list[tuple[Any, ...]], utf8: bytes) -> bool:
    """Write a remembered line again, if this document's fonts give its glyphs the widths its pieces were written
    with (WeasyPrint's font object serves every size of a face, and a glyph's width is the one rounded at the
    size the document met it first); then the same operators, and each glyph's text (from this line, as drawing
    it anew would) and width made known to the document's font in the same order. False: nothing written."""
    from weasyprint.text.ffi import ffi

    fonts = []
    font = font_size = None
    for pango_font, new_font, _, _, _, widths, fresh in record:
        if new_font:
            font, font_size = stream.add_font(ffi.cast("PangoFont *", pango_font))
        fonts.append((font, font_size))
        known = font.widths
        for glyph, width in widths:
            has = known.get(glyph)
            if (has is None and glyph not in fresh) or (has is not None and has != width):
                return False  # a width this document has (or would take) otherwise: drawn anew
    stream.set_text_matrix(*matrix.values)
    string = ""
    for (_, new_font, piece, gids, texts, widths, _), (font, font_size) in zip(record, fonts, strict=True):
        if new_font:
            if string:
                stream.show_text(string)
            string = ""
            stream.set_font_size(font.hash, font_size)
        to_unicode, font_widths = font.to_unicode, font.widths
        if not to_unicode.keys() >= gids:
            _add_glyph_texts(to_unicode, utf8, *texts)
        if not font_widths.keys() >= gids:
            for glyph, width in widths:
                font_widths.setdefault(glyph, width)
        string += piece
    stream.show_text(string)
    return True


def _make_draw_first_line(stock: Any) -> Any:
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    # PANGO_GLYPH_EMPTY (0x0FFFFFFF) and unknown glyphs (flag 0x10000000) are above 0xFFFF: WeasyPrint's way
    old_pango = pango.pango_version() < 14802
    unpack_cache: dict[int, struct.Struct] = {}

    def unpacker(count: int) -> struct.Struct:
        known = unpack_cache.get(count)
        if known is None:
            known = unpack_cache[count] = struct.Struct(f"={5 * count}i")
        return known

    layout_ok: list[bool] = []  # checked on the first glyphs drawn

    def draw_first_line(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: Any, matrix: Any) -> Any:
        """WeasyPrint's ``draw_first_line`` for lines of plain glyphs (see the module's docstring)."""
        layout = textbox.pango_layout
        spacing = getattr(layout, "_docgen_spacing", None)

        def stock_line() -> Any:
            if spacing is not None:  # WeasyPrint draws what Pango shapes: the line's own spaced-out layout first
                textbox.pango_layout = spaced_layout(textbox)
            return stock(stream, textbox, text_overflow, block_ellipsis, matrix)

        if text_overflow == "ellipsis" or block_ellipsis != "none" or layout_ok == [False]:
            _forget_drawn(layout)  # WeasyPrint puts the ellipsis into the layout's text
            return stock_line()
        if not textbox.text.strip():
            return []
        if textbox.style["font_size"] < 1e-6:
            return []
        pango_layout = layout.layout
        key = (id(pango_layout), layout.text, spacing, textbox.style["font_size"] if old_pango else None)
        drawn = _DRAWN.get(key)
        if drawn is not None and drawn[0] is pango_layout \
                and _replay(stream, matrix, drawn[1], drawn[2]):  # this very layout drawn before: same operators
            return []
        if _PARAGRAPH_SEPARATORS.search(layout.text):  # else Pango lays the text out the same way, and a
            pango.pango_layout_set_single_paragraph_mode(pango_layout, True)  # change would lay it out again
        first_line, _ = layout.get_first_line()

        # read every run first: anything unusual and the whole line is WeasyPrint's (nothing written yet)
        runs = []
        run = first_line.runs[0]
        previous_pango_font = None
        font = font_size = None
        while run != ffi.NULL:
            glyph_item = run.data
            run = run.next
            glyph_string = glyph_item.glyphs
            count = glyph_string.num_glyphs
            if not layout_ok:
                layout_ok.append(_glyph_layout_ok(ffi, glyph_string.glyphs))
            if not layout_ok[0]:
                return stock_line()
            pango_font = glyph_item.item.analysis.font
            if pango_font != previous_pango_font:
                previous_pango_font = pango_font
                font, font_size = stream.add_font(pango_font)
                if font.svg or font.png or font.colr or font.bitmap:
                    return stock_line()
                if old_pango:
                    font_size = textbox.style["font_size"]
                new_font = True
            else:
                new_font = False
            values = unpacker(count).unpack(ffi.buffer(glyph_string.glyphs, _GLYPH_INFO_SIZE * count)) \
                if count else ()
            gids = values[0::5]
            if count and (max(gids) > 0xFFFF or min(gids) < 0 or any(values[3::5])):
                return stock_line()
            widths, x_offsets = values[1::5], values[2::5]
            if spacing is not None and (not count or count != glyph_item.item.num_chars or 0 in widths):
                return stock_line()  # not a run of one glyph per character: Pango spaces it another way
            runs.append([glyph_item, glyph_string, count, pango_font, font, font_size, new_font, gids,
                         widths, x_offsets])
        if spacing is not None:
            _respace(runs, *spacing)
            if any(0 in run[8] for run in runs):  # Pango leaves a glyph spaced to no width alone
                return stock_line()

        stream.set_text_matrix(*matrix.values)
        string = ""
        utf8_text = None
        record: list[tuple[Any, ...]] = []
        for glyph_item, glyph_string, count, pango_font, font, font_size, new_font, gids, widths, x_offsets in runs:
            if new_font:
                if string:
                    stream.show_text(string)
                string = ""
                stream.set_font_size(font.hash, font_size)
            start = len(string)
            string += "<"
            if not count:
                string = string[:-1]
                record.append((pango_font, new_font, "", frozenset(), ((), (), 0, 0, 0), (), frozenset()))
                continue
            to_unicode = font.to_unicode
            font_widths = font.widths
            item = glyph_item.item
            clusters = ffi.unpack(glyph_string.log_clusters, count)  # one copy, not a cffi read per glyph
            texts = (gids, clusters, item.analysis.level % 2, item.offset, item.length)
            if not to_unicode.keys() >= set(gids):
                utf8_text = utf8_text or layout.text.encode()
                _add_glyph_texts(to_unicode, utf8_text, *texts)
            fresh = frozenset()  # glyphs whose width this run's own font gives (a font object serves all sizes)
            if not font_widths.keys() >= set(gids):
                fresh = frozenset(gids) - font_widths.keys()
                for glyph_id in gids:
                    if glyph_id not in font_widths:
                        pango.pango_font_get_glyph_extents(pango_font, glyph_id, stream.ink_rect,
                                                           stream.logical_rect)
                        font_widths[glyph_id] = round(stream.logical_rect.width * 1000 * FROM_UNITS / font_size)
            hexes = struct.pack(f">{count}H", *gids).hex()
            # WeasyPrint's expressions: offset = x_offset / font_size, written before the glyph when not 0;
            # kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size, written after it
            if any(x_offsets):  # letter-spacing: Pango shifts each glyph by half of it
                before = {x: f">{-(x / font_size)}<" if x / font_size else "" for x in set(x_offsets)}
                kernings = [font_widths[g] + x / font_size - w * 1000 * FROM_UNITS / font_size
                            for g, x, w in zip(gids, x_offsets, widths, strict=True)]
                after = {k: f">{int(k)}<" if k else "" for k in set(kernings)}
                heads = list(map(before.__getitem__, x_offsets))
                tails = list(map(after.__getitem__, kernings))
                glyphs = [hexes[i:i + 4] for i in range(0, 4 * count, 4)]
                if count > 1 and len(set(heads[1:])) == 1 and len(set(tails[:-1])) == 1:
                    # letter-spacing: the same shift before every glyph but the first and the same adjustment
                    # after every glyph but the last: the pieces between the glyphs are all the same string
                    string += heads[0] + (tails[0] + heads[1]).join(glyphs) + tails[-1]
                else:
                    string += "".join(map(add, map(add, heads, glyphs), tails))
            else:
                kernings = [font_widths[g] + 0.0 - w * 1000 * FROM_UNITS / font_size
                            for g, w in zip(gids, widths, strict=True)]
                if any(kernings):
                    after = {k: f">{int(k)}<" if k else "" for k in set(kernings)}
                    glyphs = [hexes[i:i + 4] for i in range(0, 4 * count, 4)]
                    string += "".join(map(add, glyphs, map(after.__getitem__, kernings)))
                else:
                    string += hexes
            if string[-1] == "<":
                string = string[:-1]
            else:
                string += ">"
            record.append((pango_font, new_font, string[start:], frozenset(gids), texts,
                           tuple((g, font_widths[g]) for g in gids), fresh))
        stream.show_text(string)
        _remember_drawn(key, pango_layout, record, utf8_text or layout.text.encode())
        return []

    draw_first_line.stock = stock  # type: ignore[attr-defined]
    draw_first_line.layout_ok = layout_ok  # type: ignore[attr-defined]
    return draw_first_line


def _make_draw_border(stock: Any) -> Any:
    from weasyprint.draw.color import get_color

    def draw_border(stream: Any, box: Any) -> None:
        """WeasyPrint's ``draw_border`` for a box with four solid, same-colour, square sides (see the docstring)."""
        style = box.style
        top, right, bottom, left = (box.border_top_width, box.border_right_width, box.border_bottom_width,
                                    box.border_left_width)
        if not (top and right and bottom and left) or stream._tags is not None \
                or style["visibility"] != "visible" or style["column_rule_width"] \
                or style["border_image_source"][0] != "none" \
                or style["border_top_style"] != "solid" or style["border_right_style"] != "solid" \
                or style["border_bottom_style"] != "solid" or style["border_left_style"] != "solid":
            return stock(stream, box)
        color = get_color(style, "border_top_color")
        if not color.alpha or any(get_color(style, key) != color for key in (
                "border_right_color", "border_bottom_color", "border_left_color")):
            return stock(stream, box)
        for radius in (box.border_top_left_radius, box.border_top_right_radius,
                       box.border_bottom_right_radius, box.border_bottom_left_radius):
            if radius[0] or radius[1]:
                return stock(stream, box)
        # draw_rounded_border: the padding box, then the border box, filled even-odd, in a saved state
        x, y = box.border_box_x(), box.border_box_y()
        width, height = box.border_width(), box.border_height()
        stream.push_state()
        try:
            stream.set_color(color)
            stream.rectangle(x + left, y + top, width - left - right, height - top - bottom)
            stream.rectangle(x, y, width, height)
            stream.fill(even_odd=True)
        finally:
            stream.pop_state()
        return None

    draw_border.stock = stock  # type: ignore[attr-defined]
    return draw_border


@functools.cache
def gobject_refs() -> Any:
    """(cffi, g_object_ref, g_object_unref) from the GObject library WeasyPrint loaded, or None."""
    try:
        import cffi
        from weasyprint.text import ffi as wffi

        own = cffi.FFI()
        own.cdef("void *g_object_ref (void *object); void g_object_unref (void *object);")
        gobject = wffi._dlopen(own, "libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0",
                               "libgobject-2.0.0.dylib", "libgobject-2.0-0.dll")
        return own, gobject.g_object_ref, gobject.g_object_unref
    except Exception:  # any failure only means that fonts (and lines) are not remembered
        return None


_FONT_KEYS: dict[int, tuple[Any, float, Any]] = {}  # Pango font address → (key, size, a reference held on it)
_FONT_KEYS_KEPT = 512


def _make_add_font(stock: Any) -> Any:
    from weasyprint.text.ffi import ffi
    from weasyprint.text.fonts import get_pango_font_key

    def add_font(self: Any, pango_font: Any) -> tuple[Any, float]:
        """WeasyPrint's ``Stream.add_font``, with each Pango font's key (``get_pango_font_key``: a font
        description made, measured, hashed and freed for every line drawn) remembered per process. A
        reference is held on each remembered font, so that its address can never be another font's."""
        address = int(ffi.cast("uintptr_t", pango_font))
        known = _FONT_KEYS.get(address)
        if known is not None and known[0] in self._fonts:
            return self._fonts[known[0]], known[1]
        refs = gobject_refs()
        if refs is None or len(_FONT_KEYS) >= _FONT_KEYS_KEPT:
            return stock(self, pango_font)
        key, description, font_size = get_pango_font_key(pango_font)
        if key not in self._fonts:
            self._fonts[key] = Font(pango_font, description, font_size)
        if known is None:
            own, ref, unref = refs
            _FONT_KEYS[address] = (key, font_size, own.gc(ref(own.cast("void *", address)), unref))
        return self._fonts[key], font_size

    from weasyprint.pdf.fonts import Font

    add_font.stock = stock  # type: ignore[attr-defined]
    return add_font


def install_fast_drawing() -> bool:
    """Draw text lines and plain borders with :func:`draw_first_line` and :func:`draw_border` (once per
    process); False, and nothing patched, when WeasyPrint's functions are not the ones reproduced here."""
    from weasyprint import draw
    from weasyprint.draw import border, text
    from weasyprint.pdf import stream as stream_module

    with _LOCK:
        if _STOCK:
            return True
        if not _sources_known(text, border):
            return False
        _STOCK.update(draw_first_line=text.draw_first_line, draw_border=draw.draw_border)
        text.draw_first_line = _make_draw_first_line(_STOCK["draw_first_line"])
        if stream_module.Stream.add_font is _STOCK.setdefault("add_font", stream_module.Stream.add_font):
            stream_module.Stream.add_font = _make_add_font(_STOCK["add_font"])
        fast_border = _make_draw_border(_STOCK["draw_border"])
        for module in (draw, border):
            if getattr(module, "draw_border", None) is _STOCK["draw_border"]:
                module.draw_border = fast_border
        return True


def uninstall_fast_drawing() -> None:
    """WeasyPrint's own functions again (tests compare both)."""
    from weasyprint import draw
    from weasyprint.draw import border, text

    with _LOCK:
        if not _STOCK:
            return
        text.draw_first_line = _STOCK["draw_first_line"]
        _DRAWN.clear()
        from weasyprint.pdf import stream as stream_module

        stream_module.Stream.add_font = _STOCK["add_font"]
        for module in (draw, border):
            if getattr(getattr(module, "draw_border", None), "stock", None) is _STOCK["draw_border"]:
                module.draw_border = _STOCK["draw_border"]
        _STOCK.clear()


def _sources_known(text: Any, border: Any) -> bool:
    """Whether WeasyPrint's draw/text.py, draw/border.py and pdf/stream.py are the files whose functions are
    reproduced here (a digest of each whole file: reading them is ~0.1 ms, ``inspect.getsource`` ~20 ms)."""
    import hashlib
    from pathlib import Path

    try:
        from weasyprint.pdf import stream

        got = tuple(hashlib.sha256(Path(module.__file__).read_bytes()).hexdigest()[:16]
                    for module in (text, border, stream))
    except (OSError, TypeError):
        return False
    return got == KNOWN_SOURCES


KNOWN_SOURCES = ("c9a450aa209277e7", "cee7e6540a8bbae0", "4faf9169d1970d46")  # WeasyPrint 70.0
