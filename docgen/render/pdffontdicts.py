"""WeasyPrint's font dictionaries (``build_fonts_dictionary``) written in fewer Python steps, the same objects.

For each font of a PDF, WeasyPrint writes a ToUnicode CMap line by line (an f-string and a UTF-16 encoding per
glyph, each line a stream item that pydyf joins again) and a ``W`` array of one pydyf Array per run of
consecutive glyph ids (with CJK text, nearly one per glyph), each number converted when the PDF is written:
~1–1.5 ms a report. :func:`build_fonts_dictionary` writes the same objects in the same order, with each CMap
line remembered per (glyph id, text) and the ``W`` array serialized at once (pydyf writes bytes as they are),
so the PDF is the same bytes. It reproduces WeasyPrint 70's weasyprint/pdf/fonts.py (BSD-licensed) for the case
docgen has: subset fonts, none of them bitmap fonts or used in PDF forms, PDF newer than 1.4; anything else,
or another version of that file, is left to WeasyPrint. tests/test_pdf_speed.py compares the bytes.
"""

from __future__ import annotations

import threading
from typing import Any

KNOWN_SOURCE = "9ad9a202a416b845"  # sha256 of weasyprint/pdf/fonts.py (WeasyPrint 70.0), first 16 hex digits
_LOCK = threading.Lock()
_STOCK: list[Any] = []
_LINES: dict[tuple[int, str], bytes] = {}  # (glyph id, text) → its ToUnicode line
_NUMBERS: dict[float, bytes] = {}  # a width → how pydyf writes it
_KEPT = 200_000

_CMAP_HEAD = b"\n".join((
    b"/CIDInit /ProcSet findresource begin",
    b"12 dict begin",
    b"begincmap",
    b"/CIDSystemInfo",
    b"<< /Registry (Adobe)",
    b"/Ordering (UCS)",
    b"/Supplement 0",
    b">> def",
    b"/CMapName /Adobe-Identity-UCS def",
    b"/CMapType 2 def",
    b"1 begincodespacerange",
    b"<0000> <ffff>",
    b"endcodespacerange"))
_CMAP_TAIL = b"\n".join((
    b"endcmap",
    b"CMapName currentdict /CMap defineresource pop",
    b"end",
    b"end"))


def _to_unicode_stream(to_unicode: dict[int, str]) -> bytes:
    """The ToUnicode CMap WeasyPrint writes for ``to_unicode``, as the one string pydyf would join."""
    parts = [_CMAP_HEAD]
    items = tuple(to_unicode.items())
    lines = _LINES
    for start in range(0, len(items), 100):
        batch = items[start: start + 100]
        parts.append(b"%d beginbfchar" % len(batch))
        for item in batch:
            line = lines.get(item)
            if line is None:
                glyph, text = item
                codepoints = "".join(f"{letter.encode('utf-16-be').hex()}" for letter in text)
                line = f"<{glyph:04x}> <{codepoints}>".encode()
                if len(lines) > _KEPT:
                    lines.clear()
                lines[item] = line
            parts.append(line)
        parts.append(b"endbfchar")
    parts.append(_CMAP_TAIL)
    return b"\n".join(parts)


def _widths_array(widths: dict[int, Any], to_bytes: Any) -> bytes:
    """WeasyPrint's ``W`` array (runs of consecutive glyph ids and their widths) as pydyf writes it."""
    numbers = _NUMBERS
    runs: list[bytes] = []
    current: list[bytes] = []
    previous = None
    for glyph in sorted(widths):
        if previous is None or glyph - 1 != previous:
            if current:
                runs.append(b"[" + b" ".join(current) + b"]")
            runs.append(b"%d" % glyph)
            current = []
        width = widths[glyph]
        number = numbers.get(width) if type(width) in (int, float) else None
        if number is None:
            number = to_bytes(width)
            if type(width) in (int, float):
                numbers[width] = number
        current.append(number)
        previous = glyph
    if current:
        runs.append(b"[" + b" ".join(current) + b"]")
    return b"[" + b" ".join(runs) + b"]"


def build_fonts_dictionary(pdf: Any, fonts: Any, compress: bool, subset: bool, options: Any) -> Any:
    """WeasyPrint's ``build_fonts_dictionary``, the same objects in the same order (see the module)."""
    import pydyf

    if not subset or str(options["pdf_version"]) <= "1.4" or any(
            font.bitmap or font.used_in_forms for font in fonts.values()):
        return _STOCK[0](pdf, fonts, compress, subset, options)
    to_bytes = pydyf._to_bytes
    pdf_fonts = pydyf.Dictionary()
    fonts_by_file_hash: dict[str, list[Any]] = {}
    for font in fonts.values():
        fonts_by_file_hash.setdefault(font.hash, []).append(font)
    font_references_by_file_hash = {}
    for file_hash, file_fonts in fonts_by_file_hash.items():
        font = file_fonts[0]
        to_unicode: dict[int, str] = {}
        for file_font in file_fonts:
            to_unicode = {**to_unicode, **file_font.to_unicode}
        font.clean(to_unicode, options["hinting"])
        if font.type == "otf":
            font_extra = pydyf.Dictionary({"Subtype": "/OpenType"})
        else:
            font_extra = pydyf.Dictionary({"Length1": len(font.file_content)})
        font_stream = pydyf.Stream([font.file_content], font_extra, compress=compress)
        pdf.add_object(font_stream)
        font_references_by_file_hash[file_hash] = font_stream.reference

    for font in fonts.values():
        to_unicode_object = pydyf.Stream([_to_unicode_stream(font.to_unicode)], compress=compress)
        pdf.add_object(to_unicode_object)
        font_dictionary = pydyf.Dictionary({
            "Type": "/Font",
            "Subtype": "/Type0",
            "BaseFont": font.name,
            "ToUnicode": to_unicode_object.reference,
        })
        _vector_font_dictionary(font_dictionary, pdf, font, font.widths, compress,
                                font_references_by_file_hash[font.hash], to_bytes)
        pdf.add_object(font_dictionary)
        pdf_fonts[font.hash] = font_dictionary.reference
    return pdf_fonts


def _vector_font_dictionary(font_dictionary: Any, pdf: Any, font: Any, widths: dict[int, Any], compress: bool,
                            reference: Any, to_bytes: Any) -> None:
    """WeasyPrint's ``_build_vector_font_dictionary`` for a PDF newer than 1.4, the ``W`` array written at once."""
    from math import ceil

    import pydyf

    font_file = f"FontFile{3 if font.type == 'otf' else 2}"
    max_x = max(widths.values()) if widths else 0
    bbox = (0, font.descent, max_x, font.ascent)
    flags = font.flags
    if len(widths) > 1 and len(set(font.widths.values())) == 1:
        flags += 2 ** (1 - 1)  # FixedPitch
    font_descriptor = pydyf.Dictionary({
        "Type": "/FontDescriptor",
        "FontName": font.name,
        "FontFamily": pydyf.String(font.family),
        "Flags": flags,
        "FontBBox": pydyf.Array(bbox),
        "ItalicAngle": font.italic_angle,
        "Ascent": font.ascent,
        "Descent": font.descent,
        "CapHeight": bbox[3],
        "StemV": font.stemv,
        "StemH": font.stemh,
        font_file: reference,
    })
    pdf.add_object(font_descriptor)
    subfont_dictionary = pydyf.Dictionary({
        "Type": "/Font",
        "Subtype": f"/CIDFontType{0 if font.type == 'otf' else 2}",
        "BaseFont": font.name,
        "CIDSystemInfo": pydyf.Dictionary({
            "Registry": pydyf.String("Adobe"),
            "Ordering": pydyf.String("Identity"),
            "Supplement": 0,
        }),
        "CIDToGIDMap": "/Identity",
        "W": _widths_array(widths, to_bytes),
        "FontDescriptor": font_descriptor.reference,
    })
    pdf.add_object(subfont_dictionary)
    if font.missing:
        cmap_extra = pydyf.Dictionary({
            "Type": "/CMap",
            "CMapName": "/WP-Encod-0",
            "CIDSystemInfo": pydyf.Dictionary({
                "Registry": pydyf.String("Adobe"),
                "Ordering": pydyf.String("Identity"),
                "Supplement": 0,
            }),
        })
        encoding = pydyf.Stream([
            b"/CIDInit /ProcSet findresource begin",
            b"12 dict begin",
            b"begincmap",
            b"/CIDSystemInfo",
            b"3 dict dup begin",
            b"/Registry (Adobe) def",
            b"/Ordering (Identity) def",
            b"/Supplement 0 def",
            b"end def",
            b"/CMapName /WP-Encod-0 def",
            b"/CMapType 1 def",
            b"1 begincodespacerange",
            b"<0000> <ffff>",
            b"endcodespacerange",
        ], cmap_extra, compress=compress)
        available = tuple(font.to_unicode)
        available_length = len(available)
        for i in range(ceil(available_length / 100)):
            batch_length = min(100, available_length - i * 100)
            encoding.stream.append(f"{batch_length} begincidchar".encode())
            for glyph_id in available[i * 100:(i + 1) * 100]:
                font_glyph_id = 0 if glyph_id in font.missing.values() else glyph_id
                encoding.stream.append(f"<{glyph_id:04x}> {font_glyph_id}".encode())
            encoding.stream.append(b"endcidchar")
        encoding.stream.extend([
            b"endcmap",
            b"CMapName currentdict /CMap defineresource pop",
            b"end",
            b"end"])
        pdf.add_object(encoding)
        font_dictionary["Encoding"] = encoding.reference
    else:
        font_dictionary["Encoding"] = "/Identity-H"
    font_dictionary["DescendantFonts"] = pydyf.Array([subfont_dictionary.reference])


def _source_known() -> bool:
    import hashlib
    from pathlib import Path

    try:
        import pydyf
        from weasyprint.pdf import fonts

        return (hashlib.sha256(Path(fonts.__file__).read_bytes()).hexdigest()[:16] == KNOWN_SOURCE
                and callable(getattr(pydyf, "_to_bytes", None)))
    except (OSError, TypeError, ImportError):
        return False


def install_font_dictionaries() -> bool:
    """Use :func:`build_fonts_dictionary` in WeasyPrint's PDF writer (once per process); False, and nothing
    patched, when weasyprint/pdf/fonts.py is not the file reproduced here."""
    import weasyprint.pdf as writer

    with _LOCK:
        if _STOCK:
            return True
        if not _source_known() or not callable(getattr(writer, "build_fonts_dictionary", None)):
            return False
        _STOCK.append(writer.build_fonts_dictionary)
        writer.build_fonts_dictionary = build_fonts_dictionary
        return True


def uninstall_font_dictionaries() -> None:
    """WeasyPrint's own function again (tests compare both)."""
    import weasyprint.pdf as writer

    with _LOCK:
        if _STOCK:
            writer.build_fonts_dictionary = _STOCK.pop()
