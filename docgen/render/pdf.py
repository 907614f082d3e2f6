"""PDF rendering: a form's Jinja HTML template (templates/html/) through WeasyPrint.

The HTML templates are compiled from the form's DOCX (docgen/compile/, cached by the DOCX's hash) and
are fed the same computed context. WeasyPrint is an optional extra (``pip install "docgen[pdf]"``):
this module imports it only when a PDF is asked for. Per process there is one FontConfiguration and
one parsed stylesheet (templates/html/forms.css); each template is compiled once.

Speed (bench/pdf.py): besides the shared FontConfiguration and stylesheet, the HTML is cascaded against
a reduced user-agent stylesheet (only the rules of the elements the templates use, derived once from
WeasyPrint's own) and the template's own newlines between tags are dropped before it is compiled (never
the data's); the HTML is parsed by expat when it can be (render/pdfparse.py), the cascade is remembered per
kind of element (render/pdfcascade.py), each line's Pango layout is kept for drawing (render/pdflayouts.py),
and font subsetting and stream compression are made cheaper in render/pdfspeed.py. Across the documents of a
process, lines of text already broken (render/pdflines.py), page-margin boxes (the reports' page numbers,
render/pdfmargins.py) and computed style values (render/pdfstyles.py) are remembered, each keyed on exactly
what determines it; lines drawn before are written again from what was written (render/pdfdraw.py); the most called
box helpers read a box's style once (render/pdfboxes.py); and the cycle collector waits until a render is done
(:func:`collector_paused`). PDFs render one at a time in a process (Pango and fontconfig are not thread-safe).

A PDF without a CJK font would show empty boxes, so a render first checks (fontconfig) that a Chinese
font is installed and otherwise says which package to install. Output is deterministic: no creation
or modification dates, a fixed generator, and an identifier derived from the content.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import Template

from ..errors import DocgenError
from .env import make_env
from .pdfboxes import install_fast_boxes
from .pdfcascade import install_cascade_memo, mark_local
from .pdfdraw import install_fast_drawing
from .pdffloats import install_fast_floats
from .pdffontdicts import install_font_dictionaries
from .pdffontobjects import install_font_objects
from .pdflayouts import install_kept_layouts
from .pdflines import install_font_description_memo, install_line_memo, install_strut_memo
from .pdfmargins import install_margin_memo, mark_plain
from .pdfparse import fast_tree, tag_query_root
from .pdfspeed import (
    bare_cid_fonts,
    install_fast_compression,
    install_font_file_memo,
    install_one_pass_subset,
    resolved_font_families,
)
from .pdfstyles import install_style_memo

STYLESHEET = "forms.css"
INSTALL_PDF = ('PDF 需要可选组件 WeasyPrint：请运行 pip install "docgen[pdf]"'
               '（在本目录中：.venv/bin/pip install -e ".[pdf]"），'
               "并安装系统软件 pango 和 libharfbuzz-subset0（Debian/Ubuntu：apt-get install libpango-1.0-0 "
               "libpangoft2-1.0-0 libharfbuzz-subset0）。")
INSTALL_FONT = ("没有找到中文字体，生成的 PDF 会显示为空白方框，因此未生成。请安装中文字体：Debian/Ubuntu 运行 "
                "apt-get install fonts-noto-cjk，其他系统安装任一中文字体（如宋体、思源宋体 Source Han Serif）后重试。")


class PdfUnavailable(DocgenError):
    """PDF output cannot work on this machine (no WeasyPrint, or no CJK font); the message says what to install."""


def weasyprint_available() -> bool:
    """Whether the PDF extra is importable (WeasyPrint and its system libraries)."""
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


@functools.cache
def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the module is there but pango is not
        raise PdfUnavailable(f"{INSTALL_PDF}（{type(exc).__name__}: {exc}）") from None
    return weasyprint


def _fc_list() -> str | None:
    """The Chinese fonts fontconfig knows (``fc-list :lang=zh family``); None when fc-list is absent."""
    exe = shutil.which("fc-list")
    if exe is None:
        return None
    done = subprocess.run([exe, ":lang=zh", "family"], capture_output=True, text=True, timeout=60, check=False)
    return done.stdout


@functools.cache
def _cjk_font_checked() -> bool:
    fonts = _fc_list()
    if fonts is not None and not fonts.strip():
        raise PdfUnavailable(INSTALL_FONT)
    return True  # without fc-list (Windows, macOS) WeasyPrint uses the system's fonts, which have Chinese


def pdf_available() -> bool:
    """Whether ``--format all`` should include PDF: WeasyPrint imports and a Chinese font is installed."""
    try:
        require_pdf()
    except PdfUnavailable:
        return False
    return True


def pdf_unavailable_reason() -> str | None:
    """What is missing for PDF output and the command that installs it (None when PDFs can be made)."""
    try:
        require_pdf()
    except PdfUnavailable as exc:
        return str(exc)
    return None


def require_pdf() -> None:
    """Raise :class:`PdfUnavailable` with what to install when a PDF cannot be made here."""
    _weasyprint()
    _cjk_font_checked()


# PDF Info keys are ASCII names: the build's provenance properties under readable names
_INFO_KEYS = {"docgen.数据哈希": "DocgenDataHash", "docgen.模板哈希": "DocgenTemplateHash",
              "docgen.配置哈希": "DocgenProfileHash", "docgen.版本": "DocgenVersion"}


def info_key(name: str) -> str:
    """The PDF Info dictionary key of a custom document property."""
    if name in _INFO_KEYS:
        return _INFO_KEYS[name]
    ascii_part = "".join(ch for ch in name if ch.isascii() and ch.isalnum())
    if ascii_part == name:
        return name
    return f"Docgen{ascii_part}{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"


_LOCK = threading.Lock()
_FAST_PARSE = True  # tests switch it off to compare with tinyhtml5's tree
_SHARED: dict[Path, tuple[Any, Any]] = {}
_FETCHERS = threading.local()  # .fetcher: this thread's WeasyPrint URLFetcher

# the elements the templates may use: the user-agent rules for anything else (forms, lists with dir=…,
# [hidden], ruby, media …) are never matched, yet WeasyPrint would test every element against them
UA_ELEMENTS = frozenset(
    "html head title meta style link body div span p br h1 h2 h3 h4 h5 h6 table caption colgroup col thead tbody "
    "tfoot tr td th b strong i em u s sub sup small ul ol li".split())
_SIMPLE = re.compile(r"[a-z0-9]+(::(before|after|marker))?|::marker")


def _ua_selector_kept(selector: str) -> bool:
    """Whether a user-agent selector can match what the templates write (tags and combinators only)."""
    parts = selector.replace(">", " ").replace("+", " ").replace("~", " ").split()
    return bool(parts) and all(_SIMPLE.fullmatch(p) and p.split("::")[0] in UA_ELEMENTS | {""} for p in parts)


_MARGIN_RULE = re.compile(r"@((?:top|bottom|left|right)-[a-z-]+)\s*\{[^{}]*\}")


def margin_boxes_used(css: str) -> frozenset[str]:
    """The page-margin boxes a stylesheet styles (``bottom-right`` for ``@bottom-right { … }``)."""
    return frozenset(m.group(1) for m in _MARGIN_RULE.finditer(css))


def reduced_ua_source(source: str, margin_boxes: frozenset[str] = frozenset()) -> str:
    """WeasyPrint's HTML user-agent stylesheet with only the selectors :data:`UA_ELEMENTS` can match.

    At-rules (``@counter-style``, ``@page``) are kept whole, but for the page-margin boxes of ``@page`` that are
    not in ``margin_boxes``: the user agent only aligns them, and a margin box without content from our
    stylesheets is never drawn. Each one it styles is a computed style per page (16 a page, ~3 ms a page of a
    report: WeasyPrint computes them even when nothing is drawn there).
    """
    import tinycss2

    out = []
    for rule in tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule":
            text = rule.serialize()
            if rule.lower_at_keyword == "page":
                text = _MARGIN_RULE.sub(lambda m: m.group(0) if m.group(1) in margin_boxes else "", text)
            out.append(text)
        elif rule.type == "qualified-rule":
            selectors = [sel.strip() for sel in tinycss2.serialize(rule.prelude).split(",")]
            if "(" in tinycss2.serialize(rule.prelude):  # :is(…), :not(…): attribute or state selectors
                continue
            # a bare ::marker gives every element a computed marker style (~1 ms per 100 cells), but only list
            # items have a marker: the templates' only list items are <li> (neither stylesheet sets list-item)
            kept = ["li::marker" if sel == "::marker" else sel for sel in selectors if _ua_selector_kept(sel)]
            if kept:
                out.append(f"{', '.join(kept)} {{{tinycss2.serialize(rule.content)}}}")
    return "\n".join(out)


def _html_class(wp: Any, stylesheet: Path) -> Any:
    """weasyprint.HTML with the reduced user-agent stylesheet (the stock class if its hook has moved); the
    page-margin boxes kept are those ``stylesheet`` styles (report.css: the page numbers; forms.css: none)."""
    from weasyprint import css as wcss

    ua_file = Path(wcss.__file__).with_name("html5_ua.css")
    if not hasattr(wp.HTML, "_ua_stylesheets") or not ua_file.is_file():
        return wp.HTML
    used = margin_boxes_used(stylesheet.read_text(encoding="utf-8"))
    source = reduced_ua_source(ua_file.read_text(encoding="utf-8"), used)
    sheet = wp.CSS(string=source)
    mark_local(sheet, source)
    mark_plain(sheet, source)

    class FormsHTML(wp.HTML):  # type: ignore[misc,name-defined]
        def __init__(self, string: str, base_url: str) -> None:
            """WeasyPrint's ``HTML(string=…, base_url=…)``, with the tree from :func:`fast_tree` when it can
            build it (render/pdfparse.py; tinyhtml5 otherwise)."""
            root = fast_tree(string) if _FAST_PARSE else None
            if root is None:
                super().__init__(string=string, base_url=base_url)
                return
            from weasyprint import _find_base_url

            self.base_url = _find_base_url(root, base_url)
            self.url_fetcher = _url_fetcher()
            self.media_type = "print"
            self.wrapper_element = tag_query_root(root)
            self.etree_element = self.wrapper_element.etree_element

        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [sheet]

    return FormsHTML


def _url_fetcher() -> Any:
    """This thread's WeasyPrint ``URLFetcher``: making one sets up ten urllib handlers (~0.3 ms a document), and
    it keeps nothing from one fetch to the next (our documents fetch nothing anyway)."""
    fetcher = getattr(_FETCHERS, "fetcher", None)
    if fetcher is None:
        from weasyprint.urls import URLFetcher

        fetcher = _FETCHERS.fetcher = URLFetcher()
    return fetcher


def _shared(folder: Path, stylesheet: str = STYLESHEET) -> tuple[Any, Any, Any]:
    """(FontConfiguration, parsed stylesheet, HTML class): one font configuration per process, each stylesheet
    (forms.css, report.css) parsed once per process and template folder."""
    with _LOCK:
        if folder not in _SHARED:
            wp = _weasyprint()
            from weasyprint.text.fonts import FontConfiguration

            fonts = FontConfiguration()
            css = _stylesheet(wp, folder / STYLESHEET, fonts)
            install_one_pass_subset(wp)
            install_font_file_memo()
            install_fast_compression()
            install_kept_layouts()
            install_cascade_memo()
            install_line_memo()
            install_strut_memo()
            install_font_description_memo()
            install_margin_memo()
            install_style_memo()
            install_fast_drawing()
            install_font_dictionaries()
            install_font_objects()
            install_fast_boxes()
            install_fast_floats()
            _SHARED[folder] = (fonts, css, _html_class(wp, folder / STYLESHEET))
        fonts, css, html_class = _SHARED[folder]
        if stylesheet != STYLESHEET:
            key = (folder, stylesheet)
            if key not in _OTHER_CSS:
                _OTHER_CSS[key] = _stylesheet(_weasyprint(), folder / stylesheet, fonts)
                _OTHER_HTML[key] = _html_class(_weasyprint(), folder / stylesheet)
            html_class = _OTHER_HTML[key]
            css = _OTHER_CSS[key]
        return fonts, css, html_class


_OTHER_CSS: dict[tuple[Path, str], Any] = {}
_OTHER_HTML: dict[tuple[Path, str], Any] = {}  # the HTML class of each other stylesheet (its margin boxes)


def _stylesheet(wp: Any, path: Path, fonts: Any) -> Any:
    """A stylesheet parsed once, its font-family lists cut to the fonts this machine has (pdfspeed)."""
    css = resolved_font_families(path.read_text(encoding="utf-8"), fonts)
    sheet = wp.CSS(string=css, base_url=str(path), font_config=fonts)
    mark_local(sheet, css)
    mark_plain(sheet, css)
    return sheet


# the template's own line breaks between tags (and Jinja block tags); the data's text is never touched
_BETWEEN_TAGS = re.compile(r"(>|%\})[ \t]*\n\s*(?=<|\{%)")


def compact_template(source: str) -> str:
    """The template without its whitespace between tags: fewer whitespace nodes to parse and lay out.
    The newlines stay, inside a Jinja comment, so that an error's line is the line of the .html file."""
    return _BETWEEN_TAGS.sub(lambda m: f"{m.group(1)}{{#{chr(10) * m.group(0).count(chr(10))}#}}", source)


# WeasyPrint renders with Pango, fontconfig and HarfBuzz objects shared by the whole process (the font
# configuration, the font map and its caches, the lines remembered between documents), which are not thread-safe:
# renders on several threads at once corrupted GLib's memory (the desk renders in a thread pool). One at a time.
_RENDERING = threading.RLock()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a PDF renders, then one collection of the young objects.

    A render allocates some 10^5 objects, most of them alive until it ends; the collector keeps walking them (and,
    every few of its rounds, everything the process holds: fonts, stylesheets, the memos of the speed-ups) for
    nothing: ~7 % of a report's time, in 60–100 ms pauses. Once the render's objects are released, one collection
    of the youngest generation frees its cycles (a render leaves none today). Renders run one at a time
    (:data:`_RENDERING`); a collector the program had already turned off stays off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect(0)


class CompiledHtml:
    """One HTML template, compiled once with the shared sandboxed env, rendered to PDF any number of times."""

    stylesheet = STYLESHEET  # the forms' page; reports use report.css (render/report_pdf.py)

    def __init__(self, path: Path, folder: Path | None = None) -> None:
        """``folder`` holds the stylesheets (forms.css, report.css); by default the template's own folder."""
        self.path = path
        self.folder = folder or path.parent
        self.template: Template = make_env().from_string(compact_template(path.read_text(encoding="utf-8")))
        self.template.filename = str(path)

    def render_html(self, context: dict[str, Any]) -> str:
        return self.template.render(context)

    def render(self, context: dict[str, Any], title: str, properties: dict[str, str] | None = None) -> bytes:
        """The PDF's bytes; ``title`` is the PDF title, ``properties`` become custom entries of its Info dictionary."""
        return self.render_counted(context, title, properties)[0]

    def render_counted(self, context: dict[str, Any], title: str,
                       properties: dict[str, str] | None = None) -> tuple[bytes, int]:
        """The PDF's bytes and its number of pages (bench/pdf.py reports time per page)."""
        require_pdf()
        with _RENDERING, collector_paused():
            return self._render_counted(context, title, properties)

    def _render_counted(self, context: dict[str, Any], title: str,
                        properties: dict[str, str] | None) -> tuple[bytes, int]:
        fonts, css, html_class = _shared(self.folder, self.stylesheet)
        html = html_class(string=self.render_html(context), base_url=str(self.folder))
        document = html.render(stylesheets=[css], font_config=fonts)
        meta = document.metadata
        meta.title = title
        meta.authors = []
        meta.generator = "docgen"
        meta.created = meta.modified = None
        meta.custom = {info_key(k): v for k, v in (properties or {}).items()}
        # the identifier defaults to a hash of the content; no dates: the same input gives the same bytes
        pdf = document.write_pdf(custom_metadata=bool(meta.custom), finisher=bare_cid_fonts)
        return bytes(pdf), len(document.pages)
