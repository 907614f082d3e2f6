"""A smaller face per big CJK font, made once per process, that each document's font subset is cut from.

Cutting a document's few hundred glyphs out of a whole CJK font costs HarfBuzz ~6–9 ms however few the glyphs
(it reads the whole 7–26 MB font: charset, FDSelect, CharStrings of 65,000 glyphs), and the glyph set changes
with every document, so per-glyph-set memos rarely hit. Once a CID-keyed CFF font (Noto/Source Han, Fandol) has
been subset :data:`BUILD_AFTER` times in a process, :func:`note_full_subset` subsets it once to the glyphs of the
common characters (ASCII, Latin-1, punctuation, GB 2312: ~7,600 characters, 45–100 ms a face) with the same
flags, renumbered: a face a tenth of the size whose CFF charset keeps each glyph's CID. A document whose glyphs
are all there is then subset from that face (its glyph ids mapped through the charset: 1–3 ms); any other
document is subset from the whole font as before.

The bare CFF cut from the core face is the same bytes as the one cut from the whole font (HarfBuzz writes the
same glyphs, CIDs and font dicts): the core is only kept after checking that on the glyph set that triggered it,
and tests/test_pdf_speed.py checks it for every form of every sample. So the PDF's bytes do not depend on
which documents a process rendered before.

A core's cuts are then made in Python (render/pdfcffcut.py: ~0.1–0.3 ms instead of HarfBuzz's 1–3 ms) once that
cutter has given HarfBuzz's bytes for that same glyph set; its next :data:`CHECKED_CUTS` cuts are compared with
HarfBuzz's too, and the first difference sends the core back to HarfBuzz for good.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any

_LOCK = threading.Lock()
BUILD_AFTER = 8  # whole-font subsets of one face before its core face is made (a one-off PDF never pays for it)
_KEPT = 6  # core faces kept per process (each 1.5–6 MB)
CHECKED_CUTS = 2  # Python cuts of a core compared with HarfBuzz's after the one that made the core


@dataclass
class CoreFace:
    """A font's core face: its HarfBuzz face (dropped once the Python cutter is trusted), CID → its glyph id,
    and the Python cutter of its CFF (render/pdfcffcut.py) with how many of its cuts HarfBuzz still checks."""

    face: Any
    gid_of_cid: dict[int, int]
    cutter: Any = None
    checks_left: int = 0


# (font key, hinting) → its core face, or None when it must not be used
_CORES: dict[tuple[Any, ...], CoreFace | None] = {}
_MISSES: dict[tuple[Any, ...], int] = {}


@functools.cache
def common_characters() -> list[int]:
    """The code points a core face holds: printable ASCII and Latin-1, general and CJK punctuation, full-width
    forms, and every character of GB 2312 (its 6,763 hanzi cover the 3,500 of 通用规范汉字表 level 1 but ~100)."""
    points = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100)) | set(range(0x2010, 0x2060))
    points |= set(range(0x2100, 0x2200)) | set(range(0x2460, 0x2500)) | set(range(0x3000, 0x3040))
    points |= set(range(0xFF01, 0xFF5F)) | set(range(0xFFE0, 0xFFE7))
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                points.update(map(ord, bytes((first, second)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return sorted(points)


def core_face(key: tuple[Any, ...], hinting: bool) -> CoreFace | None:
    """The core face made for this font (``key``: its file and face) and its CID → glyph id map, if any."""
    with _LOCK:
        return _CORES.get((key, hinting))


def note_full_subset(font: Any, key: tuple[Any, ...], hinting: bool, gids: list[int], cff: bytes,
                     make: Any, cut: Any) -> None:
    """Count a subset of the whole font; at the :data:`BUILD_AFTER`-th, make its core face.

    ``make(face, codepoints)`` → (core HarfBuzz face, its CFF table, the whole core font) or None;
    ``cut(core, gids)`` → the bare CFF of ``gids`` cut from a :class:`CoreFace` (by its cutter if it has one).
    The core is kept only if HarfBuzz's cut gives ``cff`` (this document's subset of the whole font) again,
    otherwise the font is never tried again in this process; its Python cutter only if it gives ``cff`` too.
    """
    from .pdfcffcut import cutter_for
    from .pdfspeed import cff_cids

    with _LOCK:
        if (key, hinting) in _CORES:
            return
        count = _MISSES[(key, hinting)] = _MISSES.get((key, hinting), 0) + 1
    if count < BUILD_AFTER:
        return
    core = None
    made = make(font.hb_face, common_characters())
    if made is not None and made[1] is not None:
        cids = cff_cids(made[1])
        if cids is not None:
            core = CoreFace(made[0], {cid: gid for gid, cid in enumerate(cids)})
            if cut(core, gids) != cff:
                core = None
            else:
                cutter = cutter_for(made[1], made[2])
                if cutter is not None and cut(CoreFace(None, core.gid_of_cid, cutter), gids) == cff:
                    core.cutter, core.checks_left = cutter, CHECKED_CUTS
    with _LOCK:
        _CORES[(key, hinting)] = core
        while len(_CORES) > _KEPT:
            del _CORES[next(iter(_CORES))]
