"""WeasyPrint's font subsetting and pydyf's stream compression, made cheaper without changing what is drawn.

Measured with bench/pdf.py. A CJK font subset keeps every glyph id (WeasyPrint writes glyph ids as CIDs), so
each embedded font is about 1 MB before compression whatever the page holds:

- one HarfBuzz pass instead of WeasyPrint's two (its second pass only re-applies "no hinting" to the
  retained glyph ids: the same bytes, checked by tests/test_pdf.py);
- a subset is remembered per process for its exact glyph set, so the title font of a form (the same
  characters in every document) is subset once; the bytes depend only on the font and the glyph set,
  never on what was rendered before, so output stays deterministic;
- streams are compressed at zlib level 1 instead of 9, and the compressed bytes of a large stream seen
  again (that same title font) are reused.
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections import OrderedDict
from typing import Any

SUBSET_VERSIONS = ("6", "7")  # WeasyPrint majors whose Font._harfbuzz_subset the one-pass subset reproduces
PDF_ZLIB_LEVEL = 1  # pydyf compresses every stream at level 9: ~7 ms a page more for ~2 % smaller files
_CACHE_SIZE = 16  # subsets and compressed streams kept per process
_MEMO_FROM = 64 * 1024  # only streams this large (fonts) are worth remembering

_STOCK_SUBSET: list[Any] = []
_LOCK = threading.Lock()
_SUBSETS: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_COMPRESSED: OrderedDict[bytes, bytes] = OrderedDict()


def _remember(cache: OrderedDict[Any, bytes], key: Any, value: bytes) -> None:
    with _LOCK:
        cache[key] = value
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)


def _font_key(font: Any, gids: tuple[int, ...], hinting: bool) -> tuple[Any, ...]:
    """What a subset depends on: the font file (its size and table directory), the face, the glyphs, the flags."""
    content: bytes = font.file_content
    return (len(content), content[:4096], font.index, gids, hinting, tuple(sorted(font.missing)))


def _harfbuzz_subset(font: Any, gids: list[int], hinting: bool, retain_gids: bool = True,
                     desubroutinize: bool = True) -> bytes | None:
    """WeasyPrint's subsetting flags and dropped tables, in one HarfBuzz pass; with ``retain_gids=False`` the
    glyphs are renumbered (a CID-keyed CFF font keeps each glyph's CID, which is what the PDF selects by)."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    hb_subset = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    gid_set = harfbuzz_subset.hb_subset_input_glyph_set(hb_subset)
    gid_array = ffi.new(f"hb_codepoint_t[{len(gids)}]", gids)
    harfbuzz.hb_set_add_sorted_array(gid_set, gid_array, len(gids))
    flags = harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
    if desubroutinize:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    if retain_gids:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(hb_subset, flags)
    drop_set = harfbuzz_subset.hb_subset_input_set(hb_subset, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    drop = tuple(harfbuzz.hb_tag_from_string(name, -1) for name in (
        b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG "))
    drop_array = ffi.new(f"hb_codepoint_t[{len(drop)}]", drop)
    harfbuzz.hb_set_add_sorted_array(drop_set, drop_array, len(drop))
    hb_face = ffi.gc(harfbuzz_subset.hb_subset_or_fail(font.hb_face, hb_subset), harfbuzz.hb_face_destroy)
    return (get_hb_object_data(hb_face) or None) if hb_face else None


def one_pass_subset(font: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
    """Replace ``font.file_content`` by its subset (``Font._harfbuzz_subset``'s contract), remembered per glyph set.

    WeasyPrint writes glyph ids as CIDs and keeps every glyph id in the subset (RETAIN_GIDS), so a subset of a
    CJK font still has 65,000 (empty) glyphs: 200–300 KB a font, compressed, in every PDF. A CID-keyed CFF font
    (OpenType/CFF with ROS: Noto/Source Han CJK, the fonts this project installs) is looked up by CID through
    its charset, and HarfBuzz keeps each glyph's CID when it renumbers the glyphs: such a font is subset to the
    glyphs used, nothing else (tests/test_pdf.py renders both with poppler and compares the pixels). Other fonts
    (TrueType, name-keyed CFF) keep WeasyPrint's way.
    """
    gids = sorted(to_unicode)
    key = _font_key(font, tuple(gids), hinting)
    content = _SUBSETS.get(key)
    if content is None:
        content = _harfbuzz_subset(font, gids, hinting, retain_gids=False)
        if content is not None and not is_cid_keyed_cff(content):
            content = _harfbuzz_subset(font, gids, hinting)
        if content is None:  # let WeasyPrint try (and warn) its own way
            _STOCK_SUBSET[0](font, to_unicode, hinting)
            return
        _remember(_SUBSETS, key, content)
    font.file_content = content


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
    """Whether an OpenType font's CFF table is CID-keyed (its Top DICT starts with the ROS operator, 12 30)."""
    cff = cff_table(sfnt)
    return cff is not None and _cff_is_cid_keyed(cff)


def _cff_is_cid_keyed(cff: bytes) -> bool:
    try:
        offset = 0
        header_size = cff[2]
        after_names = _skip_index(cff, offset + header_size)
        count, off_size = struct.unpack_from(">HB", cff, after_names)
        if count < 1:
            return False
        first = int.from_bytes(cff[after_names + 3: after_names + 3 + off_size], "big")
        data = after_names + 3 + (count + 1) * off_size - 1 + first
        return _first_operator(cff, data) == (12, 30)
    except (struct.error, IndexError):
        return False


def _skip_index(data: bytes, pos: int) -> int:
    """The position after a CFF INDEX starting at ``pos``."""
    count = struct.unpack_from(">H", data, pos)[0]
    if count == 0:
        return pos + 2
    off_size = data[pos + 2]
    last = pos + 3 + count * off_size
    end = int.from_bytes(data[last: last + off_size], "big")
    return pos + 3 + (count + 1) * off_size - 1 + end


def _first_operator(data: bytes, pos: int) -> tuple[int, ...]:
    """The first operator of a CFF DICT at ``pos`` (its operands skipped)."""
    while True:
        b0 = data[pos]
        if b0 == 12:
            return (12, data[pos + 1])
        if b0 <= 21:
            return (b0,)
        if b0 == 28:
            pos += 3
        elif b0 == 29:
            pos += 5
        elif b0 == 30:  # a real number: nibbles up to 0xf
            pos += 1
            while data[pos] & 0x0F != 0x0F and data[pos] >> 4 != 0x0F:
                pos += 1
            pos += 1
        elif b0 <= 246:
            pos += 1
        elif b0 <= 254:
            pos += 2
        else:
            return (b0,)


def bare_cid_fonts(document: Any, pdf: Any) -> None:
    """``write_pdf(finisher=…)``: embed each CID-keyed OpenType/CFF font as its bare CFF table (FontFile3
    /CIDFontType0C), whose glyphs every PDF reader selects by CID through the CFF charset. Embedded as
    /OpenType, poppler (and others) take the CID for a glyph id, which only holds while the subset keeps every
    glyph id; as bare CFF the subset can drop the unused glyphs (:func:`one_pass_subset`), and the OpenType
    tables a PDF never reads (cmap, hmtx, vmtx, GSUB, name …) go too."""
    import pydyf

    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Stream) or obj.extra.get("Subtype") != "/OpenType":
            continue
        cff = cff_table(b"".join(obj.stream))
        if cff is not None and _cff_is_cid_keyed(cff):
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
    """A zlib compressobj at :data:`PDF_ZLIB_LEVEL` that reuses the result for a large stream seen before.

    pydyf calls ``compress(data)`` once and then ``flush()``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._zlib = zlib.compressobj(PDF_ZLIB_LEVEL, *args, **kwargs)
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
        return zlib.compress(data, PDF_ZLIB_LEVEL)

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


def install_fast_compression() -> None:
    import pydyf

    if getattr(pydyf, "zlib", None) is zlib:
        pydyf.zlib = _PdfZlib()
