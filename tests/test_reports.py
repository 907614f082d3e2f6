"""The reports (监控报告, 跟踪结果报告, 自评报告): every sample in DOCX (and PDF when WeasyPrint imports), the 附件4
sentences with the example project's figures, 人民币大写, honest sentences for absent data, the GB/T 9704 page."""

from __future__ import annotations

import copy
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from docx import Document
from docx.shared import Pt

from docgen.forms import FORMS, find_form
from docgen.model import Project
from docgen.output import missing_data, render_bytes, render_project_form
from docgen.pipeline import project_files, run_file
from docgen.present import Num, rmb_upper
from docgen.render.env import make_env

from .conftest import EXAMPLE, SAMPLES, make, run

REPORTS = [f for f in FORMS if not f.tabular]
SAMPLE_FILES = [p for p, _ in project_files([SAMPLES])]
# a negative figure's minus is a non-breaking hyphen (U+2011) in the reports: no line ends after it
SENTENCE = "改造集中供水工程数量：2024年度目标值为≥12处，1-6月执行情况为3处，完成年度目标值的25.00%，偏差率为\u201150.00%。"
# 附件4's outline, every heading in order (the parenthesised instructions are guidance, not printed)
MONITOR_HEADINGS = [
    "一、绩效监控工作组织实施情况", "二、项目基本情况", "（一）项目名称", "（二）项目起止日期",
    "（三）项目主要内容、涉及范围", "（四）项目实施计划进度", "（五）项目资金（包括财政资金、自筹资金等）投入安排情况",
    "三、年度预算执行情况", "四、绩效目标情况及分析", "（一）绩效目标完成情况", "1.产出指标完成情况",
    "（1）数量指标情况。", "（2）质量指标情况。", "（3）时效指标情况。", "（4）成本指标情况。", "2.效益指标完成情况",
    "（1）经济效益指标情况。", "（2）社会效益指标情况。", "（3）生态效益指标情况。", "（4）可持续影响指标情况。",
    "3.满意度指标完成情况", "服务对象满意度指标情况", "（二）原因分析", "1.产出指标偏差原因分析",
    "（1）数量指标偏差原因。", "（2）质量指标偏差原因。", "（3）时效指标偏差原因。", "（4）成本指标偏差原因。",
    "2.效益指标完成情况", "（1）经济效益指标偏差原因。", "（2）社会效益指标偏差原因。", "（3）生态效益指标偏差原因。",
    "（4）可持续影响指标偏差原因。", "3.满意度指标完成情况", "服务对象满意度指标偏差原因", "五、意见和建议",
    "（一）主要问题", "（二）改进措施", "1.对预算执行进度方面的建议", "2.对预算绩效管理及实施方面的建议",
    "3.对调整项目预算的建议", "4.对修订绩效目标的建议", "（三）纠偏情况", "（四）有关建议", "六、其他需要说明的问题",
]


def _docx(data: bytes) -> Document:
    return Document(io.BytesIO(data))


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in _docx(data).paragraphs]


def _all_text(data: bytes) -> str:
    doc = _docx(data)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.fixture(scope="module")
def example():
    result = run_file(EXAMPLE, str(EXAMPLE)).result
    assert result is not None
    return result


@pytest.fixture(scope="module")
def docx(example) -> dict[str, bytes]:
    out = {}
    for form in REPORTS:
        out[form.id] = render_bytes(form, form.build(example), "docx", form.short_title)
    return out


def test_reports_are_registered_and_renderable() -> None:
    assert [f.id for f in REPORTS] == ["monitor-report", "tracking-report", "self-eval-report"]
    root = Path(__file__).resolve().parents[1] / "templates"
    for form in REPORTS:
        assert form.renderable, form.id
        assert (root / "docx" / f"{form.id}.docx").is_file()  # the PDF's HTML template is compiled from it
        assert not (root / "html" / f"{form.id}.html").exists(), f"{form.id}: no hand-made HTML is needed"
    assert (root / "html" / "report.css").is_file()


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_every_sample_produces_its_reports(path: Path) -> None:
    result = run_file(path, str(path)).result
    assert result is not None
    made = 0
    for form in REPORTS:
        if missing_data(form, result):
            continue
        text = _all_text(render_bytes(form, form.build(result), "docx", "t"))
        made += 1
        for bad in ("None", "{{", "{%", "%}", "}}"):
            assert bad not in text, (form.id, bad)
        assert result.project.name in text
    assert made >= 2  # every sample has 监控; all but one also 自评


def test_monitor_report_headings_in_order(docx: dict[str, bytes]) -> None:
    paragraphs = _paragraphs(docx["monitor-report"])
    at = 0
    for heading in MONITOR_HEADINGS:
        at = paragraphs.index(heading, at + 1)  # raises when missing or out of order
    assert paragraphs[0] == "2024年农村饮水安全巩固提升工程项目支出绩效监控报告"


def test_no_heading_is_left_empty(docx: dict[str, bytes]) -> None:
    """Every heading is followed by text or another heading of a deeper level — never by the next section."""
    paragraphs = [p for p in _paragraphs(docx["monitor-report"]) if p.strip()]
    for i, text in enumerate(paragraphs[:-1]):
        if re.match(r"[一二三四五六]、", text):
            assert not re.match(r"[一二三四五六]、", paragraphs[i + 1]), text
    assert not re.match(r"[一二三四五六]、|（[一二三四五]）", paragraphs[-1])


def test_monitor_report_sentences_and_figures(docx: dict[str, bytes]) -> None:
    text = _all_text(docx["monitor-report"])
    assert SENTENCE in text
    assert "新增受益人口：2024年度目标值为≥8600人，1-6月执行情况为2150人，完成年度目标值的25.00%，偏差率为\u201150.00%。" in text
    assert "单处工程平均造价：2024年度目标值为≤30万元/处" in text  # 成本 under （4）成本指标情况
    assert "受益群众满意度：2024年度目标值为≥90%，1-6月执行情况为未到调查时点，暂无法计算完成率和偏差率。" in text
    assert "本项目未设置经济效益指标。" in text
    # 原因分析 from 偏差原因 and 原因说明
    assert "改造集中供水工程数量（红灯）：偏差率为\u201150.00%，其原因属经费保障方面：上级资金下达较晚，部分工程开工推迟。" in text
    assert "本期无偏差指标。" in text
    # 年度预算执行情况 with 大写
    assert "1-6月执行数136.00万元（壹佰叁拾陆万元整）" in text
    assert "全年预算数400.00万元（肆佰万元整）" in text
    assert "预算执行率34.00%，时序进度50.00%，执行进度比68.00%，预算执行预警为黄灯。" in text
    # 意见和建议 from 存在问题 / 改进措施 and the drafted signals
    assert "上级补助资金下达较晚，项目资金支出进度滞后于时序进度。" in text
    assert "9月底前出台农村饮水工程运行管护办法。" in text
    assert "执行进度偏慢" in text
    assert "预计全年结余10.00万元，占全年预算数的2.50%，暂不需要调整项目预算。" in text
    assert "改造集中供水工程数量、新增受益人口完成进度严重滞后" in text and "附件3" in text
    assert "较计划推迟45天" in text
    assert "改造集中供水工程数量：加快资金拨付和工程进度。完成目标可能性：确定能。" in text


def test_tracking_report(docx: dict[str, bytes]) -> None:
    paragraphs = _paragraphs(docx["tracking-report"])
    at = 0
    for heading in ("一、项目基本情况", "二、目标设定情况", "三、项目实施情况", "四、绩效目标完成及偏差情况",
                    "五、存在问题及纠偏情况", "六、跟踪结论"):
        at = paragraphs.index(heading, at)
    text = "\n".join(paragraphs)
    assert SENTENCE in text
    assert "（壹佰叁拾陆万元整）" in text
    assert "本项目设置绩效指标8个，其中产出指标5个、效益指标2个、满意度指标1个" in text
    assert "预算执行预警为黄灯；共监控绩效指标8个，其中绿灯3个、红灯2个" in text
    assert "跟踪结论：项目预算执行或绩效目标实现存在偏差，需要纠偏的事项如下：" in text


def test_self_eval_report(docx: dict[str, bytes]) -> None:
    data = docx["self-eval-report"]
    paragraphs = _paragraphs(data)
    at = 0
    for heading in ("一、基本情况", "二、绩效目标", "三、自评得分", "四、偏差原因及改进措施", "五、结果应用"):
        at = paragraphs.index(heading, at)
    text = "\n".join(paragraphs)
    assert "全年预算数400.00万元（肆佰万元整），全年执行数392.80万元（叁佰玖拾贰万捌仟元整），预算执行率98.20%。" in text
    assert "经自评，本项目总分97.49分，自评等级为“优”。" in text
    assert "单处工程平均造价：年度指标值为≤30万元/处，实际完成值为32.7万元/处，得分率91.74%，材料价格上涨，造价超出预期。" in text
    assert "自评结果应用为：重点支持。" in text
    rows = [[c.text for c in row.cells] for row in _docx(data).tables[0].rows]
    assert rows[0] == ["指标", "分值", "得分"]
    assert rows[1] == ["预算执行率", "10.00", "9.82"]
    assert ["单处工程平均造价", "10.00", "9.17"] in rows
    assert rows[-2] == ["总分", "100.00", "97.49"]
    assert rows[-1][:2] == ["自评等级", "优"]


def test_big_amounts() -> None:
    assert rmb_upper("136") == "壹佰叁拾陆万元整"
    assert rmb_upper(Num("136.00", Decimal("136.00"))) == "壹佰叁拾陆万元整"
    assert rmb_upper(Decimal("392.80")) == "叁佰玖拾贰万捌仟元整"
    assert rmb_upper("230047.41") == "贰拾叁亿零肆拾柒万肆仟壹佰元整"
    assert rmb_upper("10.05") == "壹拾万零伍佰元整"
    assert rmb_upper("0.000123") == "壹元贰角叁分"
    assert rmb_upper("0.0000205") == "贰角壹分"  # 0.205 元 rounds half up to 0.21
    assert rmb_upper("1010.1001") == "壹仟零壹拾万壹仟零壹元整"
    assert rmb_upper("0") == "零元整"
    assert rmb_upper(None) == rmb_upper("—") == "—"
    assert make_env().from_string("{{ x|大写 }}").render(x=Num("136.00", Decimal("136"))) == "壹佰叁拾陆万元整"


def _without_monitoring() -> Project:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    del data["监控"]
    return make(data)


def test_a_project_without_monitoring_says_so() -> None:
    result, _ = run(_without_monitoring())
    assert result.current is None
    monitor = find_form("monitor-report")
    assert monitor is not None and missing_data(monitor, result)  # skipped by render/build with a note …
    # … and should it be rendered all the same, it says so in words instead of leaving headings empty
    text = _all_text(render_bytes(monitor, monitor.build(result), "docx", "t"))
    assert "本项目尚无监控数据。" in text and "None" not in text
    tracking = find_form("tracking-report")
    assert tracking is not None and missing_data(tracking, result) is None
    text = _all_text(render_bytes(tracking, tracking.build(result), "docx", "t"))
    assert "本项目尚无监控数据。项目实施情况待跟踪监控后填报。" in text
    assert "本项目尚无监控数据。尚不能形成跟踪结论" in text
    assert "本项目年初预算数400.00万元" in text  # what is known is still reported
    assert "None" not in text and "{{" not in text


def test_hostile_text_is_escaped(example, tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["项目名称"] = "A&B <工程> {{ 7*7 }}"
    data["监控"][0]["存在问题"] = ["资金 < 预算 & 进度"]
    result, _ = run(make(data))
    form = find_form("monitor-report")
    assert form is not None
    text = _all_text(render_bytes(form, form.build(result), "docx", "t"))
    assert "A&B <工程> {{ 7*7 }}项目支出绩效监控报告" in text and "49" not in text.split("\n")[0]
    assert "资金 < 预算 & 进度。" in text


def test_gbt_9704_page_setup(docx: dict[str, bytes]) -> None:
    for form_id, data in docx.items():
        doc = _docx(data)
        s = doc.sections[0]
        assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297), form_id
        assert round(s.top_margin.mm) == 37 and round(s.bottom_margin.mm) == 35
        assert round(s.left_margin.mm) == 28 and round(s.right_margin.mm) == 26
        assert round((s.page_width - s.left_margin - s.right_margin) / 36000) == 156  # EMU per mm
        normal = doc.styles["Normal"]
        assert normal.font.name == "仿宋_GB2312" and normal.font.size == Pt(16)
        assert normal.paragraph_format.line_spacing == Pt(28.95)
        assert doc.settings.odd_and_even_pages_header_footer
        odd, even = s.footer.paragraphs[0], s.even_page_footer.paragraphs[0]
        assert odd.alignment == 2 and even.alignment == 0  # right / left
        assert "PAGE" in odd._p.xml and "PAGE" in even._p.xml
        assert odd.text.startswith("— ") and odd.text.endswith(" —")
        assert odd.runs[0].font.size == Pt(14) and odd.runs[0].font.name == "宋体"
        title = doc.paragraphs[0]
        assert title.alignment == 1 and title.runs[0].font.size == Pt(22)
        assert title.runs[0].font.name == "方正小标宋简体"
        assert 'w:eastAsia="方正小标宋简体"' in title._p.xml
        heading = next(p for p in doc.paragraphs if p.text.startswith("一、"))
        assert heading.runs[0].font.name == "黑体"
        level2 = next(p for p in doc.paragraphs if p.text.startswith("（一）"))
        assert level2.runs[0].font.name == "楷体_GB2312"
        body = next(p for p in doc.paragraphs if p.text.startswith("截至") or p.text.startswith("2024年度"))
        assert body.runs[0].font.name == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
        assert 'w:linePitch="579"' in s._sectPr.xml


def test_docx_is_deterministic(example) -> None:
    form = find_form("monitor-report")
    assert form is not None
    assert render_bytes(form, form.build(example), "docx", "t") == render_bytes(form, form.build(example), "docx", "t")


def test_cli_render_report(runner, tmp_path: Path) -> None:
    from docgen.cli import cli

    done = runner.invoke(cli, ["render", str(EXAMPLE), "--form", "monitor-report", "--format", "docx",
                               "-o", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "2024年农村饮水安全巩固提升工程-项目支出绩效监控报告.docx").is_file()
    done = runner.invoke(cli, ["render", str(EXAMPLE), "--form", "self-eval-report", "--format", "xlsx",
                               "-o", str(tmp_path)])
    assert done.exit_code == 2 and "docx" in done.output
    done = runner.invoke(cli, ["render", str(EXAMPLE), "--form", "tracking-report", "--format", "all",
                               "-o", str(tmp_path / "all")])
    assert done.exit_code == 0, done.output
    assert not list((tmp_path / "all").glob("*.xlsx"))


# --- PDF ------------------------------------------------------------------------------------------

POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None


def _weasyprint() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


needs_pdf = pytest.mark.skipif(not (_weasyprint() and POPPLER), reason="no WeasyPrint or poppler-utils")


@pytest.fixture(scope="module")
def pdfs(example, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    return {form.id: render_project_form(example, form, ("pdf",), out)[0] for form in REPORTS}


def _pdftext(path: Path) -> str:
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return re.sub(r"\s+", "", text)


@needs_pdf
def test_pdf_figures_and_fonts(pdfs: dict[str, Path]) -> None:
    monitor = _pdftext(pdfs["monitor-report"])
    assert SENTENCE in monitor
    assert "1-6月执行数136.00万元（壹佰叁拾陆万元整）" in monitor
    assert "—1—" in monitor and "—2—" in monitor  # page numbers
    assert "None" not in monitor and "{{" not in monitor
    assert SENTENCE in _pdftext(pdfs["tracking-report"])
    se = _pdftext(pdfs["self-eval-report"])
    assert "全年执行数392.80万元（叁佰玖拾贰万捌仟元整）" in se and "97.49" in se
    for path in pdfs.values():
        fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
        assert re.search(r"CJK|Song|Fang|Hei|Kai|Ming|Han", fonts), fonts
        assert all(" yes " in line for line in fonts.splitlines()[2:]), fonts  # every font embedded


@needs_pdf
def test_pdf_page_is_a4_with_gbt_margins(pdfs: dict[str, Path]) -> None:
    info = subprocess.run(["pdfinfo", str(pdfs["monitor-report"])], capture_output=True, text=True).stdout
    assert "595.276 x 841.89" in info or "595.28 x 841.89" in info
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdfs["monitor-report"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    xs = [float(x) for x in re.findall(r'xMin="([\d.]+)"', bbox)]
    ys = [float(y) for y in re.findall(r'yMin="([\d.]+)"', bbox)]
    mm = 72 / 25.4
    assert min(xs) >= 28 * mm - 1  # left margin 28 mm
    assert min(ys) >= 37 * mm - 6  # top margin 37 mm (the title's line box starts there)


@needs_pdf
def test_pdf_is_deterministic(example) -> None:
    form = find_form("self-eval-report")
    assert form is not None
    assert render_bytes(form, form.build(example), "pdf", "t") == render_bytes(form, form.build(example), "pdf", "t")


@needs_pdf
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_every_sample_produces_report_pdfs(path: Path, tmp_path: Path) -> None:
    result = run_file(path, str(path)).result
    assert result is not None
    for form in REPORTS:
        if missing_data(form, result):
            continue
        (pdf,) = render_project_form(result, form, ("pdf",), tmp_path)
        text = _pdftext(pdf)
        assert result.project.name[:6] in text and "None" not in text, form.id


def test_html_template_escapes_data() -> None:
    """The PDF's HTML gets the same autoescaped text: a project name cannot inject markup."""
    from docgen.output import compiled_pdf

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["项目名称"] = "A&B <script>x</script>"
    result, _ = run(make(data))
    form = find_form("monitor-report")
    assert form is not None
    html = compiled_pdf(form).render_html(form.build(result))
    assert "A&amp;B &lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert "壹佰叁拾陆万元整" in html and "None" not in html
