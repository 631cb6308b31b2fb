"""What every page shares: the read transaction, the templates, the security headers, the token check.

The web layer sits where ``refdb.cli`` sits: above the services, with no SQL and no formatting
rules of its own (``refdb.formats.display`` has those).  Every request is one read transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from refdb.db import session_scope
from refdb.formats.display import locator_text, safe_url, snippet_parts

HERE = Path(__file__).parent
ENV_TOKEN = "REFDB_SERVE_TOKEN"
COOKIE = "refdb_session"

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

STANCE_TONE = {
    "asserts": "support", "supports": "support", "reports": "neutral", "refines": "neutral",
    "qualifies": "neutral", "rejects": "oppose", "disputes": "oppose", "contradicts": "oppose",
}  # fmt: skip


def _query(params: dict[str, Any], **changes: Any) -> str:
    """A query string from the current parameters with some changed (None removes one)."""
    merged = {**params, **changes}
    pairs = [(k, "1" if v is True else v) for k, v in merged.items() if v not in (None, "", False)]
    return "?" + urlencode(pairs, doseq=True) if pairs else ""


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["locator"] = lambda c: locator_text(c.get("label"), c.get("locator")) if c else ""
    env.filters["safe_url"] = safe_url
    env.filters["snippet"] = snippet_parts
    env.filters["tone"] = lambda stance: STANCE_TONE.get(stance or "", "neutral")
    env.globals["query"] = _query
    return env


templates = Jinja2Templates(env=_environment())


def may_edit(request: Request) -> bool:
    """Whether to offer edit links: editing is on and the visitor is not signed in as a reader (each
    write checks the role again, in the database)."""
    from refdb.web.auth import current_user

    if not getattr(request.app.state, "write", False):
        return False
    user = current_user(request)
    return user is None or user.role == "editor"


templates.env.globals["may_edit"] = may_edit


def page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


@contextmanager
def read(request: Request) -> Iterator[Any]:
    """One read transaction for this request."""
    with session_scope(request.app.state.url) as session:
        yield session


# --- the access token ---------------------------------------------------------------------------------


def session_value(token: str) -> str:
    """What the login cookie holds: a keyed hash of the token, so the cookie never carries the token."""
    return hmac.new(token.encode(), b"refdb serve session", hashlib.sha256).hexdigest()


def authorised(request: Request, token: str) -> bool:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return hmac.compare_digest(header[7:].strip().encode(), token.encode())
    cookie = request.cookies.get(COOKIE, "")
    return hmac.compare_digest(cookie.encode(), session_value(token).encode())


def configured_token() -> str | None:
    return os.environ.get(ENV_TOKEN) or None


class SecurityHeaders:
    """Adds the Content-Security-Policy and the other protective headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OWN]
                message["headers"] = headers + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)


_OWN = {name for name, _ in SECURITY_HEADERS}
