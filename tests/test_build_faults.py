"""Faults of the machine and of hostile inputs: each a located Chinese message saying what to do, never a
traceback or an internal error, earlier good outputs kept; work bounded for any input."""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest

from docgen.builder import BuildOptions, build, faults, jobs
from docgen.builder import run as build_run
from docgen.builder.manifest import FOLDER, Manifest
from docgen.cli import cli
from docgen.forms import find_form
from docgen.intake.writer import build_workbook
from docgen.profile import profile_for
from docgen.project import load_project

from .conftest import EXAMPLE, SAMPLES
from .test_build_hostile import MONITOR, project

FORMS = [find_form("monitor"), find_form("summary")]
ARGS = ["--forms", "monitor,summary", "--format", "xlsx", "--jobs", "1"]


def run(src: Path, out: Path, **options) -> object:
    return build(BuildOptions(src, out, **{"jobs": 1, "forms": FORMS, "formats": ("xlsx",), **options}))


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, dict[Path, bytes]]:
    src, out = tmp_path / "src", tmp_path / "out"
    project(src, EXAMPLE)
    project(src, SAMPLES / "chanong-jishu-peixun.yaml")
    assert run(src, out).ok
    return src, out, {p: p.read_bytes() for p in out.rglob("*.xlsx")}


def clean(output: str) -> None:
    assert "Traceback" not in output and "内部错误" not in output, output


def kept(before: dict[Path, bytes]) -> None:
    for path, data in before.items():
        assert path.read_bytes() == data, path


def test_disk_full_writing_an_output(built, runner, monkeypatch) -> None:
    src, out, before = built

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(jobs, "write_atomic", full)
    res = runner.invoke(cli, ["build", str(src), "-o", str(out), "--force", *ARGS])
    assert res.exit_code == 1 and "磁盘已满" in res.output and MONITOR in res.output
    clean(res.output)
    kept(before)


@pytest.mark.parametrize(("error", "told"), [
    ("database or disk is full", "磁盘已满"),
    ("attempt to write a readonly database", "只读"),
    ("disk I/O error", "磁盘"),
])
def test_manifest_faults_are_located(built, runner, monkeypatch, error: str, told: str) -> None:
    src, out, before = built

    def fail(self, *args) -> None:
        raise sqlite3.OperationalError(error)

    monkeypatch.setattr(Manifest, "put_output", fail)
    res = runner.invoke(cli, ["build", str(src), "-o", str(out), "--force", *ARGS])
    assert res.exit_code == 1 and told in res.output and "manifest.sqlite" in res.output
    assert "已生成的文件保持不变" in res.output
    clean(res.output)
    assert {p.read_bytes() for p in before} == set(before.values()) or all(p.exists() for p in before)


def test_read_only_output_folder(tmp_path: Path, runner, monkeypatch) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    project(src, EXAMPLE)
    out.mkdir()
    if os.geteuid() != 0:
        out.chmod(0o555)
    else:  # root writes anywhere: the folder refuses as a read-only one would
        real = Path.mkdir

        def refuse(self: Path, *args, **kwargs) -> None:
            if out in (self, *self.parents):
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            real(self, *args, **kwargs)

        monkeypatch.setattr(Path, "mkdir", refuse)
    try:
        res = runner.invoke(cli, ["build", str(src), "-o", str(out), *ARGS])
    finally:
        out.chmod(0o755)
    assert res.exit_code == 1 and "没有写入权限" in res.output and str(out) in res.output, res.output
    clean(res.output)


def test_manifest_locked_by_another_build(built, runner, monkeypatch) -> None:
    src, out, before = built
    monkeypatch.setattr(faults, "LOCK_WAIT", 0.3)
    lock = out / FOLDER / faults.LOCK
    with lock.open("a+", encoding="utf-8") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.seek(0)
        held.truncate()
        held.write("进程 4242，计算机 审核室，开始于 2026-01-01 08:00:00 UTC")
        held.flush()
        res = runner.invoke(cli, ["build", str(src), "-o", str(out), "--force", *ARGS])
    assert res.exit_code == 1 and "另一个 docgen build" in res.output and "进程 4242" in res.output
    clean(res.output)
    kept(before)
    assert run(src, out).ok  # released: the next build runs


def test_project_deleted_or_changed_during_the_build(built, monkeypatch) -> None:
    src, out, before = built
    names = build_run._names

    def meanwhile(options, manifest, sources, *rest):
        result = names(options, manifest, sources, *rest)
        (src / EXAMPLE.name).unlink()
        path = src / "chanong-jishu-peixun.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        return result

    monkeypatch.setattr(build_run, "_names", meanwhile)
    result = run(src, out, force=True)
    text = "\n".join(result.failures)
    assert "生成过程中被删除" in text and "生成过程中被修改" in text
    kept(before)


def test_memory_error_is_told_and_the_others_build(built, monkeypatch) -> None:
    src, out, _ = built
    real = jobs.run_file

    def greedy(path: Path, display: str, **kwargs):
        if path.name == EXAMPLE.name:
            raise MemoryError
        return real(path, display, **kwargs)

    monkeypatch.setattr(jobs, "run_file", greedy)
    result = run(src, out, force=True)
    assert any("内存不足" in m and EXAMPLE.name in m for m in result.failures), result.failures
    assert any("高素质农民" in p for p in result.built)


def test_huge_sparse_file_beside_projects_does_not_stop_the_build(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    project(src, EXAMPLE)
    with (src / "huge.yaml").open("wb") as fh:
        fh.truncate(6 * 1024 ** 3)  # 6 GB, sparse
    result = run(src, out)
    assert any("huge.yaml" in m and "文件过大" in m for m in result.failures), result.failures
    assert any(MONITOR in p for p in result.built)


def _workbook(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "example.xlsx"
    path.write_bytes(build_workbook(load_project(EXAMPLE).project, profile_for(EXAMPLE)))
    return path


def test_workbook_with_a_huge_cell_is_refused_before_loading(tmp_path: Path, runner) -> None:
    path = _workbook(tmp_path)
    with zipfile.ZipFile(path) as zf:
        parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            if name == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"</sheetData>")
                with zf.open(name, "w") as fh:  # 150 million characters in one cell, a few hundred KB packed
                    fh.write(head + b'<row r="900"><c r="B900" t="inlineStr"><is><t>')
                    for _ in range(150):
                        fh.write(b"x" * 1_000_000)
                    fh.write(b"</t></is></c></row></sheetData>" + tail)
            else:
                zf.writestr(name, data)
    assert path.stat().st_size < 1_000_000
    res = runner.invoke(cli, ["check", str(path)])
    assert res.exit_code == 1 and "解压后超过" in res.output
    clean(res.output)


def test_workbook_cell_over_excel_limit_and_too_many_rows(tmp_path: Path, runner) -> None:
    path = _workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws["A60"] = "长" * 40_000
    wb.save(path)
    res = runner.invoke(cli, ["check", str(path)])
    assert res.exit_code == 1 and "32767" in res.output and "example.xlsx" in res.output
    path = _workbook(tmp_path / "rows")
    wb = openpyxl.load_workbook(path)
    ws = wb["绩效指标"] if "绩效指标" in wb.sheetnames else wb.worksheets[1]
    for row in range(100, 100 + 22_000):
        ws.cell(row, 1, "x")
    wb.save(path)
    res = runner.invoke(cli, ["check", str(path)])
    assert res.exit_code == 1 and "行" in res.output and "不是一个项目的数据" in res.output
    clean(res.output)


def test_text_longer_than_a_form_prints_is_refused_with_its_line(tmp_path: Path, runner) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    lines = text.split("\n")
    line = next(i for i, ln in enumerate(lines, 1) if ln.startswith("年度总体目标"))
    lines[line - 1] = "年度总体目标: " + "目" * 1_000_000
    path = tmp_path / "long.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    res = runner.invoke(cli, ["check", str(path)])
    assert res.exit_code == 1 and f"long.yaml:{line}: 年度总体目标: 文字过长（100" in res.output
    res = runner.invoke(cli, ["render", str(path), "--form", "monitor", "--format", "docx", "-o", str(tmp_path / "o")])
    assert res.exit_code == 1 and "文字过长" in res.output


def test_jobs_capped(tmp_path: Path, runner) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    project(src, EXAMPLE)
    assert build_run.job_count(100_000) == min(4 * (os.cpu_count() or 1), build_run.MAX_JOBS)
    res = runner.invoke(cli, ["build", str(src), "-o", str(out), "--forms", "monitor", "--format", "xlsx",
                              "--jobs", "100000"])
    assert res.exit_code == 0 and "超过本机可用的上限" in res.output, res.output


def test_control_characters_in_names_are_shown_escaped(tmp_path: Path, runner) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    bad = folder / "坏\x1b[31m文件\x01.yaml"
    bad.write_text("项目名称: [\n", encoding="utf-8")
    res = runner.invoke(cli, ["check", str(folder)])
    assert res.exit_code == 1
    assert "\x1b" not in res.output and "\x01" not in res.output
    assert "坏\\x1b[31m文件\\x01.yaml" in res.output
    key = tmp_path / "key.yaml"
    key.write_text(EXAMPLE.read_text(encoding="utf-8") + '"未知\\e\\x0b键": 1\n', encoding="utf-8")
    res = runner.invoke(cli, ["check", str(key)])
    assert "\x1b" not in res.output and "\x0b" not in res.output and "\\x1b" in res.output, res.output
