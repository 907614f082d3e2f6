"""A big CJK font's CFF table alone, as a HarfBuzz face that a document's font subset is made from.

HarfBuzz subsetting a whole CJK font to a document's glyphs costs 4–10 ms however few the glyphs: most of it is
its plan reading the whole cmap (Noto CJK maps ~44,000 characters) to find the characters of the glyphs asked
for, and the cmap, hmtx and vmtx of 65,000 glyphs. A face holding only the font's CFF and maxp tables (a
HarfBuzz face builder over the font's own table blobs: nothing is copied) skips that: 2–3 ms.

The one thing the cmap adds to a subset's CFF is glyphs: those of the variation sequences (cmap format 14,
non-default) of the characters mapped to the glyphs asked for. :func:`variation_closure` finds them once per
font and they are asked for too, so the CFF is the same bytes. A font's bare face is only used once it gave the
whole font's CFF for that font's second subset in the process (render/pdfspeed.py), and tests/test_pdf_speed.py
compares the two on random glyph sets and on every glyph that has variation sequences.
"""

from __future__ import annotations

import bisect
import struct
import threading
from itertools import pairwise
from typing import Any

_LOCK = threading.Lock()
_KEPT = 8  # bare faces kept per process (they hold references to the fonts' table blobs, no copies)
_BEST_CMAPS = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))  # HarfBuzz's order


class NoClosure(ValueError):
    """The cmap is not one whose variation sequences this module can follow."""


def _nominal_glyphs(cmap: bytes, pos: int, codes: list[int]) -> dict[int, int]:
    """The glyph of each of the sorted ``codes`` in the format 4 or 12 cmap subtable at ``pos`` (as HarfBuzz
    collects the mapping: no glyph 0, no sentinel segment)."""
    fmt = struct.unpack_from(">H", cmap, pos)[0]
    found: dict[int, int] = {}
    if fmt == 12:  # binary search in place: a CJK font has ~15,000 groups, a subset needs a few codes
        count = struct.unpack_from(">I", cmap, pos + 12)[0]

        def group(i: int) -> tuple[int, int, int]:
            return struct.unpack_from(">III", cmap, pos + 16 + 12 * i)  # type: ignore[return-value]

        for code in codes:
            low, high = 0, count
            while low < high:  # the first group ending at or after code
                middle = (low + high) // 2
                if group(middle)[1] < code:
                    low = middle + 1
                else:
                    high = middle
            if low == count:
                continue
            start, end, first = group(low)
            if start > end or (low and group(low - 1)[1] >= start) or (low + 1 < count and group(low + 1)[0] <= end):
                raise NoClosure("cmap groups out of order")
            if start <= code and first + code - start:
                found[code] = first + code - start
        return found
    if fmt != 4:
        raise NoClosure(f"cmap format {fmt}")
    segments = struct.unpack_from(">H", cmap, pos + 6)[0] // 2
    ends = list(struct.unpack_from(f">{segments}H", cmap, pos + 14))
    starts_at = pos + 16 + 2 * segments
    starts = struct.unpack_from(f">{segments}H", cmap, starts_at)
    deltas = struct.unpack_from(f">{segments}h", cmap, starts_at + 2 * segments)
    ranges_at = starts_at + 4 * segments
    ranges = struct.unpack_from(f">{segments}H", cmap, ranges_at)
    if segments and starts[-1] == 0xFFFF:
        segments -= 1
    if any(a >= b for a, b in pairwise(ends[:segments])):
        raise NoClosure("cmap segments out of order")
    length = struct.unpack_from(">H", cmap, pos + 2)[0]
    for code in codes:
        i = bisect.bisect_left(ends, code, 0, segments)
        if i >= segments or starts[i] > code:
            continue
        if ranges[i] == 0:
            glyph = (code + deltas[i]) & 0xFFFF
        else:
            at = ranges_at + 2 * i + ranges[i] + 2 * (code - starts[i])
            if at + 2 > pos + length:
                continue
            glyph = struct.unpack_from(">H", cmap, at)[0]
            glyph = (glyph + deltas[i]) & 0xFFFF if glyph else 0
        if glyph:
            found[code] = glyph
    return found


def variation_closure(cmap: bytes | None) -> dict[int, tuple[int, ...]]:
    """Glyph → the glyphs HarfBuzz adds to a subset holding it: those of the non-default variation sequences
    (cmap format 14) of the characters the cmap maps to it. Raises :class:`NoClosure` for a cmap HarfBuzz
    would read otherwise (a symbol subtable, formats other than 4 and 12)."""
    if cmap is None:
        return {}
    records = {}
    for i in range(struct.unpack_from(">H", cmap, 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", cmap, 4 + 8 * i)
        records.setdefault((platform, encoding), offset)
    if (3, 0) in records:
        raise NoClosure("symbol cmap")
    best = next((records[key] for key in _BEST_CMAPS if key in records), None)
    sequences: dict[int, set[int]] = {}
    for offset in set(records.values()):
        if struct.unpack_from(">H", cmap, offset)[0] != 14:
            continue
        for i in range(struct.unpack_from(">I", cmap, offset + 6)[0]):
            non_default = struct.unpack_from(">I", cmap, offset + 10 + 11 * i + 7)[0]
            if not non_default:
                continue
            at = offset + non_default
            count = struct.unpack_from(">I", cmap, at)[0]
            for high, low, glyph in struct.iter_unpack(">BHH", cmap[at + 4: at + 4 + 5 * count]):
                sequences.setdefault((high << 16) | low, set()).add(glyph)
    if not sequences:
        return {}
    if best is None:
        raise NoClosure("no Unicode cmap")
    closure: dict[int, set[int]] = {}
    for code, glyph in _nominal_glyphs(cmap, best, sorted(sequences)).items():
        closure.setdefault(glyph, set()).update(sequences[code])
    return {glyph: tuple(sorted(extra)) for glyph, extra in closure.items()}


def with_closure(glyphs: list[int], closure: dict[int, tuple[int, ...]]) -> list[int]:
    """``glyphs`` (sorted) and the glyphs their variation sequences add, sorted."""
    extra = [g for glyph in closure.keys() & set(glyphs) for g in closure[glyph]]
    return sorted(set(glyphs).union(extra)) if extra else glyphs


class BareFace:
    """A font's CFF and maxp tables as a HarfBuzz face, the glyphs its cmap adds, and whether its subsets were
    found to be the whole font's (None: not checked yet)."""

    def __init__(self, face: Any, closure: dict[int, tuple[int, ...]]) -> None:
        self.face = face
        self.closure = closure
        self.same: bool | None = None
        self.subsets = 0  # of the whole font, while not checked


_FACES: dict[tuple[Any, ...], BareFace | None] = {}


_DECLARE_LOCK = threading.Lock()


def _declare_face_builder() -> bool:
    """HarfBuzz's face builder in WeasyPrint's cffi declarations (it does not declare it itself)."""
    with _DECLARE_LOCK:
        return _declare()


def _declare() -> bool:
    from weasyprint.text.ffi import ffi, harfbuzz

    try:
        harfbuzz.hb_face_builder_create  # noqa: B018 - declared already?
        harfbuzz.hb_face_builder_add_table  # noqa: B018
        return True
    except AttributeError:
        pass
    try:
        ffi.cdef("hb_face_t * hb_face_builder_create (void);\n"
                 "hb_bool_t hb_face_builder_add_table (hb_face_t *face, hb_tag_t tag, hb_blob_t *blob);")
        harfbuzz.hb_face_builder_create  # noqa: B018
        harfbuzz.hb_face_builder_add_table  # noqa: B018
        return True
    except Exception:  # any cffi trouble: no bare faces, whole-font subsets as before
        return False


def _make(hb_face: Any) -> BareFace | None:
    from weasyprint.text.ffi import ffi, harfbuzz

    if not _declare_face_builder():
        return None
    cmap = harfbuzz.hb_face_reference_table(hb_face, harfbuzz.hb_tag_from_string(b"cmap", -1))
    try:
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(cmap, length)
        closure = variation_closure(bytes(ffi.buffer(data, length[0])) if data != ffi.NULL and length[0] else None)
    except (NoClosure, struct.error, IndexError):
        return None
    finally:
        harfbuzz.hb_blob_destroy(cmap)
    builder = ffi.gc(harfbuzz.hb_face_builder_create(), harfbuzz.hb_face_destroy)
    for tag in (b"CFF ", b"maxp"):
        blob = harfbuzz.hb_face_reference_table(hb_face, harfbuzz.hb_tag_from_string(tag, -1))
        try:
            if not harfbuzz.hb_blob_get_length(blob) or not harfbuzz.hb_face_builder_add_table(
                    builder, harfbuzz.hb_tag_from_string(tag, -1), blob):
                return None
        finally:
            harfbuzz.hb_blob_destroy(blob)
    return BareFace(builder, closure)


def bare_face(font: Any, key: tuple[Any, ...]) -> BareFace | None:
    """The bare face of a font (``key``: its file and face), made once per process; None if it cannot be."""
    with _LOCK:
        if key in _FACES:
            return _FACES[key]
    made = _make(font.hb_face)
    with _LOCK:
        made = _FACES.setdefault(key, made)
        while len(_FACES) > _KEPT:
            del _FACES[next(iter(_FACES))]
    return made
