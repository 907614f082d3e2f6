"""PDF of the reports (监控报告, 跟踪结果报告, 自评报告): render/pdf.py's renderer with the reports' stylesheet.

The forms' stylesheet (forms.css) sets a form page; the reports need GB/T 9704 pages (templates/html/report.css),
parsed once per process with the shared FontConfiguration.

GB/T 9704 justifies a line of Chinese text on both sides by spreading it between the characters. WeasyPrint (70)
justifies only at spaces, which Chinese text hardly has, so the right edge stays ragged; :func:`install_cjk_justify`
adds inter-character justification for Chinese lines (``lang="zh…"``): the line's spare width is shared out as
extra letter spacing over its characters. Lines in other languages keep WeasyPrint's own justification. The line is
not shaped again for that: render/pdfdraw.py moves its glyphs when it draws them, as Pango's letter spacing would.

The body face is a 仿宋 and level-3 headings a 楷体 (report.css names the Word faces first, then FandolFang and
FandolKai, which scripts/system-packages.sh installs); :func:`missing_faces_note` is the one-line note when neither
is installed and a 宋体 face stands in.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from .pdf import CompiledHtml, _fc_list
from .pdfdraw import respaced_layout

STYLESHEET = "report.css"
FACES = {"仿宋": ("FandolFang", "FangSong", "仿宋"), "楷体": ("FandolKai", "KaiTi", "楷体")}


class CompiledReport(CompiledHtml):
    """A report's HTML template rendered to PDF with report.css instead of forms.css."""

    stylesheet = STYLESHEET

    def render_counted(self, context: dict[str, Any], title: str,
                       properties: dict[str, str] | None = None) -> tuple[bytes, int]:
        install_cjk_justify()
        return super().render_counted(context, title, properties)


@functools.cache
def missing_faces_note() -> str | None:
    """A one-line note when no 仿宋 or 楷体 face is installed (fontconfig), else None."""
    fonts = _fc_list()
    if fonts is None:
        return None  # Windows/macOS: the Word faces are the system's
    missing = [name for name, families in FACES.items() if not any(f in fonts for f in families)]
    if not missing:
        return None
    return (f"提示：未安装{'、'.join(missing)}字体，报告 PDF 暂用宋体代替；"
            "Debian/Ubuntu 可运行 scripts/system-packages.sh 安装 FandolFang、FandolKai。")


_INSTALLED = threading.Lock()
_DONE: list[bool] = []


def install_cjk_justify() -> None:
    """Make ``text-align: justify`` spread Chinese lines between characters (once per process)."""
    with _INSTALLED:
        if _DONE:
            return
        from weasyprint.layout import inline

        stock = inline.justify_line

        def justify_line(context: Any, line: Any, extra_width: float) -> None:
            lang = line.style["lang"] or ""
            if not lang.startswith("zh") or extra_width <= 0:
                stock(context, line, extra_width)
                return
            gaps = _count_characters(line) - 1
            if gaps > 0:
                _add_letter_spacing(context, line, extra_width / gaps, 0.0)

        inline.justify_line = justify_line
        _DONE.append(True)


def _count_characters(box: Any) -> int:
    boxes = _boxes()
    if isinstance(box, boxes.TextBox):
        return len(box.text.rstrip(" "))
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        return sum(_count_characters(child) for child in box.children if child.is_in_normal_flow())
    return 1  # an atomic inline counts as one character


@functools.cache
def _boxes() -> Any:
    """WeasyPrint's box classes (imported once: the justification asks for them for every box of every line)."""
    from weasyprint.formatting_structure import boxes

    return boxes


def _add_letter_spacing(context: Any, box: Any, spacing: float, x_advance: float) -> float:
    """Lay the line's text boxes out again with ``spacing`` more letter spacing; returns the advance so far."""
    boxes = _boxes()
    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        count = len(box.text.rstrip(" "))
        if count:
            style = box.style.copy()
            base = style["letter_spacing"]
            style["letter_spacing"] = (0 if base == "normal" else base) + spacing
            layout = respaced_layout(box.pango_layout, box.text, style)  # drawn moved, not shaped again
            if layout is None:
                from weasyprint.text.line_break import create_layout

                layout = create_layout(box.text, style, context, max_width=None, justification_spacing=0)
                layout.deactivate()
            box.style = style
            box.pango_layout = layout
            box.width += spacing * count
            x_advance += spacing * count
        return x_advance
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _add_letter_spacing(context, child, spacing, x_advance)
        box.width += x_advance - before
        return x_advance
    box.translate(x_advance, 0)
    return x_advance + spacing
