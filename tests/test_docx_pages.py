"""The DOCX route's page flow: rows keep with the next inside their 一级/二级 group only, and the page plan's breaks
(``context["_page_breaks"]``, compile/paginate.py) close the table, start a page and reopen the table under its
column headings, with the groups cut there restarted (``（续）``). Both render paths give the same bytes."""

from __future__ import annotations

import io
import itertools
import zipfile
from typing import Any

import pytest
from lxml import etree

from docgen.forms import find_form
from docgen.output import TEMPLATES
from docgen.present import Grouped
from docgen.render import docxloops
from docgen.render.docx import CompiledDocx

from .formcheck import sample_result

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SAMPLE = "xiangcun-zhenxing-zonghe.yaml"  # 30 indicators over all four 一级


class PlainDocx(CompiledDocx):
    fast_loops = False


def continue_groups(items: list[dict[str, Any]], breaks: tuple[int, ...]) -> list[dict[str, Any]]:
    """A stand-in of compile/paginate.continue_groups: each group cut by a break restarts there as 标签（续）."""
    out = [dict(item) for item in items]
    keys = {k for item in items for k, v in item.items() if isinstance(v, Grouped)}
    for key in keys:
        starts = [i for i, item in enumerate(out) if isinstance(item[key], Grouped) and item[key].first]
        cuts = sorted(set(starts) | {b for b in breaks if 0 < b < len(out)} | {len(out)})
        base = ""
        for a, z in itertools.pairwise(cuts):
            if a in starts:
                base = str(out[a][key])
            label = base if a in starts else f"{base}（续）"
            for k in range(a, z):
                out[k][key] = Grouped(label, k == a, z - a if k == a else 0)
    return out


def _planned(form_id: str, breaks: tuple[int, ...]) -> dict[str, Any]:
    form = find_form(form_id)
    assert form is not None
    ctx = form.build(sample_result(SAMPLE))
    ctx["指标"] = continue_groups(list(ctx["指标"]), breaks)
    ctx[docxloops.BREAKS] = {"指标": breaks}
    return ctx


def _body(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        body = etree.fromstring(zf.read("word/document.xml")).find(f"{W}body")
    assert body is not None
    return body


def _text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def _keeps(tr: etree._Element) -> bool:
    return all(p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(f"{W}p"))


@pytest.mark.parametrize("form_id", ["monitor", "target", "tracking", "self-eval", "correction"])
def test_planned_breaks_reopen_the_table_under_its_headings(form_id: str) -> None:
    breaks = (7, 19)
    ctx = _planned(form_id, breaks)
    path = TEMPLATES / "docx" / find_form(form_id).docx_template()  # type: ignore[union-attr]
    data = CompiledDocx(path).render(ctx, "t")
    assert data == PlainDocx(path).render(ctx, "t") == CompiledDocx(path).render(ctx, "t")
    body = _body(data)
    tables = body.findall(f"{W}tbl")
    plain = _body(CompiledDocx(path).render({**ctx, docxloops.BREAKS: {}}, "t")).findall(f"{W}tbl")
    assert len(tables) == len(plain) + len(breaks)
    parts = tables[-len(breaks) - 1:]
    heads = [tr for tr in parts[0].findall(f"{W}tr") if tr.find(f"{W}trPr/{W}tblHeader") is not None]
    assert heads
    items = ctx["指标"]
    for part, at in zip(parts[1:], breaks, strict=True):
        between = body[body.index(part) - 1]
        assert between.tag == f"{W}p" and between.find(f"{W}pPr/{W}pageBreakBefore") is not None
        assert etree.tostring(part.find(f"{W}tblGrid")) == etree.tostring(parts[0].find(f"{W}tblGrid"))
        rows = part.findall(f"{W}tr")
        assert [etree.tostring(r) for r in rows[:len(heads)]] == [etree.tostring(r) for r in heads]
        first = rows[len(heads)]
        assert items[at]["三级指标" if form_id != "correction" else "三级目标"] in _text(first)
        restarted = [tc for tc in first.findall(f"{W}tc")
                     if tc.find(f"{W}tcPr/{W}vMerge[@{W}val='restart']") is not None]
        labels = [_text(tc) for tc in restarted]
        assert any(label.endswith("（续）") for label in labels) or all(
            isinstance(v, Grouped) and v.first and not str(v).endswith("（续）")
            for v in items[at].values() if isinstance(v, Grouped))
        # the row before the break lets go of the next page
        before = [tr for tr in body[body.index(part) - 2].findall(f"{W}tr")][-1]
        assert not _keeps(before)
    assert sum(len(p.findall(f"{W}tr")) for p in parts) == len(plain[-1].findall(f"{W}tr")) + len(breaks) * len(heads)


def test_rows_keep_with_the_next_inside_their_group_only() -> None:
    """附件1: every row keeps with the next but the last of a 二级 group; the list's last row keeps with the notes."""
    ctx = _planned("monitor", ())
    data = CompiledDocx(TEMPLATES / "docx" / "monitor.docx").render(ctx, "t")
    rows = _body(data).findall(f"{W}tbl")[-1].findall(f"{W}tr")
    items = ctx["指标"]
    item_rows = rows[-len(items):]
    for i, (item, tr) in enumerate(zip(items, item_rows, strict=True)):
        assert item["三级指标"] in _text(tr)
        last_of_group = i + 1 < len(items) and items[i + 1]["二级指标"].first
        assert _keeps(tr) is not last_of_group, (i, item["三级指标"])
    assert _keeps(item_rows[-1])


def test_the_word_files_pages_are_planned() -> None:
    """compile/docx_pages: 附件1 of the 30-indicator sample breaks between groups, each page's first group named
    (（续） for a 一级 group carried over); a form that fits on a page is left whole."""
    from docgen.compile import docx_pages
    from docgen.compile.paginate import list_to_plan
    from docgen.compile.read_docx import read_layout_file
    from docgen.output import render_bytes

    form = find_form("monitor")
    assert form is not None
    layout = read_layout_file(TEMPLATES / "docx" / "monitor.docx")
    ctx = form.build(sample_result(SAMPLE))
    name = list_to_plan(layout, ctx)
    breaks = docx_pages.plan_breaks(layout, ctx[name], name, ctx)
    assert name == "指标" and len(breaks) >= 1
    items = ctx["指标"]
    assert all(items[b]["二级指标"].first for b in breaks)  # a page breaks between 二级 groups
    body = _body(render_bytes(form, ctx, "docx", "t"))
    tables = body.findall(f"{W}tbl")
    assert len(tables) == 2 + len(breaks)
    first_rows = [t.findall(f"{W}tr")[2] for t in tables[2:]]  # under the two heading rows
    assert all(_text(tr) for tr in first_rows)
    assert any("（续）" in _text(tr) for tr in first_rows)
    small = find_form("tracking")
    assert small is not None
    ctx = small.build(sample_result("example-project.yaml"))
    layout = read_layout_file(TEMPLATES / "docx" / "tracking.docx")
    assert docx_pages.plan_breaks(layout, ctx["指标"], "指标", ctx) is None  # left to the office suite
