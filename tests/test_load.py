"""Loading project files: every class of bad input ends in a located Chinese message, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docgen.errors import InputError
from docgen.pipeline import run_file
from docgen.project import load_project

from .conftest import EXAMPLE, FIXTURES, SAMPLES

HEAD = """项目名称: 测试项目
年度: 2024
主管部门: 测试县水务局
实施单位: 测试县水利站
资金:
  年初预算数:
    一般公共预算拨款: 100
年度总体目标: 完成建设。
绩效指标:
  - 一级指标: 产出指标
    二级指标: 数量指标
    三级指标: 新建工程
    指标值: ≥12处
"""


def _errors(tmp_path: Path, text: str | bytes, name: str = "x.yaml") -> list[str]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    outcome = run_file(path, name)
    assert not outcome.ok
    return [str(d) for d in outcome.diagnostics if d.level.value == "错误"]


# (case, file content, expected "FILE:LINE: path" prefix, a word of the message)
BAD = [
    ("empty", "", "x.yaml:1: 文件", "文件为空"),
    ("only comments", "# 空\n", "x.yaml:1: 文件", "顶层应为项目字段"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.yaml:1: 文件编码", "不是文本文件"),
    ("gbk", HEAD.encode("gbk"), "x.yaml:1: 文件编码", "UTF-8"),
    ("top-level list", "- a\n- b\n", "x.yaml:1: 文件", "实际是列表"),
    ("wrong type", HEAD.replace("年度: 2024", "年度: 二〇二四"), "x.yaml:2: 年度", "四位数字"),
    ("wrong container", HEAD.replace("资金:\n", "资金: 100\n_:\n"), "x.yaml:5: 资金", "键值映射"),
    ("missing key", HEAD.replace("实施单位: 测试县水利站\n", ""), "x.yaml:1: 实施单位", "缺少必填字段"),
    ("negative amount", HEAD.replace(": 100\n", ": -100\n"), "x.yaml:7: 资金.年初预算数.一般公共预算拨款", "负数"),
    ("approx amount", HEAD.replace(": 100\n", ": 约100\n"), "x.yaml:7: 资金.年初预算数.一般公共预算拨款", "无法识别的金额"),
    ("too precise", HEAD.replace(": 100\n", ": 100.1234567\n"), "x.yaml:7: 资金.年初预算数.一般公共预算拨款", "分以下"),
    ("nan", HEAD.replace(": 100\n", ": .nan\n"), "x.yaml:7: 资金.年初预算数.一般公共预算拨款", ".nan"),
    ("inf", HEAD.replace(": 100\n", ": -.inf\n"), "x.yaml:7: 资金.年初预算数.一般公共预算拨款", ".inf"),
    ("1e400", HEAD.replace(": 100\n", ": 1e400\n"), "x.yaml:7: 资金.年初预算数.一般公共预算拨款", "过大"),
    ("bad date", HEAD + "开始日期: 2024-02-30\n", "x.yaml:14: 开始日期", "没有30日"),
    ("bad month", HEAD + "开始日期: 2024-13-45\n", "x.yaml:14: 开始日期", "月份 13"),
    ("tab indentation", HEAD.replace("  年初预算数", "\t年初预算数"), "x.yaml:6: YAML 格式", "制表符"),
    ("nested brackets", "项目名称: " + "[" * 10000, "x.yaml:1: YAML 格式", "嵌套层级过深"),
    ("syntax", HEAD + "监控: [a, b\n", "x.yaml:", "没有配对"),
    ("full-width colon", HEAD.replace("年度: 2024", "年度：2024"), "x.yaml:2: YAML 格式", "中文冒号"),
    ("indentation", HEAD.replace("    二级指标", "      二级指标"), "x.yaml:11: YAML 格式", "缩进"),
    ("duplicate key", HEAD + "年度: 2025\n", "x.yaml:14: YAML 格式", "键重复"),
    ("raw control char", HEAD + "项目类型: a\x01b\n", "x.yaml:14: YAML 格式", "控制字符"),
    ("two documents", HEAD + "---\n" + HEAD, "x.yaml:14: YAML 格式", "多个"),
    ("huge integer", HEAD.replace(": 100\n", ": " + "9" * 5000 + "\n"), "x.yaml:7: 资金.年初预算数.一般公共预算拨款", "不是有效的金额"),
    ("year 0", HEAD + "开始日期: 0000-06-30\n", "x.yaml:14: 开始日期", "年份 0"),
    ("deep block nesting", "- " * 100000 + "1\n", "x.yaml:1: YAML 格式", "嵌套层级过深"),
    ("deep nesting after a quote", "k: [it's, " + "[" * 50000 + "]" * 50000 + "]\n", "x.yaml:1: YAML 格式", "嵌套层级过深"),
    ("negative target", HEAD.replace("≥12处", "≥-5%"), "x.yaml:13: 绩效指标[0].指标值", "不能为负数"),
    ("range target", HEAD.replace("≥12处", "5%-10%"), "x.yaml:13: 绩效指标[0].指标值", "无法识别的数值"),
    ("weights without self-eval", HEAD.replace("≥12处", "≥12处\n    分值: 30"), "x.yaml:9: 绩效指标", "应为 100 分"),
    ("date in deadline text", HEAD.replace("数量指标", "时效指标").replace("≥12处", "2024年6月30日前") + "监控:\n  - 截止日期: 2024-08-31\n"
     "    执行数: {一般公共预算拨款: 1}\n    指标:\n      新建工程: {执行情况: 已于2024年6月15日完工}\n",
     "x.yaml:18: 监控[0].指标.新建工程.执行情况", "单独填写完成日期"),
    ("undefined alias", HEAD + "项目类型: *nowhere\n", "x.yaml:14: YAML 格式", "未定义的锚点"),
    ("total", HEAD.replace(": 100\n", ": 100\n    合计: 120\n"), "x.yaml:8: 资金.年初预算数.合计", "不等于"),
    ("no source", HEAD.replace("    一般公共预算拨款: 100\n", "    其他资金: 100\n    合计: 100\n").replace("    其他资金: 100\n", ""),
     "x.yaml:6: 资金.年初预算数", "至少填写一个资金来源"),
    ("unknown source", HEAD.replace("    一般公共预算拨款: 100\n", "    一般公共预算: 100\n"),
     "x.yaml:7: 资金.年初预算数.一般公共预算", "是否应为“一般公共预算拨款”"),
    ("wrong level2", HEAD.replace("二级指标: 数量指标", "二级指标: 社会效益指标"), "x.yaml:11: 绩效指标[0].二级指标", "不属于"),
    ("approx target", HEAD.replace("≥12处", "约12处"), "x.yaml:13: 绩效指标[0].指标值", "无法识别的数值"),
    ("control char", HEAD.replace("完成建设。", '"完成\\x01建设"'), "x.yaml:8: 年度总体目标", "控制字符"),
    ("bad choice", HEAD + "项目属性: 新项目\n", "x.yaml:14: 项目属性", "是否应为“新增项目”"),
    ("bad ref", HEAD + "监控:\n  - 截止日期: 2024-06-30\n    执行数: {一般公共预算拨款: 1}\n    指标:\n      新建工成: {执行情况: 3处}\n",
     "x.yaml:18: 监控[0].指标.新建工成", "是否应为“新建工程”"),
    ("unit", HEAD + "监控:\n  - 截止日期: 2024-06-30\n    执行数: {一般公共预算拨款: 1}\n    指标:\n      新建工程: {执行情况: 3个}\n",
     "x.yaml:18: 监控[0].指标.新建工程.执行情况", "不一致"),
    ("unreadable actual", HEAD + "监控:\n  - 截止日期: 2024-06-30\n    执行数: {一般公共预算拨款: 1}\n    指标:\n      新建工程: {执行情况: 约3处}\n",
     "x.yaml:18: 监控[0].指标.新建工程.执行情况", "无法识别的数值"),
    ("duplicate indicator", HEAD + "  - 一级指标: 产出指标\n    二级指标: 数量指标\n    三级指标: 新建工程\n    指标值: ≥1处\n",
     "x.yaml:16: 绩效指标[1].三级指标", "重复"),
    ("score above weight", HEAD.replace("≥12处", "≥12处\n    分值: 90") + "自评:\n  执行数: {一般公共预算拨款: 100}\n  指标:\n"
     "    新建工程: {实际完成值: 12处, 得分: 95}\n", "x.yaml:18: 自评.指标.新建工程.得分", "超过该指标分值"),
]


@pytest.mark.parametrize(("case", "text", "where", "word"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_located(tmp_path: Path, case: str, text: str | bytes, where: str, word: str) -> None:
    errors = _errors(tmp_path, text)
    assert any(e.startswith(where) and word in e for e in errors), errors


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    start = time.monotonic()
    errors = _errors(tmp_path, HEAD + "其他说明:\n" + "\n".join("  " + line for line in lines) + "\n")
    assert time.monotonic() - start < 5
    assert any("别名展开后超过" in e for e in errors)


def test_unknown_key_is_a_warning_naming_the_closest(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(HEAD.replace("项目名称: 测试项目", "项目名称: 测试项目\n项目明称: 重复"), encoding="utf-8")
    loaded = load_project(path, "x.yaml")
    assert [str(d) for d in loaded.diagnostics] == ["x.yaml:2: 项目明称: 警告：未知字段“项目明称”已忽略，是否应为“项目名称”？"]


def test_yaml_12_scalars_and_merge_keys(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    text = HEAD.replace("项目名称: 测试项目", "项目名称: yes\n项目编码: 0691-5122345\n联系电话: 05515122345") + (
        "监控:\n  - &base\n    截止日期: 2024-06-30\n    执行数: {一般公共预算拨款: 10}\n"
        "  - <<: *base\n    截止日期: 2024-08-31\n"
    )
    path.write_text(text, encoding="utf-8")
    p = load_project(path).project
    assert (p.name, p.code, p.phone) == ("yes", "0691-5122345", "05515122345")  # leading zero kept
    assert [str(s.spent.total) for s in p.snapshots] == ["10", "10"]
    assert str(p.snapshots[1].as_of) == "2024-08-31"


def test_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + HEAD.encode("utf-8"))
    assert load_project(path).project.name == "测试项目"


@pytest.mark.parametrize("name", ["A&B<C>工程", "=cmd|' /C calc'!A0", "../../x", "+1", "@SUM(A1)"])
def test_hostile_names_are_valid_data(tmp_path: Path, name: str) -> None:
    path = tmp_path / "x.yaml"
    quoted = name.replace("'", "''")
    path.write_text(HEAD.replace("项目名称: 测试项目", f"项目名称: '{quoted}'"), encoding="utf-8")
    outcome = run_file(path, "x.yaml")
    assert outcome.ok and outcome.result is not None
    assert outcome.result.project.name == name


def test_amount_forms(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    text = HEAD.replace("一般公共预算拨款: 100", '一般公共预算拨款: "1,540,000元"\n    其他资金: "１２３"\n    政府性基金: "12.5万元"')
    path.write_text(text, encoding="utf-8")
    funding = load_project(path).project.funds.initial
    assert [str(v) for v in funding.sources().values()] == ["154", "12.5", "123"]
    assert str(funding.total) == "289.5"


def test_every_invalid_sample_fails_with_one_located_message() -> None:
    for path in sorted((SAMPLES / "invalid").glob("*.yaml")):
        outcome = run_file(path, path.name)
        errors = [d for d in outcome.diagnostics if d.level.value == "错误"]
        assert not outcome.ok and len(errors) == 1, (path.name, [str(e) for e in errors])
        assert re.match(rf"{re.escape(path.name)}:\d+: \S", str(errors[0]))


def test_example_loads_without_problems() -> None:
    loaded = load_project(EXAMPLE)
    assert loaded.project.name == "2024年农村饮水安全巩固提升工程" and loaded.diagnostics == []


def test_input_error_carries_all_problems(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(HEAD.replace("年度: 2024", "年度: x").replace(": 100\n", ": -1\n"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_project(path, "x.yaml")
    assert len(info.value.diagnostics) == 2


def test_valid_files_with_many_brackets_in_text_still_load(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    text = HEAD.replace("完成建设。", '"' + "[" * 45 + '"') + "# " + "[" * 60 + "\n"
    path.write_text(text, encoding="utf-8")
    assert load_project(path).project.annual_goal == "[" * 45


def test_exponent_and_bare_date_targets(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    text = HEAD.replace("指标值: ≥12处", "指标值: 1.2e3") + (
        "  - 一级指标: 产出指标\n    二级指标: 时效指标\n    三级指标: 完工\n    指标值: 2024年12月31日\n")
    path.write_text(text, encoding="utf-8")
    p = load_project(path).project
    assert p.indicators[0].target.value == 1200 and p.indicators[0].target.text == "1200"
    assert str(p.indicators[1].target.date) == "2024-12-31"


def test_not_a_regular_file(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "p.yaml"
    os.mkfifo(fifo)
    errors = [str(d) for d in run_file(fifo, "p.yaml").diagnostics]
    assert errors and "不是普通文件" in errors[0]


def test_done_text_on_deadline_warns(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    text = HEAD.replace("数量指标", "时效指标").replace("≥12处", "2024年6月30日前") + (
        "监控:\n  - 截止日期: 2024-08-31\n    执行数: {一般公共预算拨款: 1}\n    指标:\n      新建工程: {执行情况: 已完工}\n")
    path.write_text(text, encoding="utf-8")
    outcome = run_file(path, "x.yaml")
    assert outcome.ok
    assert any("没有完成日期" in d.message for d in outcome.diagnostics)


def test_hostile_files_through_the_real_command() -> None:
    """Every hostile fixture through the installed console script: exit 1, a located line each, no traceback."""
    folder = FIXTURES / "hostile"
    files = sorted(folder.glob("*.yaml"))
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", "from docgen.cli import main; main()", "check", *map(str, files)],
        capture_output=True, text=True, timeout=120,
    )
    assert time.monotonic() - start < 10 * len(files)
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out and "内部错误" not in out
    for f in files:
        assert re.search(rf"^{re.escape(str(f))}:\d+: \S+", out, re.M), f.name
    assert f"{len(files)} 个文件有错误" in out
