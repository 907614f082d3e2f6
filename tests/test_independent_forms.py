"""The independent project files (tests/fixtures/independent) render, and the forms show what compute gives."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docgen.forms import find_form
from docgen.output import missing_data, render_bytes
from docgen.pipeline import run_file
from docgen.present import result_json

from .conftest import FIXTURES
from .formcheck import docx_text

CASES = sorted((FIXTURES / "independent").glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_forms_show_computed_figures(path: Path, tmp_path: Path) -> None:
    outcome = run_file(path, path.name)
    assert outcome.ok and outcome.result is not None
    result = outcome.result
    figures = result_json(result)
    latest = figures["监控"][-1] if "监控" in figures else None
    expected = {
        "monitor": [f"{latest['年初预算执行率']}%"] if latest and latest["年初预算执行率"] else [],
        "tracking": [f"{latest['执行率']}%", latest["预算执行预警"]] if latest and latest["执行率"] else [],
        "self-eval": [figures["自评"]["总分"], figures["自评"]["等级"]] if "自评" in figures else [],
        "target-review": [figures["目标审核"]["结论"]],
    }
    for form_id, values in expected.items():
        form = find_form(form_id)
        assert form is not None
        if missing_data(form, result):
            continue
        context = form.build(result)
        docx = tmp_path / f"{form_id}.docx"
        docx.write_bytes(render_bytes(form, context, "docx", "t"))
        text = docx_text(docx)
        wb = load_workbook(io.BytesIO(render_bytes(form, context, "xlsx", "t")))
        cells = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
        assert result.project.name in text
        for value in values:
            assert value in text, (form_id, value)
        for value in values:
            if value.endswith("%"):
                assert any(abs(float(c.value) * 100 - float(value[:-1])) < 0.005
                           for ws in wb.worksheets for row in ws.iter_rows() for c in row
                           if isinstance(c.value, float)), (form_id, value)
            else:
                assert value in cells, (form_id, value)
