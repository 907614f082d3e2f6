"""PDF rendering: a form's Jinja HTML template (templates/html/) through WeasyPrint.

The HTML templates mirror the DOCX grid (written by tools/make_templates.py from the same layouts) and
are fed the same computed context. WeasyPrint is an optional extra (``pip install "docgen[pdf]"``):
this module imports it only when a PDF is asked for. Per process there is one FontConfiguration and
one parsed stylesheet (templates/html/forms.css); each template is compiled once.

A PDF without a CJK font would show empty boxes, so a render first checks (fontconfig) that a Chinese
font is installed and otherwise says which package to install. Output is deterministic: no creation
or modification dates, a fixed generator, and an identifier derived from the content.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

from jinja2 import Template

from ..errors import DocgenError
from .env import make_env

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
_SHARED: dict[Path, tuple[Any, Any]] = {}


def _shared(folder: Path) -> tuple[Any, Any]:
    """(FontConfiguration, parsed stylesheet): one of each per process (per template folder)."""
    with _LOCK:
        if folder not in _SHARED:
            wp = _weasyprint()
            from weasyprint.text.fonts import FontConfiguration

            fonts = FontConfiguration()
            css = wp.CSS(filename=str(folder / STYLESHEET), font_config=fonts)
            _SHARED[folder] = (fonts, css)
        return _SHARED[folder]


class CompiledHtml:
    """One HTML template, compiled once with the shared sandboxed env, rendered to PDF any number of times."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.template: Template = make_env().from_string(path.read_text(encoding="utf-8"))
        self.template.filename = str(path)

    def render_html(self, context: dict[str, Any]) -> str:
        return self.template.render(context)

    def render(self, context: dict[str, Any], title: str, properties: dict[str, str] | None = None) -> bytes:
        """The PDF's bytes; ``title`` is the PDF title, ``properties`` become custom entries of its Info dictionary."""
        require_pdf()
        wp = _weasyprint()
        fonts, css = _shared(self.path.parent)
        html = wp.HTML(string=self.render_html(context), base_url=str(self.path.parent))
        document = html.render(stylesheets=[css], font_config=fonts)
        meta = document.metadata
        meta.title = title
        meta.authors = []
        meta.generator = "docgen"
        meta.created = meta.modified = None
        meta.custom = {info_key(k): v for k, v in (properties or {}).items()}
        # the identifier defaults to a hash of the content; no dates: the same input gives the same bytes
        return bytes(document.write_pdf(custom_metadata=bool(meta.custom)))
