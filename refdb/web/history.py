"""A record's history in the browser: every change, by whom and when, and the fields it changed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from refdb.errors import NotFoundError
from refdb.records import RECORDS
from refdb.web.base import page, read
from refdb.web.claims import _key


def record_history(request: Request) -> Response:
    from refdb.services.history import list_history

    kind = request.path_params["kind"]
    if kind not in RECORDS:
        raise NotFoundError(f"unknown kind '{kind[:40]}'; choose one of: {', '.join(RECORDS)}")
    key = _key(request)
    with read(request) as session:
        entries = list_history(session, kind, key, limit=200)
    rows = [{"change": e.change, "at": e.at, "actor": e.actor, "action": e.action, "what": e.what,
             "fields": e.fields(), "before": e.before or {}, "after": e.after or {}} for e in entries]  # fmt: skip
    return page(request, "history.html", {"kind": kind, "key": key, "rows": rows})


routes = [Route("/history/{kind}/{key}", record_history)]
