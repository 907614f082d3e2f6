"""The desk's pages and actions. Every view checks the account first; a project, file or 表3 that the
account may not see is answered 404, exactly like one that does not exist."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..intake.writer import build_workbook
from ..present import DASH, cn_date, money, pct_text
from ..profile import profile_for
from ..review.desk import SEVERITY
from ..review.desk_xlsx import desk_xlsx
from . import charts, documents
from .accounts import login as check_login
from .app import Desk
from .opinions import FIELDS, Conflict, OpinionError, current_values, issue, mark_drafted, save, side_text, version_of
from .projects import YAML_SUFFIXES, Entry
from .store import ADMIN, REVIEWER, ROLES, STATUSES, UNIT, UNREVIEWED, Account
from .submit import MAX_UPLOAD, submit


def _money(value: object) -> str:
    text = money(value)  # type: ignore[arg-type]
    return text if text is not None else DASH


def _shown(value: object) -> str:
    """A target or an actual value as the unit wrote it (``≥12处``)."""
    text = getattr(value, "text", None)
    return str(text if text is not None else value)


WORKBOOK_PROJECT = ("这个项目的当前文件是放在项目目录中的 Excel 填报工作簿，审核意见只能写入 YAML 项目文件的旁注文件："
                    "请单位通过工作台提交该工作簿（工作台会转为 YAML），或用 docgen intake import 转换后再审核。")


def _yaml(entry: Entry) -> bool:
    return entry.path.suffix.lower() in YAML_SUFFIXES


PAGE_ROWS = 100  # rows of the triage page (the desk XLSX has them all)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


LIGHTS = ("红灯", "黄灯", "绿灯", "—")
Endpoint = Callable[[Request], Any]


def _not_found() -> HTTPException:
    return HTTPException(404)


def attachment(name: str, data: bytes, mime: str, inline: bool = False) -> Response:
    """A download whose name cannot break the header (RFC 6266/5987) and whose type the browser keeps."""
    ascii_name = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in name) or "download"
    disposition = "inline" if inline else "attachment"
    header = f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    return Response(data, media_type=mime, headers={"content-disposition": header})


def routes(desk: Desk) -> list[tuple[str, Endpoint, list[str]]]:
    store, projects = desk.store, desk.projects

    def account_of(request: Request) -> Account | None:
        name = request.session.get("user")
        account = store.account(name) if isinstance(name, str) else None
        request.state.account = account
        return account

    def need(request: Request, *roles: str) -> Account:
        account = account_of(request)
        if account is None:
            raise HTTPException(303, headers={"location": "/login"})
        if roles and account.role not in roles:
            raise _not_found()
        return account

    async def form_of(request: Request) -> Any:
        """The POSTed form, after its CSRF token is checked against the session's."""
        form = await request.form(max_files=1, max_fields=40, max_part_size=MAX_UPLOAD + 1024)
        token = form.get("csrf")
        expected = request.session.get("csrf")
        if not isinstance(token, str) or not expected or not secrets.compare_digest(token, expected):
            raise HTTPException(403)
        return form

    def entry_for(request: Request, account: Account) -> Entry:
        entry = projects.get(request.path_params["pid"], account)
        if entry is None:
            raise _not_found()
        return entry

    def see_other(url: str) -> RedirectResponse:
        return RedirectResponse(url, status_code=303)

    # --- login ------------------------------------------------------------------------------

    def home(request: Request) -> Response:
        account = account_of(request)
        if account is None:
            return see_other("/login")
        return see_other("/unit" if account.role == UNIT else "/triage")

    def login_page(request: Request) -> Response:
        request.session.setdefault("csrf", secrets.token_urlsafe(32))
        return desk.page(request, "login.html", message="")

    async def login_post(request: Request) -> Response:
        form = await form_of(request)
        name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
        account, message = await run_in_threadpool(check_login, store, name, password)
        if account is None:
            await run_in_threadpool(store.audit, name or "（空）", "登录失败", "", message)
            return desk.page(request, "login.html", 401, message=message, name=name)
        request.session.clear()  # a new session (and token) for the logged-in user
        request.session.update(user=account.name, csrf=secrets.token_urlsafe(32))
        await run_in_threadpool(store.audit, account.name, "登录", "")
        return see_other("/")

    async def logout(request: Request) -> Response:
        await form_of(request)
        request.session.clear()
        return see_other("/login")

    # --- unit ---------------------------------------------------------------------------------

    def unit_home(request: Request) -> Response:
        account = need(request)
        entries = projects.visible(account)
        statuses = store.statuses()
        submissions = store.history_of_unit(account.unit) if account.role == UNIT else []
        return desk.page(request, "unit.html", entries=entries, statuses=statuses, submissions=submissions,
                         max_mb=MAX_UPLOAD // 1024 // 1024, unreviewed=UNREVIEWED)

    async def submit_post(request: Request) -> Response:
        account = need(request, UNIT, ADMIN, REVIEWER)
        form = await form_of(request)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return desk.page(request, "submitted.html", 400, result=None, message="请选择要提交的文件。")
        data = await upload.read(MAX_UPLOAD + 1)
        result = await run_in_threadpool(submit, desk.root, store, projects, account, upload.filename, data)
        entry = None
        if result.accepted and result.project:
            entry = next((e for e in projects.visible(account) if e.rel == result.project), None)
        return desk.page(request, "submitted.html", 200 if result.accepted else 422, result=result, entry=entry,
                         message="")

    def blank_workbook(request: Request) -> Response:
        need(request)
        data = build_workbook(None, profile_for(desk.root / "x.yaml"))
        return attachment("项目数据填报工作簿.xlsx", data, documents.MIME["xlsx"])

    def filled_workbook(request: Request) -> Response:
        account = need(request)
        entry = entry_for(request, account)
        if entry.outcome.result is None:
            raise _not_found()
        data = build_workbook(entry.outcome.result.project, entry.outcome.result.profile)
        return attachment(f"{entry.name}-填报工作簿.xlsx", data, documents.MIME["xlsx"])

    def history_file(request: Request) -> Response:
        account = need(request)
        row = store.history_entry(int(request.path_params["hid"]))
        if row is None:
            raise _not_found()
        if account.role == UNIT:
            visible = {e.rel for e in projects.visible(account)}
            if row["project"] not in visible and not (row["project"] == "" and row["unit"] == account.unit):
                raise _not_found()
        path = store.dir / "history" / row["stored"]
        if not path.is_file() or path.parent != store.dir / "history":
            raise _not_found()
        mime = documents.MIME["xlsx"] if row["original"].lower().endswith(".xlsx") else "text/plain; charset=utf-8"
        return attachment(row["original"], path.read_bytes(), mime)

    # --- triage -------------------------------------------------------------------------------

    def _filtered(request: Request) -> tuple[list[Entry], dict[str, str]]:
        q = {k: request.query_params.get(k, "") for k in ("dept", "light", "status", "severity")}
        statuses = store.statuses()
        out = []
        for e in projects.all():
            state = statuses[e.rel]["state"] if e.rel in statuses else UNREVIEWED
            if q["dept"] and e.department != q["dept"]:
                continue
            if q["light"] and (e.row.light if e.row.light != DASH else "—") != q["light"]:
                continue
            if q["status"] and state != q["status"]:
                continue
            if q["severity"] and e.row.severity != q["severity"]:
                continue
            out.append(e)
        return out, q

    def triage(request: Request) -> Response:
        need(request, REVIEWER, ADMIN)
        entries, q = _filtered(request)
        everything = projects.all()
        departments = _department_names(everything)
        counts = Counter(e.row.severity for e in everything)
        pages = max(1, (len(entries) + PAGE_ROWS - 1) // PAGE_ROWS)
        page = min(max(1, _int(request.query_params.get("page"), 1)), pages)
        shown = entries[(page - 1) * PAGE_ROWS:page * PAGE_ROWS]
        return desk.page(request, "triage.html", entries=shown, q=q, departments=departments, lights=LIGHTS,
                         statuses=store.statuses(), states=STATUSES, severities=SEVERITY, counts=counts,
                         total=len(everything), matched=len(entries), page=page, pages=pages,
                         first=(page - 1) * PAGE_ROWS, unreviewed=UNREVIEWED)

    def triage_xlsx(request: Request) -> Response:
        need(request, REVIEWER, ADMIN)
        entries, _ = _filtered(request)
        return attachment("审核台账.xlsx", desk_xlsx([e.row for e in entries]), documents.MIME["xlsx"])

    # --- the project page ---------------------------------------------------------------------

    def project_page(request: Request) -> Response:
        account = need(request)
        entry = entry_for(request, account)
        result = entry.outcome.result if entry.ok else None
        status = store.statuses().get(entry.rel)
        issued = store.issued(entry.rel)
        context: dict[str, Any] = {
            "entry": entry, "result": result, "status": status, "issued": issued,
            "history": store.history(entry.rel), "pct": pct_text, "cn_date": cn_date, "money": _money,
            "shown": _shown,
            "unreviewed": UNREVIEWED,
        }
        if result is not None:
            context.update(chart=Markup(charts.progress_chart(result)), lights=Markup(charts.indicator_lights(result)),
                           forms=documents.project_forms(entry))
        return desk.page(request, "project.html", **context)

    def project_form(request: Request) -> Response:
        account = need(request)
        entry = entry_for(request, account)
        doc = documents.project_document(entry, request.path_params["form"], request.path_params["fmt"])
        if doc is None:
            raise _not_found()
        fmt = request.path_params["fmt"]
        inline = fmt == "pdf" and request.query_params.get("view") == "1"
        return attachment(doc[0], doc[1], documents.MIME[fmt], inline)

    def table3(request: Request) -> Response:
        account = need(request)
        entry = entry_for(request, account)
        issued = store.issued(entry.rel)
        if not issued:
            raise _not_found()
        path = store.dir / issued[0]["file"]
        if not path.is_file():
            raise _not_found()
        store.audit(account.name, "下载表3", entry.rel, path.name)
        return attachment(path.name.split("-", 1)[1], path.read_bytes(), documents.MIME["docx"])

    # --- opinions and 表3 ------------------------------------------------------------------

    def opinions_page(request: Request) -> Response:
        account = need(request, REVIEWER, ADMIN)
        entry = entry_for(request, account)
        if not entry.ok:
            raise _not_found()
        if not _yaml(entry):
            return desk.page(request, "error.html", 422, code=422, message=WORKBOOK_PROJECT)
        values, drafted_only = current_values(entry)
        return desk.page(request, "opinions.html", entry=entry, values=values, fields=FIELDS,
                         version=version_of(side_text(entry)), drafted_only=drafted_only, conflict=None, error="")

    async def opinions_post(request: Request) -> Response:
        account = need(request, REVIEWER, ADMIN)
        form = await form_of(request)
        entry = entry_for(request, account)
        if not entry.ok:
            raise _not_found()
        if not _yaml(entry):
            return desk.page(request, "error.html", 422, code=422, message=WORKBOOK_PROJECT)
        values = {key: str(form.get(key, "")) for key, _ in FIELDS}
        try:
            outcome = await run_in_threadpool(save, entry, values, str(form.get("version", "")))
        except OpinionError as exc:
            return desk.page(request, "opinions.html", 422, entry=entry, values=values, fields=FIELDS,
                             version=str(form.get("version", "")), drafted_only=False, conflict=None, error=str(exc))
        if isinstance(outcome, Conflict):
            await run_in_threadpool(store.audit, account.name, "保存意见（版本冲突，未保存）", entry.rel)
            return desk.page(request, "opinions.html", 409, entry=entry, values=outcome.mine, fields=FIELDS,
                             version=outcome.version, drafted_only=False, conflict=outcome, error="")
        await run_in_threadpool(mark_drafted, store, entry, account.name, outcome)
        projects.reload(entry.path)
        return see_other(f"/p/{entry.id}?saved=1")

    async def issue_post(request: Request) -> Response:
        account = need(request, REVIEWER, ADMIN)
        await form_of(request)
        entry = entry_for(request, account)
        try:
            await run_in_threadpool(issue, store, entry, account.name)
        except OpinionError as exc:
            return desk.page(request, "error.html", 422, message=str(exc), code=422)
        return see_other(f"/p/{entry.id}?issued=1")

    # --- departments --------------------------------------------------------------------------

    def _department_names(entries: list[Entry]) -> list[str]:
        return sorted({e.department for e in entries if e.department})

    def _department(request: Request) -> tuple[str, list[Entry]]:
        dept = request.query_params.get("d", "")
        entries = [e for e in projects.all() if not dept or e.department == dept]
        if dept and not entries:
            raise _not_found()
        return dept, entries

    def departments(request: Request) -> Response:
        need(request, REVIEWER, ADMIN)
        dept, entries = _department(request)
        everything = projects.all()
        names = _department_names(everything)
        per = {n: Counter() for n in names}  # type: dict[str, Counter[str]]
        for e in everything:
            if e.department in per:
                per[e.department]["项目"] += 1
                per[e.department]["纳入跟踪"] += 1 if e.ok and e.outcome.result and e.outcome.result.in_scope else 0
                per[e.department]["有监控"] += 1 if e.ok and e.outcome.result and e.outcome.result.current else 0
                per[e.department]["有错误"] += 0 if e.ok else 1
        return desk.page(request, "departments.html", dept=dept, names=names, per=per, entries=entries)

    def department_doc(request: Request) -> Response:
        need(request, REVIEWER, ADMIN)
        dept, entries = _department(request)
        results = [e.outcome.result for e in entries if e.ok and e.outcome.result is not None]
        key = ("agg", dept, tuple(sorted((e.rel, e.signature) for e in entries)))
        fmt = request.path_params["fmt"]
        doc = documents.aggregate_document(results, dept, request.path_params["form"], fmt, key)
        if doc is None:
            raise _not_found()
        return attachment(doc[0], doc[1], documents.MIME[fmt], fmt == "pdf" and request.query_params.get("view") == "1")

    def department_zip(request: Request) -> Response:
        account = need(request, REVIEWER, ADMIN)
        dept, entries = _department(request)
        data = documents.department_zip(entries, dept)
        store.audit(account.name, "下载文件包", dept or "全部项目")
        return attachment(f"{dept or '全部项目'}-全部文件.zip", data, documents.MIME["zip"])

    # --- accounts and audit log (管理员) ------------------------------------------------------

    def admin(request: Request) -> Response:
        need(request, ADMIN)
        return desk.page(request, "admin.html", accounts=store.accounts(), log=store.audit_log(), roles=ROLES,
                         message=request.query_params.get("m", ""))

    async def admin_add(request: Request) -> Response:
        from .accounts import MIN_PASSWORD, hash_password

        account = need(request, ADMIN)
        form = await form_of(request)
        name, role = str(form.get("name", "")).strip(), str(form.get("role", ""))
        unit, password = str(form.get("unit", "")).strip(), str(form.get("password", ""))
        problem = ""
        if not name or len(name) > 64 or any(c in name for c in "<>&\"'/\\") or not name.isprintable():
            problem = "名称不能为空，不能含 < > & \" ' / \\ 等字符"
        elif role not in ROLES:
            problem = "请选择角色"
        elif role == UNIT and not unit:
            problem = "单位账户需要填写所属单位"
        elif len(password) < MIN_PASSWORD:
            problem = f"密码至少 {MIN_PASSWORD} 个字符"
        if problem:
            return desk.page(request, "admin.html", 422, accounts=store.accounts(), log=store.audit_log(),
                             roles=ROLES, message=problem)
        hashed = await run_in_threadpool(hash_password, password)
        await run_in_threadpool(store.put_account, name, role, unit if role == UNIT else "", hashed)
        await run_in_threadpool(store.audit, account.name, "新建或修改账户", name, role)
        return see_other("/admin?m=" + quote(f"已保存账户 {name}"))

    async def admin_remove(request: Request) -> Response:
        account = need(request, ADMIN)
        form = await form_of(request)
        name = str(form.get("name", ""))
        if name == account.name:
            return see_other("/admin?m=" + quote("不能删除自己的账户"))
        if await run_in_threadpool(store.remove_account, name):
            await run_in_threadpool(store.audit, account.name, "删除账户", name)
        return see_other("/admin?m=" + quote(f"已删除账户 {name}"))

    return [
        ("/", home, ["GET"]),
        ("/login", login_page, ["GET"]),
        ("/login", login_post, ["POST"]),
        ("/logout", logout, ["POST"]),
        ("/unit", unit_home, ["GET"]),
        ("/submit", submit_post, ["POST"]),
        ("/workbook.xlsx", blank_workbook, ["GET"]),
        ("/history/{hid:int}", history_file, ["GET"]),
        ("/triage", triage, ["GET"]),
        ("/triage.xlsx", triage_xlsx, ["GET"]),
        ("/p/{pid:str}", project_page, ["GET"]),
        ("/p/{pid:str}/workbook.xlsx", filled_workbook, ["GET"]),
        ("/p/{pid:str}/form/{form:str}.{fmt:str}", project_form, ["GET"]),
        ("/p/{pid:str}/table3.docx", table3, ["GET"]),
        ("/p/{pid:str}/opinions", opinions_page, ["GET"]),
        ("/p/{pid:str}/opinions", opinions_post, ["POST"]),
        ("/p/{pid:str}/issue", issue_post, ["POST"]),
        ("/departments", departments, ["GET"]),
        ("/departments/{form:str}.{fmt:str}", department_doc, ["GET"]),
        ("/departments.zip", department_zip, ["GET"]),
        ("/admin", admin, ["GET"]),
        ("/admin/users", admin_add, ["POST"]),
        ("/admin/users/remove", admin_remove, ["POST"]),
    ]
