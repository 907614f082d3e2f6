"""WeasyPrint's font subsetting and pydyf's stream compression, made cheaper without changing what is drawn.

Measured with bench/pdf.py. A CJK font subset keeps every glyph id (WeasyPrint writes glyph ids as CIDs), so
each embedded font is about 1 MB before compression whatever the page holds:

- one HarfBuzz pass instead of WeasyPrint's two (its second pass only re-applies "no hinting" to the
  retained glyph ids: the same bytes, checked by tests/test_pdf.py);
- a subset is remembered per process for its exact glyph set, so the title font of a form (the same
  characters in every document) is subset once; the bytes depend only on the font and the glyph set,
  never on what was rendered before, so output stays deterministic;
- streams are compressed at zlib level 1 instead of 9 (with ISA-L's deflate, the ``isal`` package, a dependency
  of docgen, at its level 2 when it is installed: the same zlib format, ~6× faster, a little smaller), and the
  compressed bytes of a large stream seen again (that same title font) are reused.
"""

from __future__ import annotations

import re
import struct
import threading
import zlib
from collections import OrderedDict
from typing import Any

SUBSET_VERSIONS = ("6", "7")  # WeasyPrint majors whose Font._harfbuzz_subset the one-pass subset reproduces
PDF_ZLIB_LEVEL = 1  # pydyf compresses every stream at level 9: ~7 ms a page more for ~2 % smaller files
try:  # ISA-L writes the same zlib streams ~6× faster than zlib at level 1 (4 ms a report), ~1 % smaller
    from isal import isal_zlib as _DEFLATE
    _DEFLATE_LEVEL = 2
except ImportError:  # pragma: no cover - isal is a dependency; a platform without its wheel: zlib
    _DEFLATE = zlib
    _DEFLATE_LEVEL = PDF_ZLIB_LEVEL
_CACHE_SIZE = 16  # subsets and compressed streams kept per process
_MEMO_FROM = 64 * 1024  # only streams this large (fonts) are worth remembering

_STOCK_SUBSET: list[Any] = []
_LOCK = threading.Lock()
_SUBSETS: OrderedDict[tuple[Any, ...], tuple[bytes, bytes | None]] = OrderedDict()
_COMPRESSED: OrderedDict[bytes, bytes] = OrderedDict()


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    with _LOCK:
        cache[key] = value
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)


def _font_key(font: Any, gids: tuple[int, ...], hinting: bool) -> tuple[Any, ...]:
    """What a subset depends on: the font file (its size and table directory), the face, the glyphs, the flags."""
    content: bytes = font.file_content
    return (len(content), content[:4096], font.index, gids, hinting, tuple(sorted(font.missing)))


def _subset_face(source: Any, values: list[int], hinting: bool, notdef: bool, retain_gids: bool = True,
                 desubroutinize: bool = True, by_unicode: bool = False) -> Any:
    """A HarfBuzz subset (a face, freed with its Python object) of ``source`` to the glyph ids (or, with
    ``by_unicode``, the characters) ``values``, with WeasyPrint's flags and dropped tables; None if it failed."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    hb_subset = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    if by_unicode:
        value_set = harfbuzz_subset.hb_subset_input_set(hb_subset, harfbuzz_subset.HB_SUBSET_SETS_UNICODE)
    else:
        value_set = harfbuzz_subset.hb_subset_input_glyph_set(hb_subset)
    harfbuzz.hb_set_add_sorted_array(value_set, ffi.new("hb_codepoint_t[]", values), len(values))
    flags = harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
    if desubroutinize:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    if retain_gids:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if notdef:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(hb_subset, flags)
    drop_set = harfbuzz_subset.hb_subset_input_set(hb_subset, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    drop = tuple(harfbuzz.hb_tag_from_string(name, -1) for name in (
        b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG "))
    harfbuzz.hb_set_add_sorted_array(drop_set, ffi.new("hb_codepoint_t[]", drop), len(drop))
    hb_face = harfbuzz_subset.hb_subset_or_fail(source, hb_subset)
    return ffi.gc(hb_face, harfbuzz.hb_face_destroy) if hb_face else None


def _harfbuzz_subset(font: Any, gids: list[int], hinting: bool, retain_gids: bool = True,
                     desubroutinize: bool = True) -> bytes | None:
    """WeasyPrint's subsetting flags and dropped tables, in one HarfBuzz pass; with ``retain_gids=False`` the
    glyphs are renumbered (a CID-keyed CFF font keeps each glyph's CID, which is what the PDF selects by)."""
    from weasyprint.text.fonts import get_hb_object_data

    hb_face = _subset_face(font.hb_face, gids, hinting, bool(font.missing), retain_gids, desubroutinize)
    return (get_hb_object_data(hb_face) or None) if hb_face is not None else None


def _core_subset(source: Any, codepoints: list[int], hinting: bool) -> tuple[Any, bytes | None, bytes] | None:
    """A font's core face (render/pdfcorefaces.py): its common characters, renumbered, notdef outline kept;
    (HarfBuzz face, its CFF table, the whole font)."""
    from weasyprint.text.fonts import get_hb_object_data

    hb_face = _subset_face(source, codepoints, hinting, True, retain_gids=False, by_unicode=True)
    if hb_face is None:
        return None
    content = get_hb_object_data(hb_face)
    return hb_face, (cff_table(content) if content else None), content


def _core_key(font: Any) -> tuple[Any, ...]:
    content: bytes = font.file_content
    return (len(content), content[:4096], font.index)


def _cut_from_core(font: Any, core: Any, gids: list[int], hinting: bool) -> tuple[bytes, bytes] | None:
    """(subset font, its bare CFF) of ``gids`` cut from a core face (``pdfcorefaces.CoreFace``): by its Python
    cutter when it has one (compared with HarfBuzz's cut while ``checks_left``; a difference sends the core
    back to HarfBuzz), else by HarfBuzz; None when a glyph is not in it or the CIDs are lost."""
    try:
        inner = sorted(map(core.gid_of_cid.__getitem__, gids))
    except KeyError:
        return None
    cutter, face = core.cutter, core.face
    if cutter is not None:
        from .pdfcffcut import sfnt_with_cff

        cff = cutter.cut(inner)
        if core.checks_left <= 0 or face is None:
            return sfnt_with_cff(cff), cff
        checked = _harfbuzz_cut(font, face, inner, hinting)
        same = checked is not None and checked[1] == cff
        with _LOCK:
            core.checks_left -= 1
            if not same:
                core.cutter = None  # HarfBuzz cuts this core from now on
            elif core.checks_left <= 0:
                core.face = None  # the cutter is trusted: the HarfBuzz face is not needed any more
        if same:
            return sfnt_with_cff(cff), cff
        return _holding(checked, gids)
    return _holding(_harfbuzz_cut(font, face, inner, hinting), gids) if face is not None else None


def _holding(cut: tuple[bytes, bytes] | None, gids: list[int]) -> tuple[bytes, bytes] | None:
    """``cut`` if its CFF charset still holds every glyph id of ``gids`` as a CID, else None."""
    return cut if cut is not None and set(gids) <= set(cff_cids(cut[1]) or ()) else None


def _harfbuzz_cut(font: Any, face: Any, inner: list[int], hinting: bool) -> tuple[bytes, bytes] | None:
    """(subset font, its bare CFF) of the glyphs ``inner`` of a core face, cut by HarfBuzz."""
    from weasyprint.text.fonts import get_hb_object_data

    hb_face = _subset_face(face, inner, hinting, bool(font.missing), retain_gids=False)
    subset = (get_hb_object_data(hb_face) or None) if hb_face is not None else None
    cff = cff_table(subset) if subset is not None else None
    return (subset, cff) if subset is not None and cff is not None else None


def _subset_bare(font: Any, gids: list[int], hinting: bool) -> tuple[bytes | None, bytes | None]:
    """(subset font, its bare CFF table) of a CID-keyed CFF font whose glyph ids are its CIDs, renumbered:
    cut from the font's core face when it has one holding every glyph (render/pdfcorefaces.py), else from the
    whole font. The subset font is only a key for :func:`bare_cid_fonts`, which embeds the CFF table. The CFF
    is None unless its charset keeps every glyph id as a CID."""
    from . import pdfcorefaces

    key = _core_key(font)
    core = pdfcorefaces.core_face(key, hinting) if USE_CORE_FACES else None
    if core is not None:
        cut = _cut_from_core(font, core, gids, hinting)
        if cut is not None:
            return cut
    content = _whole_font_subset(font, key, gids, hinting)
    cff = cff_table(content) if content is not None else None
    if cff is None or cff_cids(cff) is None:
        return content, None
    if USE_CORE_FACES:
        pdfcorefaces.note_full_subset(font, key, hinting, gids, cff,
                                      lambda face, codepoints: _core_subset(face, codepoints, hinting),
                                      lambda core, gids: (_cut_from_core(font, core, gids, hinting) or (b"", b""))[1])
    return content, cff


USE_CORE_FACES = True  # tests compare the pages both ways
USE_BARE_FACES = True


def _whole_font_subset(font: Any, key: tuple[Any, ...], gids: list[int], hinting: bool) -> bytes | None:
    """The renumbered subset of ``gids`` of the whole font, made from its bare face (render/pdfbareface.py:
    2–4 ms less) from the font's third subset in this process on, if its second came out the same both ways;
    the first is made from the whole font only, so a one-off PDF pays nothing for the check."""
    from .pdfbareface import bare_face, with_closure

    bare = bare_face(font, key) if USE_BARE_FACES else None
    if bare is not None and bare.same:
        content = _face_subset(bare.face, with_closure(gids, bare.closure), hinting, bool(font.missing))
        if content is not None:
            return content
    content = _harfbuzz_subset(font, gids, hinting, retain_gids=False)
    if bare is not None and bare.same is None and content is not None:
        with _LOCK:
            bare.subsets += 1
            check = bare.subsets >= 2
        if check:
            other = _face_subset(bare.face, with_closure(gids, bare.closure), hinting, bool(font.missing))
            bare.same = other is not None and cff_table(other) == cff_table(content)
    return content


def _face_subset(face: Any, gids: list[int], hinting: bool, notdef: bool) -> bytes | None:
    from weasyprint.text.fonts import get_hb_object_data

    hb_face = _subset_face(face, gids, hinting, notdef, retain_gids=False)
    return (get_hb_object_data(hb_face) or None) if hb_face is not None else None


def one_pass_subset(font: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
    """Replace ``font.file_content`` by its subset (``Font._harfbuzz_subset``'s contract), remembered per glyph set.

    WeasyPrint writes glyph ids as CIDs and keeps every glyph id in the subset (RETAIN_GIDS), so a subset of a
    CJK font still has 65,000 (empty) glyphs: 200–300 KB a font, compressed, in every PDF. A CID-keyed CFF font
    is drawn by CID through its charset, and HarfBuzz keeps each glyph's CID when it renumbers the glyphs: when
    every glyph used has its glyph id as CID (Noto/Source Han CJK: all of them; FandolFang: those below 8896),
    the font is subset to the glyphs used and embedded as bare CFF (:func:`bare_cid_fonts`); tests/test_pdf.py
    renders both ways with poppler and compares the pixels. Other fonts (TrueType, name-keyed CFF, a glyph whose
    CID differs) are subset WeasyPrint's way.
    """
    gids = sorted(to_unicode)
    key = _font_key(font, tuple(gids), hinting)
    with _LOCK:
        known = _SUBSETS.get(key)
    if known is None:
        cids, same_below = _font_charset(font)
        content = cff = None
        if cids is not None and (not gids or gids[-1] < same_below
                                 or all(g < len(cids) and cids[g] == g for g in gids)):
            content, cff = _subset_bare(font, gids, hinting)
        if cff is None:
            content = _harfbuzz_subset(font, gids, hinting)
        if content is None:  # let WeasyPrint try (and warn) its own way
            _STOCK_SUBSET[0](font, to_unicode, hinting)
            return
        known = (content, cff)
        _remember(_SUBSETS, key, known)
    content, cff = known
    if cff is not None:
        _remember_bare(content, cff)  # the finisher must see it even if it was remembered long ago
    font.file_content = content


_BARE: OrderedDict[bytes, bytes] = OrderedDict()  # checked subsets → their bare CFF table (bare_cid_fonts)
_CIDS: dict[tuple[Any, ...], tuple[list[int] | None, int]] = {}
def _font_cids(font: Any) -> list[int] | None:
    """The CID of each glyph of the whole font (its CFF charset, read once per process), None if not CID-keyed."""
    return _font_charset(font)[0]


def _font_charset(font: Any) -> tuple[list[int] | None, int]:
    """(:func:`_font_cids`, the first glyph id that is not its own CID), read once per process."""
    content: bytes = font.file_content
    key = (len(content), content[:4096], font.index)
    with _LOCK:
        if key in _CIDS:
            return _CIDS[key]
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = harfbuzz.hb_face_reference_table(font.hb_face, harfbuzz.hb_tag_from_string(b"CFF ", -1))
    try:
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, length)
        cids = cff_cids(bytes(ffi.buffer(data, length[0]))) if data != ffi.NULL and length[0] else None
    finally:
        harfbuzz.hb_blob_destroy(blob)
    same_below = 0 if cids is None else next((g for g, cid in enumerate(cids) if cid != g), len(cids))
    with _LOCK:
        _CIDS[key] = (cids, same_below)
    return cids, same_below



def _remember_bare(content: bytes, cff: bytes) -> None:
    with _LOCK:
        _BARE[content] = cff
        _BARE.move_to_end(content)
        while len(_BARE) > _CACHE_SIZE:
            _BARE.popitem(last=False)


def cff_table(sfnt: bytes) -> bytes | None:
    """The bare CFF table of an OpenType/CFF font, or None (TrueType, or not a font)."""
    try:
        num_tables = struct.unpack_from(">H", sfnt, 4)[0]
        for i in range(num_tables):
            tag, _, offset, length = struct.unpack_from(">4sIII", sfnt, 12 + 16 * i)
            if tag == b"CFF ":
                return sfnt[offset: offset + length] if offset + length <= len(sfnt) else None
    except struct.error:
        return None
    return None


def is_cid_keyed_cff(sfnt: bytes) -> bool:
    """Whether an OpenType font's CFF table is CID-keyed (its Top DICT has the ROS operator, 12 30)."""
    cff = cff_table(sfnt)
    return cff is not None and (12, 30) in _top_dict(cff)


def cff_cids(cff: bytes) -> list[int] | None:
    """The CID of each glyph of a CID-keyed CFF font (from its charset), or None if it is not one."""
    try:
        top = _top_dict(cff)
        if (12, 30) not in top or (17,) not in top:
            return None
        glyphs = struct.unpack_from(">H", cff, int(top[(17,)][-1]))[0]
        if (15,) not in top or int(top[(15,)][-1]) <= 2:  # a predefined charset: not one of a CID font
            return None
        pos = int(top[(15,)][-1])
        fmt = cff[pos]
        pos += 1
        cids = [0]
        while len(cids) < glyphs:
            if fmt == 0:
                cids.append(struct.unpack_from(">H", cff, pos)[0])
                pos += 2
            elif fmt in (1, 2):
                first = struct.unpack_from(">H", cff, pos)[0]
                left = cff[pos + 2] if fmt == 1 else struct.unpack_from(">H", cff, pos + 2)[0]
                pos += 3 if fmt == 1 else 4
                cids.extend(range(first, first + left + 1))
            else:
                return None
        return cids[:glyphs]
    except (struct.error, IndexError):
        return None


def _top_dict(cff: bytes) -> dict[tuple[int, ...], list[int]]:
    """The operators of a CFF font's (first) Top DICT with their operands; empty if it cannot be read."""
    try:
        after_names = _skip_index(cff, cff[2])
        count, off_size = struct.unpack_from(">HB", cff, after_names)
        if count < 1:
            return {}
        offsets = after_names + 3
        first = int.from_bytes(cff[offsets: offsets + off_size], "big")
        second = int.from_bytes(cff[offsets + off_size: offsets + 2 * off_size], "big")
        base = offsets + (count + 1) * off_size - 1
        return _dict_operators(cff, base + first, base + second)
    except (struct.error, IndexError):
        return {}


def _skip_index(data: bytes, pos: int) -> int:
    """The position after a CFF INDEX starting at ``pos``."""
    count = struct.unpack_from(">H", data, pos)[0]
    if count == 0:
        return pos + 2
    off_size = data[pos + 2]
    last = pos + 3 + count * off_size
    end = int.from_bytes(data[last: last + off_size], "big")
    return pos + 3 + (count + 1) * off_size - 1 + end


def _dict_operators(data: bytes, pos: int, end: int) -> dict[tuple[int, ...], list[int]]:
    """A CFF DICT: operator → operands (render/pdfcffcut.py reads it; a real number's value is not read, never
    needed here); empty when it cannot be read."""
    from .pdfcffcut import NotCuttable, dict_ops

    try:
        return {op: operands for op, _, operands in dict_ops(data, pos, end)}
    except NotCuttable:
        return {}


def bare_cid_fonts(document: Any, pdf: Any) -> None:
    """``write_pdf(finisher=…)``: embed each font subset by :func:`one_pass_subset` to its glyphs as its bare CFF
    table (FontFile3 /CIDFontType0C), whose glyphs every PDF reader selects by CID through the CFF charset.
    Embedded as /OpenType, poppler (and others) take the CID for a glyph id, which only holds while the subset
    keeps every glyph id; the OpenType tables a PDF never reads (cmap, hmtx, vmtx, name …) go too."""
    import pydyf

    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Stream) or obj.extra.get("Subtype") != "/OpenType" or len(obj.stream) != 1:
            continue
        with _LOCK:
            cff = _BARE.get(obj.stream[0])
        if cff is not None:
            obj.stream = [cff]
            obj.extra["Subtype"] = "/CIDFontType0C"


def install_one_pass_subset(wp: Any) -> None:
    """Use :func:`one_pass_subset` for WeasyPrint versions known to subset this way (tests compare the bytes)."""
    from weasyprint.pdf import fonts

    stock = getattr(fonts.Font, "_harfbuzz_subset", None)
    if stock is None or _STOCK_SUBSET or not str(wp.__version__).startswith(SUBSET_VERSIONS):
        return
    _STOCK_SUBSET.append(stock)
    fonts.Font._harfbuzz_subset = one_pass_subset


def stock_subset() -> Any | None:
    """WeasyPrint's own subsetting method once replaced (tests compare both), else None."""
    return _STOCK_SUBSET[0] if _STOCK_SUBSET else None


class _Compressor:
    """A zlib-format compressobj (ISA-L's, else zlib's at :data:`PDF_ZLIB_LEVEL`) that reuses the result for a
    large stream seen before.

    pydyf calls ``compress(data)`` once and then ``flush()``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._zlib = _DEFLATE.compressobj(_DEFLATE_LEVEL, *args, **kwargs)
        self._done: bytes | None = None

    def compress(self, data: bytes) -> bytes:
        if len(data) < _MEMO_FROM:
            return self._zlib.compress(data)
        known = _COMPRESSED.get(data)
        if known is None:
            known = self._zlib.compress(data) + self._zlib.flush()
            _remember(_COMPRESSED, data, known)
        self._done = known
        return known

    def flush(self, *args: Any) -> bytes:
        return b"" if self._done is not None else self._zlib.flush(*args)


class _PdfZlib:
    """What pydyf sees as ``zlib``: :class:`_Compressor` objects; everything else is zlib's."""

    def compress(self, data: bytes, level: int = -1) -> bytes:
        return _DEFLATE.compress(data, _DEFLATE_LEVEL)

    def compressobj(self, level: int = -1, *args: Any, **kwargs: Any) -> _Compressor:
        return _Compressor(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


_FACE_CACHE_FROM = 4 * 1024 * 1024  # font files this large (CJK: 20–30 MB) are copied once per process
_FACES: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_FACES_KEPT = 6


def _font_file_bytes(stock: Any) -> Any:
    """WeasyPrint's ``get_hb_object_data``, remembering a whole font file's bytes per process.

    ``weasyprint.pdf.fonts.Font.__init__`` copies the whole font file out of HarfBuzz for every font of every
    document (``ffi.unpack``: ~8 ms for a 26 MB Noto CJK collection, ~15 % of a form's PDF); the file behind a
    face is the same bytes each time. Keyed by the blob's address and length and its first and last 4 KB; small
    blobs (subsets, Latin fonts) are never remembered.
    """

    def get_hb_object_data(hb_object: Any, ot_color: Any = None, glyph: Any = None) -> Any:
        if ot_color is not None:
            return stock(hb_object, ot_color, glyph)
        from weasyprint.text.ffi import ffi, harfbuzz

        blob = harfbuzz.hb_face_reference_blob(hb_object)
        try:
            length = ffi.new("unsigned int *")
            data = harfbuzz.hb_blob_get_data(blob, length)
            size = length[0]
            if data == ffi.NULL or size < _FACE_CACHE_FROM:
                return stock(hb_object)
            key = (int(ffi.cast("uintptr_t", data)), size, bytes(ffi.buffer(data, 4096)),
                   bytes(ffi.buffer(data + size - 4096, 4096)))
            with _LOCK:
                content = _FACES.get(key)
            if content is None:
                content = stock(hb_object)
                with _LOCK:
                    _FACES[key] = content
                    while len(_FACES) > _FACES_KEPT:
                        _FACES.popitem(last=False)
            return content
        finally:
            harfbuzz.hb_blob_destroy(blob)

    get_hb_object_data.stock = stock  # type: ignore[attr-defined]
    return get_hb_object_data


def install_font_file_memo() -> bool:
    """Remember font files in ``weasyprint.pdf.fonts`` (see :func:`_font_file_bytes`); False if it has moved."""
    from weasyprint.pdf import fonts

    current = getattr(fonts, "get_hb_object_data", None)
    if current is None:
        return False
    if not hasattr(current, "stock"):
        fonts.get_hb_object_data = _font_file_bytes(current)
    return True


_GENERIC = frozenset({"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math", "emoji"})
_FONT_FAMILY = re.compile(r"(font-family\s*:\s*)([^;{}]+)")
_NO_SUCH_FAMILY = "docgen-no-such-font-family"


def _matched_family(name: str, config: Any) -> str | None:
    """The family fontconfig gives for ``name`` alone (its aliases applied), lower-cased."""
    from weasyprint.text.ffi import ffi, fontconfig

    pattern = fontconfig.FcPatternCreate()
    try:
        fontconfig.FcPatternAddString(pattern, b"family", name.encode("utf-8"))
        fontconfig.FcConfigSubstitute(config, pattern, 0)  # FcMatchPattern
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
    finally:
        fontconfig.FcPatternDestroy(pattern)
    if match == ffi.NULL:
        return None
    try:
        family = ffi.new("FcChar8 **")
        if fontconfig.FcPatternGetString(match, b"family", 0, family) != 0:
            return None
        return ffi.string(family[0]).decode("utf-8", "replace").casefold()
    finally:
        fontconfig.FcPatternDestroy(match)


def resolved_font_families(css: str, font_config: Any) -> str:
    """``css`` with each font-family list cut to the families this machine has (or aliases), generics kept.

    Pango looks every listed family up for every piece of text, and the forms list Windows, macOS and Linux
    names for each face (宋体, SimSun, Songti SC, Noto Serif CJK SC …): on a machine with one of them, the
    others only cost time (15–25 % of a form's PDF). The font drawn is the same (tests compare the pixels). A
    name counts as present when fontconfig matches it to itself, or to something else than it gives for a name
    that exists nowhere (an alias). Without fontconfig the stylesheet is returned unchanged.
    """
    from weasyprint.text.ffi import ffi

    config = getattr(font_config, "_config", ffi.NULL)
    try:
        fallback = _matched_family(_NO_SUCH_FAMILY, config)
    except (AttributeError, OSError):  # no fontconfig in this WeasyPrint: leave the lists alone
        return css
    known: dict[str, bool] = {}

    def present(name: str) -> bool:
        if name not in known:
            got = _matched_family(name, config)
            known[name] = got is not None and (got == name.casefold() or got != fallback)
        return known[name]

    def one(m: re.Match[str]) -> str:
        names = [n.strip() for n in m.group(2).split(",")]
        kept = [n for n in names if n.strip("'\"").casefold() in _GENERIC or present(n.strip("'\""))]
        if not any(n.strip("'\"").casefold() not in _GENERIC for n in kept):
            return m.group(0)
        return m.group(1) + ", ".join(kept)

    return _FONT_FAMILY.sub(one, css)


def install_fast_compression() -> None:
    import pydyf

    if getattr(pydyf, "zlib", None) is zlib:
        pydyf.zlib = _PdfZlib()
