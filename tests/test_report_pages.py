"""The reports' PDF pages against GB/T 9704-2012, measured in the PDF itself (pdffonts, ``pdftotext -bbox-layout``):
the body in an embedded 仿宋 face and level-3 headings in a 楷体 face, 22 lines on a full page, 28 characters on a
full line, text edges at 28 mm and 184 mm, the page-number line 7 mm under the text block, and a negative figure
never split after its minus sign.

Needs WeasyPrint, poppler-utils and the FandolFang/FandolKai faces (scripts/system-packages.sh installs them).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("weasyprint", reason='the PDF extra is not installed (pip install "docgen[pdf]")')

import itertools

from docgen.forms import find_form
from docgen.output import compiled_pdf
from docgen.present import keep_minus

from .formcheck import sample_result

MM = 72 / 25.4
POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None
FC = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout \
    if shutil.which("fc-list") else ""
needs_faces = pytest.mark.skipif(
    not POPPLER or "FandolFang" not in FC or "FandolKai" not in FC,
    reason="poppler-utils (pdftotext, pdffonts) or FandolFang/FandolKai not installed (scripts/system-packages.sh)")
SAMPLE = "xiangcun-zhenxing-zonghe.yaml"
REPORTS = ("monitor-report", "tracking-report", "self-eval-report")
TEXT_TOP, TEXT_BOTTOM, LEFT, RIGHT = 37 * MM, 262 * MM, 28 * MM, 184 * MM
# a long paragraph of Chinese text only (no half-width figures): every full line is exactly 28 characters
LONG = "".join("围绕茶产业和农村电商发展补齐基础设施短板带动农户持续增收和脱贫人口稳定就业推动化肥农药减量" for _ in range(30))
NEGATIVE = "偏差率为-50.00%"


@dataclass
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def _pages(pdf: Path) -> list[list[Line]]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    pages = []
    for page in xml.split("<page ")[1:]:
        lines = []
        for x0, y0, x1, y1, body in re.findall(
                r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', page, re.S):
            text = "".join(re.findall(r">([^<]*)</word>", body))
            lines.append(Line(text, float(x0), float(y0), float(x1), float(y1)))
        pages.append(lines)
    return pages


def _render(form_id: str, tmp_path: Path, extra: dict[str, object] | None = None) -> Path:
    form = find_form(form_id)
    assert form is not None
    context = form.build(sample_result(SAMPLE))
    context.update(extra or {})
    pdf = tmp_path / f"{form_id}.pdf"
    pdf.write_bytes(compiled_pdf(form).render(keep_minus(context), form_id))
    return pdf


@pytest.fixture(scope="module")
def long_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 自评报告 with a 项目概况 of several pages of Chinese text, so that full pages and lines can be counted."""
    if not (POPPLER and "FandolFang" in FC and "FandolKai" in FC):
        pytest.skip("poppler-utils or the Fandol faces not installed")
    return _render("self-eval-report", tmp_path_factory.mktemp("report"), {"项目概况": [LONG]})


@pytest.mark.parametrize("form_id", REPORTS)
@needs_faces
def test_fonts_fangsong_body_kaiti_headings(form_id: str, tmp_path: Path) -> None:
    pdf = _render(form_id, tmp_path)
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    names = {row[0].split("+")[-1]: row for row in rows}
    assert "FandolFang" in names, fonts  # the body
    assert "FandolKai" in names, fonts  # （一） headings
    for name in ("FandolFang", "FandolKai"):
        assert names[name][-5] == "yes", fonts  # embedded (emb column)


@needs_faces
def test_full_page_has_22_lines_of_28_characters(long_report: Path) -> None:
    pages = _pages(long_report)
    assert len(pages) >= 3
    full = [line for line in pages[1] if line.y1 < TEXT_BOTTOM]  # page 2 holds only the long paragraph
    assert len(full) == 22, [line.text for line in full]
    pitch = [(b.y0 - a.y0) / MM for a, b in itertools.pairwise(full)]
    assert all(abs(p - 225 / 22) < 0.05 for p in pitch), pitch
    assert full[0].y0 >= TEXT_TOP - 1 * MM and full[-1].y1 <= TEXT_BOTTOM + 0.5 * MM
    for line in full:
        assert len(line.text) == 28, line.text
        assert abs(line.x0 - LEFT) <= 0.5 * MM, (line.text, line.x0 / MM)
        assert abs(line.x1 - RIGHT) <= 0.5 * MM, (line.text, line.x1 / MM)


@pytest.mark.parametrize("form_id", REPORTS)
@needs_faces
def test_edges_justified_and_page_number(form_id: str, tmp_path: Path) -> None:
    """Every line that is not the last of its paragraph ends at 184 mm (justified both sides, also with figures)."""
    pages = _pages(_render(form_id, tmp_path))
    body = [line for page in pages for line in page if TEXT_TOP - 1 * MM < line.y0 and line.y1 < TEXT_BOTTOM]
    # a line followed by an unindented line (the paragraph goes on) is a full line
    full = [a for a, b in itertools.pairwise(body) if abs(b.x0 - LEFT) < 0.5 * MM
            and abs(a.x0 - LEFT) < 0.5 * MM + 32 and b.y0 > a.y0 and len(a.text) > 20]
    assert full, "no paragraph runs over a line"
    for line in full:
        assert abs(line.x1 - RIGHT) <= 0.5 * MM, (line.text, line.x1 / MM)
    for page in pages:
        numbers = [line for line in page if line.y0 > TEXT_BOTTOM]
        assert len(numbers) == 1 and re.fullmatch(r"—\d+—", numbers[0].text), [n.text for n in numbers]
        middle = (numbers[0].y0 + numbers[0].y1) / 2
        assert abs(middle - (TEXT_BOTTOM + 7 * MM)) <= 1 * MM, middle / MM


@needs_faces
def test_negative_figure_never_split_after_its_minus(tmp_path: Path) -> None:
    """The minus sign is a non-breaking hyphen: a line never ends with it, wherever the figure falls."""
    texts = ["本项目" * k + NEGATIVE * 12 for k in range(1, 10)]
    pages = _pages(_render("self-eval-report", tmp_path, {"项目概况": texts}))
    lines = [line.text for page in pages for line in page]
    assert sum(text.count("50.00%") for text in lines) >= 9 * 12
    assert not any(text.endswith(("-", "\u2011")) for text in lines)


def test_missing_faces_note(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a 仿宋/楷体 face the report PDF falls back to a 宋体 face and says so in one line."""
    from docgen.render import report_pdf

    report_pdf.missing_faces_note.cache_clear()
    monkeypatch.setattr(report_pdf, "_fc_list", lambda: "Noto Serif CJK SC\nNoto Sans CJK SC\n")
    note = report_pdf.missing_faces_note()
    assert note is not None and "仿宋、楷体" in note and "\n" not in note
    report_pdf.missing_faces_note.cache_clear()
    monkeypatch.setattr(report_pdf, "_fc_list", lambda: "FandolFang\nFandolKai\n")
    assert report_pdf.missing_faces_note() is None
    report_pdf.missing_faces_note.cache_clear()
