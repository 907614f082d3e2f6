"""Page 1 and one inner page of the monitor and self-evaluation reports of the example project, as PNG under
docs/images/reports/, for docs/forms.md: the PDF (WeasyPrint) → pdftoppm -r 70.

Usage: python tools/make_report_images.py   (needs the PDF extra and poppler-utils)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.forms import find_form  # noqa: E402
from docgen.output import render_project_form  # noqa: E402
from docgen.pipeline import run_file  # noqa: E402

# (report, inner page): the page with the 附件4 sentences, the page with the 自评得分 table
PAGES = {"monitor-report": 3, "self-eval-report": 3}


def main() -> None:
    out = ROOT / "docs" / "images" / "reports"
    out.mkdir(parents=True, exist_ok=True)
    example = ROOT / "samples" / "example-project.yaml"
    result = run_file(example, str(example)).result
    assert result is not None
    with tempfile.TemporaryDirectory() as tmp:
        for report_id, inner in PAGES.items():
            form = find_form(report_id)
            assert form is not None
            (pdf,) = render_project_form(result, form, ("pdf",), Path(tmp))
            for page in (1, inner):
                stem = out / f"{report_id}-{page}"
                subprocess.run(["pdftoppm", "-r", "70", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                                str(pdf), str(stem)], check=True)
                print(stem.with_suffix(".png").relative_to(ROOT))


if __name__ == "__main__":
    main()
