"""The compiled XLSX writer gives the same cells, number formats, merges and row heights as the openpyxl filler."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from docgen.compile.cache import compiled_path
from docgen.forms import FORMS
from docgen.output import TEMPLATES, missing_data
from docgen.pipeline import project_files, run_file
from docgen.render.xlsx import CompiledXlsx as OpenpyxlXlsx
from docgen.render.xlsxfast import CompiledXlsx

from .conftest import FIXTURES, SAMPLES

FORMS_WITH_XLSX = [f for f in FORMS if f.renderable and f.tabular]


@pytest.fixture(scope="module")
def results() -> list:
    paths = [p for p, _ in project_files([SAMPLES, FIXTURES / "independent"])]
    return [r for r in (run_file(p, str(p)).result for p in paths) if r is not None]


def _sheet(data: bytes):
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    values = {(c.row, c.column): (c.value, c.number_format, c.data_type) for row in ws.iter_rows() for c in row
              if c.value is not None}
    merges = sorted(str(m) for m in ws.merged_cells.ranges)
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    return values, merges, heights


@pytest.mark.parametrize("form", FORMS_WITH_XLSX, ids=[f.id for f in FORMS_WITH_XLSX])
def test_same_workbook_as_openpyxl(form, results: list) -> None:
    path = compiled_path(TEMPLATES / "docx" / form.docx_template(), "xlsx")
    fast, reference = CompiledXlsx(path), OpenpyxlXlsx(path)
    contexts = [form.build(results, "")] if form.aggregate else [
        form.build(r) for r in results if not missing_data(form, r)]
    assert contexts
    for context in contexts:
        assert _sheet(fast.render(context, "t")) == _sheet(reference.render(context, "t"))


def test_fast_writer_is_deterministic_and_keeps_properties(results: list) -> None:
    form = next(f for f in FORMS if f.id == "monitor")
    fast = CompiledXlsx(compiled_path(TEMPLATES / "docx" / form.docx_template(), "xlsx"))
    context = form.build(results[0])
    one = fast.render(context, "t", {"docgen.版本": "1"})
    assert one == fast.render(context, "t", {"docgen.版本": "1"})
    wb = load_workbook(io.BytesIO(one))
    assert [(p.name, p.value) for p in wb.custom_doc_props] == [("docgen.版本", "1")]
