"""A record's history in the browser: every change, by whom and when, and the fields it changed; an
editor can undo a change from it, as ``refdb undo`` does (refused, with the reason, while a later
change to the same record stands)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from refdb.db import session_scope
from refdb.errors import NotFoundError, UsageError
from refdb.records import RECORDS
from refdb.web.auth import current_user, require_editor
from refdb.web.base import page, read
from refdb.web.claims import _key


def record_history(request: Request) -> Response:
    from refdb.services.history import list_history

    kind = request.path_params["kind"]
    if kind not in RECORDS:
        raise NotFoundError(f"unknown kind '{kind[:40]}'; choose one of: {', '.join(RECORDS)}")
    key = _key(request)
    from refdb.services.users import role_of

    user = current_user(request) if request.app.state.write else None
    with read(request) as session:
        entries = list_history(session, kind, key, limit=200)
        if user is not None and role_of(session, user.name) != "editor":
            user = None  # a reader is offered no undo
    rows = [{"change": e.change, "at": e.at, "actor": e.actor, "action": e.action, "what": e.what,
             "fields": e.fields(), "before": e.before or {}, "after": e.after or {}} for e in entries]  # fmt: skip
    return page(request, "history.html", {"kind": kind, "key": key, "rows": rows,
                                          "csrf": user.csrf if user else None})  # fmt: skip


async def undo_change(request: Request) -> Response:
    from refdb.services.undo import undo
    from refdb.web.editing import _form

    try:
        change = int(request.path_params["change"])
    except ValueError:
        raise UsageError("a change is a number (see the record's history)") from None
    form = await _form(request)
    user = require_editor(request, form)
    with session_scope(request.app.state.url, write=True) as session:
        session.info["actor"] = user.name
        session.info["action"] = f"browser: undo {change}"
        entries = undo(session, change)
    kind, key = form.get("kind", ""), form.get("key", "")
    if kind not in RECORDS or not key:
        kind, key = entries[0].kind, entries[0].key
    return RedirectResponse(f"/history/{kind}/{quote(key, safe='')}", status_code=303)


routes = [
    Route("/history/{kind}/{key}", record_history),
    Route("/history/undo/{change}", undo_change, methods=["POST"]),
]
