"""docgen build: what is rebuilt and why, deletions, failures, determinism, the what-changed report."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest

from docgen import output
from docgen.builder import BuildOptions, build
from docgen.builder.manifest import FILENAME, FOLDER
from docgen.cli import cli
from docgen.forms import find_form
from docgen.templatecheck import TemplateError

from .conftest import EXAMPLE, SAMPLES, make_override

MONITOR = "项目支出绩效监控情况表"
MONITOR_REPORT = "项目支出绩效监控报告"
REPORTS = [find_form("monitor-report"), find_form("tracking-report"), find_form("self-eval-report")]
PROJECTS = [EXAMPLE, SAMPLES / "chanong-jishu-peixun.yaml", SAMPLES / "xuesheng-yingyang-gaishan.yaml"]


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "projects"
    folder.mkdir()
    for path in PROJECTS:
        shutil.copy(path, folder / path.name)
    return folder



def run(src: Path, out: Path, **options) -> object:
    return build(BuildOptions(src, out, **{"jobs": 1, **options}))


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and FOLDER not in p.parts}


def manifest_paths(out: Path) -> set[str]:
    with sqlite3.connect(out / FOLDER / FILENAME) as db:
        return {r[0] for r in db.execute("SELECT path FROM outputs")}


def rewrite_zip(path: Path, part: str, change) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts:
            zf.writestr(info, change(data) if info.filename == part else data)


def test_first_build_layout_then_noop(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run(src, out)
    assert first.ok, first.failures
    assert set(first.built.values()) == {"新增"}
    written = files(out)
    assert "勐海县水务局/2024年农村饮水安全巩固提升工程/项目支出绩效监控情况表.docx" in written
    assert "汇总/全部项目-绩效跟踪情况汇总表.xlsx" in written
    assert "汇总/勐海县水务局-绩效跟踪情况汇总表.docx" in written
    assert "汇总/全部项目-绩效监控覆盖情况.docx" in written
    assert f"勐海县水务局/2024年农村饮水安全巩固提升工程/{MONITOR_REPORT}.docx" in written  # reports too
    assert manifest_paths(out) == set(written) - {"changes.md"}
    assert any(form == "adjustment" for _, form, _ in first.skipped)  # recorded with its reason
    again = run(src, out)
    assert again.built == {} and again.deleted == [] and again.fresh == len(first.built)
    assert len(again.skipped) == len(first.skipped)  # remembered, not re-derived by loading
    assert files(out) == written


def test_data_change_rebuilds_the_project_and_its_aggregates(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(src, out)
    example = src / EXAMPLE.name
    example.write_text(example.read_text(encoding="utf-8").replace(
        "一般公共预算拨款: 126.00", "一般公共预算拨款: 136.00"), encoding="utf-8")
    result = run(src, out)
    assert result.ok
    assert set(result.built.values()) == {"数据变化"}
    own = {p for p in result.built if not p.startswith("汇总/")}
    assert own and all("2024年农村饮水安全巩固提升工程" in p for p in own)
    assert {p for p in result.built if p.startswith("汇总/")} == {
        f"汇总/{stem}-{title}.{fmt}" for fmt in ("docx", "xlsx")
        for stem, title in (("全部项目", "绩效跟踪情况汇总表"), ("勐海县水务局", "绩效跟踪情况汇总表"),
                            ("全部项目", "绩效监控覆盖情况"))
    }
    lines = (out / "changes.md").read_text(encoding="utf-8")
    assert "2024年农村饮水安全巩固提升工程 附件1 资金.合计.执行率 34.00% → 36.50%" in lines
    assert "2024年农村饮水安全巩固提升工程 附件1 资金.合计.执行数 136.00 → 146.00" in lines


def test_template_change_rebuilds_only_that_form_and_format(src: Path, tmp_path: Path, templates: Path) -> None:
    out = tmp_path / "out"
    run(src, out)
    rewrite_zip(templates / "docx" / "monitor.docx", "docProps/core.xml",
                lambda d: d.replace(b"</cp:core", b"<dc:description>x</dc:description></cp:core"))
    result = run(src, out)
    assert result.built and set(result.built.values()) == {"模板变化"}
    # the Word file is the source of the form's XLSX too: both are rebuilt, nothing else
    assert all(p.endswith((f"/{MONITOR}.docx", f"/{MONITOR}.xlsx")) for p in result.built)
    assert len(result.built) == len(list(out.rglob(f"{MONITOR}.docx"))) + len(list(out.rglob(f"{MONITOR}.xlsx")))
    assert result.changes == {}  # the filled values did not change
    override = make_override(templates, "monitor", "xlsx")  # a hand-made Excel template: only the XLSX follows it
    result = run(src, out)
    assert result.built and all(p.endswith(f"/{MONITOR}.xlsx") for p in result.built)
    override.unlink()
    assert all(p.endswith(f"/{MONITOR}.xlsx") for p in run(src, out).built)


def test_profile_change_rebuilds_everything_under_it(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run(src, out)
    (src / "docgen.yaml").write_text("配置方案: national\n跟踪范围:\n  金额下限: 50\n", encoding="utf-8")
    result = run(src, out)
    assert set(result.built.values()) == {"配置变化"}
    assert len(result.built) == len(first.built)
    (src / "docgen.yaml").write_text("# 只改注释\n配置方案: national\n跟踪范围:\n  金额下限: 50\n", encoding="utf-8")
    assert run(src, out).built == {}  # the profile's settings, not the file's bytes, are hashed


def test_version_change_rebuilds_everything(src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    first = run(src, out)
    monkeypatch.setattr("docgen.builder.run.version_key", lambda: "9.9.9+manifest1")
    result = run(src, out)
    assert set(result.built.values()) == {"版本变化"}
    assert len(result.built) == len(first.built)


def test_missing_or_edited_output_is_rebuilt_and_force(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run(src, out)
    gone, edited = sorted(p for p in first.built if p.endswith(".xlsx") and not p.startswith("汇总"))[:2]
    (out / gone).unlink()
    (out / edited).write_bytes(b"not a workbook")
    result = run(src, out)
    assert result.built == {gone: "输出缺失", edited: "输出被改动"}
    forced = run(src, out, force=True)
    assert set(forced.built.values()) == {"强制"} and len(forced.built) == len(first.built)


def test_deleted_and_renamed_projects(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(src, out)
    (src / "chanong-jishu-peixun.yaml").unlink()
    result = run(src, out)
    own = [p for p in result.deleted if not p.startswith("汇总/")]
    assert own and all("茶农" in p for p in own)
    assert {p for p in result.deleted if p.startswith("汇总/")} == {  # its 主管部门 has no project left
        f"汇总/勐海县农业农村局-绩效跟踪情况汇总表.{fmt}" for fmt in ("docx", "xlsx")}
    assert not any(out.rglob("*茶农*")) and manifest_paths(out) == set(files(out)) - {"changes.md"}
    assert "## 已删除的文件" in (out / "changes.md").read_text(encoding="utf-8")
    example = src / EXAMPLE.name
    example.write_text(example.read_text(encoding="utf-8").replace(
        "项目名称: 2024年农村饮水安全巩固提升工程", "项目名称: 2024年农村饮水工程"), encoding="utf-8")
    renamed = run(src, out)
    assert all("2024年农村饮水安全巩固提升工程" in p for p in renamed.deleted if not p.startswith("汇总"))
    assert any("2024年农村饮水工程/" in p for p in renamed.built)
    assert not any(out.rglob("2024年农村饮水安全巩固提升工程*"))  # its folder too


def test_bad_project_is_reported_while_the_rest_build(src: Path, tmp_path: Path, runner) -> None:
    shutil.copy(SAMPLES / "invalid" / "negative-amount.yaml", src / "negative-amount.yaml")
    out = tmp_path / "out"
    res = runner.invoke(cli, ["build", str(src), "-o", str(out), "--jobs", "2", "--format", "docx", "--format", "xlsx"])
    assert res.exit_code == 1, res.output
    assert "negative-amount.yaml:14: 资金.年初预算数.一般公共预算拨款: 金额不能为负数" in res.output
    assert len(list(out.rglob(f"{MONITOR}.*"))) == 6  # three projects × two formats
    assert "失败" in res.output


def test_broken_template_refused(src: Path, tmp_path: Path, templates: Path, runner) -> None:
    rewrite_zip(templates / "docx" / "monitor.docx", "word/document.xml",
                lambda d: d.replace("r.三级指标".encode(), "r.三级指標".encode()))
    out = tmp_path / "out"
    res = runner.invoke(cli, ["build", str(src), "-o", str(out)])
    assert res.exit_code == 1
    assert "monitor.docx 表格2 第4行第4格: {{ r.三级指標 }}: 数据中没有“指标[].三级指標”，最接近“三级指标”" in res.output
    assert "未开始生成" in res.output
    assert not out.exists()
    with pytest.raises(TemplateError):
        run(src, out)


def test_templates_checked_on_two_processes_give_the_same_refusal(src: Path, tmp_path: Path, templates: Path) -> None:
    """A first DOCX+XLSX build checks its ~25 templates on forked workers (builder/check.py): the same problems,
    in the same order, as checked in one process."""
    rewrite_zip(templates / "docx" / "monitor.docx", "word/document.xml",
                lambda d: d.replace("r.三级指标".encode(), "r.三级指標".encode()))
    rewrite_zip(templates / "docx" / "tracking.docx", "word/document.xml",
                lambda d: d.replace("r.三级指标".encode(), "r.三级指桥".encode()))
    messages = []
    for jobs in (2, 1):
        with pytest.raises(TemplateError) as refused:
            run(src, tmp_path / f"out{jobs}", jobs=jobs, formats=("docx", "xlsx"))
        messages.append(str(refused.value))
    assert messages[0] == messages[1]
    assert "r.三级指標" in messages[0] and "r.三级指桥" in messages[0] and "未开始生成" in messages[0]


def test_template_failing_at_render_is_one_failure(src: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    real = output.render_bytes

    def broken(form, context, fmt, title, properties=None):
        if form.id == "target" and fmt == "xlsx":
            raise KeyError("坏占位")
        return real(form, context, fmt, title, properties)

    monkeypatch.setattr("docgen.builder.jobs.render_bytes", broken)
    result = run(src, out)
    assert not result.ok and len(result.failed) == 3
    assert all("target.docx（Excel）: 生成失败" in m for m in result.failures)
    assert any(p.endswith("项目绩效目标表.docx") for p in result.built)
    monkeypatch.undo()
    again = run(src, out)
    assert again.ok and set(again.built.values()) == {"新增"}
    assert all(p.endswith("项目绩效目标表.xlsx") for p in again.built)


def test_identical_bytes_across_builds_and_provenance(src: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    run(src, one)
    build(BuildOptions(src, two, jobs=2))
    assert files(one) == files(two)
    docx = next(one.rglob(f"{MONITOR}.docx"))
    with zipfile.ZipFile(docx) as zf:
        custom = zf.read("docProps/custom.xml").decode("utf-8")
    for name in ("docgen.数据哈希", "docgen.模板哈希", "docgen.配置哈希", "docgen.版本"):
        assert name in custom


def test_forms_and_format_options_limit_the_build(src: Path, tmp_path: Path, runner) -> None:
    out = tmp_path / "out"
    res = runner.invoke(cli, ["build", str(src), "-o", str(out), "--forms", "monitor,summary", "--format", "docx",
                              "--jobs", "1"])
    assert res.exit_code == 0, res.output
    names = set(files(out)) - {"changes.md"}
    assert names and all(n.endswith(".docx") for n in names)
    assert all(MONITOR in n or "汇总表" in n for n in names)
    run(src, out)  # a full build keeps those and adds the rest
    assert names < set(files(out))


def test_leftover_temporary_files_are_removed(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(src, out)
    leftover = out / "勐海县水务局" / ".tmp-abc123.docx"
    leftover.write_bytes(b"partial")
    result = run(src, out)
    assert result.cleaned == 1 and not leftover.exists()


def test_two_files_of_the_same_project_do_not_overwrite_each_other(src: Path, tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, src / "copy.yaml")
    out = tmp_path / "out"
    result = run(src, out)
    assert result.ok
    folder = out / "勐海县水务局"
    assert (folder / "2024年农村饮水安全巩固提升工程" / f"{MONITOR}.docx").is_file()  # "copy.yaml" sorts first
    assert (folder / "2024年农村饮水安全巩固提升工程（example-project）" / f"{MONITOR}.docx").is_file()
    assert run(src, out).built == {}


def test_noop_build_keeps_the_last_changes_report(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(src, out)
    example = src / EXAMPLE.name
    example.write_text(example.read_text(encoding="utf-8").replace(
        "一般公共预算拨款: 126.00", "一般公共预算拨款: 136.00"), encoding="utf-8")
    run(src, out)
    report = (out / "changes.md").read_text(encoding="utf-8")
    assert "34.00% → 36.50%" in report
    assert run(src, out).built == {}
    assert (out / "changes.md").read_text(encoding="utf-8") == report


def test_a_file_that_cannot_be_written_fails_alone(src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file open in Word (Windows) is one failure; the project's other files and the aggregates are written."""
    from docgen.builder import jobs

    real = jobs.write_atomic

    def locked(path: Path, data: bytes, sync: bool = True) -> None:
        if path.name.endswith("项目支出绩效监控情况表.docx") or path.name == "全部项目-绩效监控覆盖情况.docx":
            raise PermissionError(13, "Permission denied")
        real(path, data, sync)

    monkeypatch.setattr(jobs, "write_atomic", locked)
    result = run(src, tmp_path / "out")
    assert not result.ok
    assert any("正在被 Word/WPS/Excel 打开" in f for f in result.failures)
    written = {Path(p).name for p in result.built}
    assert "2024年农村饮水安全巩固提升工程/项目支出绩效监控情况表.xlsx" in set(result.built) | {
        "/".join(Path(p).parts[-2:]) for p in result.built}
    assert any(name.endswith("绩效跟踪情况表.docx") for name in written)
    assert "全部项目-绩效监控覆盖情况.xlsx" in written


def test_empty_or_other_source_folder_is_refused(src: Path, tmp_path: Path) -> None:
    from docgen.builder.run import BuildRefused

    out = tmp_path / "out"
    first = run(src, out)
    files = sorted(p for p in out.rglob("*.docx"))
    assert first.ok and files
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BuildRefused, match="没有找到项目数据文件"):
        run(empty, out)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(EXAMPLE, other / "x.yaml")
    with pytest.raises(BuildRefused, match="上次由"):
        run(other, out)
    assert sorted(p for p in out.rglob("*.docx")) == files  # nothing deleted
    assert run(other, out, force=True).ok  # --force confirms


def test_long_project_names_fit_the_file_system(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "项目名称: 2024年农村饮水安全巩固提升工程", "项目名称: " + "农村饮水安全巩固提升" * 9)
    (folder / "long.yaml").write_text(text, encoding="utf-8")
    result = run(folder, tmp_path / "out")
    assert result.ok, result.failures
    assert all(len(p.name.encode()) <= 255 for p in (tmp_path / "out").rglob("*"))


def _has_weasyprint() -> bool:
    from docgen.render.pdf import weasyprint_available

    return weasyprint_available()


needs_pdf = pytest.mark.skipif(not _has_weasyprint(), reason='the PDF extra is not installed (pip install "docgen[pdf]")')


@needs_pdf
def test_pdf_build_with_provenance_and_stylesheet_staleness(tmp_path: Path, templates: Path) -> None:
    folder = tmp_path / "projects"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    out = tmp_path / "out"
    forms = [find_form("monitor"), find_form("target")]
    result = run(folder, out, formats=("pdf",), forms=forms)
    assert result.ok and result.built and all(p.endswith(".pdf") for p in result.built)
    pdf = next(out.rglob(f"{MONITOR}.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", "-custom", str(pdf)], capture_output=True, text=True).stdout
        assert "DocgenDataHash" in info and "DocgenTemplateHash" in info
    assert not run(folder, out, formats=("pdf",), forms=forms).built  # nothing changed
    rewrite_zip(templates / "docx" / "monitor.docx", "docProps/core.xml",
                lambda d: d.replace(b"</cp:core", b"<dc:description>x</dc:description></cp:core"))
    rebuilt = run(folder, out, formats=("pdf",), forms=forms).built
    assert set(rebuilt.values()) == {"模板变化"} and all(p.endswith(f"/{MONITOR}.pdf") for p in rebuilt)
    css = templates / "html" / "forms.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* x */\n", encoding="utf-8")
    rebuilt = run(folder, out, formats=("pdf",), forms=forms).built
    assert set(rebuilt.values()) == {"模板变化"} and len(rebuilt) == len(list(out.rglob("*.pdf")))


def test_reports_are_built_in_docx_never_xlsx(src: Path, tmp_path: Path, runner) -> None:
    out = tmp_path / "out"
    result = run(src, out, forms=REPORTS, formats=("docx", "xlsx"))
    assert result.ok, result.failures
    names = set(files(out)) - {"changes.md"}
    assert names and all(n.endswith(".docx") for n in names)  # a report has no XLSX
    for form in REPORTS:
        built = [n for n in names if n.endswith(f"/{form.short_title}.docx")]
        skipped = [p for p, f, _ in result.skipped if f == form.id]
        assert len(built) + len(skipped) == len(PROJECTS) and built, form.id
    assert manifest_paths(out) == names
    assert not run(src, out, forms=REPORTS, formats=("docx", "xlsx")).built
    other = tmp_path / "other"
    res = runner.invoke(cli, ["build", str(src), "-o", str(other), "--forms", "monitor-report", "--format", "docx",
                              "--jobs", "1"])
    assert res.exit_code == 0, res.output
    assert {p.name for p in other.rglob("*.docx")} == {f"{MONITOR_REPORT}.docx"}


@needs_pdf
def test_report_pdf_built_with_report_css_staleness(tmp_path: Path, templates: Path) -> None:
    folder = tmp_path / "projects"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    out = tmp_path / "out"
    forms = [find_form("monitor"), find_form("monitor-report")]
    result = run(folder, out, formats=("docx", "pdf"), forms=forms)
    assert result.ok, result.failures
    pdf = next(out.rglob(f"{MONITOR_REPORT}.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF-") and next(out.rglob(f"{MONITOR_REPORT}.docx"))
    assert len(list(out.rglob("*.pdf"))) == 2
    css = templates / "html" / "report.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* x */\n", encoding="utf-8")
    rebuilt = run(folder, out, formats=("docx", "pdf"), forms=forms).built
    assert set(rebuilt.values()) == {"模板变化"} and [Path(p).name for p in rebuilt] == [pdf.name]
    css = templates / "html" / "forms.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* x */\n", encoding="utf-8")
    rebuilt = run(folder, out, formats=("docx", "pdf"), forms=forms).built
    assert set(rebuilt.values()) == {"模板变化"} and all(p.endswith(f"/{MONITOR}.pdf") for p in rebuilt)


def test_outputs_of_the_flat_layout_are_moved_not_rebuilt(src: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """OUT/主管部门/项目名称/表名.ext: a build over the old OUT/主管部门/项目名称-表名.ext moves each intact file."""
    from docgen.builder import plan

    out = tmp_path / "out"
    with monkeypatch.context() as m:
        m.setattr(plan, "project_stem", lambda folder, stem: f"{folder}/{stem}-")  # the layout before
        old = run(src, out, formats=("docx", "xlsx"))
    assert old.ok and "勐海县水务局/2024年农村饮水安全巩固提升工程-项目支出绩效监控情况表.docx" in files(out)
    before = files(out)
    moved = run(src, out, formats=("docx", "xlsx"))
    assert moved.ok, moved.failures
    assert not moved.built and not moved.deleted and moved.moved > 0
    now = files(out)
    name = "2024年农村饮水安全巩固提升工程"
    for suffix in ("项目支出绩效监控情况表.docx", "项目支出绩效监控情况表.xlsx"):
        assert now[f"勐海县水务局/{name}/{suffix}"] == before[f"勐海县水务局/{name}-{suffix}"]  # moved, same bytes
    assert not [p for p in now if p.endswith(".docx") and "汇总" not in p and p.count("/") != 2]
    assert manifest_paths(out) == set(now) - {"changes.md"}
    assert not run(src, out, formats=("docx", "xlsx")).built  # and then nothing to do


def test_each_changed_project_is_loaded_once(src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new or edited project is read by its job alone: its names are guessed (from its top lines or the
    manifest) and checked by the job, not read in a separate pass."""
    from docgen.builder import jobs

    loads: list[str] = []
    real = jobs.run_file
    monkeypatch.setattr(jobs, "run_file", lambda path, *a, **k: loads.append(path.name) or real(path, *a, **k))
    monkeypatch.setattr(jobs, "load_project", lambda *a, **k: pytest.fail("a names pass read a project"))
    out = tmp_path / "out"
    assert run(src, out).ok
    assert sorted(loads) == sorted(p.name for p in PROJECTS)
    loads.clear()
    example = src / EXAMPLE.name
    example.write_text(example.read_text(encoding="utf-8").replace("资金拨付", "资金的拨付", 1), encoding="utf-8")
    again = run(src, out)
    assert again.ok and loads == [EXAMPLE.name]


def test_a_wrong_name_guess_is_planned_again(src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When a project's name as loaded differs from the guess it was planned with, nothing is written under the
    guessed name: the build plans it again and the outputs are what a build that read the names first makes."""
    from docgen.builder import run as build_run

    expected = tmp_path / "expected"
    monkeypatch.setattr(build_run, "quick_names", lambda path: None)  # read every name first
    assert run(src, expected, formats=("docx", "xlsx")).ok
    monkeypatch.setattr(build_run, "quick_names", lambda path: ("猜错的名称", "猜错的主管部门"))
    out = tmp_path / "out"
    result = run(src, out, formats=("docx", "xlsx"))
    assert result.ok, result.failures
    assert not any("猜错" in p for p in files(out)) and not any("猜错" in p for p in result.built)
    want = {p for p in files(expected) if p.endswith((".docx", ".xlsx"))}
    assert {p for p in files(out) if p != "changes.md"} == want
    assert manifest_paths(out) == want
    assert not run(src, out, formats=("docx", "xlsx")).built  # and then nothing to do
