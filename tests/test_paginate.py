"""The page plan (docgen/compile/paginate.py): groups restarted at a break, breaks at 二级 group boundaries, the
notes kept with the list's last rows."""

from __future__ import annotations

from pathlib import Path

from docgen.compile import paginate as P
from docgen.formdata.common import group_column
from docgen.forms import find_form
from docgen.output import TEMPLATES, form_layout
from docgen.present import Grouped

ROOT = Path(__file__).resolve().parents[1]


def _items(level1: list[str], level2: list[str], text: str = "指标") -> list[dict]:
    l1 = group_column(level1)
    l2 = group_column(level2, list(zip(level1, level2, strict=True)))
    return [{"一级指标": a, "二级指标": b, "三级指标": f"{text}{k}"} for k, (a, b) in enumerate(zip(l1, l2, strict=True))]


def test_continue_groups_restarts_each_group_at_a_break() -> None:
    items = _items(["产出"] * 5 + ["效益"] * 2, ["数量"] * 3 + ["质量"] * 2 + ["社会"] * 2)
    out = P.continue_groups(items, (2, 4))
    firsts = [(k, str(v["一级指标"]), v["一级指标"].span) for k, v in enumerate(out) if v["一级指标"].first]
    assert firsts == [(0, "产出", 2), (2, "产出（续）", 2), (4, "产出（续）", 1), (5, "效益", 2)]
    firsts2 = [(k, str(v["二级指标"]), v["二级指标"].span) for k, v in enumerate(out) if v["二级指标"].first]
    assert firsts2 == [(0, "数量", 2), (2, "数量（续）", 1), (3, "质量", 1), (4, "质量（续）", 1), (5, "社会", 2)]
    assert all(isinstance(v["一级指标"], Grouped) for v in out)
    assert str(items[2]["一级指标"]) == "产出" and items[0]["一级指标"].span == 5  # the input is left alone
    assert P.continue_groups(items, ()) is items


def test_plan_breaks_at_group_boundaries_and_keeps_the_notes() -> None:
    form = find_form("tracking")
    assert form is not None
    layout = form_layout(form.docx_template())
    assert layout is not None
    level2 = [f"二级{k // 4}" for k in range(40)]  # ten groups of four
    items = _items(["产出指标"] * 40, level2, "很长的三级指标名称" * 3)
    for routes in (("pdf",), ("xlsx",), P.ROUTES):
        breaks = P.plan_breaks(layout, items, "指标", {"指标": items}, routes)
        assert breaks, routes
        # a group of four fits on a page: kept whole (the first page, under the project block, may split one)
        assert all(b % 4 == 0 for b in breaks[1:]), (routes, breaks)
        assert breaks[-1] < len(items)  # the last page holds list rows with the notes
    short = _items(["产出指标"] * 3, ["数量指标"] * 3)
    assert P.plan_breaks(layout, short, "指标", {}, ("pdf",)) == ()  # three short rows fit on the first page


def test_paginate_leaves_the_context_alone_and_plans_per_format() -> None:
    from docgen.pipeline import run_file

    form = find_form("monitor")
    assert form is not None
    result = run_file(ROOT / "samples" / "xiangcun-zhenxing-zonghe.yaml", "x").result
    assert result is not None
    context = form.build(result)
    layout = form_layout(form.docx_template())
    assert layout is not None and (TEMPLATES / "docx").is_dir()
    paged = P.paginate(layout, context)
    assert P.PLANS not in context
    for fmt in ("pdf", "xlsx", "docx"):
        view = P.for_format(paged, fmt)
        breaks = view[P.BREAKS].get("指标", ())
        if P.FORMAT_ROUTES[fmt]:
            assert breaks  # 30 indicators run over a page
        for b in breaks:
            assert view["指标"][b]["一级指标"].first and view["指标"][b]["二级指标"].first


def test_only_the_formats_written_are_planned_and_a_later_format_is_planned_when_rendered() -> None:
    """A build plans the pages of the formats it writes (DOCX+XLSX: no PDF plan); rendering another format from
    that context plans its pages then, with the same document as planning everything up front."""
    from docgen.output import paged, render_bytes
    from docgen.pipeline import run_file

    form = find_form("monitor")
    assert form is not None
    result = run_file(ROOT / "samples" / "cunweishengshi-biaozhunhua.yaml", "x").result
    assert result is not None
    context = form.build(result)
    some = paged(form, context, ("docx",))
    assert set(some[P.PLANS]) == {"docx"}
    full = paged(form, context)
    assert set(full[P.PLANS]) == {"pdf", "xlsx", "docx"}
    assert paged(form, full, ("xlsx",)) is full  # planned already: nothing done again
    assert render_bytes(form, some, "xlsx", "t") == render_bytes(form, full, "xlsx", "t")
    assert render_bytes(form, some, "docx", "t") == render_bytes(form, full, "docx", "t")
