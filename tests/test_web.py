"""The web desk through Starlette's test client: every route, and the refusals."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")

import docx
import openpyxl
from click.testing import CliRunner

with warnings.catch_warnings():  # Starlette's note that a later test client will use httpx2
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from docgen.cli import cli
from docgen.web.app import create_app
from docgen.web.projects import project_id
from docgen.web.store import Store
from docgen.web.submit import MAX_UPLOAD

from .deskkit import (
    BAD_CELL,
    HEALTH_SAMPLE,
    PASSWORD,
    WATER_SAMPLE,
    add_accounts,
    csrf_of,
    make_folder,
    project_ids,
    workbook,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = make_folder(tmp_path / "projects")
    add_accounts(root)
    return root


def client(folder: Path) -> TestClient:
    return TestClient(create_app(folder), follow_redirects=False)


def login(folder: Path, name: str) -> tuple[TestClient, str]:
    c = client(folder)
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"csrf": token, "name": name, "password": PASSWORD})
    assert r.status_code == 303, r.text
    page = c.get("/unit")
    return c, csrf_of(page.text)


def pid(name: str) -> str:
    return project_id(name)


# --- login, sessions, CSRF -------------------------------------------------------------------


def test_login_sets_a_strict_httponly_cookie_and_home_goes_by_role(folder: Path) -> None:
    c = client(folder)
    assert c.get("/").headers["location"] == "/login"
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"csrf": token, "name": "reviewer", "password": PASSWORD})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert c.get("/").headers["location"] == "/triage"
    unit, _ = login(folder, "water")
    assert unit.get("/").headers["location"] == "/unit"


def test_security_headers_forbid_scripts_and_framing(folder: Path) -> None:
    r = client(folder).get("/login")
    assert "script-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_wrong_password_five_times_locks_the_account(folder: Path) -> None:
    c = client(folder)
    token = csrf_of(c.get("/login").text)
    for _ in range(5):
        r = c.post("/login", data={"csrf": token, "name": "water", "password": "wrong-password"})
        assert r.status_code == 401
    assert "已锁定" in r.text
    r = c.post("/login", data={"csrf": token, "name": "water", "password": PASSWORD})
    assert r.status_code == 401 and "已锁定" in r.text
    assert Store(folder).account("water").locked_until  # type: ignore[union-attr]
    log = [row["action"] for row in Store(folder).audit_log()]
    assert log.count("登录失败") == 6


def test_unknown_name_is_told_like_a_wrong_password(folder: Path) -> None:
    c = client(folder)
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"csrf": token, "name": "nobody", "password": PASSWORD})
    assert r.status_code == 401 and "用户名或密码不正确" in r.text


@pytest.mark.parametrize("path", ["/login", "/logout", "/submit", f"/p/{pid(WATER_SAMPLE)}/opinions",
                                  f"/p/{pid(WATER_SAMPLE)}/issue", "/admin/users", "/admin/users/remove"])
def test_post_without_csrf_token_is_refused(folder: Path, path: str) -> None:
    c, _ = login(folder, "admin")
    r = c.post(path, data={"name": "water", "password": PASSWORD, "意见.项目管理": "x", "version": ""})
    assert r.status_code == 403
    r = c.post(path, data={"csrf": "forged", "name": "water"})
    assert r.status_code == 403
    assert Store(folder).account("water") is not None


def test_pages_need_a_login(folder: Path) -> None:
    c = client(folder)
    for path in ("/unit", "/triage", f"/p/{pid(WATER_SAMPLE)}", "/departments", "/admin", "/workbook.xlsx"):
        r = c.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/login", path


def test_logout_ends_the_session(folder: Path) -> None:
    c, token = login(folder, "water")
    assert c.post("/logout", data={"csrf": token}).status_code == 303
    assert c.get("/unit").headers["location"] == "/login"


# --- a unit sees only its own ------------------------------------------------------------------


def test_unit_sees_only_its_own_projects(folder: Path) -> None:
    c, _ = login(folder, "water")
    page = c.get("/unit").text
    assert project_ids(page) == [pid(WATER_SAMPLE)]
    assert c.get(f"/p/{pid(WATER_SAMPLE)}").status_code == 200


@pytest.mark.parametrize("path", [
    f"/p/{pid(HEALTH_SAMPLE)}", f"/p/{pid(HEALTH_SAMPLE)}/form/target.docx", f"/p/{pid(HEALTH_SAMPLE)}/table3.docx",
    f"/p/{pid(HEALTH_SAMPLE)}/workbook.xlsx", f"/p/{pid(HEALTH_SAMPLE)}/opinions", "/triage", "/triage.xlsx",
    "/departments", "/departments.zip", "/departments/summary.docx", "/admin",
])
def test_unit_asking_for_another_units_things_gets_404(folder: Path, path: str) -> None:
    c, _ = login(folder, "water")
    assert c.get(path).status_code == 404


def test_unit_cannot_reach_another_units_issued_table3_or_history(folder: Path) -> None:
    rev, token = login(folder, "reviewer")
    _save_opinion(rev, token, HEALTH_SAMPLE, "卫生健康局的意见。")
    assert rev.post(f"/p/{pid(HEALTH_SAMPLE)}/issue", data={"csrf": token}).status_code == 303
    health, htoken = login(folder, "health")
    assert health.get(f"/p/{pid(HEALTH_SAMPLE)}/table3.docx").status_code == 200
    r = health.post("/submit", data={"csrf": htoken}, files={"file": ("卫生.yaml", (folder / HEALTH_SAMPLE).read_bytes())})
    assert r.status_code == 200
    water, _ = login(folder, "water")
    assert water.get(f"/p/{pid(HEALTH_SAMPLE)}/table3.docx").status_code == 404
    for row in Store(folder).history(HEALTH_SAMPLE):
        assert water.get(f"/history/{row['id']}").status_code == 404
        assert health.get(f"/history/{row['id']}").status_code == 200


@pytest.mark.parametrize("path", [
    "/p/{id}/form/..%2F..%2F.docgen%2Fsecret.docx", "/p/{id}/form/../../.docgen/secret.docx",
    "/p/{id}/form/target.exe", "/p/{id}/form/summary.docx", "/p/{id}/form/nosuchform.docx",
    "/p/..%2F.docgen%2Fsecret", "/p/%2e%2e/%2e%2e/etc/passwd", "/static/..%2F.docgen%2Fsecret",
    "/static/../../store.py", "/history/999999", "/departments/..%2Fsecret.docx", "/departments/target.docx",
])
def test_path_traversal_in_download_names_is_404(folder: Path, path: str) -> None:
    c, _ = login(folder, "reviewer")
    r = c.get(path.format(id=pid(WATER_SAMPLE)))
    assert r.status_code == 404
    assert b"secret" not in r.content or b"<" in r.content  # an error page, never the file


# --- XSS ---------------------------------------------------------------------------------------------


def test_hostile_project_name_is_shown_as_text(folder: Path) -> None:
    name = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    text = (folder / WATER_SAMPLE).read_text(encoding="utf-8")
    text = text.replace("项目名称: 2024年农村饮水安全巩固提升工程", f"项目名称: '{name}'")
    (folder / "xss.yaml").write_text(text, encoding="utf-8")
    c, _ = login(folder, "reviewer")
    for page in (c.get("/triage").text, c.get(f"/p/{pid('xss.yaml')}").text, c.get("/unit").text):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    r = c.get(f"/p/{pid('xss.yaml')}/form/target.docx")
    assert r.status_code == 200
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    assert "<" not in r.headers["content-disposition"] and '"' not in r.headers["content-disposition"].split('"')[1]


# --- submit ------------------------------------------------------------------------------------


def test_a_workbook_with_an_error_is_located_and_not_taken(folder: Path) -> None:
    c, token = login(folder, "water")
    before = (folder / WATER_SAMPLE).read_bytes()
    bad = workbook(cell=BAD_CELL)
    r = c.post("/submit", data={"csrf": token}, files={"file": ("饮水工程.xlsx", bad, XLSX)})
    assert r.status_code == 422
    assert "饮水工程.xlsx!资金!B5: 一般公共预算拨款: 无法识别的金额 &#34;约400&#34;" in r.text
    assert (folder / WATER_SAMPLE).read_bytes() == before
    rows = Store(folder).history_of_unit("勐海县水务局")
    assert [r["accepted"] for r in rows] == [0]
    kept = folder / ".docgen" / "history" / rows[0]["stored"]
    assert kept.read_bytes() == bad  # nothing a unit submitted is lost
    assert "饮水工程.xlsx" in c.get("/unit").text


def test_a_fixed_workbook_replaces_the_current_version_and_keeps_the_previous(folder: Path) -> None:
    c, token = login(folder, "water")
    before = (folder / WATER_SAMPLE).read_bytes()
    fixed = workbook(cell=("资金", "B5", 365))
    r = c.post("/submit", data={"csrf": token}, files={"file": ("饮水工程.xlsx", fixed, XLSX)})
    assert r.status_code == 200, r.text
    assert "已采用为" in r.text
    now = (folder / WATER_SAMPLE).read_text(encoding="utf-8")
    assert "365" in now and now.encode() != before
    history = Store(folder).history(WATER_SAMPLE)
    notes = [h["note"] for h in history]
    assert notes == ["已采用为当前版本", "被替换的上一版本"]
    previous = folder / ".docgen" / "history" / history[1]["stored"]
    assert previous.read_bytes() == before
    page = c.get(f"/p/{pid(WATER_SAMPLE)}").text
    assert "被替换的上一版本" in page
    assert c.get(f"/history/{history[1]['id']}").content == before
    assert Store(folder).statuses()[WATER_SAMPLE]["state"] == "未审核"


def test_a_new_project_lands_in_its_department_folder(folder: Path) -> None:
    c, token = login(folder, "water")
    text = (folder / WATER_SAMPLE).read_text(encoding="utf-8").replace(
        "项目名称: 2024年农村饮水安全巩固提升工程", "项目名称: 新的饮水项目")
    r = c.post("/submit", data={"csrf": token}, files={"file": ("new.yaml", text.encode())})
    assert r.status_code == 200
    assert (folder / "勐海县水务局" / "新的饮水项目.yaml").read_text(encoding="utf-8") == text
    assert len(project_ids(c.get("/unit").text)) == 2


def test_a_unit_cannot_submit_another_units_project(folder: Path) -> None:
    c, token = login(folder, "water")
    before = (folder / HEALTH_SAMPLE).read_bytes()
    r = c.post("/submit", data={"csrf": token}, files={"file": ("x.yaml", before)})
    assert r.status_code == 422 and "都不是本单位" in r.text
    assert (folder / HEALTH_SAMPLE).read_bytes() == before


@pytest.mark.parametrize(("name", "data", "told"), [
    ("evil.xlsx", b"PK\x03\x04not really a zip" * 100, "错误"),
    ("evil.yaml", b"\x00\x01\x02binary", "错误"),
    ("bomb.yaml", b"a: &a [1,2]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n", "错误"),
    ("run.exe", b"MZ", "只接受"),
    ("../../../etc/passwd.yaml", b"x: 1\n", "错误"),
])
def test_hostile_uploads_are_refused_with_a_message(folder: Path, name: str, data: bytes, told: str) -> None:
    c, token = login(folder, "water")
    r = c.post("/submit", data={"csrf": token}, files={"file": (name, data)})
    assert r.status_code in (200, 422)
    assert told in r.text
    assert not (folder.parent / "etc").exists()
    for stored in (folder / ".docgen" / "history").iterdir():
        assert "/" not in stored.name and ".." not in stored.name.split("-", 2)[-1][:2]


def test_an_oversized_upload_is_refused(folder: Path) -> None:
    c, token = login(folder, "water")
    r = c.post("/submit", data={"csrf": token}, files={"file": ("big.xlsx", b"0" * (MAX_UPLOAD + 300 * 1024))})
    assert r.status_code == 413
    assert list((folder / ".docgen" / "history").iterdir()) == []


def test_an_empty_submit_asks_for_a_file(folder: Path) -> None:
    c, token = login(folder, "water")
    r = c.post("/submit", data={"csrf": token})
    assert r.status_code == 400 and "请选择" in r.text


def test_blank_and_prefilled_workbooks(folder: Path) -> None:
    c, _ = login(folder, "water")
    blank = c.get("/workbook.xlsx")
    assert blank.status_code == 200 and blank.headers["content-type"] == XLSX
    wb = openpyxl.load_workbook(io.BytesIO(blank.content))
    assert "绩效指标" in wb.sheetnames
    filled = c.get(f"/p/{pid(WATER_SAMPLE)}/workbook.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(filled.content))
    assert wb["基本信息"]["B3"].value == "2024年农村饮水安全巩固提升工程"


# --- triage, project page, documents -------------------------------------------------------------


def test_triage_ranks_filters_and_downloads(folder: Path) -> None:
    c, _ = login(folder, "reviewer")
    page = c.get("/triage").text
    assert set(project_ids(page)) == {pid(WATER_SAMPLE), pid(HEALTH_SAMPLE)}
    only = c.get("/triage", params={"dept": "勐海县卫生健康局"}).text
    assert project_ids(only) == [pid(HEALTH_SAMPLE)]
    assert project_ids(c.get("/triage", params={"status": "已出具"}).text) == []
    assert len(project_ids(c.get("/triage", params={"status": "未审核"}).text)) == 2
    r = c.get("/triage.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value == "序号" and ws.max_row == 3


def test_project_page_shows_figures_pictures_messages_and_forms(folder: Path) -> None:
    c, _ = login(folder, "water")
    page = c.get(f"/p/{pid(WATER_SAMPLE)}").text
    assert "执行率" in page and "时序进度" in page
    assert page.count("<svg") == 2 and "<script" not in page
    assert 'id="indicators"' in page and "form/target.docx" in page and "form/target.xlsx" in page
    r = c.get(f"/p/{pid(WATER_SAMPLE)}/form/target.docx")
    d = docx.Document(io.BytesIO(r.content))
    assert any("农村饮水安全" in cell.text for t in d.tables for row in t.rows for cell in row.cells)
    r = c.get(f"/p/{pid(WATER_SAMPLE)}/form/tracking.xlsx")
    assert r.status_code == 200 and openpyxl.load_workbook(io.BytesIO(r.content)).active.max_row > 5


def test_an_invalid_project_shows_its_located_messages(folder: Path) -> None:
    text = (folder / WATER_SAMPLE).read_text(encoding="utf-8").replace("年度: 2024", "年度: 二〇二四")
    (folder / WATER_SAMPLE).write_text(text, encoding="utf-8")
    c, _ = login(folder, "water")
    page = c.get(f"/p/{pid(WATER_SAMPLE)}").text
    assert 'id="diagnostics"' in page and "example-project.yaml:" in page and "年度" in page


def test_pdf_preview_is_inline(folder: Path) -> None:
    from docgen.render.pdf import pdf_available

    if not pdf_available():
        pytest.skip("PDF component not installed")
    c, _ = login(folder, "reviewer")
    r = c.get(f"/p/{pid(WATER_SAMPLE)}/form/target.pdf", params={"view": "1"})
    assert r.headers["content-disposition"].startswith("inline") and r.content.startswith(b"%PDF")


def test_department_view_table4_coverage_and_zip(folder: Path) -> None:
    c, _ = login(folder, "reviewer")
    page = c.get("/departments").text
    assert "勐海县水务局" in page and "勐海县卫生健康局" in page
    r = c.get("/departments/summary.xlsx", params={"d": "勐海县水务局"})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert any("农村饮水安全" in str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert c.get("/departments/coverage.docx").status_code == 200
    assert c.get("/departments", params={"d": "没有这个部门"}).status_code == 404
    z = zipfile.ZipFile(io.BytesIO(c.get("/departments.zip", params={"d": "勐海县水务局"}).content))
    names = z.namelist()
    assert any(n.endswith("绩效跟踪情况汇总表.docx") for n in names)
    assert any(n.startswith("2024年农村饮水安全巩固提升工程/") for n in names)
    assert not any("卫生" in n for n in names)


# --- opinions and 表3 -------------------------------------------------------------------------


def _save_opinion(c: TestClient, token: str, sample: str, sentence: str) -> None:
    page = c.get(f"/p/{pid(sample)}/opinions").text
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
    values = dict(re.findall(r'<textarea id="f\d+" name="([^"]+)">([^<]*)</textarea>', page))
    values["意见.项目管理"] = sentence
    r = c.post(f"/p/{pid(sample)}/opinions", data={"csrf": token, "version": version, **values})
    assert r.status_code == 303, r.text


def test_saving_opinions_writes_the_side_file_and_keeps_the_project_file(folder: Path) -> None:
    c, token = login(folder, "reviewer")
    before = (folder / WATER_SAMPLE).read_bytes()
    page = c.get(f"/p/{pid(WATER_SAMPLE)}/opinions").text
    assert "起草" in page and "预算执行进度" in page
    _save_opinion(c, token, WATER_SAMPLE, "项目管理规范，请继续保持。")
    side = folder / "example-project.反馈.yaml"
    assert "项目管理: 项目管理规范，请继续保持。" in side.read_text(encoding="utf-8")
    assert (folder / WATER_SAMPLE).read_bytes() == before
    assert Store(folder).statuses()[WATER_SAMPLE]["state"] == "已起草"
    assert "项目管理规范" in c.get(f"/p/{pid(WATER_SAMPLE)}/opinions").text
    # saving again keeps the reviewer's words (docgen review's marker notes the findings they have seen)
    _save_opinion(c, token, WATER_SAMPLE, "项目管理规范，请继续保持。")
    text = side.read_text(encoding="utf-8")
    assert "项目管理: 项目管理规范，请继续保持。" in text
    _save_opinion(c, token, WATER_SAMPLE, "项目管理规范，请继续保持。")
    assert side.read_text(encoding="utf-8") == text


def test_two_reviewers_saving_the_same_project_the_second_sees_both(folder: Path) -> None:
    a, atoken = login(folder, "reviewer")
    b, btoken = login(folder, "reviewer2")
    page_b = b.get(f"/p/{pid(WATER_SAMPLE)}/opinions").text
    _save_opinion(a, atoken, WATER_SAMPLE, "第一位审核人的意见。")
    version = re.search(r'name="version" value="([^"]*)"', page_b).group(1)  # type: ignore[union-attr]
    values = dict(re.findall(r'<textarea id="f\d+" name="([^"]+)">([^<]*)</textarea>', page_b))
    values["意见.项目管理"] = "第二位审核人的意见。"
    r = b.post(f"/p/{pid(WATER_SAMPLE)}/opinions", data={"csrf": btoken, "version": version, **values})
    assert r.status_code == 409
    assert "第一位审核人的意见。" in r.text and "第二位审核人的意见。" in r.text
    side = (folder / "example-project.反馈.yaml").read_text(encoding="utf-8")
    assert "第一位审核人的意见。" in side and "第二位" not in side
    new_version = re.search(r'name="version" value="([^"]*)"', r.text).group(1)  # type: ignore[union-attr]
    r = b.post(f"/p/{pid(WATER_SAMPLE)}/opinions", data={"csrf": btoken, "version": new_version, **values})
    assert r.status_code == 303
    assert "第二位审核人的意见。" in (folder / "example-project.反馈.yaml").read_text(encoding="utf-8")
    actions = [row["action"] for row in Store(folder).audit_log()]
    assert "保存意见（版本冲突，未保存）" in actions


def test_issue_table3_then_the_unit_downloads_it(folder: Path) -> None:
    c, token = login(folder, "reviewer")
    r = c.post(f"/p/{pid(WATER_SAMPLE)}/issue", data={"csrf": token})
    assert r.status_code == 422 and "请先保存意见" in r.text
    _save_opinion(c, token, WATER_SAMPLE, "请于十月底前完成管网验收。")
    assert c.post(f"/p/{pid(WATER_SAMPLE)}/issue", data={"csrf": token}).status_code == 303
    status = Store(folder).statuses()[WATER_SAMPLE]
    assert (status["state"], status["who"]) == ("已出具", "reviewer")
    unit, _ = login(folder, "water")
    assert "下载表3" in unit.get("/unit").text
    r = unit.get(f"/p/{pid(WATER_SAMPLE)}/table3.docx")
    d = docx.Document(io.BytesIO(r.content))
    texts = [cell.text for t in d.tables for row in t.rows for cell in row.cells]
    assert any("请于十月底前完成管网验收。" in t for t in texts)
    actions = [(row["who"], row["action"]) for row in Store(folder).audit_log()]
    assert ("reviewer", "出具表3") in actions and ("water", "下载表3") in actions


def test_unit_cannot_edit_or_issue(folder: Path) -> None:
    c, token = login(folder, "water")
    assert c.get(f"/p/{pid(WATER_SAMPLE)}/opinions").status_code == 404
    assert c.post(f"/p/{pid(WATER_SAMPLE)}/opinions", data={"csrf": token}).status_code == 404
    assert c.post(f"/p/{pid(WATER_SAMPLE)}/issue", data={"csrf": token}).status_code == 404


# --- accounts ------------------------------------------------------------------------------------


def test_admin_manages_accounts_and_reads_the_audit_log(folder: Path) -> None:
    c, token = login(folder, "admin")
    r = c.post("/admin/users", data={"csrf": token, "name": "farm", "role": "单位", "unit": "勐海县农业农村局",
                                     "password": "farm-password"})
    assert r.status_code == 303
    assert Store(folder).account("farm").unit == "勐海县农业农村局"  # type: ignore[union-attr]
    r = c.post("/admin/users", data={"csrf": token, "name": "<b>", "role": "单位", "unit": "x", "password": "12345678"})
    assert r.status_code == 422
    r = c.post("/admin/users", data={"csrf": token, "name": "short", "role": "审核人", "password": "123"})
    assert r.status_code == 422 and "至少" in r.text
    assert c.post("/admin/users/remove", data={"csrf": token, "name": "farm"}).status_code == 303
    assert Store(folder).account("farm") is None
    c.post("/admin/users/remove", data={"csrf": token, "name": "admin"})
    assert Store(folder).account("admin") is not None
    page = c.get("/admin").text
    assert "新建或修改账户" in page and "删除账户" in page
    rev, _ = login(folder, "reviewer")
    assert rev.get("/admin").status_code == 404


def test_a_removed_account_loses_its_session(folder: Path) -> None:
    c, _ = login(folder, "water")
    Store(folder).remove_account("water")
    assert c.get("/unit").headers["location"] == "/login"


def test_state_survives_a_new_server(folder: Path) -> None:
    c, token = login(folder, "reviewer")
    _save_opinion(c, token, WATER_SAMPLE, "重启后仍在的意见。")
    c.post(f"/p/{pid(WATER_SAMPLE)}/issue", data={"csrf": token})
    again, _ = login(folder, "water")  # a new application over the same folder
    page = again.get(f"/p/{pid(WATER_SAMPLE)}").text
    assert "已出具" in page and 'id="table3"' in page


# --- the commands ------------------------------------------------------------------------------


def test_user_commands(tmp_path: Path) -> None:
    root = make_folder(tmp_path / "p")
    pw = tmp_path / "pw.txt"
    pw.write_text("a-long-password\n", encoding="utf-8")
    run = CliRunner().invoke
    r = run(cli, ["user", "add", str(root), "first", "--role", "管理员", "--password-file", str(pw)])
    assert r.exit_code == 0 and "已新建账户 first" in r.output
    r = run(cli, ["user", "add", str(root), "unit", "--role", "单位", "--password-file", str(pw)])
    assert r.exit_code == 2 and "--unit" in r.output
    r = run(cli, ["user", "add", str(root), "u2", "--role", "单位", "--unit", "勐海县水务局"], input="short\nshort\n")
    assert r.exit_code == 1 and "至少" in r.output
    r = run(cli, ["user", "list", str(root)])
    assert "first\t管理员" in r.output
    assert run(cli, ["user", "remove", str(root), "first"]).exit_code == 0
    r = run(cli, ["user", "remove", str(root), "first"])
    assert r.exit_code == 1 and "没有账户" in r.output


def test_serve_without_the_web_extra_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "uvicorn" else real(name, *a))
    r = CliRunner().invoke(cli, ["serve", str(tmp_path)])
    assert r.exit_code == 1 and 'pip install "docgen[web]"' in r.output


def test_check_build_and_review_ignore_the_desk_folder(folder: Path, tmp_path: Path) -> None:
    c, token = login(folder, "water")
    c.post("/submit", data={"csrf": token}, files={"file": ("bad.xlsx", workbook(cell=BAD_CELL), XLSX)})
    (folder / ".docgen" / "history" / "broken.yaml").write_text("项目名称: [\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["check", str(folder)])
    assert r.exit_code == 0, r.output
    assert ".docgen" not in r.output
    r = CliRunner().invoke(cli, ["review", str(folder), "-o", str(tmp_path / "desk.xlsx")])
    assert r.exit_code == 0 and "共 2 个项目" in r.output


def test_a_workbook_project_placed_in_the_folder_is_told_to_be_converted_before_review(folder: Path) -> None:
    (folder / "饮水.xlsx").write_bytes(workbook(HEALTH_SAMPLE))
    (folder / HEALTH_SAMPLE).unlink()
    c, token = login(folder, "reviewer")
    r = c.get(f"/p/{pid('饮水.xlsx')}/opinions")
    assert r.status_code == 422 and "intake import" in r.text
    r = c.post(f"/p/{pid('饮水.xlsx')}/opinions", data={"csrf": token})
    assert r.status_code == 422
    assert not (folder / "饮水.反馈.yaml").exists()


def test_triage_pages_a_long_list(folder: Path) -> None:
    import shutil

    for i in range(105):
        text = (folder / WATER_SAMPLE).read_text(encoding="utf-8").replace(
            "项目名称: 2024年农村饮水安全巩固提升工程", f"项目名称: 第{i}号工程")
        (folder / f"many-{i:03d}.yaml").write_text(text, encoding="utf-8")
    shutil.copy(folder / WATER_SAMPLE, folder / "copy.yaml")
    c, _ = login(folder, "reviewer")
    first = c.get("/triage").text
    assert len(set(project_ids(first))) == 100 and "第 1/2 页" in first
    second = c.get("/triage", params={"page": "2"}).text
    assert len(set(project_ids(second))) == 8 and ">101<" in second
    assert c.get("/triage", params={"page": "x"}).status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(c.get("/triage.xlsx").content)).active
    assert ws.max_row == 109
