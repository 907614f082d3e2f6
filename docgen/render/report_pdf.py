"""PDF of the reports (监控报告, 跟踪结果报告, 自评报告): like render/pdf.py, with the reports' own stylesheet.

The forms' stylesheet (forms.css) sets a form page; the reports need GB/T 9704 pages (templates/html/report.css).
This reuses render/pdf.py's WeasyPrint import, CJK-font check and its one FontConfiguration per process, and
parses report.css once per process (per template folder).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from . import pdf
from .pdf import CompiledHtml, info_key, require_pdf

STYLESHEET = "report.css"
_LOCK = threading.Lock()
_CSS: dict[Path, Any] = {}


def _stylesheet(folder: Path) -> tuple[Any, Any, Any]:
    """(the shared FontConfiguration, report.css parsed with it, the HTML class of render/pdf.py)."""
    shared = pdf._shared(folder)  # (fonts, forms.css[, HTML class])
    fonts = shared[0]
    html_class = shared[2] if len(shared) > 2 else pdf._weasyprint().HTML
    with _LOCK:
        if folder not in _CSS:
            _CSS[folder] = pdf._weasyprint().CSS(filename=str(folder / STYLESHEET), font_config=fonts)
        return fonts, _CSS[folder], html_class


class CompiledReport(CompiledHtml):
    """A report's HTML template rendered to PDF with report.css instead of forms.css."""

    def render(self, context: dict[str, Any], title: str, properties: dict[str, str] | None = None) -> bytes:
        require_pdf()
        fonts, css, html_class = _stylesheet(self.path.parent)
        html = html_class(string=self.render_html(context), base_url=str(self.path.parent))
        document = html.render(stylesheets=[css], font_config=fonts)
        meta = document.metadata
        meta.title = title
        meta.authors = []
        meta.generator = "docgen"
        meta.created = meta.modified = None
        meta.custom = {info_key(k): v for k, v in (properties or {}).items()}
        return bytes(document.write_pdf(custom_metadata=bool(meta.custom)))
