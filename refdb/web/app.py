"""The application: routes from one module per resource, the error pages, the token gate."""

from __future__ import annotations

import hmac
import logging
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from refdb.errors import ConflictError, NotFoundError, RefdbError
from refdb.web import api, claims, editing, history, people, search, sources
from refdb.web.auth import (
    USER_COOKIE,
    Forbidden,
    RateLimit,
    TooManyAttempts,
    current_user,
    server_secret,
    session_cookie,
)
from refdb.web.base import COOKIE, HERE, SecurityHeaders, authorised, configured_token, page, session_value

log = logging.getLogger("refdb.web")

_STATUS_TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    409: "Changed by someone else",
    413: "Too large",
    429: "Too many attempts",
    404: "Not found",
    405: "Method not allowed",
    500: "Something went wrong",
}


def _status_for(exc: RefdbError) -> int:
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, TooManyAttempts):
        return 429
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, editing.TooLarge):
        return 413
    return 404 if isinstance(exc, NotFoundError) else 400


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message, "status": status}, status_code=status)
    title = _STATUS_TITLES.get(status, "Error")
    return page(request, "error.html", {"status": status, "title": title, "message": message}, status)


async def _refdb_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RefdbError)
    return _error(request, _status_for(exc), exc.message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "There is no page at this address.", 405: "This server only reads."}.get(
        exc.status_code, str(exc.detail)
    )
    return _error(request, exc.status_code, message)


async def _server_error(request: Request, exc: Exception) -> Response:
    # the traceback goes to the server's log, never to the client
    log.error("error serving %s", request.url.path, exc_info=exc)
    return _error(request, 500, "The server could not answer this request; the error is in its log.")


class TokenGate:
    """When REFDB_SERVE_TOKEN is set, every page needs it: a bearer header, or the login cookie."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            self.token is None
            or scope["type"] != "http"
            or path in ("/login", "/favicon.ico")
            or path.startswith("/static/")
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if authorised(request, self.token) or current_user(request) is not None:
            await self.app(scope, receive, send)
            return
        response: Response
        if path.startswith("/api/"):
            response = JSONResponse(
                {"error": "this server needs its access token (Authorization: Bearer ...)", "status": 401},
                status_code=401,
                headers={"www-authenticate": "Bearer"},
            )
        else:
            target = path + (
                "?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else ""
            )
            response = RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)
        await response(scope, receive, send)


def _safe_next(value: str | None) -> str:
    """Only a path on this server (never ``//elsewhere`` or ``https://...``)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


async def login(request: Request) -> Response:
    token = request.app.state.token
    next_url = _safe_next(request.query_params.get("next"))
    if request.app.state.write:
        return await _user_login(request, next_url)
    if token is None:
        return RedirectResponse(next_url, status_code=303)
    if request.method == "POST":
        body = (await request.body())[:10_000].decode("utf-8", "replace")
        form = parse_qs(body)
        given = (form.get("token") or [""])[0]
        next_url = _safe_next((form.get("next") or [next_url])[0])
        if hmac.compare_digest(given.encode(), token.encode()):
            response = RedirectResponse(next_url, status_code=303)
            response.set_cookie(COOKIE, session_value(token), httponly=True, samesite="strict", path="/")
            return response
        return page(request, "login.html", {"next": next_url, "failed": True}, 401)
    return page(request, "login.html", {"next": next_url, "failed": False})


async def _user_login(request: Request, next_url: str) -> Response:
    """Sign in with a name and password (``refdb user``), rate-limited per client and name."""
    from refdb.db import session_scope
    from refdb.services.users import verify

    context = {"next": next_url, "failed": False, "users": True, "token": request.app.state.token is not None}
    if request.method != "POST":
        return page(request, "login.html", context)
    body = (await request.body())[:10_000].decode("utf-8", "replace")
    form = {k: v[0] for k, v in parse_qs(body).items()}
    name, password = form.get("name", "")[:100], form.get("password", "")[:1000]
    next_url = _safe_next(form.get("next") or next_url)
    client = request.client.host if request.client else "?"
    limit: RateLimit = request.app.state.rate_limit
    limit.check(client, name)
    with session_scope(request.app.state.url) as session:
        role = verify(session, name, password) if name and password else None
    if role is None:
        limit.failed(client, name)
        return page(request, "login.html", {**context, "next": next_url, "failed": True}, 401)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(USER_COOKIE, session_cookie(request.app.state.secret, name, role), httponly=True,
                        samesite="strict", path="/", max_age=12 * 3600)  # fmt: skip
    return response


async def logout(request: Request) -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(USER_COOKIE, path="/")
    return response


async def home(request: Request) -> Response:
    return RedirectResponse("/claims", status_code=307)


class RefdbApp(Starlette):
    """Starlette with the security headers outermost, so error pages carry them too."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def create_app(url: str | None = None, token: str | None = None, write: bool | None = None) -> RefdbApp:
    """The app over the database at ``url`` (default: as the CLI finds it); ``token`` as configured;
    ``write``: editing on (default: ``REFDB_SERVE_WRITE=1``, which ``refdb serve --write`` sets)."""
    import os

    from refdb.config import database_url

    routes: list[Any] = [
        Route("/", home),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        *editing.routes,
        *history.routes,
        *claims.routes,
        *sources.routes,
        *people.routes,
        *search.routes,
        Mount("/api", routes=api.routes),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    token = token if token is not None else configured_token()
    app = RefdbApp(
        routes=routes,
        middleware=[Middleware(TokenGate, token=token)],
        exception_handlers={
            RefdbError: _refdb_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.state.url = database_url(url)
    app.state.token = token
    app.state.write = write if write is not None else os.environ.get("REFDB_SERVE_WRITE") == "1"
    app.state.secret = server_secret()
    app.state.rate_limit = RateLimit(app.state.url)
    return app
