"""Write every DOCX, XLSX and HTML (PDF) template from its layout in tools/layouts/.

Usage: python tools/make_templates.py [FORM_ID …]
The files under templates/ are the product: a maintainer may edit them in Word/WPS/Excel
afterwards. Re-running this script overwrites such edits, so run it only for forms whose
layout you change here.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from layout import emit_docx, emit_html, emit_xlsx
from layouts import LAYOUTS

from docgen.render.package import normalise_package

ROOT = Path(__file__).resolve().parents[1]


def main(ids: list[str]) -> None:
    for layout in LAYOUTS:
        if ids and layout.id not in ids:
            continue
        docx = ROOT / "templates" / "docx" / f"{layout.id}.docx"
        xlsx = ROOT / "templates" / "xlsx" / f"{layout.id}.xlsx"
        # fixed timestamps and properties: regenerating an unchanged layout changes no bytes
        docx.write_bytes(normalise_package(emit_docx(layout), layout.title))
        xlsx.write_bytes(normalise_package(emit_xlsx(layout), layout.title))
        html = ROOT / "templates" / "html" / f"{layout.id}.html"
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(emit_html(layout), encoding="utf-8", newline="\n")
        print(f"{layout.id}: {docx.relative_to(ROOT)} ({docx.stat().st_size} B), {xlsx.relative_to(ROOT)}, "
              f"{html.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
