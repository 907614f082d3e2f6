"""PDF output (WeasyPrint, templates/html/): every tabular form, its figures and fonts, deterministic bytes,
the same values as in the DOCX and XLSX, hostile text shown literally, and clear messages when PDF cannot work.

Skipped when the PDF extra is not installed (pip install "docgen[pdf]"); the pdftotext/pdffonts checks need
poppler-utils (scripts/system-packages.sh installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("weasyprint", reason='the PDF extra is not installed (pip install "docgen[pdf]")')

from docgen.forms import FORMS, find_form
from docgen.output import compiled_html, missing_data, render_aggregates, render_bytes, render_project_form
from docgen.pipeline import project_files, run_file
from docgen.render import pdf as pdfmod
from docgen.render import pdfspeed

from .conftest import EXAMPLE, SAMPLES, base_project, make, run
from .formcheck import docx_text, xlsx_sheet

POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts) not installed")
FIGURES = {"monitor": "34.00%", "tracking": "34.00%", "self-eval": "97.49", "summary": "34.00%", "coverage": "100.00%"}
TABULAR = [f.id for f in FORMS if f.tabular and f.renderable]
ROOT = Path(__file__).resolve().parents[1]


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path, object, dict]]:
    """For every tabular form: (project or department name, its PDF, the result(s), the context)."""
    root = tmp_path_factory.mktemp("pdf")
    outcomes = {p: run_file(p, str(p)) for p, _ in project_files([SAMPLES])}
    results = [o.result for o in outcomes.values() if o.result is not None]
    example = outcomes[EXAMPLE].result
    out = {}
    for form in FORMS:
        if not (form.tabular and form.renderable):
            continue
        if form.aggregate:
            pdf = render_aggregates(results, form, ("pdf",), root / form.id)[0]
            name = example.project.name if form.id == "summary" else example.project.department
            out[form.id] = (name, pdf, results, form.build(results, ""))
        else:
            result = example if not missing_data(form, example) else next(
                r for r in results if not missing_data(form, r))
            (pdf,) = render_project_form(result, form, ("pdf",), root / form.id)
            out[form.id] = (result.project.name, pdf, result, form.build(result))
    return out


@pytest.mark.parametrize("form", TABULAR)
def test_every_form_renders_to_pdf(form: str, rendered: dict) -> None:
    _, pdf, _, _ = rendered[form]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 1000


@needs_poppler
@pytest.mark.parametrize("form", TABULAR)
def test_pdf_shows_name_and_figures(form: str, rendered: dict) -> None:
    name, pdf, _, _ = rendered[form]
    text = re.sub(r"\s+", "", _text(pdf))
    assert re.sub(r"\s+", "", name) in text
    if form in FIGURES:
        assert FIGURES[form] in text


@needs_poppler
def test_pdf_embeds_a_cjk_font_and_has_a_title(rendered: dict) -> None:
    _, pdf, _, _ = rendered["monitor"]
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and any("CJK" in r[0] and "yes" in r[-5:-3] for r in rows), fonts
    # every font is embedded: no box-drawing fallback to a font the reader may not have
    assert all(r[-5] == "yes" for r in rows), fonts
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "项目支出绩效监控情况表" in info


def test_same_input_same_bytes(rendered: dict, tmp_path: Path) -> None:
    _, pdf, result, context = rendered["monitor"]
    form = find_form("monitor")
    title = f"{result.project.name}-{form.short_title}"
    props = {"docgen.数据哈希": "abc", "docgen.版本": "0"}
    first = render_bytes(form, context, "pdf", title, props)
    assert render_bytes(form, context, "pdf", title, props) == first
    assert pdf.read_bytes() == render_bytes(form, context, "pdf", title)  # the file written by render_project_form
    if POPPLER:
        (tmp_path / "a.pdf").write_bytes(first)
        info = subprocess.run(["pdfinfo", "-custom", str(tmp_path / "a.pdf")], capture_output=True, text=True).stdout
        assert "DocgenDataHash:  abc" in info and "CreationDate" not in info and "ModDate" not in info


def test_bytes_do_not_depend_on_what_the_process_rendered_before(rendered: dict, tmp_path: Path) -> None:
    """Font subsets and compressed fonts are remembered per process: a fresh process gives the same bytes."""
    form = find_form("monitor")
    render_bytes(find_form("correction"), rendered["correction"][3], "pdf", "t")  # other glyphs first
    here = render_bytes(form, form.build(run_file(EXAMPLE, "x").result), "pdf", "t")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from docgen.forms import find_form\n"
        "from docgen.output import render_bytes\n"
        "from docgen.pipeline import run_file\n"
        f"r = run_file(Path({str(EXAMPLE)!r}), 'x').result\n"
        "form = find_form('monitor')\n"
        "sys.stdout.buffer.write(render_bytes(form, form.build(r), 'pdf', 't'))\n"
    )
    fresh = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, timeout=300).stdout
    assert fresh[:5] == b"%PDF-" and fresh == here


def _xlsx_shown(cell) -> str:
    """A cell as Excel shows it (the templates' number formats are 0.00 and 0.00%)."""
    if isinstance(cell.value, (int, float)):
        if cell.number_format.endswith("%"):
            return f"{cell.value * 100:.2f}%"
        return f"{cell.value:.2f}"
    return str(cell.value)


@needs_poppler
def test_docx_xlsx_pdf_show_the_same_monitor_figures(rendered: dict, tmp_path: Path) -> None:
    _, pdf, result, context = rendered["monitor"]
    docx, xlsx = render_project_form(result, find_form("monitor"), ("docx", "xlsx"), tmp_path)
    funds = context["资金"]
    expected = [str(funds[row][col]) for row in ("合计", "一般公共预算拨款", "其他资金")
                for col in ("年初预算数", "执行率")]
    assert "34.00%" in expected and "400.00" in expected
    in_docx = docx_text(docx)
    ws = xlsx_sheet(xlsx)
    in_xlsx = {_xlsx_shown(c) for row in ws.iter_rows() for c in row if c.value is not None}
    in_pdf = _text(pdf)
    for value in expected:
        assert value in in_docx, value
        assert value in in_xlsx, value
        assert value in in_pdf, value


@needs_poppler
def test_hostile_text_appears_literally(tmp_path: Path) -> None:
    data = base_project()
    data["项目名称"] = "A&B <工程> =SUM(A1)"
    data["年度总体目标"] = "第一行 & <b>不是标签</b>\n第二行 =1+1"
    result, _ = run(make(data))
    form = find_form("target")
    html = compiled_html("target.html").render_html(form.build(result))
    assert "<b>" not in html and "&lt;b&gt;" in html
    (pdf,) = render_project_form(result, form, ("pdf",), tmp_path)
    text = _text(pdf)
    assert "A&B <工程> =SUM(A1)" in text
    lines = [line.strip() for line in text.splitlines()]
    assert "第一行 & <b>不是标签</b>" in lines and "第二行 =1+1" in lines  # the newline is a line break


def test_html_compiled_from_the_docx_matches_its_draft_layout() -> None:
    """tools/layouts drafted each form's DOCX; reading the DOCX back gives the same HTML as the draft layout."""
    from docgen.compile.cache import compile_bytes
    from docgen.compile.html import emit_html

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from layouts import LAYOUTS
    finally:
        sys.path.remove(str(ROOT / "tools"))
    for layout in LAYOUTS:
        docx = (ROOT / "templates" / "docx" / f"{layout.id}.docx").read_bytes()
        assert compile_bytes(docx, layout.id, "pdf").decode("utf-8") == emit_html(layout), layout.id


@pytest.fixture
def fresh_checks():
    """Forget the cached availability checks before and after the test."""
    pdfmod._cjk_font_checked.cache_clear()
    pdfmod._weasyprint.cache_clear()
    yield
    pdfmod._cjk_font_checked.cache_clear()
    pdfmod._weasyprint.cache_clear()


def test_no_cjk_font_says_which_package(fresh_checks, monkeypatch: pytest.MonkeyPatch, runner, tmp_path: Path) -> None:
    from docgen.cli import cli

    monkeypatch.setattr(pdfmod, "_fc_list", lambda: "")
    with pytest.raises(pdfmod.PdfUnavailable, match="fonts-noto-cjk"):
        render_bytes(find_form("target"), {}, "pdf", "t")
    res = runner.invoke(cli, ["render", str(EXAMPLE), "--form", "target", "--format", "pdf", "-o", str(tmp_path)])
    assert res.exit_code == 1 and "fonts-noto-cjk" in str(res.exception or res.output)
    assert not list(tmp_path.glob("*.pdf"))


def test_no_weasyprint_says_pip_install(fresh_checks, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    assert not pdfmod.weasyprint_available()
    with pytest.raises(pdfmod.PdfUnavailable, match=r'pip install "docgen\[pdf\]"') as info:
        pdfmod.require_pdf()
    assert "libharfbuzz-subset0" in str(info.value)
    from docgen.output import FORMATS, available_formats

    assert available_formats() == FORMATS == ("docx", "xlsx")


def test_font_patch_applies_to_this_weasyprint() -> None:
    """Fails loudly when a WeasyPrint upgrade moves what render/pdfspeed.py replaces: check the patch against the
    new version (test_subset_fonts_draw_what_weasyprint_draws) and extend SUBSET_VERSIONS."""
    import weasyprint
    from weasyprint.pdf import fonts

    pdfmod.require_pdf()
    pdfmod._shared(ROOT / "templates" / "html")
    assert pdfspeed.stock_subset() is not None, f"render/pdfspeed.py does not apply to WeasyPrint {weasyprint.__version__}"
    assert fonts.Font._harfbuzz_subset is pdfspeed.one_pass_subset


def test_font_files_are_copied_once_per_process() -> None:
    """WeasyPrint copies a whole font file out of HarfBuzz for every font of every PDF; pdfspeed remembers the
    big ones. Fails loudly when an upgrade stops calling get_hb_object_data from Font.__init__."""
    import inspect

    from weasyprint.pdf import fonts

    pdfmod._shared(ROOT / "templates" / "html")
    assert hasattr(fonts.get_hb_object_data, "stock"), "render/pdfspeed.py: the font-file memo is not installed"
    init = getattr(fonts.Font.__init__, "stock", fonts.Font.__init__)  # render/pdffontobjects.py wraps it
    assert "get_hb_object_data(self.hb_face)" in inspect.getsource(init)
    form = find_form("monitor")
    context = form.build(run_file(EXAMPLE, "x").result)
    first = render_bytes(form, context, "pdf", "t")
    assert pdfspeed._FACES, "no font file was remembered (the CJK fonts are larger than the threshold)"
    assert render_bytes(form, context, "pdf", "t") == first


def _pixels(pdf: bytes, folder: Path, name: str) -> list:
    from PIL import Image

    (folder / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(folder / f"{name}.pdf"), str(folder / name)], check=True)
    return [Image.open(p).convert("L").tobytes() for p in sorted(folder.glob(f"{name}-*.png"))]


@needs_poppler
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
@pytest.mark.parametrize("form_id", ["monitor", "monitor-report"])
def test_subset_fonts_draw_what_weasyprint_draws(form_id: str, rendered: dict, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The glyph-only CJK subsets embedded as bare CFF and the font-family lists cut to the installed fonts
    (render/pdfspeed.py) give the pages WeasyPrint gives with its own full subsets and the stylesheets as written,
    pixel for pixel (poppler), at a fraction of the size; the text stays extractable."""
    from weasyprint.pdf import fonts

    form = find_form(form_id)
    assert form is not None
    outcomes = [run_file(p, str(p)) for p, _ in project_files([SAMPLES])]
    result = next(o.result for o in outcomes if o.result is not None and not missing_data(form, o.result))
    context = form.build(result)
    ours = render_bytes(form, context, "pdf", "t")
    stock = pdfspeed.stock_subset()
    assert stock is not None
    monkeypatch.setattr(fonts.Font, "_harfbuzz_subset", stock)
    monkeypatch.setattr(pdfmod, "bare_cid_fonts", None)
    monkeypatch.setattr(pdfmod, "resolved_font_families", lambda css, _fonts: css)  # the stylesheets as written
    monkeypatch.setattr(pdfmod, "_SHARED", {})
    monkeypatch.setattr(pdfmod, "_OTHER_CSS", {})
    theirs = render_bytes(form, context, "pdf", "t")
    assert len(ours) * 1.5 < len(theirs)
    assert _pixels(ours, tmp_path, "ours") == _pixels(theirs, tmp_path, "theirs")
    (tmp_path / "ours.pdf").write_bytes(ours)
    assert result.project.name.replace(" ", "") in re.sub(r"\s+", "", _text(tmp_path / "ours.pdf"))


def test_font_family_lists_keep_what_fontconfig_has() -> None:
    """Families this machine does not have are cut from the stylesheets' lists (Pango would look each one up for
    every text); installed ones, aliases and generic families stay; a list with none of them is left alone."""
    fonts, _, _ = pdfmod._shared(ROOT / "templates" / "html")
    css = ('html { font-family: "docgen-absent-face", "DejaVu Sans", serif; }\n'
           'p { font-family: "docgen-absent-face", "docgen-absent-2"; }')
    if pdfspeed._matched_family("DejaVu Sans", fonts._config) != "dejavu sans":
        pytest.skip("DejaVu Sans is not installed here")
    out = pdfspeed.resolved_font_families(css, fonts)
    assert 'html { font-family: "DejaVu Sans", serif; }' in out
    assert 'p { font-family: "docgen-absent-face", "docgen-absent-2"; }' in out


def test_cid_keyed_cff_detection() -> None:
    from weasyprint.text.fonts import FontConfiguration  # noqa: F401 - the PDF extra is there

    assert not pdfspeed.is_cid_keyed_cff(b"not a font at all")
    assert pdfspeed.cff_table(b"\0\1\0\0" + b"\0" * 8) is None


def test_reduced_user_agent_stylesheet_keeps_what_templates_use() -> None:
    ua = pdfmod.reduced_ua_source("td, th, input { padding: 1px } [dir=rtl i] ul { x: y } br::before { content: 'a' }"
                                  " :is(ol, ul) ul { z: 1 } @page { margin: 75px }")
    assert "td, th { padding: 1px }" in ua and "input" not in ua and "dir" not in ua
    assert "br::before" in ua and ":is" not in ua and "@page" in ua


def test_user_agent_keeps_only_the_page_margin_boxes_our_stylesheets_use() -> None:
    ua = pdfmod.reduced_ua_source("@page { margin: 75px; @footnote { margin-top: 1em } "
                                  "@top-left { text-align: left } @bottom-right { text-align: right } }",
                                  pdfmod.margin_boxes_used("@page :right { @bottom-right { content: 'x' } }"))
    assert "@bottom-right" in ua and "@top-left" not in ua and "@footnote" in ua and "margin: 75px" in ua
    report = (ROOT / "templates" / "html" / "report.css").read_text(encoding="utf-8")
    assert pdfmod.margin_boxes_used(report) == {"bottom-left", "bottom-right"}  # the page numbers


def test_user_agent_marker_style_is_for_list_items_only() -> None:
    ua = pdfmod.reduced_ua_source("::marker { white-space: pre } li { display: list-item }")
    assert "li::marker { white-space: pre }" in ua and "\n::marker" not in ua and not ua.startswith("::marker")
