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


def _harfbuzz_subset(font: Any, gids: list[int], hinting: bool) -> bytes | None:
    """WeasyPrint's subsetting flags and dropped tables, in one HarfBuzz pass."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    hb_subset = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    gid_set = harfbuzz_subset.hb_subset_input_glyph_set(hb_subset)
    gid_array = ffi.new(f"hb_codepoint_t[{len(gids)}]", gids)
    harfbuzz.hb_set_add_sorted_array(gid_set, gid_array, len(gids))
    flags = (harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS | harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
             | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE)
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
    """Replace ``font.file_content`` by its subset (``Font._harfbuzz_subset``'s contract), remembered per glyph set."""
    gids = sorted(to_unicode)
    key = _font_key(font, tuple(gids), hinting)
    content = _SUBSETS.get(key)
    if content is None:
        content = _harfbuzz_subset(font, gids, hinting)
        if content is None:  # let WeasyPrint try (and warn) its own way
            _STOCK_SUBSET[0](font, to_unicode, hinting)
            return
        _remember(_SUBSETS, key, content)
    font.file_content = content


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


def install_fast_compression() -> None:
    import pydyf

    if getattr(pydyf, "zlib", None) is zlib:
        pydyf.zlib = _PdfZlib()
