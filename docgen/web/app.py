"""The ASGI application: session, CSRF, limits, security headers and the routes of :mod:`.views`."""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..render.package import write_atomic
from .projects import Projects
from .store import Store
from .submit import MAX_UPLOAD

HERE = Path(__file__).resolve().parent
SESSION_HOURS = 8
MAX_BODY = MAX_UPLOAD + 256 * 1024  # the upload and the form's other fields
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
                               "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


class Desk:
    """What every view needs: the folder, its projects, the database and the page templates."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.store = Store(self.root)
        self.projects = Projects(self.root)
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"),
                               autoescape=select_autoescape(default=True, default_for_string=True))

    def page(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("account", request.state.account if hasattr(request.state, "account") else None)
        context["csrf"] = request.session.get("csrf", "")
        return HTMLResponse(self.env.get_template(template).render(request=request, **context), status_code=status_code)


def secret_key(desk: Desk) -> str:
    """The session signing key, made once per folder (DIR/.docgen/secret, readable by the owner only)."""
    path = desk.store.dir / "secret"
    if not path.is_file():
        write_atomic(path, secrets.token_hex(32).encode("ascii"))
        os.chmod(path, 0o600)
    return path.read_text(encoding="ascii").strip()


class BodyTooLarge(Exception):
    pass


class LimitBody:
    """Refuse a request body over ``limit`` bytes (413), whether or not it says its length."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.limit:
            await _too_large(scope, receive, send)
            return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, tracked)
        except BodyTooLarge:
            if not started:
                await _too_large(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    mb = MAX_UPLOAD // 1024 // 1024
    await PlainTextResponse(f"文件太大：工作台只接收 {mb} MB 以内的文件。", 413)(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {k.lower() for k, _ in headers}
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in have]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(root: Path) -> Starlette:
    from . import views

    desk = Desk(root)
    routes = [Route(path, endpoint, methods=methods) for path, endpoint, methods in views.routes(desk)]
    routes.append(Mount("/static", StaticFiles(directory=HERE / "static"), name="static"))

    async def not_found(request: Request, exc: Exception) -> Response:
        code = exc.status_code if isinstance(exc, HTTPException) else 500
        if code == 303 and isinstance(exc, HTTPException) and exc.headers:
            return RedirectResponse(exc.headers["location"], status_code=303)
        message = {403: "没有权限或表单已过期（请刷新页面后重试）。", 404: "没有找到这个页面或文件。",
                   405: "不支持这种请求。"}.get(code, "请求无法处理。")
        return desk.page(request, "error.html", code, message=message, code=code)

    async def server_error(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("工作台内部错误，请记下操作步骤并联系维护人员。", 500)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # read and compute every project while the first user is still logging in
        threading.Thread(target=desk.projects.all, name="docgen-desk-scan", daemon=True).start()
        yield

    app = Starlette(
        lifespan=lifespan,
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(LimitBody, limit=MAX_BODY),
            Middleware(SessionMiddleware, secret_key=secret_key(desk), session_cookie="docgen_desk",
                       max_age=SESSION_HOURS * 3600, same_site="strict", https_only=False),
        ],
        exception_handlers={HTTPException: not_found, 500: server_error},
    )
    app.state.desk = desk
    return app
