"""A document's font subset cut out of a core face's CFF in Python, byte for byte as HarfBuzz cuts it.

A core face (render/pdfcorefaces.py) is a HarfBuzz subset of a big CJK font: CID-keyed CFF, desubroutinized,
glyphs renumbered, each glyph's CID kept in the charset. HarfBuzz cutting a document's few hundred glyphs out of
it (``hb_subset_or_fail`` with the same flags) copies those glyphs' charstrings (already flat, so flattening
them again gives the same bytes) and writes the tables around them again. :class:`CffCutter` does the same in
Python: it slices the charstrings out of the CharStrings INDEX and writes the charset, FDSelect, FDArray, Private
DICTs, String INDEX and Top DICT the way HarfBuzz 6 writes them (formats chosen by size, the FDs renumbered in
order, identical Private DICTs shared, the objects in HarfBuzz's packing order). That takes ~0.2 ms where
HarfBuzz takes 1–3 ms, since HarfBuzz parses and re-flattens every charstring and builds its plan.

A cutter is only used for a core after it gave exactly HarfBuzz's bytes for the glyph set that made the core
(:func:`render.pdfcorefaces.note_full_subset`); tests/test_pdf_speed.py compares it with HarfBuzz on every form
of every sample and on random glyph sets, so a HarfBuzz that writes otherwise fails loudly there and makes the
cutter stand aside at run time.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from itertools import accumulate, pairwise
from operator import methodcaller

_STD_STRINGS = 391  # SIDs below this are CFF's standard strings
_OFFSET_OPS = {(15,): "charset", (17,): "CharStrings", (12, 36): "FDArray", (12, 37): "FDSelect"}
_SID_OPS = {(0,), (1,), (2,), (3,), (4,), (12, 0), (12, 21), (12, 22), (12, 38)}


class NotCuttable(ValueError):
    """The CFF is not laid out the way this cutter knows (HarfBuzz cuts it instead)."""


def _index(data: bytes, pos: int) -> tuple[list[int], int]:
    """The absolute start of each item of a CFF INDEX at ``pos`` (and the end of the last), and its end."""
    count = struct.unpack_from(">H", data, pos)[0]
    if count == 0:
        return [], pos + 2
    size = data[pos + 2]
    if not 1 <= size <= 4:
        raise NotCuttable("offSize")
    first = pos + 3
    base = first + (count + 1) * size - 1
    raw = data[first: first + (count + 1) * size]
    if size == 1:
        offsets = list(raw)
    elif size == 2:
        offsets = list(struct.unpack(f">{count + 1}H", raw))
    elif size == 4:
        offsets = list(struct.unpack(f">{count + 1}I", raw))
    else:
        offsets = [int.from_bytes(raw[i: i + 3], "big") for i in range(0, len(raw), 3)]
    starts = [base + o for o in offsets]
    return starts, starts[-1]


def _index_bytes(items: list[bytes]) -> bytes:
    """A CFF INDEX of ``items`` as HarfBuzz writes it (the smallest offset size)."""
    if not items:
        return b"\0\0"
    offsets = list(accumulate(map(len, items), initial=1))
    size = (offsets[-1].bit_length() + 7) // 8
    if size == 1:
        head = bytes(offsets)
    elif size == 2:
        head = struct.pack(f">{len(offsets)}H", *offsets)
    elif size == 4:
        head = struct.pack(f">{len(offsets)}I", *offsets)
    else:
        head = b"".join(map(_THREE_BYTES, offsets))
    return struct.pack(">HB", len(items), size) + head + b"".join(items)


_THREE_BYTES = methodcaller("to_bytes", 3, "big")


def _index_size(count: int, total: int) -> int:
    if count == 0:
        return 2
    return 3 + (count + 1) * (((total + 1).bit_length() + 7) // 8) + total


def dict_ops(data: bytes, pos: int, end: int) -> list[tuple[tuple[int, ...], bytes, list[int]]]:
    """A CFF DICT as (operator, its bytes with the operands, integer operands) in order; a real number counts
    as an operand but its value is not read (None of the operators rewritten here takes one)."""
    ops: list[tuple[tuple[int, ...], bytes, list[int]]] = []
    start, operands = pos, []
    while pos < end:
        b0 = data[pos]
        if b0 <= 21:
            op = (12, data[pos + 1]) if b0 == 12 else (b0,)
            pos += len(op)
            ops.append((op, data[start:pos], operands))
            start, operands = pos, []
        elif b0 == 28:
            operands.append(struct.unpack_from(">h", data, pos + 1)[0])
            pos += 3
        elif b0 == 29:
            operands.append(struct.unpack_from(">i", data, pos + 1)[0])
            pos += 5
        elif b0 == 30:
            pos += 1
            while data[pos] & 0x0F != 0x0F and data[pos] >> 4 != 0x0F:
                pos += 1
            pos += 1
            operands.append(-1)
        elif 32 <= b0 <= 246:
            operands.append(b0 - 139)
            pos += 1
        elif 247 <= b0 <= 250:
            operands.append((b0 - 247) * 256 + data[pos + 1] + 108)
            pos += 2
        elif 251 <= b0 <= 254:
            operands.append(-(b0 - 251) * 256 - data[pos + 1] - 108)
            pos += 2
        else:
            raise NotCuttable("DICT operand")
    if start != end:
        raise NotCuttable("DICT ends inside an operand")
    return ops


def _op_bytes(op: tuple[int, ...]) -> bytes:
    return bytes(op)


def _int2(value: int) -> bytes:
    return b"\x1c" + struct.pack(">h", value)


def _int4(value: int) -> bytes:
    return b"\x1d" + struct.pack(">i", value)


def _table(sfnt: bytes, tag: bytes) -> bytes | None:
    num_tables = struct.unpack_from(">H", sfnt, 4)[0]
    for i in range(num_tables):
        name, _, offset, length = struct.unpack_from(">4sIII", sfnt, 12 + 16 * i)
        if name == tag:
            return sfnt[offset: offset + length]
    return None


class CffCutter:
    """The parsed tables of a core face's CID-keyed CFF, to cut glyph sets out of (:meth:`cut`)."""

    def __init__(self, cff: bytes, closure: dict[int, tuple[int, ...]] | None = None) -> None:
        self.cff = cff
        self.closure = closure or {}
        if cff[0] != 1 or len(cff) < 4:
            raise NotCuttable("CFF version")
        self.header = cff[: cff[2]]
        names, after_names = _index(cff, cff[2])
        if len(names) != 2:
            raise NotCuttable("one font")
        self.name_index = cff[cff[2]: after_names]
        tops, after_top = _index(cff, after_names)
        if len(tops) != 2:
            raise NotCuttable("one Top DICT")
        self.top_ops = dict_ops(cff, tops[0], tops[1])
        strings, after_strings = _index(cff, after_top)
        self.strings = [cff[a:b] for a, b in pairwise(strings)]
        gsubrs, _ = _index(cff, after_strings)
        if gsubrs:
            raise NotCuttable("global subroutines")
        top = {op: operands for op, _, operands in self.top_ops}
        if (12, 30) not in top or any(op not in top for op in _OFFSET_OPS) or (18,) in top or (16,) in top:
            raise NotCuttable("not a CID-keyed CFF with its own charset, FDSelect and FDArray")
        for op, raw, _operands in self.top_ops:
            if op in _OFFSET_OPS and (len(raw) != 5 + len(op) or raw[0] != 29):
                raise NotCuttable("offsets not written as 4-byte integers")
        # The Top DICT's own strings come first (HarfBuzz numbers them before the FDs' names)
        own = sorted({s for op, _, operands in self.top_ops for s in self._sids(op, operands) if s >= _STD_STRINGS})
        if own != list(range(_STD_STRINGS, _STD_STRINGS + len(own))):
            raise NotCuttable("Top DICT strings not first")
        self.own_strings = len(own)

        self.charstrings, _ = _index(cff, top[(17,)][-1])
        glyphs = len(self.charstrings) - 1
        self.cids = self._charset(top[(15,)][-1], glyphs)
        self.fd_of = self._fdselect(top[(12, 37)][-1], glyphs)
        fd_dicts, _ = _index(cff, top[(12, 36)][-1])
        self.fd_ops = []
        self.privates = []
        self.fd_names = []
        for a, b in pairwise(fd_dicts):
            ops = dict_ops(cff, a, b)
            found = {op: operands for op, _, operands in ops}
            if (18,) not in found or len(found[(18,)]) != 2 or (12, 38) not in found:
                raise NotCuttable("Font DICT without Private or FontName")
            for op, raw, _operands in ops:
                if op == (18,) and raw != _int2(found[(18,)][0]) + _int4(found[(18,)][1]) + b"\x12":
                    raise NotCuttable("Private not written as HarfBuzz writes it")
                if op == (12, 38) and raw != _int2(found[(12, 38)][0]) + b"\x0c\x26":
                    raise NotCuttable("FontName not written as HarfBuzz writes it")
            size, offset = found[(18,)]
            private = cff[offset: offset + size]
            if any(op == (19,) for op, _, _ in dict_ops(cff, offset, offset + size)):
                raise NotCuttable("local subroutines")
            self.fd_ops.append(ops)
            self.privates.append(private)
            self.fd_names.append(found[(12, 38)][0])
        if max(self.fd_of, default=0) >= len(self.fd_ops) or not self.fd_ops:
            raise NotCuttable("FDSelect")
        self.top_size = sum(len(raw) for _, raw, _ in self.top_ops)
        self.fd_sizes = [sum(len(raw) for _, raw, _ in ops) for ops in self.fd_ops]

    @staticmethod
    def _sids(op: tuple[int, ...], operands: list[int]) -> list[int]:
        if op in _SID_OPS:
            return operands[-1:]
        if op == (12, 30):
            return operands[:2]
        return []

    def _charset(self, pos: int, glyphs: int) -> list[int]:
        fmt, pos = self.cff[pos], pos + 1
        cids = [0]
        while len(cids) < glyphs:
            if fmt == 0:
                cids.append(struct.unpack_from(">H", self.cff, pos)[0])
                pos += 2
            elif fmt in (1, 2):
                first = struct.unpack_from(">H", self.cff, pos)[0]
                left = self.cff[pos + 2] if fmt == 1 else struct.unpack_from(">H", self.cff, pos + 2)[0]
                pos += 3 if fmt == 1 else 4
                cids.extend(range(first, first + left + 1))
            else:
                raise NotCuttable("charset format")
        return cids[:glyphs]

    def _fdselect(self, pos: int, glyphs: int) -> bytes:
        fmt = self.cff[pos]
        if fmt == 0:
            return self.cff[pos + 1: pos + 1 + glyphs]
        if fmt != 3:
            raise NotCuttable("FDSelect format")
        count = struct.unpack_from(">H", self.cff, pos + 1)[0]
        fds = bytearray(glyphs)
        for i in range(count):
            first, fd, end = struct.unpack_from(">HBH", self.cff, pos + 3 + 3 * i)
            fds[first:end] = bytes((fd,)) * (end - first)
        return bytes(fds)

    def cut(self, glyphs: Iterable[int]) -> bytes:
        """The CFF of these glyphs of the core (glyph ids of the core; .notdef is always kept), renumbered in
        order, as HarfBuzz writes it with the flags the core was made with."""
        chosen = set(glyphs)
        chosen.add(0)
        for glyph in self.closure.keys() & chosen:
            chosen.update(self.closure[glyph])
        order = sorted(chosen)
        if order[-1] >= len(self.cids):
            order = [g for g in order if g < len(self.cids)]
        count = len(order)
        cff, starts, cids, fd_of = self.cff, self.charstrings, self.cids, self.fd_of
        charstrings = [cff[starts[g]: starts[g + 1]] for g in order]

        # charset: ranges of consecutive CIDs; format 0 unless the ranges are smaller (HarfBuzz's choice)
        codes = [cids[g] for g in order[1:]]
        firsts: list[tuple[int, int]] = []
        last = -2
        for i, cid in enumerate(codes, 1):
            if cid != last + 1:
                firsts.append((cid, i))
            last = cid
        lefts = [end - glyph - 1 for (_, glyph), end in zip(firsts, [g for _, g in firsts[1:]] + [count], strict=True)]
        two_byte = any(left >= 0x100 for left in lefts)
        if 2 * (count - 1) < (4 if two_byte else 3) * len(firsts):
            charset = b"\0" + struct.pack(f">{count - 1}H", *codes)
        else:
            pair = ">HH" if two_byte else ">HB"
            charset = (b"\x02" if two_byte else b"\x01") + b"".join(
                struct.pack(pair, cid, left) for (cid, _), left in zip(firsts, lefts, strict=True))

        # FDSelect (format 3) over the FDs used, renumbered in order
        if len(self.fd_ops) == 1:
            used, ranges = [0], [b"\0\0\0"]
        else:
            used = sorted({fd_of[g] for g in order})
            new_fd = {fd: i for i, fd in enumerate(used)}
            ranges = []
            previous = -1
            for i, g in enumerate(order):
                fd = fd_of[g]
                if fd != previous:
                    ranges.append(struct.pack(">HB", i, new_fd[fd]))
                    previous = fd
        fdselect = b"\x03" + struct.pack(">H", len(ranges)) + b"".join(ranges) + struct.pack(">H", count)

        # strings: the Top DICT's, then the used FDs' names in order
        strings = self.strings[: self.own_strings]
        sid_of: dict[int, int] = {}
        for fd in used:
            sid = self.fd_names[fd]
            if sid >= _STD_STRINGS + self.own_strings and sid not in sid_of:
                sid_of[sid] = _STD_STRINGS + len(strings)
                strings = [*strings, self.strings[sid - _STD_STRINGS]]
        string_index = _index_bytes(strings)

        # Private DICTs: packed last FD first, identical ones shared, so they lie in FD order at the end
        private_at: dict[bytes, int] = {}
        packed: list[bytes] = []
        for fd in reversed(used):
            if self.privates[fd] not in private_at:
                private_at[self.privates[fd]] = -1
                packed.append(self.privates[fd])
        packed.reverse()

        # positions: head (header, Name INDEX, Top DICT INDEX), Top DICT, strings, global subrs, charset,
        # FDSelect, FDArray, CharStrings, Private DICTs
        pos = len(self.header) + len(self.name_index) + _index_size(1, self.top_size)
        pos += len(string_index) + 2
        charset_at = pos
        fdselect_at = charset_at + len(charset)
        fdarray_at = fdselect_at + len(fdselect)
        charstrings_at = fdarray_at + _index_size(len(used), sum(self.fd_sizes[fd] for fd in used))
        pos = charstrings_at + _index_size(count, sum(map(len, charstrings)))
        for private in packed:
            private_at[private] = pos
            pos += len(private)

        fd_dicts = []
        for fd in used:
            parts = []
            for op, raw, operands in self.fd_ops[fd]:
                if op == (18,):
                    private = self.privates[fd]
                    parts.append(_int2(len(private)) + _int4(private_at[private]) + b"\x12")
                elif op == (12, 38):
                    parts.append(_int2(sid_of.get(operands[0], operands[0])) + b"\x0c\x26")
                else:
                    parts.append(raw)
            fd_dicts.append(b"".join(parts))
        at = {(15,): charset_at, (17,): charstrings_at, (12, 36): fdarray_at, (12, 37): fdselect_at}
        top = b"".join(_int4(at[op]) + _op_bytes(op) if op in at else raw for op, raw, _ in self.top_ops)
        return b"".join((self.header, self.name_index, _index_bytes([top]), string_index, b"\0\0", charset,
                         fdselect, _index_bytes(fd_dicts), _index_bytes(charstrings), *packed))


def cutter_for(cff: bytes, sfnt: bytes) -> CffCutter | None:
    """A cutter of a core face (its CFF table and the whole core font), None if its CFF or cmap is not laid
    out as this module knows."""
    from .pdfbareface import NoClosure, variation_closure

    try:
        return CffCutter(cff, variation_closure(_table(sfnt, b"cmap")))
    except (NotCuttable, NoClosure, struct.error, IndexError, ValueError):
        return None


def sfnt_with_cff(cff: bytes) -> bytes:
    """An OpenType font holding only this CFF table: what ``Font.file_content`` is set to for a Python cut (the
    PDF embeds the bare CFF, render/pdfspeed.py's ``bare_cid_fonts``)."""
    return struct.pack(">4sHHHH4sIII", b"OTTO", 1, 16, 0, 0, b"CFF ", 0, 28, len(cff)) + cff
