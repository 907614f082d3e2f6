"""Small consistency faults: build's --profile/--as-of, short options, usage-error exit codes, the help's
full-width colon, PDF among the formats, Chinese --form near-misses, the PDF notice, compute -o."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from docgen.cli import cli

from .conftest import EXAMPLE, SAMPLES


def test_help_headings_use_the_full_width_colon() -> None:
    out = CliRunner().invoke(cli, ["check", "--help"]).output
    assert "用法：" in out and "选项：" in out and "选项:" not in out


@pytest.mark.parametrize("command", ["check", "compute", "render", "build", "review"])
def test_profile_has_the_same_short_option_everywhere(command: str) -> None:
    out = CliRunner().invoke(cli, [command, "--help"], terminal_width=200).output
    assert "-p, --profile" in out


def test_build_accepts_profile_and_as_of(tmp_path: Path) -> None:
    src = tmp_path / "projects"
    src.mkdir()
    shutil.copy(EXAMPLE, src / EXAMPLE.name)
    out = tmp_path / "out"
    args = ["build", str(src), "-o", str(out), "--forms", "monitor", "--format", "docx", "--jobs", "1"]
    res = CliRunner().invoke(cli, [*args, "-p", "fufeng", "--as-of", "2024-08-31"])
    assert res.exit_code == 0, res.output
    (made,) = [p for p in out.rglob("*.docx")]
    text = "\n".join(c.text for t in docx.Document(str(made)).tables for r in t.rows for c in r.cells)
    assert "2024年6月30日" in text or "1-6月" in text  # the 06-30 snapshot, the last one before 08-31
    # an earlier --as-of than every snapshot: there is no monitoring to show, the form is skipped (and told)
    early = CliRunner().invoke(cli, [*args, "--as-of", "2024-01-31"])
    assert early.exit_code == 0, early.output
    assert not list(out.rglob("*.docx"))


def test_forms_lists_pdf_among_the_formats() -> None:
    out = CliRunner().invoke(cli, ["forms"], terminal_width=250).output
    assert "Word、Excel、PDF" in out and "Word、PDF" in out


def test_chinese_form_near_miss_suggests_chinese_titles() -> None:
    res = CliRunner().invoke(cli, ["render", str(EXAMPLE), "--form", "监控表"])
    assert res.exit_code == 2
    assert "是否是：" in res.output and "项目支出绩效监控情况表" in res.output
    latin = CliRunner().invoke(cli, ["render", str(EXAMPLE), "--form", "monitr"])
    assert latin.exit_code == 2 and "是否应为“monitor”？" in latin.output


def test_render_says_once_when_no_pdf_can_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen import output
    from docgen.render import pdf

    monkeypatch.setattr(pdf, "pdf_unavailable_reason", lambda: "没有找到中文字体……apt-get install fonts-noto-cjk")
    monkeypatch.setattr(output, "available_formats", lambda: output.FORMATS)
    res = CliRunner().invoke(cli, ["render", str(SAMPLES), "--form", "monitor", "-o", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert res.output.count("本机不能生成 PDF") == 1 and "apt-get install fonts-noto-cjk" in res.output
    assert not list((tmp_path / "o").rglob("*.pdf")) and list((tmp_path / "o").rglob("*.docx"))


def test_compute_writes_every_project_json_in_one_process(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["compute", str(SAMPLES), "-o", str(tmp_path / "json")])
    assert res.exit_code == 0, res.output
    one = CliRunner().invoke(cli, ["compute", str(EXAMPLE), "--json"])
    assert json.loads((tmp_path / "json" / "example-project.json").read_text(encoding="utf-8")) == json.loads(one.stdout)
    usage = CliRunner().invoke(cli, ["compute", str(SAMPLES)])
    assert usage.exit_code == 2
