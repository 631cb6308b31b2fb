"""Search across every kind the CLI searches, best match first, with the matched words marked."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from refdb.errors import RefdbError, UsageError
from refdb.web.base import page, read
from refdb.web.claims import _param

LIMIT = 100


def kinds_of(request: Request) -> list[str] | None:
    from refdb.services.search import KINDS

    kinds = [k for k in request.query_params.getlist("kind") if k]
    for kind in kinds:
        if kind not in KINDS:
            raise UsageError(f"unknown kind '{kind[:40]}'; choose from: {', '.join(KINDS)}")
    return kinds or None


def search_page(request: Request) -> Response:
    from refdb.services.search import KINDS, search

    error = None
    hits: list[dict[str, Any]] = []
    q = None
    kinds: list[str] | None = None
    try:
        q = _param(request, "q")
        kinds = kinds_of(request)
        if q:
            with read(request) as session:
                hits = search(session, q, kinds=kinds, limit=LIMIT)
    except RefdbError as exc:
        error = exc.message
    context = {
        "hits": hits,
        "q": q or "",
        "kinds": KINDS,
        "chosen": kinds or [],
        "error": error,
        "limit": LIMIT,
    }
    fragment = request.headers.get("x-refdb-fragment") == "results"
    return page(request, "search_results.html" if fragment else "search.html", context, 400 if error else 200)


routes = [Route("/search", search_page)]
