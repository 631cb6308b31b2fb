"""Signing in and writing: user sessions in signed cookies, CSRF tokens, the login rate limit.

``refdb serve --write`` turns editing on.  A user signs in with name and password (``refdb user``);
the cookie holds the name, the role, the session's CSRF token and an expiry, signed with HMAC-SHA256
under the server's secret (``REFDB_SERVE_SECRET``; ``refdb serve`` makes one for its workers when it
is not set), HttpOnly and SameSite=Strict.  Every write needs a signed-in editor (the role is read
again from the database on every write) and the form's CSRF token, equal to the session's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass

from starlette.requests import Request

from refdb.errors import RefdbError

USER_COOKIE = "refdb_user"
ENV_SECRET = "REFDB_SERVE_SECRET"
SESSION_SECONDS = 12 * 3600
ATTEMPTS = 5  # failed sign-ins per client and name ...
WINDOW = 60.0  # ... within this many seconds, before the next is refused


class Forbidden(RefdbError):
    """A write without a signed-in editor or without the form's CSRF token (HTTP 403)."""

    exit_code = 1


class TooManyAttempts(RefdbError):
    exit_code = 1


@dataclass(frozen=True)
class WebUser:
    name: str
    role: str
    csrf: str


def server_secret() -> str:
    secret = os.environ.get(ENV_SECRET)
    if not secret:
        secret = os.environ[ENV_SECRET] = secrets.token_hex(32)
    return secret


def _sign(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def session_cookie(secret: str, name: str, role: str) -> str:
    payload = json.dumps({"u": name, "r": role, "c": secrets.token_urlsafe(24),
                          "e": int(time.time()) + SESSION_SECONDS}).encode()  # fmt: skip
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_sign(secret, payload)}"


def current_user(request: Request) -> WebUser | None:
    """The signed-in user, when the cookie is one this server signed and has not expired."""
    secret: str | None = getattr(request.app.state, "secret", None)
    value = request.cookies.get(USER_COOKIE, "")
    if not secret or "." not in value or len(value) > 2000:
        return None
    body, signature = value.rsplit(".", 1)
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        return None
    if not hmac.compare_digest(signature.encode(), _sign(secret, payload).encode()):
        return None
    try:
        data = json.loads(payload)
        if int(data["e"]) < time.time():
            return None
        return WebUser(str(data["u"]), str(data["r"]), str(data["c"]))
    except (ValueError, KeyError, TypeError):
        return None


class RateLimit:
    """Failed sign-ins per (client, name), counted in the database, so every worker of ``refdb serve``
    (and every server of one database) counts the same attempts."""

    def __init__(self, url: str) -> None:
        self.url = url

    def check(self, client: str, name: str) -> None:
        from refdb.db import session_scope
        from refdb.services.users import recent_failures

        now = time.time()
        with session_scope(self.url) as session:
            recent = recent_failures(session, client, name, now - WINDOW)
        if len(recent) >= ATTEMPTS:
            raise TooManyAttempts(f"too many failed sign-ins; wait {int(WINDOW - (now - recent[0])) + 1} s")

    def failed(self, client: str, name: str) -> None:
        from refdb.db import session_scope
        from refdb.services.users import record_failure

        now = time.time()
        with session_scope(self.url, write=True) as session:
            record_failure(session, client, name, now, now - WINDOW)


def signed_in_editor(request: Request) -> WebUser | None:
    """The signed-in user when they may edit now (the role read again from the database); None when
    nobody is signed in; Forbidden when editing is off or the user is not an editor."""
    from refdb.db import session_scope
    from refdb.services.users import role_of

    if not getattr(request.app.state, "write", False):
        raise Forbidden("this server only reads (start it with 'refdb serve --write' to edit)")
    user = current_user(request)
    if user is None:
        return None
    with session_scope(request.app.state.url) as session:
        role = role_of(session, user.name)
    if role != "editor":
        raise Forbidden(f"'{user.name}' may read but not edit (role: {role or 'removed'})")
    return user


def require_editor(request: Request, form: dict[str, str]) -> WebUser:
    """The signed-in editor making this write, with the form's CSRF token, or Forbidden (nothing is written)."""
    user = signed_in_editor(request)
    if user is None:
        raise Forbidden("sign in as an editor to change anything")
    given = form.get("csrf", "") or request.headers.get("x-csrf-token", "")
    if not given or not hmac.compare_digest(given.encode(), user.csrf.encode()):
        raise Forbidden("the form's security token is missing or stale; reload the page and try again")
    return user
