"""Every page of every tabular form, for the example project (or the first sample with the form's data), and of
附件1 for the 30-indicator sample (its headings repeated on each page), rendered through LibreOffice to PNG under
docs/images/forms/ (``<form>-<page>.png``), for docs/forms.md; prints the Markdown image lines of each form.

Usage: python tools/make_form_images.py   (needs soffice and pdftoppm; uses tests/fonts/fonts.conf)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.forms import FORMS  # noqa: E402
from docgen.output import missing_data, render_aggregates, render_project_form  # noqa: E402
from docgen.pipeline import project_files, run_file  # noqa: E402


def main() -> None:
    out = ROOT / "docs" / "images" / "forms"
    out.mkdir(parents=True, exist_ok=True)
    samples = ROOT / "samples"
    outcomes = {p: run_file(p, str(p)) for p, _ in project_files([samples])}
    results = [o.result for o in outcomes.values() if o.result is not None]
    example = outcomes[samples / "example-project.yaml"].result
    long = outcomes[samples / "xiangcun-zhenxing-zonghe.yaml"].result
    assert example is not None and long is not None
    for old in out.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = []
        for form in FORMS:
            if not (form.tabular and form.renderable):
                continue
            if form.aggregate:
                docx = render_aggregates(results, form, ("docx",), work / form.id)[0]
            else:
                result = example if not missing_data(form, example) else next(
                    r for r in results if not missing_data(form, r))
                docx = render_project_form(result, form, ("docx",), work / form.id)[0]
            target = work / f"{form.id}.docx"
            docx.rename(target)
            files.append(target)
            if form.id == "monitor":
                docx = render_project_form(long, form, ("docx",), work / "monitor-30")[0]
                target = work / "monitor-30.docx"
                docx.rename(target)
                files.append(target)
        env = {**os.environ, "FONTCONFIG_FILE": str(ROOT / "tests" / "fonts" / "fonts.conf")}
        command = ["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", "pdf",
                   "--outdir", str(work / "pdf"), *map(str, files)]
        subprocess.run(command, check=True, capture_output=True, env=env)
        for f in files:
            pdf = work / "pdf" / f"{f.stem}.pdf"
            info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
            pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
            images = []
            for page in range(1, pages + 1):
                subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                                str(pdf), str(out / f"{f.stem}-{page}")], check=True)
                images.append(f"![{f.stem} 第{page}页](images/forms/{f.stem}-{page}.png)")
            print(f"{f.stem}: " + " ".join(images))


if __name__ == "__main__":
    main()
