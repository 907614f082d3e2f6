"""DOCX rendering: a docxtpl template preprocessed and compiled once, rendered many times.

docxtpl rejoins tags that Word split across runs and turns ``{%tr %}`` into row loops; it
does that (and Jinja compiles the result) once per template here, not once per document.
Each render is then: Jinja → docxtpl's line-break handling → group merges → page breaks → a zip with
fixed timestamps and properties.

Page breaks: the page plan (compile/paginate.py) names the items of a list that start a page. There the table
is closed, a paragraph starts the new page (``w:pageBreakBefore``: Word and LibreOffice both honour it, which
they do not for a break inside a table) and the table reopens with the same properties, grid and column headings
(``w:tblHeader`` rows). A group cut there restarts with its label and （续）: the rows' values carry that.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import marshal
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Template, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from ..compile import cache as compile_cache
from . import docxloops
from .env import VMERGE, make_env
from .package import CUSTOM, Deflated, core_properties, deflate, with_custom_properties, write_atomic, write_zip

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
        with zipfile.ZipFile(path) as zf:
            self.parts = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
        env = make_env()  # one env per template: its docgen_loop filter knows this template's loops
        env.globals["docgen_break"] = _break_marker
        kept = _kept_file(path, dict(self.parts)[DOCUMENT], self.fast_loops)
        try:  # compiled by an earlier process of this build (docgen/compile/cache.py's folder)
            source, specs, code = marshal.loads(kept.read_bytes())
            docxloops.install_loops(env, specs, _text_passes, self._passes, _cell_with_vmerge)
        except (OSError, EOFError, ValueError, TypeError):
            source = tpl.patch_xml(tpl.get_xml())
            source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
            source = literal_braces(source)
            if self.fast_loops:
                source = docxloops.compile_loops(source, env, _text_passes, self._passes, _cell_with_vmerge)
            source = _ROW_LOOP.sub(r'\1{{ docgen_break("\2", loop.index0) }}', source)  # the loops Jinja renders
            code = env.compile(source)
            try:
                write_atomic(kept, marshal.dumps((source, docxloops.loop_specs(env), code)), sync=False)
            except OSError:
                pass  # a cache: compiled again next time
        self.compiled_loops = source.count(f"|{docxloops.FILTER}(")
        self.source = source  # a render error's line is a line of this text
        self.template: Template = env.template_class.from_code(env, code, env.make_globals(None), None)
        self.template.filename = str(path)
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
        xml = "".join(p if isinstance(p, str) else p.decode("utf-8") for p in self._render_parts(context))
        return apply_breaks(xml.encode("utf-8")).decode("utf-8") if docxloops.BREAK in xml else xml

    def _render_parts(self, context: dict[str, Any]) -> list[str | bytes]:
        """Jinja, then the text passes over all but the simple loops, whose rows come as UTF-8 bytes."""
        return docxloops.render_parts(lambda: self.template.render(context), self._passes)

    def _passes(self, xml: str) -> str:
        """After Jinja: the template's own line breaks, XML-forbidden characters, docxtpl's line
        handling (\\n → w:br …), and the group markers turned into vertical merges."""
        xml = _ILLEGAL_XML.sub("", _text_passes(xml))
        xml = resolve_listing(self._tpl, xml)
        xml = group_keeps(xml)
        if VMERGE in xml:
            xml = apply_vmerges(xml)
        return xml

    def render(self, context: dict[str, Any], title: str, properties: dict[str, str] | None = None) -> bytes:
        """The document's bytes; ``properties`` become custom document properties (provenance)."""
        body = self._render_parts(context)
        body[0] = _XML_DECLARATION.sub("", body[0])  # type: ignore[call-overload]
        document = b"".join([self._head, *(p.encode("utf-8") if isinstance(p, str) else p for p in body), self._tail])
        if _BREAK in document:
            document = apply_breaks(document)
        parts = []
        for name, data in self.parts:
            if name == DOCUMENT:
                data = document
            elif name == "docProps/core.xml":
                data = core_properties(title)
            parts.append((name, data))
        return write_zip(with_custom_properties(parts, properties), self._deflated, _FRESH)


_FRESH = frozenset({DOCUMENT, "docProps/core.xml", CUSTOM})  # parts that change with every document


def _kept_file(path: Path, document: bytes, fast_loops: bool) -> Path:
    """Where a template's compiled Jinja code is kept between processes: by its document.xml, this compiler's
    own code (render/docx.py, docxloops.py, env.py), docxtpl's, Jinja's and Python's versions."""
    key = hashlib.sha256(document + _compiler_key().encode() + (b"1" if fast_loops else b"0")).hexdigest()[:24]
    return compile_cache.folder() / f"{path.stem}-{key}.jinja"


@functools.cache
def _compiler_key() -> str:
    import docxtpl
    import jinja2

    here = Path(__file__).parent
    code = b"".join((here / name).read_bytes() for name in ("docx.py", "docxloops.py", "env.py"))
    return f"{hashlib.sha256(code).hexdigest()} {docxtpl.__version__} {jinja2.__version__} {sys.version}"
# a loop over table rows that Jinja renders: a page-break marker goes before each row the page plan names
_ROW_LOOP = re.compile(r"(\{%-?\s*for\s+\w+\s+in\s+(\w+(?:\.\w+)*)\s*-?%\})(?=\s*<w:tr[ >])")
_BREAK = docxloops.BREAK.encode("utf-8")
_ROW = re.compile(r"<w:tr[ >].*?</w:tr>", re.DOTALL)
_ROW_BYTES = re.compile(rb"<w:tr[ >].*?</w:tr>", re.DOTALL)
# the paragraph between the two parts of a table broken over pages: it starts the page, 1 pt high
_PAGE_START = (b'<w:p><w:pPr><w:pageBreakBefore/><w:spacing w:before="0" w:after="0" w:line="20" '
               b'w:lineRule="exact"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>')


@pass_context
def _break_marker(context: Context, name: str, index: int) -> Markup:
    """``{{ docgen_break("指标", loop.index0) }}``: the page-break marker before an item the page plan names."""
    return Markup(docxloops.BREAK if index > 0 and index in docxloops.page_breaks(context, name) else "")


def group_keeps(xml: str) -> str:
    """A repeated row keeps with the next (``w:keepNext`` from the Word template) only inside its 一级/二级 group:
    it lets go when the next row starts a group (a vMerge restart marker) or a page (a break marker)."""
    if docxloops.KEEP_NEXT not in xml or (VMERGE not in xml and docxloops.BREAK not in xml):
        return xml
    restart = f"<!--{VMERGE} restart-->"
    out: list[str] = []
    pos = 0
    rows = list(_ROW.finditer(xml))
    for row, after in itertools.pairwise(rows):
        between = xml[row.end():after.start()]
        if between not in ("", docxloops.BREAK) or docxloops.KEEP_NEXT not in row.group(0):
            continue
        if between or (VMERGE in row.group(0) and restart in after.group(0)):
            out.append(xml[pos:row.start()])
            out.append(row.group(0).replace(docxloops.KEEP_NEXT, ""))
            pos = row.end()
    out.append(xml[pos:])
    return "".join(out)


def apply_breaks(document: bytes) -> bytes:
    """Each page-break marker (between two rows) → the table closed, a paragraph starting the new page, the table
    reopened with its properties, grid and column-heading rows (the ``w:tblHeader`` rows that open it).

    Linear in the document: the markers come in order, so the table around each is looked for only since the
    previous one, and a table's opening is worked out once."""
    out: list[bytes] = []
    pos = 0
    searched = 0  # the table starts before this offset are known: the last one is ``start``
    start = -1
    reopen: dict[int, bytes | None] = {}  # table start → what reopens it on a new page
    while True:
        at = document.find(_BREAK, pos)
        if at < 0:
            out.append(document[pos:])
            return b"".join(out)
        out.append(document[pos:at])
        pos = at + len(_BREAK)
        start = max(start, document.rfind(b"<w:tbl>", searched, at), document.rfind(b"<w:tbl ", searched, at))
        searched = at
        if start < 0:
            continue  # not in a table: dropped
        again = reopen.get(start)
        if again is None:
            again = reopen[start] = _reopening(document, start, at)
        if again is not None:
            out.append(again)


def _reopening(document: bytes, start: int, at: int) -> bytes | None:
    """The table that starts at ``start`` closed and opened again on a new page (its properties, grid and heading
    rows), for a break at ``at``; None when ``at`` is not after the table's first row."""
    inside = document.index(b">", start) + 1
    first = _ROW_BYTES.search(document, inside)
    if first is None or first.start() > at:
        return None
    heads = []
    row = _ROW_BYTES.match(document, first.start())
    while row is not None and row.end() <= at and b"<w:tblHeader" in row.group(0).split(b"</w:trPr>")[0]:
        heads.append(row.group(0))
        row = _ROW_BYTES.match(document, row.end())
    return b"</w:tbl>" + _PAGE_START + document[start:first.start()] + b"".join(heads)


def _text_passes(xml: str) -> str:
    """The paragraph line breaks added before Jinja removed. (docxtpl's escaped braces were made Jinja string
    literals in the template by :func:`literal_braces`, so a project's own ``{_{`` is never touched here.)"""
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
