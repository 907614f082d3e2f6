"""PDF: docgen's WeasyPrint rendering against LibreOffice converting the same forms' DOCX, in one run.

Run: .venv/bin/python bench/pdf.py [N]   (default 50 generated projects, form ``monitor``, and
``monitor-report`` once it has a builder). docgen renders each PDF in this process (the shared
FontConfiguration, stylesheet and compiled template warmed by one render first). LibreOffice converts the DOCX docgen wrote for the same
contexts in ONE batch call (``soffice --headless --convert-to pdf``, a fresh -env:UserInstallation profile,
FONTCONFIG_FILE=tests/fonts/fonts.conf), its start-up included. Prints ms per page (docgen: the median
over documents of each document's time divided by its pages) and the ratio.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from projects import project

from docgen.errors import Diagnostics
from docgen.forms import Form, find_form
from docgen.model import Project
from docgen.output import compiled_docx, compiled_pdf, missing_data
from docgen.profile import build_profile
from docgen.render.pdf import require_pdf
from docgen.rules.context import compute

ROOT = Path(__file__).resolve().parent.parent
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
FONTS_CONF = ROOT / "tests" / "fonts" / "fonts.conf"


def forms() -> list[Form]:
    chosen = []
    for form_id in ("monitor", "monitor-report"):
        form = find_form(form_id)
        if form is not None and form.renderable and (ROOT / "templates" / "docx" / f"{form_id}.docx").is_file():
            chosen.append(form)
        else:
            print(f"（跳过 {form_id}：尚无模板或数据构建）")
    return chosen


def context(form: Form, seed: int) -> dict[str, Any] | None:
    result = compute(Project.model_validate(project(seed)), build_profile("national"), Diagnostics())
    return form.build(result) if missing_data(form, result) is None else None


def contexts(form: Form, n: int) -> list[dict[str, Any]]:
    return [c for c in (context(form, i) for i in range(n)) if c is not None]


def _render_one(form: Form, context: dict[str, Any]) -> tuple[float, int]:
    start = time.perf_counter()
    _, pages = compiled_pdf(form).render_counted(context, "t", {"docgen.数据哈希": "bench"})
    return (time.perf_counter() - start) * 1000, pages


def weasy(form: Form, ctxs: list[dict[str, Any]]) -> tuple[float, float, int]:
    """(median ms per page over documents, total ms per page, pages) in this process, warmed."""
    _render_one(form, ctxs[0])  # the FontConfiguration, stylesheet and template: once per process
    runs = [_render_one(form, c) for c in ctxs]
    pages = sum(p for _, p in runs)
    return statistics.median(ms / p for ms, p in runs), sum(ms for ms, _ in runs) / pages, pages


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(match.group(1)) if match else 0


def libreoffice(form: Form, ctxs: list[dict[str, Any]], work: Path) -> tuple[float, int] | None:
    """(ms per page, pages) of one batch conversion of the forms' DOCX, start-up included."""
    if SOFFICE is None or shutil.which("pdfinfo") is None:
        return None
    src, out, profile = work / f"{form.id}-docx", work / f"{form.id}-pdf", work / f"{form.id}-profile"
    src.mkdir()
    docx = compiled_docx(form.docx_template())
    files = []
    for i, ctx in enumerate(ctxs):
        path = src / f"{i:03d}.docx"
        path.write_bytes(docx.render(ctx, "t"))
        files.append(str(path))
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}
    cmd = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
           "--outdir", str(out), *files]
    start = time.perf_counter()
    subprocess.run(cmd, env=env, capture_output=True, check=True, timeout=1800)
    elapsed = (time.perf_counter() - start) * 1000
    pages = sum(pdf_pages(p) for p in sorted(out.glob("*.pdf")))
    return (elapsed / pages, pages) if pages else None


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    require_pdf()
    with tempfile.TemporaryDirectory(prefix="docgen-bench-pdf-") as tmp:
        for form in forms():
            ctxs = contexts(form, n)
            median, total, pages = weasy(form, ctxs)
            print(f"{form.id}，{len(ctxs)} 个项目，共 {pages} 页")
            print(f"  WeasyPrint（docgen，单进程）: {median:6.1f} ms/页（中位数）  {total:6.1f} ms/页（总计）")
            lo = libreoffice(form, ctxs, Path(tmp))
            if lo is None:
                print("  LibreOffice: 未安装（或没有 pdfinfo），不比较")
                continue
            ms, lo_pages = lo
            print(f"  LibreOffice 批量转换 DOCX:     {ms:6.1f} ms/页（{lo_pages} 页，一次调用，含启动）")
            print(f"  比值 LibreOffice / docgen: {ms / total:4.1f} 倍（按总计）")


if __name__ == "__main__":
    main()
