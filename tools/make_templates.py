"""Draft the Word template of a new form from its layout in tools/layouts/ (never overwrites one).

Usage: python tools/make_templates.py [FORM_ID …]
The DOCX under templates/docx/ is the single source of each form: maintainers edit it in Word/WPS, and docgen
compiles the form's XLSX and HTML (PDF) templates from it (see docs/templates.md). This script only writes the
first draft of a form whose DOCX does not exist yet; an existing DOCX is left as it is.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from layout import emit_docx
from layouts import LAYOUTS

from docgen.render.package import normalise_package

ROOT = Path(__file__).resolve().parents[1]


def main(ids: list[str]) -> None:
    for layout in LAYOUTS:
        if ids and layout.id not in ids:
            continue
        docx = ROOT / "templates" / "docx" / f"{layout.id}.docx"
        if docx.exists():
            print(f"{layout.id}: {docx.relative_to(ROOT)} 已存在，未改动（Word 模板只在 Word 中修改）")
            continue
        # fixed timestamps and properties: the same layout gives the same bytes
        docx.write_bytes(normalise_package(emit_docx(layout), layout.title))
        print(f"{layout.id}: 已起草 {docx.relative_to(ROOT)}（{docx.stat().st_size} B）")


if __name__ == "__main__":
    main(sys.argv[1:])
