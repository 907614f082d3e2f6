"""The PDF speed-ups (render/pdfparse.py, pdflayouts.py, pdfcascade.py, pdfdraw.py, pdflines.py,
pdfmargins.py, pdfstyles.py) reproduce WeasyPrint exactly.

Each test fails (never skips) when a WeasyPrint upgrade moves what a speed-up replaces, so the speed-up is
looked at again instead of silently drawing something else.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

pytest.importorskip("weasyprint", reason='the PDF extra is not installed (pip install "docgen[pdf]")')

import tinyhtml5

from docgen.forms import FORMS, find_form
from docgen.output import compiled_pdf, missing_data
from docgen.pipeline import project_files, run_file
from docgen.render.pdfparse import fast_tree

from .conftest import EXAMPLE, SAMPLES

TEMPLATES_HTML = Path(__file__).resolve().parent.parent / "templates" / "html"  # report.css, forms.css


def _same(a: ET.Element, b: ET.Element) -> bool:
    return (a.tag == b.tag and a.attrib == b.attrib and (a.text or "") == (b.text or "")
            and (a.tail or "") == (b.tail or "") and len(a) == len(b) and all(map(_same, a, b)))


@pytest.fixture(scope="module")
def every_html() -> list[tuple[str, str]]:
    """(form id and sample, HTML) for every renderable form of every sample project."""
    results = [o.result for o in (run_file(p, str(p)) for p, _ in project_files([SAMPLES])) if o.result is not None]
    out = []
    for form in FORMS:
        if not form.renderable:
            continue
        if form.aggregate:
            out.append((form.id, compiled_pdf(form).render_html(form.build(results, ""))))
            continue
        for result in results:
            if missing_data(form, result) is None:
                out.append((f"{form.id} {result.project.name}", compiled_pdf(form).render_html(form.build(result))))
    return out


def test_fast_tree_is_tinyhtml5s_tree(every_html: list[tuple[str, str]]) -> None:
    forms = set()
    for name, html in every_html:
        fast = fast_tree(html)
        assert fast is not None, f"{name}: the compiled HTML no longer takes the fast parse"
        assert _same(fast, tinyhtml5.parse(html, namespace_html_elements=False)), name
        forms.add(name.split()[0])
    assert len(forms) == len([f for f in FORMS if f.renderable])


@pytest.mark.parametrize("html", [
    "<!DOCTYPE html><html><head></head><body><p>a<div>b</div></p></body></html>",  # <div> ends the <p>
    "<!DOCTYPE html><html><head></head><body>a&nbsp;b</body></html>",  # an entity expat does not know
    "<!DOCTYPE html><html><head></head><body><table><tr><td>a</td></tr>x</table></body></html>",  # foster text
    "<!DOCTYPE html><html><head></head><body><td title='a\nb'>a</td></body></html>",  # a line break in a tag
    "<!DOCTYPE html><html><head></head><body><!-- c --></body></html>",
    "<html><head></head><body></body></html>",  # no doctype: quirks mode
    "<!DOCTYPE html><html><head></head><body><b><i>x</b></i></body></html>",  # misnested
])
def test_fast_tree_leaves_other_html_to_tinyhtml5(html: str) -> None:
    assert fast_tree(html) is None


def test_fast_tree_adds_the_implied_tbody() -> None:
    html = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t &amp; u</title></head><body>"
            "<table><colgroup><col style=\"width: 1cm\"></colgroup><tr><td>1<br>2</td></tr>"
            "<thead><tr><td>h</td></tr></thead><tr><td>3</td></tr></table></body></html>")
    fast = fast_tree(html)
    assert fast is not None and _same(fast, tinyhtml5.parse(html, namespace_html_elements=False))
    assert [c.tag for c in fast.find("body/table")] == ["colgroup", "tbody", "thead", "tbody"]


def _render_both(monkeypatch: pytest.MonkeyPatch, form_id: str, context: dict) -> tuple[bytes, bytes]:
    """(PDF with the speed-ups, PDF with WeasyPrint's own parse and layouts)."""
    from docgen.render import pdf as pdfmod
    from docgen.render import (
        pdfboxes,
        pdfcascade,
        pdfdraw,
        pdffloats,
        pdffontdicts,
        pdffontobjects,
        pdflayouts,
        pdflines,
        pdfmargins,
        pdfstyles,
    )

    form = find_form(form_id)
    assert form is not None
    fast = compiled_pdf(form).render(context, "t")
    fast_again = compiled_pdf(form).render(context, "t")  # the cascade now remembered
    monkeypatch.setattr(pdfmod, "_FAST_PARSE", False)
    pdfboxes.uninstall_fast_boxes()
    pdffloats.uninstall_fast_floats()
    pdflayouts.uninstall_kept_layouts()
    pdfcascade.uninstall_cascade_memo()
    pdflines.uninstall_line_memo()
    pdflines.uninstall_font_description_memo()
    pdfdraw.uninstall_fast_drawing()
    pdffontdicts.uninstall_font_dictionaries()
    pdffontobjects.uninstall_font_objects()
    try:
        stock = compiled_pdf(form).render(context, "t")
    finally:
        assert pdffontdicts.install_font_dictionaries()
        assert pdffontobjects.install_font_objects()
        assert pdflayouts.install_kept_layouts()
        assert pdfcascade.install_cascade_memo()
        assert pdflines.install_line_memo()
        assert pdflines.install_strut_memo()
        assert pdflines.install_font_description_memo()
        assert pdfmargins.install_margin_memo()
        assert pdfstyles.install_style_memo()
        assert pdfdraw.install_fast_drawing()
        assert pdfboxes.install_fast_boxes()
        assert pdffloats.install_fast_floats()
    assert fast_again == fast
    return fast, stock


@pytest.mark.parametrize("form_id", ["monitor", "monitor-report", "self-eval-report", "target"])
def test_speedups_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch, form_id: str) -> None:
    result = run_file(EXAMPLE, "x").result
    form = find_form(form_id)
    assert result is not None and form is not None and missing_data(form, result) is None
    fast, stock = _render_both(monkeypatch, form_id, form.build(result))
    assert fast[:5] == b"%PDF-" and fast == stock


def test_lines_are_drawn_with_the_layout_that_broke_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each Pango layout WeasyPrint sets up is counted: drawing sets up none of its own any more."""
    from weasyprint.text import line_break

    from docgen.render import pdflayouts, pdflines

    result = run_file(EXAMPLE, "x").result
    form = find_form("monitor-report")
    assert result is not None and form is not None
    context = form.build(result)
    compiled_pdf(form).render(context, "t")  # installs the speed-ups
    assert line_break.Layout.reactivate is not pdflayouts._STOCK["reactivate"]
    pdflines.uninstall_line_memo()  # remembered lines set up no layout at all: count the kept ones alone
    calls: list[int] = []
    setup = line_break.Layout.setup

    def counted(self, style):  # type: ignore[no-untyped-def]
        calls.append(1)
        return setup(self, style)

    monkeypatch.setattr(line_break.Layout, "setup", counted)
    compiled_pdf(form).render(context, "t")
    kept = len(calls)
    calls.clear()
    pdflayouts.uninstall_kept_layouts()
    try:
        compiled_pdf(form).render(context, "t")
    finally:
        assert pdflayouts.install_kept_layouts()
        assert pdflines.install_line_memo()
    assert kept > 100 and len(calls) > kept + 100  # WeasyPrint alone sets each drawn line up again


def _line_glyphs(layout: object) -> list[tuple[int, ...]]:
    """(glyph id, width, x offset, y offset, item flags) of each glyph of a Layout's first line."""
    from weasyprint.text.ffi import ffi, pango

    from docgen.render import pdflayouts

    glyphs = []
    line = pango.pango_layout_get_line_readonly(layout.layout, 0)  # type: ignore[attr-defined]
    run, own_run = line.runs, pdflayouts._lines()[2](line).runs
    while run != ffi.NULL:
        string = run.data.glyphs
        flags = own_run.data.item.analysis.flags
        glyphs += [(g.glyph, g.geometry.width, g.geometry.x_offset, g.geometry.y_offset, flags)
                   for g in string.glyphs[0:string.num_glyphs]]
        run, own_run = run.next, own_run.next
    assert not own_run  # the same runs
    return glyphs


def test_a_line_that_fits_is_drawn_the_same_at_any_width() -> None:
    """What render/pdflayouts.py relies on to draw a line that fitted without laying it out again: its layout's
    line has the same glyphs with the available width as without one, and lines that were wrapped or that end in
    a hyphen Pango added are not marked."""
    from weasyprint.layout import inline
    from weasyprint.text.ffi import pango

    from docgen.render import pdflayouts

    result = run_file(EXAMPLE, "x").result
    form = find_form("monitor-report")
    assert result is not None and form is not None
    compiled_pdf(form).render(form.build(result), "t")  # installs the speed-ups; breaks some lines
    styles: list[object] = []
    stock = inline.split_first_line

    def kept_style(text, style, *args, **kwargs):  # type: ignore[no-untyped-def]
        styles.append(style)
        return stock(text, style, *args, **kwargs)

    inline.split_first_line = kept_style
    try:
        compiled_pdf(form).render(form.build(result), "t")
    finally:
        inline.split_first_line = stock
    style = next(s for s in styles if s["letter_spacing"] != "normal" and s["overflow_wrap"] == "anywhere")
    marked = 0
    for text in ("本项目年初预算数2482.00万元。", "偏差率为-34.63%。", "Budget 2024: 1,234.56 (ok)", "ffi fl  a\u00a0b",
                 "数量第1项指标：≥13808个，完成年度目标值的32.68%", "x\u200by", "“双监控”，（定性）"):
        line = stock(text, style, None, 590.0, 0)
        assert line[2] is None, text  # one line
        marked += pdflayouts._ANY_WIDTH in line[0].__dict__
        at_width = _line_glyphs(line[0])
        pango.pango_layout_set_width(line[0].layout, -1)
        assert _line_glyphs(line[0]) == at_width, text
    assert marked == 7
    wrapped = stock("本项目年初预算数2482.00万元，" * 4, style, None, 590.0, 0)
    assert wrapped[2] is not None and pdflayouts._ANY_WIDTH not in wrapped[0].__dict__
    # a soft hyphen that breaks: Pango flags the item to end in a hyphen, which the marking reads
    from weasyprint.text.line_break import create_layout

    hyphenated = create_layout("Leistungs\u00adbewertung", styles[0], None, 60.0, 0)
    assert _line_glyphs(hyphenated)[-1][-1] & pdflayouts._NEED_HYPHEN
    assert pdflayouts.mark_unwrapped((hyphenated, 0, None, 0, 0, 0))[0].__dict__.get(pdflayouts._ANY_WIDTH) is None


def test_font_description_memo_applies_to_this_weasyprint() -> None:
    """Fails when WeasyPrint's layouts no longer get their font description from ``get_font_description``, or it
    reads another style property than the memo's key holds."""
    import inspect
    import re

    from weasyprint.text import fonts, line_break

    from docgen.render import pdflines

    assert pdflines.install_font_description_memo()
    assert line_break.get_font_description.stock is fonts.get_font_description  # type: ignore[attr-defined]
    assert "get_font_description(style)" in inspect.getsource(line_break.Layout.setup)
    read = set(re.findall(r"style\[['\"]([a-z_]+)['\"]\]", inspect.getsource(fonts.get_font_description)))
    assert read == set(pdflines.FONT_DESCRIPTION_KEYS)


def test_fast_floats_apply_to_this_weasyprint() -> None:
    """Fails when layout/float.py is no longer the file render/pdffloats.py reproduces, or the modules that place
    lines and blocks no longer call its ``avoid_collisions``."""
    from weasyprint.layout import block, inline
    from weasyprint.layout import float as floats

    from docgen.render import pdffloats

    assert pdffloats.source_digest() == pdffloats.KNOWN_SOURCE
    assert pdffloats.install_fast_floats()
    for module in (floats, inline, block):
        assert module.avoid_collisions.stock is pdffloats._STOCK["avoid_collisions"], module


@pytest.mark.parametrize("form_id", ["monitor", "monitor-report", "target"])
def test_fast_floats_give_weasyprints_numbers(form_id: str) -> None:
    """Both functions on every call of a form's PDF: the same numbers, of the same types."""
    from weasyprint.layout import float as floats

    from docgen.render import pdffloats

    result = run_file(EXAMPLE, "x").result
    form = find_form(form_id)
    assert result is not None and form is not None
    compiled_pdf(form).render(form.build(result), "t")  # installs the speed-ups
    fast = floats.avoid_collisions
    calls = []

    def both(context, box, containing_block, outer=True):  # type: ignore[no-untyped-def]
        ours = fast(context, box, containing_block, outer)
        theirs = fast.stock(context, box, containing_block, outer)
        calls.append((not context.excluded_shapes, ours, theirs))
        return theirs

    modules = pdffloats._STOCK["modules"]
    for module in modules:
        module.avoid_collisions = both
    try:
        compiled_pdf(form).render(form.build(result), "t")
    finally:
        for module in modules:
            module.avoid_collisions = fast
    assert sum(without_floats for without_floats, _, _ in calls) > 100
    for _, ours, theirs in calls:
        assert ours == theirs and list(map(type, ours)) == list(map(type, theirs))


def test_line_memo_applies_to_this_weasyprint() -> None:
    """Fails when WeasyPrint no longer breaks lines through the function render/pdflines.py remembers."""
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    from docgen.render import pdflines

    assert pdflines.install_line_memo()
    assert inline.split_first_line is not line_break.split_first_line
    assert inline.split_first_line.stock is line_break.split_first_line  # type: ignore[attr-defined]
    result = run_file(EXAMPLE, "x").result
    form = find_form("monitor")
    assert result is not None and form is not None
    compiled_pdf(form).render(form.build(result), "t")
    hits = pdflines._STATS["hits"]
    compiled_pdf(form).render(form.build(result), "t")
    assert pdflines._STATS["hits"] > hits + 100  # the second document's lines are remembered


def test_line_memo_sees_every_property_line_breaking_reads() -> None:
    """Every style property WeasyPrint's line breaking reads is in the memo's key (a new one would be missed)."""
    import inspect
    import re

    from weasyprint.text import fonts, line_break

    from docgen.render import pdflines

    source = "".join(inspect.getsource(f) for f in (
        line_break.split_first_line, line_break.first_line_metrics, line_break.line_size, line_break.Layout,
        line_break.create_layout, fonts.get_font_description))
    read = set(re.findall(r"style\[['\"]([a-z_]+)['\"]\]", source))
    assert read and read <= set(pdflines.STYLE_KEYS), read - set(pdflines.STYLE_KEYS)
    # the properties that would make drawing change a shared layout are set by none of our stylesheets
    folder = SAMPLES.parent / "templates" / "html"
    for name in ("forms.css", "report.css"):
        css = (folder / name).read_text(encoding="utf-8")
        assert "ellipsis" not in css and "text-overflow" not in css, name


def test_margin_memo_applies_to_this_weasyprint() -> None:
    """Fails when WeasyPrint no longer makes the page-margin boxes through the function render/pdfmargins.py wraps."""
    import weasyprint.layout
    from weasyprint.layout import page

    from docgen.render import pdfmargins

    assert pdfmargins.install_margin_memo()
    assert weasyprint.layout.make_margin_boxes.stock is page.make_margin_boxes  # type: ignore[attr-defined]
    result = run_file(EXAMPLE, "x").result
    form = find_form("monitor-report")
    assert result is not None and form is not None
    compiled_pdf(form).render(form.build(result), "t")
    hits = pdfmargins._STATS["hits"]
    _, pages = compiled_pdf(form).render_counted(form.build(result), "t")
    assert pages >= 2 and pdfmargins._STATS["hits"] >= hits + pages  # every page number of the second report


def test_style_memo_applies_to_this_weasyprint() -> None:
    """Fails when WeasyPrint no longer makes computed styles through the three hooks render/pdfstyles.py wraps, or
    when the cascade memo no longer names the elements' chains (the styles are then computed as usual)."""
    from weasyprint import css

    from docgen.render import pdfstyles

    assert pdfstyles.install_style_memo()
    assert css.ComputedStyle.__missing__ is not pdfstyles._STOCK["missing"]
    assert css.Style.__dict__["anonymous_style"] is not pdfstyles._STOCK["anonymous"]
    result = run_file(EXAMPLE, "x").result
    for form_id in ("monitor", "monitor-report"):
        form = find_form(form_id)
        assert result is not None and form is not None
        compiled_pdf(form).render(form.build(result), "t")
        filled = pdfstyles._STATS["filled"]
        compiled_pdf(form).render(form.build(result), "t")
        assert pdfstyles._STATS["filled"] > filled + 10, form_id  # the elements' and the pages' styles


def test_margin_memo_only_for_plain_margin_content() -> None:
    from pathlib import Path

    from weasyprint import css

    from docgen.render import pdf as pdfmod
    from docgen.render.pdfmargins import margin_counters

    report = (SAMPLES.parent / "templates" / "html" / "report.css").read_text(encoding="utf-8")
    assert margin_counters(report) == {"page"}
    assert margin_counters((SAMPLES.parent / "templates" / "html" / "forms.css").read_text(encoding="utf-8")) == set()
    ua = (Path(css.__file__).with_name("html5_ua.css")).read_text(encoding="utf-8")
    assert margin_counters(pdfmod.reduced_ua_source(ua, frozenset({"bottom-left", "bottom-right"}))) == set()
    for margin in ('content: string(title)', 'content: element(header)', 'content: attr(title)',
                   'content: "a" counter(page); counter-increment: x', 'content: url(a.png)',
                   'content: target-counter(attr(href), page)'):
        assert margin_counters(f"@page {{ @top-center {{ {margin} }} }}") is None, margin
    assert margin_counters('@page :left { @bottom-left { content: "第" counter(page) "/" counter(pages) } }') == {
        "page", "pages"}


def test_strut_memo_applies_to_this_weasyprint() -> None:
    """Fails when WeasyPrint's strut is no longer the function render/pdflines.py looks up, or its cache key reads
    a style property the memo's key does not."""
    import inspect
    import re
    import sys

    from weasyprint.layout import inline
    from weasyprint.text import line_break

    from docgen.render import pdflines

    assert pdflines.install_strut_memo()
    assert inline.strut is line_break.strut and line_break.strut.stock is not None  # type: ignore[attr-defined]
    stock = line_break.strut.stock  # type: ignore[attr-defined]
    assert not [name for name, module in sys.modules.items() if getattr(module, "strut", None) is stock]
    read = set(re.findall(r"style\[['\"]([a-z_]+)['\"]\]", inspect.getsource(line_break._font_style_cache_key)))
    assert read == set(pdflines.STRUT_KEYS) | {"font_size", "line_height"}


def test_cascade_memo_applies_to_this_weasyprint() -> None:
    """Fails when WeasyPrint's StyleFor.__init__ no longer has the places render/pdfcascade.py patches."""
    from docgen.render import pdfcascade

    assert pdfcascade.install_cascade_memo()
    from weasyprint import css

    assert css.StyleFor.__init__ is not pdfcascade._STOCK[0]


def test_our_stylesheets_have_only_local_selectors() -> None:
    from docgen.render import pdf as pdfmod
    from docgen.render.pdfcascade import selectors_are_local

    folder = SAMPLES.parent / "templates" / "html"
    for name in ("forms.css", "report.css"):
        assert selectors_are_local((folder / name).read_text(encoding="utf-8")), name
    from pathlib import Path

    from weasyprint import css

    ua = (Path(css.__file__).with_name("html5_ua.css")).read_text(encoding="utf-8")
    assert selectors_are_local(pdfmod.reduced_ua_source(ua))
    for selector in ("a + b", "a ~ b", "li:first-child", "td[colspan]", "p:empty", ":root"):
        assert not selectors_are_local(f"{selector} {{ color: red }}"), selector
    assert selectors_are_local("table.form td.l, .line .right, body > div::before, #x { color: red }")


def test_fast_drawing_applies_to_this_weasyprint() -> None:
    """Fails when WeasyPrint's draw_first_line/draw_border (or cffi's PangoGlyphInfo) are no longer the ones
    render/pdfdraw.py reproduces: look at the new source, check the bytes, then update KNOWN_SOURCES."""
    from weasyprint import draw
    from weasyprint.draw import text

    from docgen.render import pdfdraw

    assert pdfdraw.install_fast_drawing()
    assert text.draw_first_line is not pdfdraw._STOCK["draw_first_line"]
    assert draw.draw_border is not pdfdraw._STOCK["draw_border"]
    result = run_file(EXAMPLE, "x").result
    form = find_form("monitor")
    assert result is not None and form is not None
    compiled_pdf(form).render(form.build(result), "t")
    assert text.draw_first_line.layout_ok == [True], "cffi's PangoGlyphInfo is not the layout pdfdraw reads"
    from weasyprint.pdf import stream

    assert stream.Stream.add_font is not pdfdraw._STOCK["add_font"]
    assert pdfdraw.gobject_refs() is not None and pdfdraw._FONT_KEYS, "no Pango font key was remembered"


@pytest.mark.parametrize("form_id", ["monitor", "monitor-report"])
def test_forms_take_the_fast_drawing_paths(monkeypatch: pytest.MonkeyPatch, form_id: str) -> None:
    """Every line of text and every cell frame of these forms is drawn by render/pdfdraw.py, not handed back."""
    from weasyprint import draw
    from weasyprint.draw import text

    from docgen.render import pdfdraw

    result = run_file(EXAMPLE, "x").result
    form = find_form(form_id)
    assert result is not None and form is not None
    context = form.build(result)
    compiled_pdf(form).render(context, "t")
    calls = {"lines": 0, "frames": 0}
    stock_line, stock_border = pdfdraw._STOCK["draw_first_line"], pdfdraw._STOCK["draw_border"]

    def line(*args):  # type: ignore[no-untyped-def]
        calls["lines"] += 1
        return stock_line(*args)

    def border(stream, box):  # type: ignore[no-untyped-def]
        if box.border_top_width:
            calls["frames"] += 1
        return stock_border(stream, box)

    monkeypatch.setattr(text, "draw_first_line", pdfdraw._make_draw_first_line(line))
    monkeypatch.setattr(draw, "draw_border", pdfdraw._make_draw_border(border))
    drawn: list[int] = []
    fast_border = draw.draw_border

    def counted(stream, box):  # type: ignore[no-untyped-def]
        drawn.append(1 if box.border_top_width else 0)
        return fast_border(stream, box)

    monkeypatch.setattr(draw, "draw_border", counted)
    assert compiled_pdf(form).render(context, "t")[:5] == b"%PDF-"
    assert calls["lines"] == 0
    assert calls["frames"] == 0
    if form_id == "monitor":
        assert sum(drawn) > 100  # the cells' frames


def _fresh_font_memos(monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen.render import pdfcorefaces, pdfspeed

    monkeypatch.setattr(pdfcorefaces, "_CORES", {})
    monkeypatch.setattr(pdfcorefaces, "_MISSES", {})
    monkeypatch.setattr(pdfspeed, "_SUBSETS", type(pdfspeed._SUBSETS)())


@pytest.mark.parametrize("form_id", ["monitor", "monitor-report", "self-eval-report"])
def test_core_faces_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch, form_id: str) -> None:
    """A document's fonts cut from the core faces (render/pdfcorefaces.py) are the bytes cut from the whole
    fonts, so a PDF does not depend on what the process rendered before; and the cores are really used."""
    from docgen.render import pdfcorefaces, pdfspeed

    result = run_file(EXAMPLE, "x").result
    form = find_form(form_id)
    assert result is not None and form is not None
    context = form.build(result)
    _fresh_font_memos(monkeypatch)
    monkeypatch.setattr(pdfspeed, "USE_CORE_FACES", False)
    whole = compiled_pdf(form).render(context, "t")
    assert not pdfcorefaces._CORES
    _fresh_font_memos(monkeypatch)
    monkeypatch.setattr(pdfspeed, "USE_CORE_FACES", True)
    monkeypatch.setattr(pdfcorefaces, "BUILD_AFTER", 1)
    first = compiled_pdf(form).render(context, "t")  # whole fonts, each core made (and checked) on the way
    assert pdfcorefaces._CORES and all(core is not None for core in pdfcorefaces._CORES.values())
    cut: list[bool] = []
    stock_cut = pdfspeed._cut_from_core

    def counted(*args):  # type: ignore[no-untyped-def]
        got = stock_cut(*args)
        cut.append(got is not None)
        return got

    monkeypatch.setattr(pdfspeed, "_SUBSETS", type(pdfspeed._SUBSETS)())
    monkeypatch.setattr(pdfspeed, "_cut_from_core", counted)
    from_cores = compiled_pdf(form).render(context, "t")
    assert cut and all(cut)
    assert whole == first == from_cores
    # every core is cut in Python (render/pdfcffcut.py), and HarfBuzz's checks of those cuts found no difference
    assert all(core is not None and core.cutter is not None for core in pdfcorefaces._CORES.values())


def test_a_core_face_that_cuts_other_bytes_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen.render import pdfcorefaces, pdfspeed

    result = run_file(EXAMPLE, "x").result
    form = find_form("monitor")
    assert result is not None and form is not None
    _fresh_font_memos(monkeypatch)
    monkeypatch.setattr(pdfcorefaces, "BUILD_AFTER", 1)
    monkeypatch.setattr(pdfspeed, "_cut_from_core", lambda *args: (b"x", b"not the same CFF"))
    compiled_pdf(form).render(form.build(result), "t")
    assert pdfcorefaces._CORES and all(core is None for core in pdfcorefaces._CORES.values())


def test_a_python_cutter_that_cuts_other_bytes_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A core whose Python cut differs from HarfBuzz's, at its creation or at a later check, goes back to
    HarfBuzz and the PDF is the same."""
    from docgen.render import pdfcffcut, pdfcorefaces, pdfspeed

    result = run_file(EXAMPLE, "x").result
    form = find_form("monitor-report")
    assert result is not None and form is not None
    context = form.build(result)
    _fresh_font_memos(monkeypatch)
    monkeypatch.setattr(pdfspeed, "USE_CORE_FACES", False)
    whole = compiled_pdf(form).render(context, "t")
    stock_cut = pdfcffcut.CffCutter.cut
    _fresh_font_memos(monkeypatch)
    monkeypatch.setattr(pdfspeed, "USE_CORE_FACES", True)
    monkeypatch.setattr(pdfcorefaces, "BUILD_AFTER", 1)
    monkeypatch.setattr(pdfcffcut.CffCutter, "cut", lambda self, glyphs: b"not HarfBuzz's CFF")
    assert compiled_pdf(form).render(context, "t") == whole
    assert pdfcorefaces._CORES and all(core is not None and core.cutter is None
                                       for core in pdfcorefaces._CORES.values())
    _fresh_font_memos(monkeypatch)
    monkeypatch.setattr(pdfcffcut.CffCutter, "cut", stock_cut)
    assert compiled_pdf(form).render(context, "t") == whole  # cores made, their cutters trusted at creation
    assert all(core is not None and core.cutter is not None for core in pdfcorefaces._CORES.values())
    monkeypatch.setattr(pdfcffcut.CffCutter, "cut", lambda self, glyphs: stock_cut(self, glyphs) + b"x")
    monkeypatch.setattr(pdfspeed, "_SUBSETS", type(pdfspeed._SUBSETS)())
    assert compiled_pdf(form).render(context, "t") == whole  # the next cut is checked: back to HarfBuzz
    assert all(core is not None and core.cutter is None for core in pdfcorefaces._CORES.values())


def test_python_cuts_are_harfbuzz_cuts(monkeypatch: pytest.MonkeyPatch) -> None:
    """render/pdfcffcut.py cuts exactly HarfBuzz's bytes out of the core face of every CJK font of a report:
    every glyph of each core (cut in slices) and 60 random glyph sets of 1 to 2,000 glyphs per font. Fails
    when a HarfBuzz (or WeasyPrint) upgrade writes a subset's CFF otherwise: the cutter then stands aside
    at run time, and this module should follow HarfBuzz again."""
    import random

    from docgen.render import pdfcffcut, pdfcorefaces, pdfspeed

    cjk = _report_cjk_fonts(monkeypatch)
    rng = random.Random(17)
    for font in cjk:
        made = pdfspeed._core_subset(font.hb_face, pdfcorefaces.common_characters(), False)  # type: ignore[attr-defined]
        assert made is not None and made[1] is not None
        cutter = pdfcffcut.cutter_for(made[1], made[2])
        assert cutter is not None, f"{font.family}: its core's CFF is not laid out as pdfcffcut knows"  # type: ignore[attr-defined]
        glyphs = list(range(1, len(cutter.cids)))
        sets = [glyphs[i: i + 500] for i in range(0, len(glyphs), 500)]
        sets += [sorted(rng.sample(glyphs, rng.choice([1, 3, 30, 250, 2000]))) for _ in range(60)]
        for chosen in sets:
            hb = pdfspeed._harfbuzz_cut(font, made[0], chosen, False)
            assert hb is not None and cutter.cut(chosen) == hb[1], f"{font.family}: {len(chosen)} glyphs"  # type: ignore[attr-defined]


def _report_cjk_fonts(monkeypatch: pytest.MonkeyPatch) -> list:  # type: ignore[type-arg]
    """The CID-keyed CFF fonts (WeasyPrint ``Font`` objects) a report of the example project subsets."""
    from weasyprint.pdf import fonts

    from docgen.render import pdfspeed

    result = run_file(EXAMPLE, "x").result
    form = find_form("monitor-report")
    assert result is not None and form is not None
    context = form.build(result)
    compiled_pdf(form).render(context, "t")  # installs render/pdfspeed.py's subsetting
    used: dict[bytes, object] = {}
    stock = fonts.Font._harfbuzz_subset

    def kept(font, to_unicode, hinting):  # type: ignore[no-untyped-def]
        used.setdefault(font.file_content[:4096] + bytes([font.index]), font)
        return stock(font, to_unicode, hinting)

    with monkeypatch.context() as patch:
        patch.setattr(fonts.Font, "_harfbuzz_subset", kept)
        patch.setattr(pdfspeed, "_SUBSETS", type(pdfspeed._SUBSETS)())
        compiled_pdf(form).render(context, "t")
    cjk = [font for font in used.values() if pdfspeed.is_cid_keyed_cff(font.file_content)]  # type: ignore[attr-defined]
    assert len(cjk) >= 3
    return cjk


def test_bare_faces_give_the_whole_fonts_cff(monkeypatch: pytest.MonkeyPatch) -> None:
    """A subset of a font's bare face (render/pdfbareface.py: its CFF and maxp tables, the glyphs of the
    variation sequences added) has the CFF of the whole font's subset: for random glyph sets and every glyph
    with variation sequences, for each CJK font of a report. Fails when a HarfBuzz upgrade adds glyphs to a
    subset for another reason, or when the face builder cannot be declared."""
    import random

    from docgen.render import pdfbareface, pdfspeed

    rng = random.Random(17)
    for font in _report_cjk_fonts(monkeypatch):
        bare = pdfbareface._make(font.hb_face)
        assert bare is not None, f"{font.family}: no bare face"
        cids = pdfspeed._font_cids(font)
        assert cids is not None
        glyphs = [g for g in range(1, len(cids)) if cids[g] == g]
        bases = sorted(bare.closure)
        sets = [bases[i: i + 200] for i in range(0, len(bases), 200)]
        sets += [sorted(rng.sample(glyphs, rng.choice([1, 30, 250, 1500]))) for _ in range(12)]
        for chosen in sets:
            whole = pdfspeed._harfbuzz_subset(font, chosen, False, retain_gids=False)
            from_bare = pdfspeed._face_subset(bare.face, pdfbareface.with_closure(chosen, bare.closure), False,
                                              bool(font.missing))
            assert whole is not None and from_bare is not None
            assert pdfspeed.cff_table(whole) == pdfspeed.cff_table(from_bare), f"{font.family}: {len(chosen)} glyphs"


@pytest.mark.parametrize("broken", [False, True])
def test_bare_faces_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch, broken: bool) -> None:
    """Documents whose fonts are subset from the bare faces are the bytes of the whole fonts' subsets; a bare
    face whose check differs (here: its variation glyphs lost) is not used."""
    from docgen.render import pdfbareface, pdfspeed

    result = run_file(EXAMPLE, "x").result
    form = find_form("monitor-report")
    assert result is not None and form is not None
    context = form.build(result)
    _fresh_font_memos(monkeypatch)
    monkeypatch.setattr(pdfbareface, "_FACES", {})
    monkeypatch.setattr(pdfspeed, "USE_CORE_FACES", False)
    monkeypatch.setattr(pdfspeed, "USE_BARE_FACES", False)
    whole = compiled_pdf(form).render(context, "t")
    monkeypatch.setattr(pdfspeed, "USE_BARE_FACES", True)
    if broken:
        monkeypatch.setattr(pdfbareface, "with_closure", lambda glyphs, closure: glyphs[:-1])
    pages = []
    for _ in range(3):  # the first subset of each font from the whole font, the second checked, the third bare
        monkeypatch.setattr(pdfspeed, "_SUBSETS", type(pdfspeed._SUBSETS)())
        pages.append(compiled_pdf(form).render(context, "t"))
    assert pages == [whole] * 3
    assert len(pdfbareface._FACES) >= 3
    assert all(bare is not None and bare.same is (not broken) for bare in pdfbareface._FACES.values())


def test_variation_closure_follows_the_cmap() -> None:
    """The glyphs of a character's non-default variation sequences are added to a subset holding the glyph the
    cmap maps it to (format 4 and format 12 cmaps); default sequences add nothing."""
    from fontTools.fontBuilder import FontBuilder

    from docgen.render.pdfbareface import variation_closure, with_closure

    for extra in ({}, {0x20000: "ext"}):  # BMP only: format 4; with a supplementary character: format 12 too
        builder = FontBuilder(1000, isTTF=False)
        names = [".notdef", "a", "han", "han.jp", "han.tw", "ext", "bu"]
        builder.setupGlyphOrder(names)
        builder.setupCharacterMap({0x61: "a", 0x6F22: "han", 0x5E03: "bu", **extra},
                                  uvs=[(0x6F22, 0xE0100, "han.jp"), (0x6F22, 0xE0101, "han.tw"),
                                       (0x6F22, 0xE0102, None), (0x5E03, 0xE0100, "bu")])
        cmap = builder.font["cmap"].compile(builder.font)
        closure = variation_closure(cmap)
        assert closure == {2: (3, 4)}  # 布's sequence names its nominal glyph: fontTools writes it as default
        assert with_closure([1, 2], closure) == [1, 2, 3, 4]
        assert with_closure([1, 5], closure) == [1, 5]


def test_font_dictionaries_apply_to_this_weasyprint() -> None:
    """render/pdffontdicts.py replaces WeasyPrint's build_fonts_dictionary: fails when WeasyPrint's
    weasyprint/pdf/fonts.py is not the file it reproduces (test_speedups_give_the_same_bytes compares them)."""
    import weasyprint.pdf as writer

    from docgen.render import pdffontdicts

    form = find_form("monitor")
    result = run_file(EXAMPLE, "x").result
    assert form is not None and result is not None
    compiled_pdf(form).render(form.build(result), "t")
    assert pdffontdicts._source_known(), "weasyprint/pdf/fonts.py changed: look at render/pdffontdicts.py again"
    assert writer.build_fonts_dictionary is pdffontdicts.build_fonts_dictionary


def test_font_objects_apply_to_this_weasyprint() -> None:
    """render/pdffontobjects.py remembers what Font.__init__ read per Pango font: fails when WeasyPrint's Font
    gets attributes it does not know (then nothing is remembered), or GObject references cannot be held."""
    from weasyprint.pdf.fonts import Font

    from docgen.render import pdffontobjects

    form = find_form("monitor-report")
    result = run_file(EXAMPLE, "x").result
    assert form is not None and result is not None
    first = compiled_pdf(form).render(form.build(result), "t")
    assert getattr(Font.__init__, "stock", None) is not None, "Font.__init__ is not patched"
    assert pdffontobjects._KNOWN, "no Font was remembered: Font.__init__ sets other attributes than expected"
    assert compiled_pdf(form).render(form.build(result), "t") == first


def test_font_dictionary_pieces() -> None:
    from pydyf import Array, _to_bytes

    from docgen.render.pdffontdicts import _to_unicode_stream, _widths_array

    widths = {3: 1000, 4: 500.5, 5: 1000.0, 9: 250.0, 12: -0.0}
    stock = Array()
    for glyph in sorted(widths):
        if glyph - 1 not in widths:
            stock.append(glyph)
            run = Array()
            stock.append(run)
        run.append(widths[glyph])
    assert _widths_array(widths, _to_bytes) == stock.data == b"[3 [1000 500.5 1000] 9 [250] 12 [0]]"
    cmap = _to_unicode_stream({i: chr(0x4E00 + i) for i in range(150)} | {200: "fi", 201: "\U0001F600"})
    assert b"\n100 beginbfchar\n<0000> <4e00>\n" in cmap and b"\n52 beginbfchar\n" in cmap
    assert b"<00c8> <00660069>" in cmap and b"<00c9> <d83dde00>" in cmap


def test_sfnt_with_cff_holds_the_cff() -> None:
    from docgen.render import pdfcffcut, pdfspeed

    cff = b"\x01\x00\x04\x04 any CFF"
    sfnt = pdfcffcut.sfnt_with_cff(cff)
    assert sfnt[:4] == b"OTTO" and pdfspeed.cff_table(sfnt) == cff


def test_common_characters() -> None:
    from docgen.render.pdfcorefaces import common_characters

    points = set(common_characters())
    assert all(ord(c) in points for c in "0123456789,.%（）：；、。“”—…￥勐海县绩效监控预算执行情况表")
    assert 7000 < len(points) < 9000


def test_streams_are_deflated_by_isal_in_the_zlib_format() -> None:
    """isal (a dependency) is installed; every stream of a PDF is a zlib stream that zlib itself inflates."""
    import re
    import zlib

    from docgen.render import pdfspeed

    try:
        from isal import isal_zlib
    except ImportError:
        pytest.fail('isal is not installed here: run  source scripts/setup.sh test,pdf,web,cluster')

    result = run_file(EXAMPLE, "x").result
    form = find_form("monitor")
    assert result is not None and form is not None
    pdf = compiled_pdf(form).render(form.build(result), "t")
    assert pdfspeed._DEFLATE is isal_zlib
    streams = re.findall(rb"/Filter /FlateDecode.*?stream\n(.*?)\nendstream", pdf, re.S)
    assert len(streams) > 3
    for data in streams:
        zlib.decompress(data)


@pytest.mark.parametrize("form_id", ["monitor-report", "self-eval-report"])
def test_justified_lines_are_moved_not_shaped_again(monkeypatch: pytest.MonkeyPatch, form_id: str) -> None:
    """The reports' justified lines keep their layout and are drawn moved (render/pdfdraw.py ``respaced_layout``):
    the same bytes as shaping each line again with its letter spacing, and no line left to be shaped again."""
    from docgen.render import pdfdraw, report_pdf

    result = run_file(EXAMPLE, "x").result
    form = find_form(form_id)
    assert result is not None and form is not None and missing_data(form, result) is None
    context = form.build(result)
    compiled_pdf(form).render(context, "t")
    calls = {"moved": 0, "shaped": 0}

    def counted(layout, text, style):  # type: ignore[no-untyped-def]
        got = pdfdraw.respaced_layout(layout, text, style)
        calls["moved" if got is not None else "shaped"] += 1
        return got

    monkeypatch.setattr(report_pdf, "respaced_layout", counted)
    moved = compiled_pdf(form).render(context, "t")
    assert calls["moved"] > 20 and calls["shaped"] == 0
    monkeypatch.setattr(report_pdf, "respaced_layout", lambda layout, text, style: None)
    assert compiled_pdf(form).render(context, "t") == moved


def test_letter_spacing_is_moved_as_pango_moves_it() -> None:
    """Pango's ``distribute_letter_spacing`` (C's division towards zero; whole points rounded) and the line's first
    and last glyphs, whose outer halves ``adjust_line_letter_spacing`` takes back."""
    from docgen.render.pdfdraw import _respace, _space_left

    assert [_space_left(u) for u in (-215, -1, 215, 1, 2048, -2048, 1024, -1024, 3072)] == \
        [-107, 0, 107, 0, 1024, -1024, 1024, 0, 2048]
    runs = [[None] * 8 + [[1000, 1000], [7, 7]], [None] * 8 + [[900], [7]]]
    _respace(runs, -215, 100)  # left halves -107 → 50, right halves -108 → 50
    assert runs[0][8] == [1000 + 315 - 157, 1000 + 315] and runs[0][9] == [7, 7 + 157]
    assert runs[1][8] == [900 + 315 - 158] and runs[1][9] == [7 + 157]


def test_the_collector_is_paused_while_rendering_and_restored() -> None:
    import gc

    from docgen.render.pdf import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # another thread's render at the same time
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # a program that turned it off keeps it off
    finally:
        gc.enable()
    form = find_form("monitor")
    result = run_file(EXAMPLE, "x").result
    assert form is not None and result is not None
    assert compiled_pdf(form).render(form.build(result), "t")[:5] == b"%PDF-" and gc.isenabled()


def test_tag_queries_find_what_cssselect2_finds(every_html: list[tuple[str, str]]) -> None:
    """WeasyPrint's two whole-document queries (metadata, stylesheets) answered by render/pdfparse.py's walk."""
    import cssselect2

    from docgen.render.pdfparse import tag_query_root

    for name, html in every_html:
        tree = fast_tree(html)
        assert tree is not None, name
        ours, theirs = tag_query_root(tree), cssselect2.ElementWrapper.from_html_root(tree, content_language=None)
        for selectors in (("title", "meta", "link"), ("style", "link"), ("td",), ("html",)):
            found = [w.etree_element for w in ours.query_all(*selectors)]
            assert found == [w.etree_element for w in theirs.query_all(*selectors)], (name, selectors)
        assert [w.etree_element for w in ours.query_all("p.h")] == \
            [w.etree_element for w in theirs.query_all("p.h")]  # anything else: cssselect2's own


@pytest.fixture
def replays(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry for each line render/pdfdraw.py writes again from what it wrote before (``_replay``)."""
    from docgen.render import pdfdraw

    calls: list[int] = []
    replay = pdfdraw._replay

    def counted(stream, matrix, record, utf8):  # type: ignore[no-untyped-def]
        calls.append(1)
        return replay(stream, matrix, record, utf8)

    monkeypatch.setattr(pdfdraw, "_replay", counted)
    return calls


def test_lines_drawn_before_are_written_again_the_same(monkeypatch: pytest.MonkeyPatch, replays: list[int]) -> None:
    """A line drawn before with the same layout is written from what was written then (render/pdfdraw.py
    ``_replay``): most lines of a second report, and the same bytes as drawing every line anew."""
    from docgen.render import pdfdraw

    result = run_file(EXAMPLE, "x").result
    form = find_form("monitor-report")
    assert result is not None and form is not None
    context = form.build(result)
    first = compiled_pdf(form).render(context, "t")
    assert compiled_pdf(form).render(context, "t") == first
    assert len(replays) > 50
    monkeypatch.setattr(pdfdraw, "_DRAWN", {})  # nothing remembered: every line drawn anew
    monkeypatch.setattr(pdfdraw, "_remember_drawn", lambda key, layout, record, utf8: None)
    replays.clear()
    assert compiled_pdf(form).render(context, "t") == first and not replays


@pytest.mark.parametrize("form_id", ["monitor", "monitor-report", "self-eval-report", "target"])
def test_fast_boxes_give_weasyprints_values(monkeypatch: pytest.MonkeyPatch, form_id: str) -> None:
    """render/pdfboxes.py is installed on this WeasyPrint, and every box it resolves gets the values WeasyPrint's
    own functions give (each call checked on a copy of the box)."""
    import copy

    from weasyprint.formatting_structure import boxes

    from docgen.render import pdfboxes

    result = run_file(EXAMPLE, "x").result
    form = find_form(form_id)
    assert result is not None and form is not None
    context = form.build(result)
    compiled_pdf(form).render(context, "t")
    assert pdfboxes._STOCK, "render/pdfboxes.py is not installed: look at WeasyPrint's new percent.py/boxes.py"
    stock_resolve, stock_flow = pdfboxes._STOCK["resolve_percentages"], pdfboxes._STOCK["is_in_normal_flow"]
    assert boxes.Box.is_in_normal_flow is pdfboxes.is_in_normal_flow
    from weasyprint.layout import background

    assert background.layout_box_backgrounds is not pdfboxes._STOCK["layout_box_backgrounds"]
    fast_resolve = pdfboxes._STOCK["modules"][0].resolve_percentages
    checked = {"resolve": 0, "flow": 0}

    def resolve(box, containing_block):  # type: ignore[no-untyped-def]
        theirs = copy.copy(box)
        stock_resolve(theirs, containing_block)
        fast_resolve(box, containing_block)
        assert vars(box) == vars(theirs)
        checked["resolve"] += 1

    def flow(self):  # type: ignore[no-untyped-def]
        got = pdfboxes.is_in_normal_flow(self)
        assert got == stock_flow(self)
        checked["flow"] += 1
        return got

    for module in pdfboxes._STOCK["modules"]:
        monkeypatch.setattr(module, "resolve_percentages", resolve)
    monkeypatch.setattr(boxes.Box, "is_in_normal_flow", flow)
    assert compiled_pdf(form).render(context, "t")[:5] == b"%PDF-"
    assert checked["resolve"] > 50 and checked["flow"] > 50


def test_a_replayed_line_gives_its_glyphs_its_own_text(monkeypatch: pytest.MonkeyPatch, replays: list[int]) -> None:
    """FandolFang draws ⼀ (U+2F00) and 一 (U+4E00) with one glyph: a document whose first 一 is in a line drawn
    before, in a document where that glyph came first as ⼀, still maps it to 一 (its ToUnicode, its bytes)."""
    import weasyprint

    from docgen.render import pdfdraw

    form = find_form("monitor")
    result = run_file(EXAMPLE, "x").result
    assert form is not None and result is not None
    compiled_pdf(form).render(form.build(result), "t")  # installs the speed-ups
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()  # one per process, as docgen has: the line memo is per font configuration
    css = weasyprint.CSS(string="@page { size: A5 } p { font-family: FandolFang; font-size: 16pt }",
                         font_config=fonts)

    def pdf(body: str) -> bytes:
        html = weasyprint.HTML(string=f"<html lang='zh-CN'><body>{body}</body></html>")
        return html.write_pdf(stylesheets=[css], font_config=fonts, identifier=b"t", pdf_version="1.7")

    monkeypatch.setattr(pdfdraw, "_DRAWN", {})
    alone = pdf("<p>一二三四</p>")
    monkeypatch.setattr(pdfdraw, "_DRAWN", {})
    pdf("<p>⼀</p><p>一二三四</p>")
    replays.clear()
    again = pdf("<p>一二三四</p>")
    assert replays and again == alone


def test_text_moved_at_drawing_is_each_a_cursor_position() -> None:
    """Every character render/pdfdraw.py moves as Pango's letter spacing would (``_PLAIN_TEXT``) is a cursor
    position of its own between two ideographs, as Pango spaces only those (the half-width voiced sound marks
    ﾞ ﾟ are not: they join the character before them)."""
    from weasyprint.text.ffi import ffi, pango

    from docgen.render.pdfdraw import _PLAIN_TEXT

    chars = [chr(c) for c in range(0x20, 0x10000) if _PLAIN_TEXT.fullmatch(chr(c))]
    assert len(chars) > 29000 and "ﾞ" not in chars and "ﾟ" not in chars
    text = "".join("一" + c for c in chars) + "一"
    data = text.encode()
    attrs = ffi.new("PangoLogAttr[]", len(text) + 1)
    pango.pango_get_log_attrs(data, len(data), -1, pango.pango_language_from_string(b"zh-cn"), attrs, len(text) + 1)
    joined = [c for i, c in enumerate(chars)
              if not attrs[2 * i + 1].is_cursor_position or not attrs[2 * i + 2].is_cursor_position]
    assert joined == []


def test_a_line_is_replayed_only_with_the_widths_it_was_written_with(tmp_path: Path, replays: list[int]) -> None:
    """WeasyPrint's font object serves every size of a face and keeps the width rounded at the size a document
    met a glyph first (DejaVu Sans, 2048 units an em: Ɣ is 686 at 14 pt, 687 at 16 pt). A line drawn before is
    written again only where this document's widths are the ones its pieces were written with."""
    from docgen.render import pdfdraw
    from docgen.render.report_pdf import CompiledReport

    def render(name: str, body: str) -> bytes:
        path = tmp_path / f"{name}.html"
        path.write_text('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>t</title></head>'
                        f"<body>{body}</body></html>", encoding="utf-8")
        return CompiledReport(path, TEMPLATES_HTML).render({}, "t")

    import shutil
    import subprocess

    assert shutil.which("fc-list") and "DejaVu Sans" in subprocess.run(
        ["fc-list"], capture_output=True, text=True).stdout, "scripts/system-packages.sh installs fonts-dejavu-core"
    font = "font-family: 'DejaVu Sans'"
    line = f'<p><span style="{font}">ƔƔƖǈǉ 测试 ƔƖǈǉ</span></p>'
    render("a", line)
    for size in ("5pt", "9.5pt", "14pt", "20pt"):
        body = f'<p style="font-size: {size}; {font}">ƔƖǈǉ</p>' + line
        replayed = render(f"b{size}", body)
        remembered = dict(pdfdraw._DRAWN)
        pdfdraw._DRAWN.clear()
        try:
            assert render(f"c{size}", body) == replayed, size
        finally:
            pdfdraw._DRAWN.update(remembered)
    assert replays  # lines were replayed where the widths agree


def test_pdfs_rendered_on_several_threads_are_the_same() -> None:
    """Renders on several threads at once (the desk's thread pool) give the bytes of renders one after another:
    Pango and fontconfig are shared by the process, so renders take turns (render/pdf.py ``_RENDERING``)."""
    from concurrent.futures import ThreadPoolExecutor

    result = run_file(EXAMPLE, "x").result
    assert result is not None
    jobs = []
    for form_id in ("monitor-report", "monitor"):
        form = find_form(form_id)
        assert form is not None
        jobs.append((compiled_pdf(form), form.build(result)))
    alone = [compiled.render(context, "t") for compiled, context in jobs]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda job: job[0].render(job[1], "t"), jobs * 4))
    assert together == alone * 4
