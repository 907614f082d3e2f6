"""Every sample × every applicable form → DOCX and XLSX that open, hold the figures, and are byte-stable."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from docgen.forms import FORMS
from docgen.output import missing_data, render_bytes
from docgen.pipeline import project_files, run_file

from .conftest import SAMPLES
from .formcheck import docx_text

PROJECT_FORMS = [f for f in FORMS if f.tabular and not f.aggregate and f.renderable]
SAMPLE_FILES = [p for p, _ in project_files([SAMPLES])]


@pytest.fixture(scope="module")
def results() -> dict[Path, object]:
    out = {}
    for path in SAMPLE_FILES:
        outcome = run_file(path, str(path))
        assert outcome.ok and outcome.result is not None
        out[path] = outcome.result
    return out


def test_renderable_forms_have_one_word_template_and_compile() -> None:
    """One Word template per form: the XLSX and HTML templates are compiled from it."""
    from docgen.compile.cache import compiled_path

    root = Path(__file__).resolve().parents[1] / "templates"
    for form in FORMS:
        if form.renderable and form.tabular:
            docx = root / "docx" / form.docx_template()
            assert docx.is_file(), form.id
            assert not (root / "xlsx" / form.xlsx_template()).exists(), f"{form.id}: no hand-made XLSX is needed"
            assert not (root / "html" / f"{form.id}.html").exists(), f"{form.id}: no hand-made HTML is needed"
            assert load_workbook(compiled_path(docx, "xlsx")).active.max_row > 5
            assert "<table" in compiled_path(docx, "pdf").read_text(encoding="utf-8")


@pytest.mark.parametrize("form", PROJECT_FORMS, ids=[f.id for f in PROJECT_FORMS])
def test_every_sample_renders(form, results: dict, tmp_path: Path) -> None:
    rendered = 0
    for path, result in results.items():
        if missing_data(form, result):
            continue
        context = form.build(result)
        docx = render_bytes(form, context, "docx", "t")
        xlsx = render_bytes(form, context, "xlsx", "t")
        assert render_bytes(form, context, "docx", "t") == docx  # identical bytes on a re-run
        assert render_bytes(form, form.build(result), "xlsx", "t") == xlsx
        for data in (docx, xlsx):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                assert {i.date_time for i in zf.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        target = tmp_path / f"{path.stem}.docx"
        target.write_bytes(docx)
        Document(str(target))  # python-docx opens it
        assert result.project.name in docx_text(target)
        wb = load_workbook(io.BytesIO(xlsx))
        values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
        assert any(result.project.name in str(v) for v in values)
        assert not any(isinstance(v, str) and "{{" in v for v in values), "a placeholder was left unfilled"
        rendered += 1
    assert rendered > 0, f"no sample has the data for {form.id}"
