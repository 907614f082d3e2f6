"""``docgen review DIR``: the triage desk, sorted by severity, printed and written as an XLSX."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from docgen.cli import cli
from docgen.review.desk import CLEAN, INVALID, SEVERITY, SUSPEND, row_of, sort_key
from docgen.review.desk_load import desk_rows
from docgen.review.desk_xlsx import COLUMNS, desk_xlsx

from .conftest import SAMPLES, base_project, make, run

MENGHAI = [p.name for p in SAMPLES.glob("*.yaml")]


def folder(tmp_path: Path, invalid: tuple[str, ...] = ("negative-amount.yaml", "empty.yaml")) -> Path:
    src = tmp_path / "projects"
    src.mkdir()
    for name in MENGHAI:
        shutil.copyfile(SAMPLES / name, src / name)
    for name in invalid:
        shutil.copyfile(SAMPLES / "invalid" / name, src / f"bad-{name}")
    return src


def test_desk_order(tmp_path: Path) -> None:
    rows = desk_rows(folder(tmp_path))
    files = [Path(r.file).name for r in rows]
    severities = [r.severity for r in rows]
    assert [SEVERITY.index(s) for s in severities] == sorted(SEVERITY.index(s) for s in severities)
    assert files[:2] == ["cunweishengshi-biaozhunhua.yaml", "renju-huanjing-guanhu.yaml"]
    assert severities[:2] == ["预算执行红灯", "目标审核不通过"]
    assert set(files[2:4]) == {"bad-negative-amount.yaml", "bad-empty.yaml"}
    assert severities[2:4] == [INVALID, INVALID]
    assert files[-1] == "xuesheng-yingyang-gaishan.yaml" and severities[-1] == CLEAN
    yellow = [Path(r.file).name for r in rows if r.severity == "预算执行黄灯"]
    # the same severity: the slowest (lowest 执行进度比) first
    assert yellow == ["example-project.yaml", "chanong-jishu-peixun.yaml", "jiben-gonggong-weisheng.yaml"]


def test_invalid_row_carries_its_first_error(tmp_path: Path) -> None:
    rows = desk_rows(folder(tmp_path))
    bad = next(r for r in rows if r.file.endswith("bad-negative-amount.yaml"))
    assert bad.invalid and bad.name == "2024年义务教育阶段学校课后服务补助"
    assert bad.note.startswith("第") and "负数" in bad.note
    empty = next(r for r in rows if r.file.endswith("bad-empty.yaml"))
    assert empty.name == "" and "文件为空" in empty.note


def test_row_figures_and_counts(tmp_path: Path) -> None:
    rows = {Path(r.file).name: r for r in desk_rows(folder(tmp_path, ()))}
    red = rows["cunweishengshi-biaozhunhua.yaml"]
    assert red.figure == "执行率20.00%／时序进度66.67%（红灯）"
    assert (red.red, red.blue) == (3, 0)
    assert red.treatment.startswith("（一）调减预算并同步调整绩效目标；（三）")
    assert red.department == "勐海县卫生健康局" and red.feedback == "已填写"
    blue = rows["chanong-jishu-peixun.yaml"]
    assert (blue.red, blue.blue) == (0, 1)
    assert "指标蓝灯（目标可能偏低）" in blue.issues
    assert "不在跟踪范围" in rows["shaoniangong-yunxing.yaml"].note


def test_suspension_and_missing_snapshot_rank() -> None:
    data = base_project()
    data["监控"] = [{"截止日期": "2024-06-30", "执行数": {"一般公共预算拨款": "10"},
                   "全年预计执行数": {"一般公共预算拨款": "100"},
                   "指标": {"新建工程": {"执行情况": "1处"}, "受益人口": {"执行情况": "100人"}}}]
    serious = row_of("a.yaml", run(make(data))[0])
    missing = row_of("b.yaml", run(make(base_project()))[0])
    assert serious.severity == SUSPEND
    assert "第十五条（四）" in serious.severity and serious.treatment.startswith("（四）暂停项目实施")
    assert missing.severity == "目标审核不通过" and "缺少监控数据" in missing.issues
    assert sorted([missing, serious], key=sort_key)[0] is serious


def test_desk_command_prints_and_writes_xlsx(tmp_path: Path, monkeypatch) -> None:
    src = folder(tmp_path)
    out = tmp_path / "台账" / "desk.xlsx"
    res = CliRunner().invoke(cli, ["review", str(src), "-o", str(out)], terminal_width=250)
    assert res.exit_code == 1  # two files have errors; the desk is still written
    assert "审核台账" in res.stdout and "严重程度" in res.stdout and "预算执行红灯" in res.stdout
    assert f"已写入审核台账 {out}" in res.stdout
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[1]] == [name for name, _, _ in COLUMNS]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:X{ws.max_row}"
    assert ws.max_row == 1 + len(MENGHAI) + 2
    assert ws.cell(2, 3).value == "2024年村卫生室标准化建设及设备配置项目"
    assert ws.cell(2, 2).value == "预算执行红灯"
    assert ws.cell(2, 5).value is not None and ws.cell(2, 5).number_format == "0.00%"
    assert float(ws.cell(2, 5).value) == 0.2
    assert ws.cell(2, 10).value == 3
    assert ws.column_dimensions["C"].width >= 30
    # default path: 审核台账.xlsx in the current folder, not in the project folder
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["review", str(src)]).exit_code == 1
    assert (tmp_path / "审核台账.xlsx").is_file() and not (src / "审核台账.xlsx").exists()


def test_desk_xlsx_is_deterministic_and_formula_safe(tmp_path: Path) -> None:
    data = base_project()
    data["项目名称"] = "=HYPERLINK(\"http://x\")"
    data["主管部门"] = "+1-2"
    row = row_of("@a.yaml", run(make(data))[0])
    first, second = desk_xlsx([row]), desk_xlsx([row])
    assert first == second
    path = tmp_path / "d.xlsx"
    path.write_bytes(first)
    ws = openpyxl.load_workbook(path).active
    cell = ws.cell(2, 3)
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"
    assert ws.cell(2, 4).value == "+1-2" and ws.cell(2, 4).data_type == "s"
    assert ws.cell(2, 15).value == "@a.yaml"


def test_empty_folder_exits_1(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["review", str(tmp_path), "-o", str(tmp_path / "d.xlsx")])
    assert res.exit_code == 1 and "没有找到项目数据文件" in res.stderr


def test_side_files_are_not_projects_on_the_desk(tmp_path: Path) -> None:
    src = folder(tmp_path, ())
    CliRunner().invoke(cli, ["review", str(src / "example-project.yaml"), "--side-file"])
    assert (src / "example-project.反馈.yaml").is_file()
    rows = desk_rows(src)
    assert len(rows) == len(MENGHAI)
    assert next(r for r in rows if r.file.endswith("example-project.yaml")).feedback == "已填写"


def test_desk_says_which_folders_it_skipped(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["review", str(SAMPLES), "-o", str(tmp_path / "d.xlsx")])
    assert res.exit_code == 0, res.output
    assert f"{SAMPLES / 'invalid'}: 提示：含 .docgen-ignore" in res.output


def test_a_broken_workbook_row_names_its_cell() -> None:
    from docgen.errors import Diagnostic, Level, Location
    from docgen.pipeline import Outcome
    from docgen.review.desk import invalid_row

    bad = Diagnostic(Level.ERROR, "单元格是公式", ("资金",), Location("p.xlsx!资金!B5", 0, "一般公共预算拨款"))
    row = invalid_row("p.xlsx", Outcome("p.xlsx", diagnostics=[bad]))
    assert row.note == "资金!B5 一般公共预算拨款：单元格是公式"
