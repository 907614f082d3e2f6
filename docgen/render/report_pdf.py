"""PDF of the reports (监控报告, 跟踪结果报告, 自评报告): render/pdf.py's renderer with the reports' stylesheet.

The forms' stylesheet (forms.css) sets a form page; the reports need GB/T 9704 pages (templates/html/report.css),
parsed once per process with the shared FontConfiguration.
"""

from __future__ import annotations

from .pdf import CompiledHtml

STYLESHEET = "report.css"


class CompiledReport(CompiledHtml):
    """A report's HTML template rendered to PDF with report.css instead of forms.css."""

    stylesheet = STYLESHEET
