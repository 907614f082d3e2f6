"""Compare the XLSX/HTML templates compiled from the DOCX with hand-made ones, on every sample project.

Usage: python tools/compare_templates.py HANDMADE_FOLDER [FORM_ID …]
HANDMADE_FOLDER holds xlsx/ID.xlsx and html/ID.html (e.g. an old templates/ folder taken from git:
``git archive REV templates | tar -x -C /tmp/old``). For each form and each sample project that has its data,
both templates are filled with the same context; the XLSX must give the same cell values and merged ranges,
the HTML the same text. Prints one line per form and exits 1 on any difference.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.compile.cache import compiled_path  # noqa: E402
from docgen.forms import FORMS  # noqa: E402
from docgen.output import TEMPLATES, missing_data  # noqa: E402
from docgen.pipeline import project_files, run_file  # noqa: E402
from docgen.render.pdf import CompiledHtml  # noqa: E402
from docgen.render.xlsxfast import CompiledXlsx  # noqa: E402


def _cells(data: bytes) -> tuple[dict[str, object], list[str]]:
    ws = load_workbook(io.BytesIO(data)).active
    values = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value not in (None, "")}
    return values, sorted(str(r) for r in ws.merged_cells.ranges)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def main(args: list[str]) -> int:
    old, ids = Path(args[0]), args[1:]
    results = [r.result for p, d in project_files([ROOT / "samples"]) if (r := run_file(p, d)).ok]
    bad = 0
    for form in FORMS:
        if not form.renderable or (ids and form.id not in ids):
            continue
        docx = TEMPLATES / "docx" / form.docx_template()
        if form.tabular:
            xlsx_old = CompiledXlsx(old / "xlsx" / f"{form.id}.xlsx")
            xlsx_new = CompiledXlsx(compiled_path(docx, "xlsx"))
        html_old = CompiledHtml(old / "html" / f"{form.id}.html", TEMPLATES / "html")
        html_new = CompiledHtml(compiled_path(docx, "pdf"), TEMPLATES / "html")
        contexts = ([form.build(results, "")] if form.aggregate
                    else [form.build(r) for r in results if missing_data(form, r) is None])
        diffs = 0
        for context in contexts:
            if form.tabular:
                diffs += _cells(xlsx_old.render(context, "t")) != _cells(xlsx_new.render(context, "t"))
            diffs += _text(html_old.render_html(context)) != _text(html_new.render_html(context))
        what = "XLSX 单元格值与合并区域、HTML 文本" if form.tabular else "HTML 文本"
        print(f"{form.id}: {len(contexts)} 个示例项目，{what} "
              f"{'完全相同' if not diffs else f'有 {diffs} 处不同'}")
        bad += diffs
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
