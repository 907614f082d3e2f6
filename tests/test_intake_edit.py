"""A workbook filled in the way a user does it (through openpyxl), and every bad cell located."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from docgen.cli import cli
from docgen.errors import InputError
from docgen.intake import layout as L
from docgen.intake.cells import convert
from docgen.intake.writer import build_workbook
from docgen.profile import build_profile
from docgen.project import load_project

from .conftest import EXAMPLE


def blank(tmp_path: Path, name: str = "x.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(build_workbook(None, build_profile("national")))
    return path


def fill_basics(wb: openpyxl.Workbook) -> None:
    """What a user types into a new workbook: numbers as numbers and as text, optional rows left empty."""
    basic = wb["基本信息"]
    basic["B3"] = "乡村道路养护项目"
    basic["B5"] = "2024"  # the year typed into a text cell
    basic["B6"] = "测试县交通运输局"
    basic["B7"] = "测试县公路管理段"
    basic["B9"] = 5122345  # a phone number typed as a number
    basic["B10"] = "新增项目"
    basic["B11"] = datetime(2024, 1, 1)
    basic["B15"] = "完成80公里农村公路日常养护。"
    funds = wb["资金"]
    funds["B5"] = 360  # 年初预算数 一般公共预算拨款, a number
    funds["E5"] = "1,200.5"  # 其他资金, text with a thousands separator
    ind = wb["绩效指标"]
    rows = [
        ("产出指标", "数量指标", "养护里程", "≥80公里", 30),
        ("产出指标", "质量指标", "路面优良率", "≥85%", "20"),
        ("效益指标", "社会效益指标", "群众出行条件", "有效改善", None),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", None),
    ]
    for r, values in enumerate(rows, start=5):
        for c, value in enumerate(values, start=1):
            if value is not None:
                ind.cell(r, c).value = value


def test_a_user_filled_workbook_imports(tmp_path: Path) -> None:
    path = blank(tmp_path)
    wb = openpyxl.load_workbook(path)
    fill_basics(wb)
    ind = wb["绩效指标"]
    extra = L.FIRST_ROW + L.INDICATORS.rows  # the first row after the prepared ones: added at the end
    for c, value in enumerate(("产出指标", "时效指标", "完工时间", "2024年11月30日前", 0), start=1):
        ind.cell(extra, c).value = value
    snaps = wb["监控"]
    snaps["A5"] = datetime(2024, 6, 30)
    snaps["B5"] = 126.5
    snaps["E5"] = "10"
    monitor = wb["监控指标"]
    monitor["A5"] = datetime(2024, 6, 30)
    monitor["B5"] = "养护里程"
    monitor["C5"] = 35  # a number in a text column: "35"
    monitor["F5"] = "√"
    monitor["G5"] = "√"
    monitor["A6"] = "2024-06-30"  # a date typed as text
    monitor["B6"] = "路面优良率"
    monitor["C6"] = 0.86
    monitor["C6"].number_format = "0%"  # Excel turned a typed 86% into a percentage
    monitor["A7"] = datetime(2024, 6, 30)
    monitor["B7"] = "群众出行条件"
    monitor["C7"] = "进行中"
    monitor["M7"] = "有可能"
    wb.save(path)

    p = load_project(path).project
    assert p.name == "乡村道路养护项目" and p.year == 2024 and p.phone == "5122345"
    assert p.kind == "新增项目" and p.start == date(2024, 1, 1) and p.end is None
    assert p.funds.initial.general == Decimal("360") and p.funds.initial.other == Decimal("1200.5")
    assert p.funds.initial.total == Decimal("1560.5")
    assert p.funds.full_year is None
    assert [i.name for i in p.indicators] == ["养护里程", "路面优良率", "群众出行条件", "沿线群众满意度", "完工时间"]
    assert p.indicators[1].weight == Decimal("20") and p.indicators[4].weight == 0
    snap = p.snapshots[0]
    assert snap.spent.general == Decimal("126.5") and snap.spent.other == Decimal("10")
    assert snap.indicators["养护里程"].actual.text == "35"
    assert snap.indicators["养护里程"].causes == ["经费保障", "制度保障"]
    assert snap.indicators["路面优良率"].actual.text == "86%"
    assert snap.indicators["群众出行条件"].possibility == "有可能"
    assert p.self_eval is None and p.adjustment is None and p.pre_assessment is None and p.feedback is None


def test_float_cells_become_the_decimal_of_their_shortest_repr(tmp_path: Path) -> None:
    assert convert(L.AMOUNT, 352.8) == Decimal("352.8")  # not Decimal(352.8) = 352.80000000000001136…
    assert convert(L.AMOUNT, 0.1 + 0.2) == Decimal("0.30000000000000004")
    assert convert(L.AMOUNT, 12.0) == 12 and convert(L.VALUE, 12.0) == "12"
    assert convert(L.VALUE, 0.955, "0.0%") == "95.5%"
    path = blank(tmp_path)
    wb = openpyxl.load_workbook(path)
    fill_basics(wb)
    wb["资金"]["B5"] = 0.25
    wb["资金"]["B6"] = 352.8
    wb.save(path)
    # what Excel may store for a computed value: 17 significant digits, finer than 1 分
    patch_sheet(path, "资金", b"<v>0.25</v>", b"<v>0.30000000000000004</v>")
    with pytest.raises(InputError) as exc:
        load_project(path, "x.xlsx")
    (problem,) = [str(d) for d in exc.value.diagnostics]
    assert problem.startswith("x.xlsx!资金!B5: 一般公共预算拨款: ") and "分以下" in problem
    patch_sheet(path, "资金", b"<v>0.30000000000000004</v>", b"<v>0.3</v>")
    p = load_project(path).project
    assert p.funds.initial.general == Decimal("0.3")
    assert p.funds.full_year.general == Decimal("352.8")


def patch_sheet(path: Path, sheet: str, old: bytes, new: bytes) -> None:
    wb = openpyxl.load_workbook(path)
    part = f"xl/worksheets/sheet{wb.sheetnames.index(sheet) + 1}.xml"
    with zipfile.ZipFile(path) as zf:
        parts = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            if name == part:
                assert old in data
                data = data.replace(old, new)
            zf.writestr(name, data)


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_project(path, path.name)
    return [str(d) for d in exc.value.diagnostics]


def test_bad_cells_are_located_at_their_cell(tmp_path: Path) -> None:
    path = blank(tmp_path)
    wb = openpyxl.load_workbook(path)
    fill_basics(wb)
    wb["资金"]["C5"] = "约400"
    ind = wb["绩效指标"]
    ind["A7"] = "产出"  # not a 一级
    ind["D8"] = "约400人"
    ind["A9"] = "产出指标"
    ind["B9"] = "社会效益指标"  # not under 产出
    ind["A10"] = "产出指标"  # a row with only some of its required cells
    ind["B10"] = "数量指标"
    wb.save(path)
    found = problems(path)
    assert "x.xlsx!资金!C5: 政府性基金: 无法识别的金额 \"约400\"（应写作 400、\"1,234.56\"、\"50万元\" 或 \"4000000元\"；单位默认为万元）" in found
    assert any(p.startswith("x.xlsx!绩效指标!A7: 一级指标: 一级指标应为 产出指标 / 效益指标") and "产出" in p
               for p in found)
    assert any(p.startswith("x.xlsx!绩效指标!D8: 指标值: 无法识别的数值 \"约400人\"") for p in found)
    assert any(p.startswith("x.xlsx!绩效指标!B9: 二级指标: 二级指标“社会效益指标”不属于一级指标“产出指标”")
               for p in found)
    assert "x.xlsx!绩效指标!C10: 三级指标: 缺少必填字段“三级指标”" in found
    assert "x.xlsx!绩效指标!D10: 指标值: 缺少必填字段“指标值”" in found
    assert found == sorted(found, key=lambda p: (p.split("!")[1] != "资金", int(p.split("!")[2][1:].split(":")[0])))


def test_sheet_level_problems_are_located(tmp_path: Path) -> None:
    path = blank(tmp_path)
    wb = openpyxl.load_workbook(path)
    fill_basics(wb)
    wb["监控"]["A5"] = datetime(2024, 6, 30)
    wb["监控"]["B5"] = 100
    monitor = wb["监控指标"]
    monitor["A5"] = datetime(2024, 9, 30)  # no 监控 row for this date
    monitor["B5"] = "养护里程"
    monitor["C5"] = "40公里"
    monitor["A6"] = datetime(2024, 6, 30)
    monitor["B6"] = "养护里程"
    monitor["C6"] = "30公里"
    monitor["F6"] = "x"  # a tick that is not √
    monitor["A7"] = datetime(2024, 6, 30)
    monitor["B7"] = "养护里程"  # the same indicator twice for one date
    monitor["C7"] = "31公里"
    monitor["A8"] = datetime(2024, 6, 30)
    monitor["B8"] = "路面优良率"  # 执行情况 left empty
    monitor["D8"] = "=1+1"  # a formula without a computed value
    wb["自评指标"]["B5"] = "80公里"  # a self-evaluation row without its 三级指标
    wb.save(path)
    found = problems(path)
    assert any(p.startswith("x.xlsx!监控指标!A5: 截止日期: 截止日期 2024-09-30 在“监控”表中没有对应的行") for p in found)
    assert "x.xlsx!监控指标!F6: 偏差原因：经费保障: 偏差原因“经费保障”一栏请选择“√”或留空，实际是“x”" in found
    assert any(p.startswith("x.xlsx!监控指标!B7: 三级指标: 截止日期 2024-06-30 的“养护里程”已在第 6 行填写过") for p in found)
    assert "x.xlsx!监控指标!C8: 执行情况: 缺少必填字段“执行情况”" in found
    assert any(p.startswith("x.xlsx!监控指标!D8: 本期应完成: 单元格是公式") for p in found)
    assert any(p.startswith("x.xlsx!自评指标!A5: 三级指标: 缺少三级指标") for p in found)
    assert "x.xlsx!自评!B3: 一般公共预算拨款: 缺少必填字段“执行数”" not in found  # the row was not imported


def test_cross_checks_are_located(tmp_path: Path) -> None:
    path = blank(tmp_path)
    wb = openpyxl.load_workbook(path)
    fill_basics(wb)
    wb["绩效指标"]["C8"] = "养护里程"  # the same name twice
    wb["监控"]["A5"] = datetime(2024, 6, 30)
    wb["监控"]["B5"] = 100
    monitor = wb["监控指标"]
    monitor["A5"] = datetime(2024, 6, 30)
    monitor["B5"] = "路面优良率率"  # not an indicator of the project
    monitor["C5"] = "80%"
    monitor["A6"] = datetime(2024, 6, 30)
    monitor["B6"] = "路面优良率"
    monitor["C6"] = "3公里"  # not the unit of ≥85%
    wb.save(path)
    found = problems(path)
    assert "x.xlsx!绩效指标!C8: 三级指标: 三级指标“养护里程”重复（与 绩效指标[0] 同名）" in found
    assert "x.xlsx!监控指标!B5: 三级指标: “路面优良率率”不是本项目的三级指标，是否应为“路面优良率”？" in found
    assert any(p.startswith("x.xlsx!监控指标!C6: 执行情况: 单位“公里”") for p in found)


def test_changed_header_missing_sheet_and_no_marker(tmp_path: Path) -> None:
    path = blank(tmp_path)
    wb = openpyxl.load_workbook(path)
    fill_basics(wb)
    wb["绩效指标"]["D2"] = "目标值"
    del wb["调整"]
    wb.save(path)
    found = problems(path)
    assert any(p.startswith("x.xlsx!绩效指标!D2: 指标值: 表头应为“指标值”，实际是“目标值”") for p in found)
    assert "x.xlsx: 警告：缺少工作表“调整”：按未填写处理" in found
    del wb["_docgen"]
    wb.save(path)
    (only,) = problems(path)
    assert only.startswith("x.xlsx: 不是 docgen 填报工作簿")
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really")
    (only,) = problems(tmp_path / "bad.xlsx")
    assert only.startswith("bad.xlsx: 无法打开：不是有效的 Excel 工作簿")


def test_cli_import_reports_and_writes_nothing_on_error(tmp_path: Path, runner) -> None:
    path = blank(tmp_path)
    wb = openpyxl.load_workbook(path)
    fill_basics(wb)
    wb["绩效指标"]["D7"] = "约95%"
    wb.save(path)
    out = tmp_path / "p.yaml"
    res = runner.invoke(cli, ["intake", "import", str(path), "-o", str(out)])
    assert res.exit_code == 1
    assert f"{path}!绩效指标!D7: 指标值: 无法识别的数值" in res.output
    assert "Traceback" not in res.output and not out.exists()
    wb["绩效指标"]["D7"] = "≥85%"
    wb.save(path)
    res = runner.invoke(cli, ["intake", "import", str(path), "-o", str(out)])
    assert res.exit_code == 0, res.output
    p = load_project(out).project
    assert p.funds.initial.other == Decimal("1200.5") and p.indicators[1].target.text == "≥85%"
    text = out.read_text(encoding="utf-8")
    assert "    其他资金: 1200.50\n" in text and "年度: 2024\n" in text
    again = runner.invoke(cli, ["intake", "import", str(path), "-o", str(out)])
    assert again.exit_code == 0  # its own earlier output is replaced
    res = runner.invoke(cli, ["intake", "import", str(path), "-o", str(tmp_path / "example.yaml")])
    assert res.exit_code == 0
    own = tmp_path / "own.yaml"
    own.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    res = runner.invoke(cli, ["intake", "import", str(path), "-o", str(own)])
    assert res.exit_code == 2 and "未覆盖" in res.output  # a usage error
    assert own.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")


def test_cli_new_refuses_to_overwrite_and_wrong_suffix(tmp_path: Path, runner) -> None:
    target = tmp_path / "x.xlsx"
    res = runner.invoke(cli, ["intake", "new", "-o", str(target)])
    assert res.exit_code == 0 and target.exists()
    res = runner.invoke(cli, ["intake", "new", "-o", str(target)])
    assert res.exit_code == 2 and "--force" in res.output  # refusing to overwrite is a usage error
    res = runner.invoke(cli, ["intake", "new", "--from", str(EXAMPLE), "-p", "fufeng", "-o", str(target), "--force"])
    assert res.exit_code == 0, res.output
    assert load_project(target).project.name == "2024年农村饮水安全巩固提升工程"
    res = runner.invoke(cli, ["intake", "new", "-o", str(tmp_path / "x.xls")])
    assert res.exit_code == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("项目名称: [\n", encoding="utf-8")
    res = runner.invoke(cli, ["intake", "new", "--from", str(broken), "-o", str(tmp_path / "y.xlsx")])
    assert res.exit_code == 1 and "broken.yaml:" in res.output and not (tmp_path / "y.xlsx").exists()
