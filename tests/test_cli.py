"""The command line contract: output lines, JSON shape, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.cli import cli
from docgen.forms import FORMS, find_form

from .conftest import EXAMPLE, FIXTURES, SAMPLES

LOCATED = re.compile(r"^(?P<file>[^:]+\.ya?ml):(?P<line>\d+): (?P<path>[^:]+): (?P<msg>.+)$")


def test_check_samples_passes_with_warnings(runner) -> None:
    res = runner.invoke(cli, ["check", str(SAMPLES)])
    assert res.exit_code == 0, res.output
    assert "警告：" in res.output
    assert "全部通过" in res.output
    assert "不在跟踪范围" in res.output and "shaoniangong" in res.output
    assert "invalid: 提示：含 .docgen-ignore，已跳过" in res.output


def test_check_invalid_fails_with_one_located_message_each(runner) -> None:
    folder = SAMPLES / "invalid"
    res = runner.invoke(cli, ["check", str(folder)])
    assert res.exit_code == 1
    files = sorted(p.name for p in folder.glob("*.yaml"))
    lines = [m for m in map(LOCATED.match, res.output.splitlines()) if m]
    assert sorted(Path(m["file"]).name for m in lines) == files
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_compute_table(runner) -> None:
    res = runner.invoke(cli, ["compute", str(EXAMPLE)], terminal_width=200)
    assert res.exit_code == 0
    for text in ("34.00%", "50.00%", "68.00%", "黄灯", "97.49", "优", "目标审核：通过"):
        assert text in res.output


def test_compute_json_warnings_go_to_stderr(runner) -> None:
    res = runner.invoke(cli, ["compute", str(EXAMPLE), "--json"])
    assert res.exit_code == 0
    json.loads(res.stdout)  # stdout is pure JSON
    assert "警告：" in res.stderr


def test_compute_invalid_exits_1(runner) -> None:
    res = runner.invoke(cli, ["compute", str(SAMPLES / "invalid" / "negative-amount.yaml"), "--json"])
    assert res.exit_code == 1
    assert res.stdout == ""
    assert "负数" in res.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["compute"],
        ["compute", "no-such-file.yaml"],
        ["compute", str(EXAMPLE), "--as-of", "2024-02-30"],
        ["compute", str(EXAMPLE), "--profile", "nowhere"],
        ["check"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(runner, args: list[str]) -> None:
    assert runner.invoke(cli, args).exit_code == 2


def test_forms_lists_all_fourteen(runner) -> None:
    res = runner.invoke(cli, ["forms"], terminal_width=200)
    assert res.exit_code == 0
    ids = [f.id for f in FORMS]
    assert len(ids) == 14 and len(set(ids)) == 14
    for f in FORMS:
        assert f.id in res.output
    assert find_form("项目支出绩效监控情况表") is find_form("monitor")


def test_help_is_chinese(runner) -> None:
    res = runner.invoke(cli, ["--help"])
    assert res.exit_code == 0 and "预算绩效管理" in res.output
    assert "校验项目数据文件" in runner.invoke(cli, ["check", "--help"]).output


def test_console_script_reports_a_bug_without_traceback(tmp_path: Path) -> None:
    """A bug inside docgen (simulated) reaches the user as one Chinese line, exit 1, no traceback."""
    code = (
        "import docgen.pipeline as p, docgen.cli as c\n"
        "def boom(*a, **k): raise RuntimeError('simulated')\n"
        "p.run_file = boom  # the CLI imports it when a command runs\n"
        "c.main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "check", str(FIXTURES / "hostile" / "01_empty.yaml")],
        capture_output=True, text=True, timeout=60,
    )
    out = proc.stderr + proc.stdout
    assert proc.returncode == 1 and "Traceback" not in out
    assert "docgen 未能完成：RuntimeError: simulated" in out and "内部错误" not in out


def test_hostile_files_give_no_internal_error() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from docgen.cli import main; main()", "check", str(FIXTURES / "hostile")],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1 and "内部错误" not in proc.stdout + proc.stderr


def _heavy_modules_after(args: list[str]) -> str:
    code = (
        "import sys, docgen.cli as c\n"
        "try:\n"
        f"    c.cli.main({args!r}, standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('HEAVY', [m for m in ('docx', 'docxtpl', 'openpyxl', 'weasyprint') if m in sys.modules])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    return proc.stdout + proc.stderr


@pytest.mark.parametrize("args", [["--help"], ["check", str(EXAMPLE)], ["compute", str(EXAMPLE), "--json"]],
                         ids=["help", "check", "compute"])
def test_help_check_compute_load_no_renderer(args: list[str]) -> None:
    """`docgen --help`, check and compute never load python-docx, openpyxl or WeasyPrint (they are slow to import)."""
    assert "HEAVY []" in _heavy_modules_after(args)
