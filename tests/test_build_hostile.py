"""docgen build against hostile names and damaged files: nothing overwritten, nothing lost, every fault told."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from docgen.builder import BuildOptions, build
from docgen.cli import cli
from docgen.forms import find_form
from docgen.intake.writer import build_workbook
from docgen.output import distinct_names, safe_name
from docgen.profile import profile_for
from docgen.project import load_project

from .conftest import EXAMPLE, SAMPLES

SUMMARY = "绩效跟踪情况汇总表"
MONITOR = "项目支出绩效监控情况表"
PROJECTS = [EXAMPLE, SAMPLES / "chanong-jishu-peixun.yaml", SAMPLES / "xuesheng-yingyang-gaishan.yaml"]
FORMS = [find_form("monitor"), find_form("summary")]


def project(folder: Path, source: Path, department: str | None = None, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if department is not None and line.startswith("主管部门:"):
            line = f'主管部门: "{department}"'
        if name is not None and line.startswith("项目名称:"):
            line = f'项目名称: "{name}"'
        lines.append(line)
    path = folder / source.name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(src: Path, out: Path, **options) -> object:
    return build(BuildOptions(src, out, **{"jobs": 1, "forms": FORMS, "formats": ("xlsx",), **options}))


def projects_listed(path: Path) -> set[str]:
    """The project names an aggregate workbook lists."""
    names = {load_project(p).project.name for p in PROJECTS}
    wb = openpyxl.load_workbook(path)
    return {c.value for ws in wb for row in ws.iter_rows() for c in row if c.value in names}


def summaries(out: Path) -> list[Path]:
    return sorted(out.rglob(f"*{SUMMARY}.xlsx"))


@pytest.mark.parametrize("departments", [
    ("A/B", "A:B", "全部项目"),  # sanitise alike; one named like the county-wide file
    (unicodedata.normalize("NFC", "Café局"), unicodedata.normalize("NFD", "Café局"), "cafÉ局"),  # NFC/NFD, case
    ("changes.md", "汇总", ".docgen"),  # names the build writes itself
])
def test_department_aggregates_and_folders_never_collide(tmp_path: Path, departments: tuple[str, ...]) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    for source, dept in zip(PROJECTS, departments, strict=True):
        project(src, source, dept)
    result = run(src, out)
    assert result.ok, result.failures
    found = summaries(out)
    assert len(found) == 4  # the county-wide one and one per 主管部门, each its own file
    whole = [p for p in found if p.stem.startswith("全部项目-")]
    assert len(whole) == 1 and len(projects_listed(whole[0])) == 3  # the county-wide 表4 lists every project
    assert sorted(len(projects_listed(p)) for p in found) == [1, 1, 1, 3]
    monitors = list(out.rglob(f"*{MONITOR}.xlsx"))
    assert len(monitors) == 3 and len({p.parent.parent for p in monitors}) == 3  # a folder per 主管部门
    assert (out / "changes.md").is_file()
    again = run(src, out)  # and a second build is a no-op, not an internal error
    assert again.ok and again.built == {} and again.deleted == []
    if "A/B" in departments:
        assert any("“A:B”" in n and "“A/B”" in n for n in result.notes)  # the renamed folder is told


def test_distinct_names_and_windows_device_names() -> None:
    names = distinct_names(["A/B", "A:B", "全部项目", "x"], ("全部项目",))
    assert len(set(names.values())) == 4 and names["x"] == "x"
    assert names["全部项目"] == "全部项目（2）"
    for device in ("CON", "nul", "AUX.txt", "COM1", "com1.docx", "LPT9.", "CON .txt", "NUL  ", "PRN...", "COM¹"):
        assert safe_name(device).startswith("_"), device
    assert safe_name("CONSOLE") == "CONSOLE" and safe_name("COM10") == "COM10"


def test_device_named_project_and_department(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    project(src, EXAMPLE, "CON", "AUX.txt")
    result = run(src, out)
    assert result.ok, result.failures
    for path in out.rglob("*"):
        rel = path.relative_to(out)
        assert all(part.split(".")[0].strip().upper() not in {"CON", "AUX"} for part in rel.parts), rel


def test_symlink_inside_out_is_never_written_through(tmp_path: Path) -> None:
    src, out, outside = tmp_path / "src", tmp_path / "out", tmp_path / "outside"
    project(src, EXAMPLE)
    assert run(src, out).ok
    folder = next(out.rglob(f"*{MONITOR}.xlsx")).parent
    shutil.rmtree(folder)
    outside.mkdir()
    folder.symlink_to(outside, target_is_directory=True)
    result = run(src, out, force=True)
    assert not result.ok
    assert any("符号链接" in m for m in result.failures), result.failures
    assert list(outside.iterdir()) == []  # nothing written through the link
    assert folder.is_symlink()


def _workbook_project(src: Path) -> Path:
    src.mkdir(parents=True, exist_ok=True)
    path = src / "example.xlsx"
    path.write_bytes(build_workbook(load_project(EXAMPLE).project, profile_for(EXAMPLE)))
    project(src, SAMPLES / "chanong-jishu-peixun.yaml")
    return path


@pytest.mark.parametrize(("damage", "told"), [
    (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), "无法作为 docgen 填报工作簿读取"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096), "加密"),
    (lambda p: p.write_bytes(b""), "空文件"),
])
def test_damaged_workbook_is_an_error_not_a_deletion(tmp_path: Path, runner, damage, told: str) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    path = _workbook_project(src)
    assert run(src, out).ok
    before = {p: p.read_bytes() for p in out.rglob("*.xlsx")}
    damage(path)
    res = runner.invoke(cli, ["build", str(src), "-o", str(out), "--forms", "monitor,summary", "--format", "xlsx",
                              "--jobs", "1"])
    assert res.exit_code == 1, res.output
    assert "example.xlsx" in res.output and told in res.output and "已保留" in res.output
    assert "\n已删除 " not in res.output  # no file named as deleted
    for p, data in before.items():  # every earlier output kept, byte for byte
        if "全部项目" not in p.name:
            assert p.read_bytes() == data, p
    path.unlink()  # really gone: now it is a deletion
    gone = run(src, out)
    assert gone.ok and any(MONITOR in p and "农村饮水" in p for p in gone.deleted)
