"""The DOCX speed paths give the bytes of the plain ones: compiled loops (render/docxloops.py) against Jinja with
the whole-document passes, and the zip writer with precompressed parts against zipfile."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from markupsafe import Markup

from docgen.forms import FORMS
from docgen.output import TEMPLATES, missing_data
from docgen.pipeline import project_files, run_file
from docgen.present import Grouped
from docgen.render import package
from docgen.render.docx import CompiledDocx
from docgen.render.package import deflate, write_zip, write_zip_zipfile

from .conftest import FIXTURES, SAMPLES

FORMS_WITH_DOCX = [f for f in FORMS if f.renderable]


class PlainDocx(CompiledDocx):
    fast_loops = False  # every loop through Jinja and the whole-document passes, as before the speed-up


@pytest.fixture(scope="module")
def results() -> list:
    paths = [p for p, _ in project_files([SAMPLES, FIXTURES / "independent"])]
    return [r for r in (run_file(p, str(p)).result for p in paths) if r is not None]


@pytest.mark.parametrize("form", FORMS_WITH_DOCX, ids=[f.id for f in FORMS_WITH_DOCX])
def test_compiled_loops_give_the_same_bytes(form, results: list) -> None:
    path = TEMPLATES / "docx" / form.docx_template()
    fast, plain = CompiledDocx(path), PlainDocx(path)
    contexts = [form.build(results, "")] if form.aggregate else [
        form.build(r) for r in results if missing_data(form, r) is None]
    assert contexts
    for ctx in contexts:
        assert fast.render(ctx, "t", {"docgen.数据哈希": "x"}) == plain.render(ctx, "t", {"docgen.数据哈希": "x"})


def test_monitor_rows_are_compiled() -> None:
    """The 附件1 row loop qualifies (else the speed-up would be lost without a sound)."""
    assert CompiledDocx(TEMPLATES / "docx" / "monitor.docx").compiled_loops == 1
    assert PlainDocx(TEMPLATES / "docx" / "monitor.docx").compiled_loops == 0


def _row(i: int, **override: object) -> dict:
    row: dict[str, object] = {
        "一级指标": Grouped("产出指标", i == 0, 3 if i == 0 else 0),
        "二级指标": Grouped("数量指标", i % 2 == 0, 2),
        "三级指标": f"第{i}项 <b>&amp; \"引号\"",
        "年度指标值": "≥10个", "执行情况": "9个", "全年预计": "10个", "经费保障": "", "制度保障": "√",
        "人员保障": "", "硬件条件保障": "", "其他": "", "改进措施": "", "确定能": "", "有可能": "√",
        "完全不可能": "", "备注": "",
    }
    row.update(override)
    return row


AWKWARD = [
    _row(0),
    _row(1, 三级指标="两行\n文字", 备注="制表\t符"),
    _row(2, 执行情况="控制\x01字符\x0b", 全年预计=None),
    _row(3, 改进措施="模板写法 {_{ 字段 }_} 与 {_% x %_}", 其他=Decimal("12.50")),
    _row(4, 一级指标=Grouped("接续\n单元格", False, 0), 备注=Markup("<i>已转义</i>")),
    _row(5, 二级指标="不是分组的值", 年度指标值=7),
    _row(6, 一级指标=None, 确定能="\a分段\f换页"),
]


def test_awkward_values_take_the_plain_path_exactly() -> None:
    """Line breaks, control characters, escaped braces, None, numbers, Markup, ungrouped merge cells."""
    path = TEMPLATES / "docx" / "monitor.docx"
    fast, plain = CompiledDocx(path), PlainDocx(path)
    ctx = _context(AWKWARD)
    data = fast.render(ctx, "t")
    assert data == plain.render(ctx, "t")
    table = Document(io.BytesIO(data)).tables[-1]
    texts = [c.text for c in table.rows[-7].cells]
    assert "第0项 <b>&amp; \"引号\"" in texts
    assert "两行\n文字" in [c.text for c in table.rows[-6].cells]


def _context(rows: list[dict]) -> dict:
    form = next(f for f in FORMS if f.id == "monitor")
    paths = [p for p, _ in project_files([SAMPLES])]
    result = next(r for r in (run_file(p, str(p)).result for p in paths) if r is not None
                  and missing_data(form, r) is None)
    ctx = form.build(result)
    ctx["指标"] = rows
    return ctx


def test_missing_field_fails_as_in_jinja() -> None:
    from jinja2.exceptions import UndefinedError

    fast = CompiledDocx(TEMPLATES / "docx" / "monitor.docx")
    row = _row(0)
    del row["备注"]
    with pytest.raises(UndefinedError):
        fast.render(_context([row]), "t")


@pytest.mark.parametrize("names", [["[Content_Types].xml", "word/document.xml", "docProps/core.xml"],
                                   ["a.xml", "目录/b.xml"]])
def test_zip_writer_gives_zipfiles_bytes(names: list[str], tmp_path: Path) -> None:
    parts = [(n, (f"<x>{n}</x>" * (i * 500 + 1)).encode()) for i, n in enumerate(names)] + [("empty", b"")]
    cache: dict = {}
    first = write_zip(parts, cache, frozenset({names[0]}))
    with zipfile.ZipFile(io.BytesIO(first)) as ours, zipfile.ZipFile(io.BytesIO(write_zip_zipfile(parts))) as ref:
        fields = ("filename", "date_time", "compress_type", "external_attr", "CRC", "file_size", "flag_bits",
                  "create_system", "create_version", "extract_version")
        assert [[getattr(i, f) for f in fields] for i in ours.infolist()] == [
            [getattr(i, f) for f in fields] for i in ref.infolist()]  # the same entries as zipfile makes
    if package._ISAL is None:
        assert first == write_zip_zipfile(parts)  # with zlib: byte for byte
    assert parts[0][1] not in cache and parts[1][1] in cache  # fresh parts are not kept
    assert write_zip(parts, cache) == first  # from the cache: still the same bytes
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert zf.testzip() is None
        assert [(i.filename, zf.read(i)) for i in zf.infolist()] == parts
    assert deflate(b"abc")[0] == zipfile.crc32(b"abc")  # type: ignore[attr-defined]
