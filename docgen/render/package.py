"""Deterministic OOXML packages: fixed zip timestamps, entry order and document properties."""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
import itertools
import os
import secrets
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

FIXED_TIME = (2000, 1, 1, 0, 0, 0)
FIXED_DATETIME = datetime.datetime(*FIXED_TIME)
FIXED_ISO = "2000-01-01T00:00:00Z"


def core_properties(title: str, subject: str = "") -> bytes:
    """docProps/core.xml with fixed dates, so that the same input gives the same bytes."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
        "<dc:creator>docgen</dc:creator><cp:lastModifiedBy>docgen</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_ISO}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_ISO}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


COMPRESSLEVEL = 1  # deflate level 1: several times faster than 6, files a few per cent larger


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


class FixedTimeZipFile(zipfile.ZipFile):
    """A ZipFile whose entries written by name (as openpyxl does) get the fixed timestamp."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = _info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, COMPRESSLEVEL)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        """openpyxl writes each worksheet from a temporary file: store it under the fixed timestamp too."""
        with open(filename, "rb") as fh:
            self.writestr(str(arcname or filename), fh.read())


Deflated = dict[bytes, tuple[int, bytes]]  # part bytes → (CRC-32, raw deflate stream): a template's static parts
_DEFLATED_MAX = 64  # entries kept per cache (a template's parts and its few provenance variants)


def deflate(data: bytes) -> tuple[int, bytes]:
    """CRC-32 and the raw deflate stream of ``data`` at :data:`COMPRESSLEVEL`: by ISA-L (the ``isal`` package,
    a dependency: the same deflate format about three times faster, a little smaller) or else by zlib, as
    zipfile makes it. Either way the same data gives the same bytes on the same installation."""
    if _ISAL is not None:
        return zlib.crc32(data), _ISAL.compress(data, COMPRESSLEVEL, -15)
    compressor = zlib.compressobj(COMPRESSLEVEL, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


try:
    from isal import isal_zlib as _ISAL
except ImportError:  # pragma: no cover - isal is a dependency; a platform without its wheel falls back to zlib
    _ISAL = None


def write_zip(parts: list[tuple[str, bytes]], deflated: Deflated | None = None,
              fresh: frozenset[str] = frozenset()) -> bytes:
    """A zip of ``parts`` in the given order with fixed timestamps and deflate compression.

    The zip :func:`write_zip_zipfile` (zipfile) writes, entry for entry (with zlib, byte for byte), but a part
    found in ``deflated`` is not compressed again; other parts not named in ``fresh`` (those that change with
    every document) are added to it.
    """
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data in parts:
        known = deflated.get(data) if deflated is not None else None
        if known is None:
            known = deflate(data)
            if deflated is not None and name not in fresh:
                if len(deflated) >= _DEFLATED_MAX:
                    deflated.clear()
                deflated[data] = known
        crc, stream = known
        header, record, filename = _entry(name, crc, len(stream), len(data))
        central.append(record + struct.pack("<L", offset) + filename)
        local += (header, stream)
        offset += len(header) + len(stream)
    if offset > _ZIP64_FROM or len(parts) >= 0xFFFF:
        return write_zip_zipfile(parts)  # zip64 records: leave them to zipfile
    directory = b"".join(central)
    end = struct.pack(zipfile.structEndArchive, zipfile.stringEndArchive, 0, 0, len(parts), len(parts),
                      len(directory), offset, 0)
    return b"".join(local) + directory + end


@functools.lru_cache(maxsize=1024)
def _entry(name: str, crc: int, compressed: int, size: int) -> tuple[bytes, bytes, bytes]:
    """A part's local file header, its central directory record up to the header offset, and its encoded name
    (the same for a template's fixed parts in every document: made once)."""
    info = _info(name)
    info.CRC, info.compress_size, info.file_size = crc, compressed, size
    header = info.FileHeader(False)
    filename, flags = info._encodeFilenameFlags()
    record = struct.pack(
        zipfile.structCentralDir, zipfile.stringCentralDir, info.create_version, info.create_system,
        info.extract_version, info.reserved, flags, info.compress_type, *_DOS_TIME, crc, compressed,
        size, len(filename), 0, 0, 0, info.internal_attr, info.external_attr, 0)[:-4]  # the offset goes last
    return header, record, filename


_DOS_TIME = ((FIXED_TIME[3] << 11 | FIXED_TIME[4] << 5 | FIXED_TIME[5] // 2),
             ((FIXED_TIME[0] - 1980) << 9 | FIXED_TIME[1] << 5 | FIXED_TIME[2]))
_ZIP64_FROM = (1 << 31) - 1  # well below zipfile's ZIP64_LIMIT


def write_zip_zipfile(parts: list[tuple[str, bytes]]) -> bytes:
    """The reference: the same zip written through zipfile (tests compare the two)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            zf.writestr(_info(name), data, compresslevel=COMPRESSLEVEL)
    return buf.getvalue()


def normalise_package(data: bytes, title: str, subject: str = "") -> bytes:
    """Rewrite a package (e.g. one saved by openpyxl) with fixed timestamps and properties."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    parts = [(n, core_properties(title, subject) if n == "docProps/core.xml" else d) for n, d in parts]
    return write_zip(parts)


_OPEN_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
               | getattr(os, "O_BINARY", 0))
_TOKEN = secrets.token_hex(4)  # with the process id and a counter: temporary names no other writer uses
_COUNTER = itertools.count()
_FOLDERS: set[Path] = set()  # folders this process made or found (a mkdir per file costs two system calls)


def _temporary(folder: Path) -> tuple[int, Path]:
    """A new file in ``folder`` opened for writing, mode 0666 less the umask (as any file a program makes)."""
    if folder not in _FOLDERS:
        folder.mkdir(parents=True, exist_ok=True)
        if len(_FOLDERS) > 4096:
            _FOLDERS.clear()
        _FOLDERS.add(folder)
    while True:
        # ".part", not the real suffix: an interrupted write never looks like a document (removed next build)
        tmp = folder / f".tmp-{os.getpid()}-{_TOKEN}-{next(_COUNTER)}.part"
        try:
            return os.open(tmp, _OPEN_FLAGS, 0o666), tmp
        except FileExistsError:
            continue
        except FileNotFoundError:  # the folder was removed since: made again
            _FOLDERS.discard(folder)
            folder.mkdir(parents=True, exist_ok=True)
            _FOLDERS.add(folder)


@contextlib.contextmanager
def atomic_file(path: Path, sync: bool = True, text: bool = False) -> Iterator[IO[Any]]:
    """A file opened for writing that appears at ``path`` only when the block ends without an error: written
    to a temporary file in the same folder, then renamed (``text``: UTF-8 with ``\\n`` line ends).

    ``sync=False`` leaves durability to the caller (``docgen build`` syncs its file system once per batch).
    """
    fd, tmp = _temporary(path.parent)
    try:
        with (os.fdopen(fd, "w", encoding="utf-8", newline="\n") if text else os.fdopen(fd, "wb")) as fh:
            yield fh
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename (:func:`atomic_file`)."""
    with atomic_file(path, sync) as fh:
        fh.write(data)


CUSTOM = "docProps/custom.xml"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def custom_properties(properties: dict[str, str]) -> bytes:
    """docProps/custom.xml: provenance (data hash, template hash, docgen version) as text properties."""
    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(sorted(properties.items()), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{items}</Properties>"
    ).encode()


def with_custom_properties(
    parts: list[tuple[str, bytes]], properties: dict[str, str] | None
) -> list[tuple[str, bytes]]:
    """Add (or replace) docProps/custom.xml, registering it in [Content_Types].xml and _rels/.rels."""
    if not properties:
        return parts
    names = [n for n, _ in parts]
    out = []
    for name, data in parts:
        if name == CUSTOM:
            continue
        if name == "[Content_Types].xml" and b"/docProps/custom.xml" not in data:
            data = data.replace(
                b"</Types>", f'<Override PartName="/{CUSTOM}" ContentType="{_CUSTOM_TYPE}"/></Types>'.encode()
            )
        elif name == "_rels/.rels" and CUSTOM.encode() not in data:
            data = data.replace(
                b"</Relationships>",
                f'<Relationship Id="rIdDocgenCustom" Type="{_CUSTOM_REL}" Target="{CUSTOM}"/></Relationships>'.encode(),
            )
        out.append((name, data))
    position = names.index("docProps/core.xml") + 1 if "docProps/core.xml" in names else len(out)
    out.insert(min(position, len(out)), (CUSTOM, custom_properties(properties)))
    return out
