"""Check every printed page of a build's tabular forms, as a reviewer gets them from ``docgen build``.

Usage: python tools/check_build_pages.py SAMPLES_DIR OUT_DIR

Builds SAMPLES_DIR into OUT_DIR/build (DOCX, XLSX and PDF), converts every DOCX and XLSX of a tabular form to
PDF with LibreOffice (one batch each), and reads every page of the three routes back with tools/page_check.py's
``check_pages``: column headings on every page, a continued 一级/二级 group named on its page, no page of only
notes or signature lines. 表4 and the coverage table (aggregates over all projects and per 主管部门) are checked
for their headings on every page and for orphans. Prints the totals; exit 1 on any fault.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import page_check  # noqa: E402


def main(argv: list[str]) -> int:
    from docgen.forms import FORMS
    from docgen.pipeline import run_file

    samples, out = Path(argv[0]), Path(argv[1])
    build = out / "build"
    docgen = Path(sys.executable).with_name("docgen")
    subprocess.run([str(docgen), "build", str(samples), "-o", str(build)], stdout=subprocess.DEVNULL)
    indicators = {}
    for path in sorted(samples.rglob("*.yaml")):
        if path.name == "docgen.yaml" or "invalid" in path.parts:
            continue
        result = run_file(path, path.name).result
        if result is not None:
            indicators[result.project.name] = page_check.indicator_order(path)
    tabular = {f.short_title: f for f in FORMS if f.tabular and f.renderable}
    files: list[tuple[str, str, Path, list[tuple[str, str, str]]]] = []  # form id, route, file, indicators
    for path in sorted(build.rglob("*")):
        if path.suffix not in (".docx", ".xlsx", ".pdf") or ".docgen" in path.parts:
            continue
        title = path.stem.rpartition("-")[2]
        form = tabular.get(title)
        if form is None:
            continue
        inds = [] if form.aggregate else indicators.get(path.parent.name, [])
        files.append((form.id, path.suffix[1:], path, inds))
    pdfs = []
    for fmt in ("docx", "xlsx"):
        batch = [f for f in files if f[1] == fmt]
        target = out / f"lo-{fmt}"
        for i in range(0, len(batch), 40):  # LibreOffice converts in batches (one profile)
            page_check.convert([f[2] for f in batch[i:i + 40]], target / str(i), out / "lo-profile")
        for i, (form_id, _, path, inds) in enumerate(batch):
            pdfs.append((form_id, fmt, target / str(i - i % 40) / f"{path.stem}.pdf", inds))
    pdfs += [(form_id, "weasyprint", path, inds) for form_id, fmt, path, inds in files if fmt == "pdf"]
    pages = continued = 0
    faults: list[str] = []
    for form_id, route, pdf, inds in pdfs:
        report = page_check.check_pages(form_id, route, pdf, inds)
        pages += report.pages
        continued += report.continued
        faults += [f"{pdf.name}: {x}" for x in report.faults]
        heading = page_check.HEADINGS.get(form_id)
        if not inds and heading:  # an aggregate: its heading on every page that is not only notes
            for number, text in enumerate(page_check.page_texts(pdf), start=1):
                flat = page_check._squash(text)
                if number > 1 and heading not in flat and not flat.startswith(page_check.NOTES_FIRST):
                    faults.append(f"{pdf.name}: {form_id} {route} p{number}: no-heading: “{heading}” missing")
    for fault in faults:
        print("   ", fault)
    print(f"documents {len(pdfs)}, pages checked {pages}, pages with a continued group {continued}, "
          f"faults {len(faults)}  ({out})")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
