"""DOCX rendering: a docxtpl template preprocessed and compiled once, rendered many times.

docxtpl rejoins tags that Word split across runs and turns ``{%tr %}`` into row loops; it
does that (and Jinja compiles the result) once per template here, not once per document.
Each render is then: Jinja → docxtpl's line-break handling → group merges → a zip with
fixed timestamps and properties.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Template

from . import docxloops
from .env import VMERGE, make_env
from .package import CUSTOM, Deflated, core_properties, deflate, with_custom_properties, write_zip

DOCUMENT = "word/document.xml"
# CT_TcPr child order (ECMA-376 §17.4.70): vMerge must come before tcBorders, shd, vAlign …
_TCPR_ORDER = [
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge", "tcPrChange",
]
_XML_DECLARATION = re.compile(r"^<\?xml[^>]*\?>\s*")
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


_LITERAL = {"{_{": '{{ "{{" }}', "}_}": '{{ "}}" }}', "{_%": '{{ "{%" }}', "%_}": '{{ "%}" }}'}


def literal_braces(source: str) -> str:
    """docxtpl's ``{_{ }_} {_% %_}`` (literal braces typed in a template) become Jinja string literals here,
    in the template, so that a project's own text containing them is printed as typed, never altered."""
    return re.sub("|".join(re.escape(k) for k in _LITERAL), lambda m: _LITERAL[m.group(0)], source)


class CompiledDocx:
    """One DOCX template, ready to render any number of documents."""

    fast_loops = True  # simple repeated rows/paragraphs without Jinja (render/docxloops.py); tests compare both

    def __init__(self, path: Path) -> None:
        self.path = path
        tpl = DocxTemplate(str(path))
        tpl.init_docx()
        self._tpl = tpl
        source = tpl.patch_xml(tpl.get_xml())
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        source = literal_braces(source)
        self.source = source  # a render error's line is a line of this text
        env = make_env()  # one env per template: its docgen_loop filter knows this template's loops
        if self.fast_loops:
            source = docxloops.compile_loops(source, env, _text_passes, self._passes, _cell_with_vmerge)
        self.compiled_loops = source.count(f"|{docxloops.FILTER}(")
        self.template: Template = env.from_string(source)
        self.template.filename = str(path)
        with zipfile.ZipFile(path) as zf:
            self.parts = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
        # docxtpl renders the <w:body> element only; keep what surrounds it in document.xml
        document = dict(self.parts)[DOCUMENT].decode("utf-8")
        start = re.search(r"<w:body[ >]", document)
        end = document.rfind("</w:body>")
        if start is None or end < 0:
            raise ValueError(f"{path}: word/document.xml has no w:body")
        self._head = document[: start.start()].encode("utf-8")
        self._tail = document[end + len("</w:body>"):].encode("utf-8")
        # the parts that never change are deflated once (write_zip adds the few provenance variants)
        self._deflated: Deflated = {data: deflate(data) for name, data in self.parts if name not in _FRESH}

    def render_xml(self, context: dict[str, Any]) -> str:
        """The rendered w:body (as text)."""
        return "".join(p if isinstance(p, str) else p.decode("utf-8") for p in self._render_parts(context))

    def _render_parts(self, context: dict[str, Any]) -> list[str | bytes]:
        """Jinja, then the text passes over all but the simple loops, whose rows come as UTF-8 bytes."""
        return docxloops.render_parts(lambda: self.template.render(context), self._passes)

    def _passes(self, xml: str) -> str:
        """After Jinja: the template's own line breaks, XML-forbidden characters, docxtpl's line
        handling (\\n → w:br …), and the group markers turned into vertical merges."""
        xml = _ILLEGAL_XML.sub("", _text_passes(xml))
        xml = resolve_listing(self._tpl, xml)
        if VMERGE in xml:
            xml = apply_vmerges(xml)
        return xml

    def render(self, context: dict[str, Any], title: str, properties: dict[str, str] | None = None) -> bytes:
        """The document's bytes; ``properties`` become custom document properties (provenance)."""
        body = self._render_parts(context)
        body[0] = _XML_DECLARATION.sub("", body[0])  # type: ignore[call-overload]
        document = b"".join([self._head, *(p.encode("utf-8") if isinstance(p, str) else p for p in body), self._tail])
        parts = []
        for name, data in self.parts:
            if name == DOCUMENT:
                data = document
            elif name == "docProps/core.xml":
                data = core_properties(title)
            parts.append((name, data))
        return write_zip(with_custom_properties(parts, properties), self._deflated, _FRESH)


_FRESH = frozenset({DOCUMENT, "docProps/core.xml", CUSTOM})  # parts that change with every document


def _text_passes(xml: str) -> str:
    """The paragraph line breaks added before Jinja removed. (docxtpl's escaped braces ``{_{`` were made Jinja
    string literals in the template, :func:`literal_braces`: a project's own text is never altered.)"""
    return xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")


_MARKER = re.compile(r"<!--" + re.escape(VMERGE) + r" (restart|continue)-->")
_AFTER_VMERGE = "|".join(_TCPR_ORDER[_TCPR_ORDER.index("vMerge") + 1:])
_TCPR_NEXT = re.compile(rf"<w:(?:{_AFTER_VMERGE})[ />]")
_TEXT = re.compile(r"(<w:t(?: [^>]*)?>)[^<]*(</w:t>)")
_LISTING_CHARS = ("\n", "\t", "\a", "\f")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)


def _empty_text(m: re.Match[str]) -> str:
    return m.group(1) + m.group(2)


def _with_vmerge(tc: str, restart: bool) -> str:
    """Put ``w:vMerge`` into a cell's tcPr at its place in the schema order."""
    tag = '<w:vMerge w:val="restart"/>' if restart else "<w:vMerge/>"
    tc = re.sub(r"<w:vMerge(?: [^>]*)?/>", "", tc)
    start = tc.find("<w:tcPr")
    if start < 0 or tc.startswith("<w:tcPr/>", start):
        head = tc.index(">") + 1
        tc = tc.replace("<w:tcPr/>", "", 1) if start >= 0 else tc
        return tc[:head] + f"<w:tcPr>{tag}</w:tcPr>" + tc[head:]
    end = tc.index("</w:tcPr>", start)
    body_start = tc.index(">", start) + 1
    found = _TCPR_NEXT.search(tc, body_start, end)
    at = found.start() if found else end
    return tc[:at] + tag + tc[at:]


def _cell_with_vmerge(tc: str, restart: bool) -> str:
    """One table cell as :func:`apply_vmerges` leaves it when it starts (restart) or continues a group."""
    tc = _with_vmerge(tc, restart)
    return tc if restart else _TEXT.sub(_empty_text, tc)


def apply_vmerges(xml: str) -> str:
    """Turn ``<!--docgen:vmerge restart|continue-->`` markers into ``w:vMerge`` in schema order.

    Works on the XML text (an lxml round trip costs more than the rest of a render); the
    templates have no tables nested inside cells, which this relies on.
    """
    out: list[str] = []
    pos = 0
    while True:
        m = _MARKER.search(xml, pos)
        if m is None:
            out.append(xml[pos:])
            return "".join(out)
        tc_start = max(xml.rfind("<w:tc>", pos, m.start()), xml.rfind("<w:tc ", pos, m.start()))
        tc_end = xml.index("</w:tc>", m.end()) + len("</w:tc>")
        if tc_start < 0:  # a marker outside a table cell: just drop it
            out.append(xml[pos:m.start()])
            pos = m.end()
            continue
        tc = xml[tc_start:tc_end].replace(m.group(0), "")
        tc = _cell_with_vmerge(tc, m.group(1) == "restart")  # a continued cell shows nothing of its own
        out.append(xml[pos:tc_start])
        out.append(tc)
        pos = tc_end


def resolve_listing(tpl: DocxTemplate, xml: str) -> str:
    """docxtpl's line-break handling (\\n → w:br …), applied only to paragraphs that need it."""
    if not any(ch in xml for ch in _LISTING_CHARS):
        return xml

    def one(m: re.Match[str]) -> str:
        text = m.group(0)
        return tpl.resolve_listing(text) if any(ch in text for ch in _LISTING_CHARS) else text

    return _PARAGRAPH.sub(one, xml)
