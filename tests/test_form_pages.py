"""Printed pages of the tabular forms (tools/page_check.py): the 30-indicator sample rendered three ways —
WeasyPrint, and LibreOffice from the DOCX and from the XLSX — read back page by page with pdftotext.

Asserted: no page holds only notes or signature lines (every form, every route); every page carries the column
headings (every route: in the DOCX the headings under a project block open a second table); 表4 over all samples
carries its column headings on every page (every route); 表3's signature block keeps its two lines in the PDF; the Word
templates keep every row whole and the notes/signature lines with the table (w:cantSplit, w:keepNext).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import page_check  # noqa: E402
import paper_docx  # noqa: E402

sys.path.remove(str(ROOT / "tools"))

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") is not None
needs_all = pytest.mark.skipif(not (SOFFICE and POPPLER), reason="LibreOffice or poppler-utils not installed")
SAMPLE = ROOT / "samples" / "xiangcun-zhenxing-zonghe.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _weasyprint() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[page_check.PageReport]:
    routes = page_check.ROUTES if _weasyprint() else ("docx", "xlsx")
    return page_check.check_all(SAMPLE, tmp_path_factory.mktemp("pages"), routes)


@needs_all
def test_every_form_every_route_rendered(reports: list[page_check.PageReport]) -> None:
    forms = {r.form for r in reports}
    assert {"target", "tracking", "monitor", "correction", "self-eval", "summary", "coverage"} <= forms
    long = [r for r in reports if r.form in ("target", "tracking", "monitor", "correction", "self-eval")]
    assert all(r.pages >= 2 for r in long), [(r.form, r.route, r.pages) for r in long]  # 30 indicators
    assert sum(r.continued for r in reports) > 0  # some page continues a 一级/二级 group


@needs_all
def test_no_page_holds_only_notes_or_signatures(reports: list[page_check.PageReport]) -> None:
    orphans = [f for r in reports for f in r.faults if ": orphan:" in f]
    assert orphans == []


@needs_all
def test_column_headings_on_every_page(reports: list[page_check.PageReport]) -> None:
    """PDF (<thead>), XLSX (print titles) and DOCX (w:tblHeader: headings under a project block open a second
    table): every page."""
    missing = [f for r in reports for f in r.faults if ": no-heading:" in f]
    assert missing == []


@needs_all
def test_pdf_and_xlsx_routes_follow_the_page_plan(reports: list[page_check.PageReport]) -> None:
    """WeasyPrint and LibreOffice from the XLSX break pages where the page plan says (docgen/compile/paginate):
    as many pages as planned, every page that continues a 一级/二级 group names it (（续）), no orphan."""
    routes = ("weasyprint", "xlsx") if _weasyprint() else ("xlsx",)
    assert [f for r in reports if r.route in routes for f in r.faults] == []
    assert sum(r.continued for r in reports if r.route == "xlsx") > 0


@needs_all
@pytest.mark.skipif(not _weasyprint(), reason="WeasyPrint not installed")
def test_every_sample_pdf_and_xlsx_routes_follow_the_page_plan(tmp_path: Path) -> None:
    """All top-level samples, each alone: the WeasyPrint and XLSX routes have no fault of any kind."""
    faults, continued = [], 0
    for project in sorted((ROOT / "samples").glob("*.yaml")):
        done = page_check.check_all(project, tmp_path / project.stem, ("weasyprint", "xlsx"))
        faults += [f"{project.stem}: {f}" for r in done for f in r.faults]
        continued += sum(r.continued for r in done)
    assert faults == []
    assert continued > 0


@needs_all
def test_docx_route_has_no_fault(reports: list[page_check.PageReport]) -> None:
    """LibreOffice from the DOCX: headings on every page, every continued 一级/二级 group named, no orphan."""
    assert [f for r in reports if r.route == "docx" for f in r.faults] == []
    assert sum(r.pages for r in reports if r.route == "docx") >= 12


@needs_all
def test_summary_headings_on_every_page(tmp_path: Path) -> None:
    """表4 over every sample runs over a page in each route; every page carries its column headings."""
    from docgen.forms import find_form
    from docgen.output import render_aggregates
    from docgen.pipeline import project_files, run_file

    results = [o.result for o in (run_file(p, str(p)) for p, _ in project_files([ROOT / "samples"])) if o.result]
    form = find_form("summary")
    assert form is not None
    formats = ("docx", "xlsx", "pdf") if _weasyprint() else ("docx", "xlsx")
    files = render_aggregates(results, form, formats, tmp_path)[:len(formats)]
    pdfs = [f for f in files if f.suffix == ".pdf"]
    for f in files:
        if f.suffix != ".pdf":
            out = tmp_path / f"lo-{f.suffix[1:]}"
            page_check.convert([f], out, tmp_path / "lo-profile")
            pdfs.append(out / f"{f.stem}.pdf")
    for pdf in pdfs:
        pages = page_check.page_texts(pdf)
        assert len(pages) >= 2, pdf
        for number, text in enumerate(pages, start=1):
            flat = re.sub(r"\s+", "", text)
            assert not flat.startswith("注："), (pdf.parent.name, number)  # the notes go with the last rows
            assert "项目名称" in flat and "执行率" in flat, (pdf.parent.name, number)


@pytest.mark.skipif(not (_weasyprint() and POPPLER), reason="WeasyPrint or poppler-utils not installed")
def test_feedback_signature_lines_kept_apart(tmp_path: Path) -> None:
    """表3: “审核单位（章）：…” and the date are two lines in the PDF, not “2024年9月20日审核单位（章）：…”."""
    from docgen.forms import find_form
    from docgen.output import render_project_form

    from .formcheck import sample_result

    form = find_form("feedback")
    assert form is not None
    (pdf,) = render_project_form(sample_result("cunweishengshi-biaozhunhua.yaml"), form, ("pdf",), tmp_path)
    lines = [line.strip() for line in subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                                                     capture_output=True, text=True).stdout.splitlines()]
    unit = next(i for i, line in enumerate(lines) if line.startswith("审核单位（章）："))
    assert lines[unit] == "审核单位（章）：勐海县财政局绩效管理股"
    assert lines[unit + 1] == "2024年9月20日"


def test_word_templates_keep_rows_whole_and_notes_with_the_table() -> None:
    """The DOCX templates as tools/paper_docx.py leaves them (running it again changes nothing)."""
    for path in sorted((ROOT / "templates" / "docx").glob("*.docx")):
        if path.stem in paper_docx.REPORTS:
            continue
        with zipfile.ZipFile(path) as zf:
            document = zf.read("word/document.xml")
        assert paper_docx.paper(document) == paper_docx.paper(paper_docx.paper(document))
        from lxml import etree

        body = etree.fromstring(document).find(f"{W}body")
        assert body is not None
        tables = body.findall(f"{W}tbl")
        table = tables[-1]
        for tr in (tr for t in tables for tr in t.findall(f"{W}tr")):
            if not paper_docx._is_tag_row(tr):
                assert tr.find(f"{W}trPr/{W}cantSplit") is not None, path.name
        after = [p for p in body[body.index(table) + 1:] if p.tag == f"{W}p" and "".join(p.itertext()).strip()]
        for p in after[:-1]:
            assert p.find(f"{W}pPr/{W}keepNext") is not None, (path.name, "".join(p.itertext())[:20])
