"""``docgen review FILE``: written back keeping the file, edits kept, new findings marked, 表3 and 表4 see it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import cli
from docgen.pipeline import run_file
from docgen.review.sidefile import load_with_side_file, run_reviewed, side_file_for
from docgen.review.wording import NEW

from .conftest import SAMPLES
from .formcheck import docx_rows, render_form, row_with, text_after

FEEDBACK_BLOCK = re.compile(r"^反馈:\n(?:(?:[ #].*|)\n)*?(?=\S|\Z)", re.M)


def copy(tmp_path: Path, name: str = "example-project.yaml") -> Path:
    target = tmp_path / Path(name).name
    shutil.copyfile(SAMPLES / name, target)
    return target


def review(runner: CliRunner, *args: str) -> object:
    res = runner.invoke(cli, ["review", *args])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res


def outside(text: str) -> str:
    """The file without its 反馈 block."""
    return FEEDBACK_BLOCK.sub("", text).rstrip("\n")


def opinions(path: Path) -> dict[str, str]:
    outcome = run_reviewed(path, str(path))
    assert outcome.ok, [str(d) for d in outcome.diagnostics]
    fb = outcome.result.project.feedback
    return {**fb.opinions, "整改要求": "\n".join(fb.requirements), "整改期限": fb.deadline or ""}


def test_review_writes_feedback_keeping_the_rest_of_the_file(runner: CliRunner, tmp_path: Path) -> None:
    path = copy(tmp_path)
    before = path.read_text("utf-8")
    res = review(runner, str(path))
    assert res.exit_code == 0, res.output
    after = path.read_text("utf-8")
    assert after.startswith(before.rstrip("\n") + "\n\n反馈:\n")  # appended: every byte before it unchanged
    assert outside(after) == before.rstrip("\n")
    ops = opinions(path)
    assert ops["预算执行进度"].startswith("截至2024年6月30日，预算执行率34.00%，时序进度50.00%，执行进度比68.00%")
    assert "改造集中供水工程数量（完成率25.00%" in ops["绩效目标"]
    assert ops["整改期限"] == "收到本意见之日起30日内"
    assert after.count("# docgen草稿 ") == 6
    assert re.search(r"^  审核日期: \d{4}-\d{2}-\d{2}$", after, re.M)
    assert "审核单位: ''" in after
    assert "已写入" in res.stdout


def test_comments_and_key_order_survive_an_existing_feedback(runner: CliRunner, tmp_path: Path) -> None:
    path = copy(tmp_path, "cunweishengshi-biaozhunhua.yaml")
    text = path.read_text("utf-8").replace(
        "  审核单位: 勐海县财政局绩效管理股\n", "  # 复核：王某\n  审核单位: 勐海县财政局绩效管理股  # 盖章\n")
    path.write_text(text, "utf-8")
    assert review(runner, str(path)).exit_code == 0
    after = path.read_text("utf-8")
    assert outside(after) == outside(text)
    assert "  # 复核：王某\n  审核单位: 勐海县财政局绩效管理股  # 盖章\n  审核日期: 2024-09-20\n" in after
    assert "  整改期限: 2024-10-15 # docgen草稿" in after  # a date stays a date
    keys = re.findall(r"^    (\S+): ", after[after.index("反馈:"):after.index("\n自评:")], re.M)
    assert keys == ["预算执行进度", "项目管理", "调整预算", "绩效目标"]
    # the reviewer's own opinions (no draft marker) are kept word for word
    original = run_file(SAMPLES / "cunweishengshi-biaozhunhua.yaml", "x").result.project.feedback
    assert opinions(path)["调整预算"] == original.opinions["调整预算"]
    # and later comments of the file are still there, in place
    assert after.index("反馈:") < after.index("\n自评:")


def test_second_review_changes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    path = copy(tmp_path)
    review(runner, str(path))
    first = path.read_bytes()
    res = review(runner, str(path))
    assert res.exit_code == 0
    assert path.read_bytes() == first
    assert "反馈没有变化，文件未改写" in res.stdout


def test_reviewer_edit_survives_and_force_overwrites(runner: CliRunner, tmp_path: Path) -> None:
    path = copy(tmp_path)
    review(runner, str(path))
    text = path.read_text("utf-8")
    drafted = opinions(path)["预算执行进度"]
    edited = "执行进度偏慢，请于9月底前将执行率提高到60%以上。"
    path.write_text(text.replace(drafted, edited), "utf-8")
    res = review(runner, str(path))
    assert res.exit_code == 0
    assert opinions(path)["预算执行进度"] == edited
    assert "保留审核人修改" in res.stdout
    res = review(runner, str(path), "--force")
    assert res.exit_code == 0
    assert opinions(path)["预算执行进度"] == drafted
    assert "重新起草" in res.stdout


def test_unedited_draft_is_refreshed_when_the_numbers_change(runner: CliRunner, tmp_path: Path) -> None:
    path = copy(tmp_path)
    review(runner, str(path))
    path.write_text(path.read_text("utf-8").replace("一般公共预算拨款: 126.00", "一般公共预算拨款: 26.00", 1), "utf-8")
    res = review(runner, str(path))
    assert res.exit_code == 0
    text = opinions(path)["预算执行进度"]
    assert text.startswith("截至2024年6月30日，预算执行率9.00%，时序进度50.00%，执行进度比18.00%，预算执行预警为红灯")
    assert "已更新" in res.stdout


def test_new_finding_is_appended_to_an_edited_opinion(runner: CliRunner, tmp_path: Path) -> None:
    path = copy(tmp_path)
    review(runner, str(path))
    drafted = opinions(path)["项目管理"]
    edited = "项目启动推迟45天，主要因招标延误。"
    text = path.read_text("utf-8").replace(drafted, edited)
    text = text.replace('违规情况: ""', "违规情况: 工程款未按合同约定比例支付。")
    path.write_text(text, "utf-8")
    res = review(runner, str(path))
    assert res.exit_code == 0, res.output
    ops = opinions(path)
    assert ops["项目管理"].startswith(edited + NEW + "存在违规情况：工程款未按合同约定比例支付。")
    assert "推迟45天。请分析原因" not in ops["项目管理"]  # the late start the reviewer already covered is not repeated
    # 整改要求 was not edited: it is simply drafted again, with the new item
    assert "立即纠正违规问题，整改情况书面报送财政部门" in ops["整改要求"] and NEW not in ops["整改要求"]
    assert "追加新发现" in res.stdout
    # a third run adds nothing more
    before = path.read_bytes()
    review(runner, str(path))
    assert path.read_bytes() == before


def test_crlf_and_bom_are_kept(runner: CliRunner, tmp_path: Path) -> None:
    path = copy(tmp_path)
    original = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + original)
    assert review(runner, str(path)).exit_code == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + original.rstrip(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_side_file_leaves_the_project_file_alone(runner: CliRunner, tmp_path: Path) -> None:
    path = copy(tmp_path, "cunweishengshi-biaozhunhua.yaml")
    before = path.read_bytes()
    res = review(runner, str(path), "--side-file")
    assert res.exit_code == 0, res.output
    assert path.read_bytes() == before
    side = side_file_for(path)
    assert side.name == "cunweishengshi-biaozhunhua.反馈.yaml"
    assert side.read_text("utf-8").startswith("# 2024年村卫生室标准化建设及设备配置项目 的审核意见")
    side.write_text(side.read_text("utf-8").replace("收回统筹使用。", "收回统筹使用（旁注修改）。"), "utf-8")
    loaded = load_with_side_file(path)
    assert loaded.project.feedback.opinions["调整预算"].endswith("收回统筹使用（旁注修改）。")
    # a later review without the option keeps writing to the side file
    res = review(runner, str(path))
    assert res.exit_code == 0 and "旁注文件" in res.stdout
    assert path.read_bytes() == before
    assert opinions(path)["调整预算"].endswith("收回统筹使用（旁注修改）。")


def test_side_file_problem_is_located_in_the_side_file(tmp_path: Path) -> None:
    path = copy(tmp_path)
    side_file_for(path).write_text("反馈:\n  审核日期: 2024-02-30\n", "utf-8")
    outcome = run_reviewed(path, str(path))
    assert not outcome.ok
    assert str(outcome.diagnostics[0]).startswith(f"{side_file_for(path)}:2: 反馈.审核日期: ")


def test_invalid_file_exits_1_with_a_located_message(runner: CliRunner, tmp_path: Path) -> None:
    path = copy(tmp_path, "invalid/negative-amount.yaml")
    before = path.read_bytes()
    res = review(runner, str(path))
    assert res.exit_code == 1
    assert re.search(rf"^{re.escape(str(path))}:\d+: 资金\.\S+: .*负数", res.stderr, re.M)
    assert "Traceback" not in res.output + res.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize("args", [["--force"], ["--side-file"]])
def test_file_options_on_a_directory_are_usage_errors(runner: CliRunner, tmp_path: Path, args: list[str]) -> None:
    copy(tmp_path)
    res = review(runner, str(tmp_path), *args)
    assert res.exit_code == 2
    assert "只用于起草意见" in res.output + res.stderr


def test_output_option_on_a_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    res = review(runner, str(copy(tmp_path)), "-o", str(tmp_path / "x.xlsx"))
    assert res.exit_code == 2


def test_unknown_profile_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    assert review(runner, str(copy(tmp_path)), "-p", "nowhere").exit_code == 2


def test_render_feedback_after_review_shows_the_opinions(runner: CliRunner, tmp_path: Path) -> None:
    path = copy(tmp_path)
    review(runner, str(path))
    res = runner.invoke(cli, ["render", str(path), "--form", "feedback", "--format", "docx", "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    docx = next((tmp_path / "out").glob("*.docx"))
    rows = docx_rows(docx)
    assert text_after(row_with(rows, "预算执行进度"), "预算执行进度").startswith(
        "截至2024年6月30日，预算执行率34.00%，时序进度50.00%，执行进度比68.00%，预算执行预警为黄灯")
    assert "改造集中供水工程数量（完成率25.00%" in text_after(row_with(rows, "绩效目标"), "绩效目标")
    assert text_after(row_with(rows, "整改期限"), "整改期限") == "收到本意见之日起30日内"
    assert text_after(row_with(rows, "整改要求"), "整改要求").startswith("1．分析预算执行进度偏慢的原因")


def test_summary_measures_come_from_the_reviewed_requirements(runner: CliRunner, tmp_path: Path) -> None:
    from docgen.formdata import summary

    path = copy(tmp_path)
    review(runner, str(path))
    result = run_file(path, str(path)).result
    row = next(r for r in summary.build([result])["项目"] if r["项目名称"] == result.project.name)
    assert row["整改方案和措施"].startswith("1．分析预算执行进度偏慢的原因，加快项目实施和资金支出进度\n2．对改造集中供水工程数量")
    assert row["整改方案和措施"] != summary.build([run_file(SAMPLES / path.name, "x").result])["项目"][0]["整改方案和措施"]


def test_review_file_in_side_mode_renders_through_the_side_file(tmp_path: Path) -> None:
    from docgen.forms import find_form

    path = copy(tmp_path)
    CliRunner().invoke(cli, ["review", str(path), "--side-file"])
    outcome = run_reviewed(path, str(path))
    files = render_form(find_form("feedback"), outcome.result, tmp_path / "out")
    rows = docx_rows(files["docx"])
    assert text_after(row_with(rows, "调整预算"), "调整预算").startswith("全年预计执行数390.00万元，预计结余10.00万元")


def test_flow_style_feedback_and_unindented_lists(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    head = (
        "# 列表不缩进的写法\n项目名称: 测试项目\n年度: 2024\n主管部门: 测试县水务局\n实施单位: 测试县水利站\n"
        "资金:\n  年初预算数: {一般公共预算拨款: 100}\n年度总体目标: 完成工程建设。\n绩效指标:\n"
        "- 一级指标: 产出指标\n  二级指标: 数量指标\n  三级指标: 新建工程\n  指标值: ≥12处\n"
        "监控:\n- 截止日期: 2024-06-30\n  执行数: {一般公共预算拨款: 10}\n  指标:\n    新建工程: {执行情况: 1处}\n"
    )
    path.write_text(head + "反馈: {审核单位: 县财政局, 意见: {项目管理: 人工意见}}\n", "utf-8")
    assert review(runner, str(path)).exit_code == 0
    text = path.read_text("utf-8")
    assert text.startswith(head + "反馈:\n  审核单位: 县财政局\n")
    assert "\n  整改要求: # docgen草稿 " in text and "\n  - 暂停项目实施" in text  # the file's own list style
    ops = opinions(path)
    assert ops["项目管理"] == "人工意见"
    assert "建议暂停项目实施" in ops["调整预算"]
    assert "反馈没有变化" in review(runner, str(path)).stdout


def test_render_check_and_build_read_the_side_file(runner: CliRunner, tmp_path: Path) -> None:
    """The reviewer's 反馈 in the side file is what 表3 shows; the side file is never a project; editing it rebuilds."""
    src = tmp_path / "src"
    src.mkdir()
    path = copy(src, "cunweishengshi-biaozhunhua.yaml")
    assert review(runner, str(path), "--side-file").exit_code == 0
    side = side_file_for(path)
    side.write_text(side.read_text("utf-8").replace("收回统筹使用。", "收回统筹使用（旁注修改）。"), "utf-8")
    res = runner.invoke(cli, ["check", str(src)])
    assert res.exit_code == 0, res.output
    assert "共检查 1 个文件" in res.output
    res = runner.invoke(cli, ["render", str(path), "--form", "feedback", "--format", "docx", "-o", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    (docx,) = (tmp_path / "r").rglob("*.docx")
    text = "\n".join(c.text for row in docx_rows(docx) for c in row)
    assert "收回统筹使用（旁注修改）。" in text
    out = tmp_path / "out"
    args = ["build", str(src), "-o", str(out), "--format", "docx", "--forms", "feedback"]
    assert runner.invoke(cli, args).exit_code == 0
    assert re.search(r"已生成\s*│\s*0\s*│", runner.invoke(cli, args).output)  # second build: nothing stale
    side.write_text(side.read_text("utf-8").replace("（旁注修改）", "（再次修改）"), "utf-8")
    res = runner.invoke(cli, args)
    assert res.exit_code == 0, res.output
    (built,) = out.rglob("*绩效跟踪综合意见反馈表*.docx")
    assert "收回统筹使用（再次修改）。" in "\n".join(c.text for row in docx_rows(built) for c in row)
