"""Each form through a real office suite: LibreOffice converts the DOCX and the XLSX to PDF, and the
text of the PDF holds the project's name and figures (with CJK fonts embedded, not boxes).

LibreOffice and poppler-utils are installed by .ci/run; tests/fonts/fonts.conf maps 宋体/黑体/仿宋 to
Noto CJK so that the PDF shows the characters.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from docgen.forms import FORMS
from docgen.output import missing_data, render_aggregates, render_project_form
from docgen.pipeline import project_files, run_file

from .conftest import EXAMPLE, SAMPLES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None,
    reason="LibreOffice/pdftotext not installed (bash .ci/run installs them)",
)
FONTS = Path(__file__).parent / "fonts" / "fonts.conf"
# a figure each form must show for the chosen project, besides its name
FIGURES = {"monitor": "34.00%", "tracking": "34.00%", "self-eval": "97.49", "summary": "34.00%", "coverage": "100.00%"}


def _convert(files: list[Path], outdir: Path, profile: Path) -> None:
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS)}
    cmd = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
           "--outdir", str(outdir), *map(str, files)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=600, env=env)


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", out)


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path, Path]]:
    """For every renderable tabular form: (project name, DOCX's PDF, XLSX's PDF)."""
    root = tmp_path_factory.mktemp("office")
    outcomes = {p: run_file(p, str(p)) for p, _ in project_files([SAMPLES])}
    results = [o.result for o in outcomes.values() if o.result is not None]
    example = outcomes[EXAMPLE].result
    chosen: dict[str, tuple[str, list[Path]]] = {}
    for form in FORMS:
        if not (form.tabular and form.renderable):
            continue
        folder = root / form.id
        if form.aggregate:
            files = render_aggregates(results, form, ("docx", "xlsx"), folder)[:2]
            # 表4 lists projects; the coverage table lists 主管部门
            name = example.project.name if form.id == "summary" else example.project.department
        else:
            result = example if not missing_data(form, example) else next(
                r for r in results if not missing_data(form, r))
            files = render_project_form(result, form, ("docx", "xlsx"), folder)
            name = result.project.name
        chosen[form.id] = (name, files)
    docx = [f for _, files in chosen.values() for f in files if f.suffix == ".docx"]
    xlsx = [f for _, files in chosen.values() for f in files if f.suffix == ".xlsx"]
    # the DOCX and XLSX of a form share a stem: convert them into separate folders, one batch each
    _convert(docx, root / "pdf-docx", root / "lo-profile")
    _convert(xlsx, root / "pdf-xlsx", root / "lo-profile")
    out = {}
    for form_id, (name, files) in chosen.items():
        stem = files[0].stem
        out[form_id] = (name, root / "pdf-docx" / f"{stem}.pdf", root / "pdf-xlsx" / f"{stem}.pdf")
    return out


@pytest.mark.parametrize("form", [f.id for f in FORMS if f.tabular])
def test_form_converts_and_shows_its_figures(form: str, converted: dict) -> None:
    if form not in converted:
        pytest.skip(f"{form}: no template yet")
    name, docx_pdf, xlsx_pdf = converted[form]
    for pdf in (docx_pdf, xlsx_pdf):
        assert pdf.is_file(), f"LibreOffice did not convert {pdf.name}"
        text = _text(pdf)
        assert re.sub(r"\s+", "", name) in text, (form, pdf.parent.name)
        if form in FIGURES:
            assert FIGURES[form] in text, (form, pdf.parent.name, FIGURES[form])


def test_pdf_embeds_a_cjk_font(converted: dict) -> None:
    _, docx_pdf, _ = converted["monitor"]
    fonts = subprocess.run(["pdffonts", str(docx_pdf)], check=True, capture_output=True, text=True).stdout
    assert "CJK" in fonts
