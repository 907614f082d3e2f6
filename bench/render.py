"""docgen's compiled templates against naive use of docxtpl and openpyxl, on the same templates, in one run.

Run: .venv/bin/python bench/render.py [N]   (default 300 generated projects, form ``monitor``)
Naive DOCX = DocxTemplate(path) + render(ctx, autoescape=True) + save, per document.
Naive XLSX = load_workbook(path) + the same filling logic through openpyxl's own API (ws.merge_cells for the
groups) + save, per workbook. docgen instead compiles the template once (docgen/render/xlsxfast.py: rows,
cells and merges read once, number-format styles prepared) and writes only the sheet rows per workbook.
Prints ms per document for each and the ratios.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from projects import project

from docgen.errors import Diagnostics
from docgen.forms import find_form
from docgen.model import Project
from docgen.output import TEMPLATES, compiled_docx, compiled_xlsx
from docgen.profile import build_profile
from docgen.render.env import merge
from docgen.render.xlsx import _fill_sheet
from docgen.rules.context import compute


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    form = find_form("monitor")
    assert form is not None
    profile = build_profile("national")
    contexts = [form.build(compute(Project.model_validate(project(i)), profile, Diagnostics())) for i in range(n)]
    docx_path = TEMPLATES / "docx" / form.docx_template()
    xlsx_path = TEMPLATES / "xlsx" / form.xlsx_template()

    start = time.perf_counter()
    docx = compiled_docx(form.docx_template())  # compiled once, included in the timing
    for ctx in contexts:
        docx.render(ctx, "t")
    ours_docx = (time.perf_counter() - start) / n * 1000

    env = Environment(autoescape=True)
    env.filters["merge"] = merge
    start = time.perf_counter()
    for ctx in contexts:
        tpl = DocxTemplate(str(docx_path))
        tpl.render(ctx, jinja_env=env, autoescape=True)
        tpl.save(io.BytesIO())
    naive_docx = (time.perf_counter() - start) / n * 1000

    start = time.perf_counter()
    xlsx = compiled_xlsx(form.xlsx_template())
    for ctx in contexts:
        xlsx.render(ctx, "t")
    ours_xlsx = (time.perf_counter() - start) / n * 1000

    start = time.perf_counter()
    for ctx in contexts:
        wb = load_workbook(xlsx_path)
        for ws in wb.worksheets:
            _fill_sheet(ws, ctx, fast_merge=False)
        wb.save(io.BytesIO())
    naive_xlsx = (time.perf_counter() - start) / n * 1000

    print(f"monitor，{n} 个项目（每个 8–20 个指标）")
    print(f"DOCX  docgen: {ours_docx:6.2f} ms/份   docxtpl 直接用法: {naive_docx:6.2f} ms/份   快 {naive_docx / ours_docx:5.1f} 倍")
    print(f"XLSX  docgen: {ours_xlsx:6.2f} ms/份   openpyxl 直接用法: {naive_xlsx:6.2f} ms/份   快 {naive_xlsx / ours_xlsx:5.1f} 倍")


if __name__ == "__main__":
    main()
