"""Check the printed pages of the tabular forms: render each form of one project (and the aggregates of a folder)
to PDF three ways — WeasyPrint, and LibreOffice from the DOCX and from the XLSX — and read every page back
(``pdftotext -raw``, one page at a time) for three faults:

- ``no-heading``: a page with table rows that does not carry the table's column headings;
- ``group-unnamed``: a page whose first indicator continues a 一级/二级 group that the page does not name;
- ``orphan``: a page that holds only notes or signature lines;
- ``unplanned``: a route with a page plan (docgen/compile/paginate) printed more or fewer pages than planned (a
  renderer broke a page earlier than the plan).

Usage: python tools/page_check.py [--routes=docx,xlsx,weasyprint] [PROJECT.yaml | FOLDER] [OUT_DIR]
(default: samples/xiangcun-zhenxing-zonghe.yaml, all three routes; a folder: each of its *.yaml projects alone)
Prints one line per page with a fault and the totals (pages checked, pages with a continued group). The test
suite (tests/test_form_pages.py) uses the same functions.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FONTS_CONF = ROOT / "tests" / "fonts" / "fonts.conf"
# the column heading that every page of a form's table must carry (a word of its heading row)
HEADINGS = {
    "target": "三级指标", "tracking": "三级指标", "monitor": "三级指标", "self-eval": "三级指标",
    "correction": "三级目标", "summary": "项目名称", "coverage": "主管部门",
}
# a line that is a note or a signature line (a page of only these is an orphan)
_NOTE = re.compile(r"^(注|说明|备注|\d+[．.、]|填报|审核|评估|日期|\d{4}年\d+月\d+日|—\d+—|\d+$|第\d+页)")
# a page that begins with one of these holds the notes or signatures apart from the table's last rows
NOTES_FIRST = ("注：", "注:", "说明：", "填报人", "审核单位", "评估单位", "填报单位负责人")
ROUTES = ("weasyprint", "docx", "xlsx")


@dataclass
class PageReport:
    form: str
    route: str
    pages: int = 0
    continued: int = 0  # pages whose first indicator continues a group begun on an earlier page
    faults: list[str] = field(default_factory=list)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(pdf: Path) -> list[str]:
    """Each page's text (pdftotext -raw: cell by cell, so a wrapped cell reads whole once spaces are dropped)."""
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def check_pages(form_id: str, route: str, pdf: Path, indicators: list[tuple[str, str, str]],
                planned: bool = True) -> PageReport:
    """``indicators``: (一级, 二级, 三级) in the form's order, empty for a form without an indicator list.

    A page continues a group when its first indicator's (一级, 二级) was on an earlier page: it must name both.
    On a route that follows the page plan (``planned``: docgen/compile/paginate) a page whose first indicator
    starts a new 二级 within a 一级 begun earlier continues that 一级 and must name it too, and a 一级 is looked
    for with the 二级 and 三级 names taken out of the page's text (社会效益指标 holds 效益指标); elsewhere (a route
    not yet planned) anywhere in the page's text."""
    report = PageReport(form_id, route)
    heading = HEADINGS.get(form_id)
    seen: set[tuple[str, str]] = set()
    seen1: set[str] = set()
    inner = sorted({x for ind in indicators for x in (ind[1], ind[2])}, key=len, reverse=True)
    for number, text in enumerate(page_texts(pdf), start=1):
        report.pages += 1
        flat = _squash(text)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        rows = flat[flat.find(heading):] if heading and heading in flat else flat  # not the project block's text
        names = [ind for ind in indicators if ind[2] in rows]
        has_rows = bool(names) or (heading is not None and heading in flat)
        only_notes = not has_rows and all(_NOTE.match(x) for x in lines)
        if number > 1 and lines and (flat.startswith(NOTES_FIRST) or only_notes):
            report.faults.append(f"{form_id} {route} p{number}: orphan: only notes or signature lines")
        if heading and number > 1 and names and heading not in flat:
            report.faults.append(f"{form_id} {route} p{number}: no-heading: “{heading}” missing")
        if names:
            first = names[0]
            outer = rows
            for name in inner if planned else ():
                outer = outer.replace(name, "")
            wanted = []
            if (first[0], first[1]) in seen:
                wanted = [(first[0], outer), (first[1], rows)]
            elif planned and first[0] in seen1:
                wanted = [(first[0], outer)]
            if wanted:
                report.continued += 1
            for label, where in wanted:
                if label not in where:
                    report.faults.append(f"{form_id} {route} p{number}: group-unnamed: “{label}” "
                                         f"(continued at {first[2]})")
            seen.update((ind[0], ind[1]) for ind in names)
            seen1.update(ind[0] for ind in names)
    return report


def convert(files: Iterable[Path], out: Path, profile: Path) -> None:
    """LibreOffice converts ``files`` to PDF in ``out`` in one batch (fonts mapped by tests/fonts/fonts.conf)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice is not None
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, files)], check=True, capture_output=True, env=env, timeout=600)


def render_all(project: Path, out: Path, routes: tuple[str, ...] = ROUTES) -> dict[tuple[str, str], Path]:
    """Every renderable tabular form of ``project`` (aggregates over it alone) as PDF by each route."""
    from docgen.forms import FORMS
    from docgen.output import missing_data, render_aggregates, render_project_form
    from docgen.pipeline import run_file

    result = run_file(project, project.name).result
    assert result is not None, project
    made: dict[str, list[Path]] = {}
    wanted = {"pdf" if r == "weasyprint" else r for r in routes}
    formats = tuple(f for f in ("docx", "xlsx", "pdf") if f in wanted)
    for form in FORMS:
        if not (form.tabular and form.renderable):
            continue
        folder = out / form.id
        if form.aggregate:
            files = render_aggregates([result], form, formats, folder)[:len(formats)]
            if files:  # 表4 is empty when the project is out of the tracking scope
                made[form.id] = files
        elif not missing_data(form, result):
            made[form.id] = render_project_form(result, form, formats, folder)
    pdfs: dict[tuple[str, str], Path] = {}
    for fmt in ("docx", "xlsx"):
        if fmt in routes:
            files = [f for fs in made.values() for f in fs if f.suffix == f".{fmt}"]
            convert(files, out / f"lo-{fmt}", out / "lo-profile")
            for form_id, fs in made.items():
                pdfs[form_id, fmt] = out / f"lo-{fmt}" / f"{fs[0].stem}.pdf"
    if "weasyprint" in routes:
        for form_id, fs in made.items():
            pdfs[form_id, "weasyprint"] = next(f for f in fs if f.suffix == ".pdf")
    return pdfs


def indicator_order(project: Path, goals: bool = False) -> list[tuple[str, str, str]]:
    """The project's indicators as (一级, 二级, 三级), in the forms' order; ``goals``: as 表纠偏 names them
    (一级目标, 二级目标: 产出目标, 数量目标 …)."""
    from docgen.formdata.common import sort_by_indicator
    from docgen.formdata.correction import goal_names
    from docgen.pipeline import run_file

    result = run_file(project, project.name).result
    assert result is not None
    ordered = sort_by_indicator(result.project.indicators, lambda i: i)
    if goals:
        return [(*goal_names(i), i.name) for i in ordered]
    return [(i.level1, i.level2, i.name) for i in ordered]


def planned_pages(project: Path) -> dict[tuple[str, str], int]:
    """(form, route) → the pages the page plan (docgen/compile/paginate) gives, for the planned routes."""
    from docgen.compile.paginate import PLANS
    from docgen.forms import FORMS
    from docgen.output import missing_data, paged
    from docgen.pipeline import run_file

    result = run_file(project, project.name).result
    assert result is not None
    out: dict[tuple[str, str], int] = {}
    for form in FORMS:
        if not (form.tabular and form.renderable) or (not form.aggregate and missing_data(form, result)):
            continue
        context = paged(form, form.build([result], "") if form.aggregate else form.build(result))
        for fmt, plan in context[PLANS].items():
            if plan is not None:
                out[form.id, "weasyprint" if fmt == "pdf" else fmt] = len(plan[1]) + 1
    return out


def check_all(project: Path, out: Path, routes: tuple[str, ...] = ROUTES) -> list[PageReport]:
    indicators = indicator_order(project)
    planned = planned_pages(project)
    reports = []
    for (form_id, route), pdf in sorted(render_all(project, out, routes).items()):
        inds = indicators if form_id in HEADINGS and form_id not in ("summary", "coverage") else []
        if form_id == "correction":
            inds = indicator_order(project, goals=True)
        pages = planned.get((form_id, route))
        report = check_pages(form_id, route, pdf, inds, pages is not None)
        if pages is not None and report.pages != pages:  # the renderer broke a page where the plan did not
            report.faults.append(f"{form_id} {route}: unplanned: {report.pages} pages, planned {pages}")
        reports.append(report)
    return reports


def main(argv: list[str]) -> int:
    import tempfile

    routes = ROUTES
    for arg in [a for a in argv if a.startswith("--routes=")]:
        routes = tuple(r for r in arg.split("=", 1)[1].split(",") if r in ROUTES)
        argv.remove(arg)
    project = Path(argv[0]) if argv else ROOT / "samples" / "xiangcun-zhenxing-zonghe.yaml"
    out = Path(argv[1]) if len(argv) > 1 else Path(tempfile.mkdtemp(prefix="page-check-"))
    projects = sorted(project.glob("*.yaml")) if project.is_dir() else [project]  # a folder: each project alone
    reports = []
    for one in projects:
        done = check_all(one, out / one.stem if project.is_dir() else out, routes)
        reports += done
        for r in done:
            print(f"{one.stem[:24]:24} {r.form:16} {r.route:10} pages {r.pages:2}  continued {r.continued:2}  "
                  f"faults {len(r.faults)}")
            for fault in r.faults:
                print("   ", fault)
    pages = sum(r.pages for r in reports)
    continued = sum(r.continued for r in reports)
    faults = sum(len(r.faults) for r in reports)
    print(f"pages checked {pages}, pages with a continued group {continued}, faults {faults}  ({out})")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
