"""The JSON API under /api/: the very records ``refdb ... --format json`` prints, from the same services.

``/api/claims`` pages (``?limit=``, at most 1000, and ``?after=KEY``; a ``Link: <...>; rel="next"``
header points at the next page); every other listing returns what the CLI returns.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from refdb.errors import UsageError
from refdb.vocab import CLAIM_KINDS
from refdb.web.base import read
from refdb.web.claims import _key, _param
from refdb.web.search import kinds_of

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def _int(request: Request, name: str, default: int, top: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= top:
        raise UsageError(f"{name} must be a whole number from 1 to {top}")
    return int(raw)


def _json(data: Any, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(data, headers=headers)


def claims(request: Request) -> Response:
    from refdb.services.queries import list_claims

    filters: dict[str, Any] = {name: _param(request, name) for name in ("source", "person", "tag", "kind")}
    if filters["kind"] is not None and filters["kind"] not in CLAIM_KINDS:
        raise UsageError(
            f"unknown claim kind '{filters['kind'][:40]}'; choose one of: {', '.join(CLAIM_KINDS)}"
        )
    filters["disputed"] = request.query_params.get("disputed") in ("1", "true", "on")
    limit = _int(request, "limit", DEFAULT_LIMIT, MAX_LIMIT)
    after = _param(request, "after")
    with read(request) as session:
        records = list_claims(session, **filters, after=after, limit=limit + 1)
    headers = {}
    if len(records) > limit:
        records = records[:limit]
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "after"]
        params.append(("after", records[-1]["key"]))
        headers["link"] = f'</api/claims?{urlencode(params)}>; rel="next"'
    return _json(records, headers)


def claim(request: Request) -> Response:
    from refdb.services.queries import claim_detail

    with read(request) as session:
        return _json(claim_detail(session, _key(request)))


def quotes(request: Request) -> Response:
    from refdb.services.queries import list_quotes

    with read(request) as session:
        return _json(
            list_quotes(
                session,
                speaker=_param(request, "speaker"),
                source=_param(request, "source"),
                claim=_param(request, "claim"),
            )
        )


def comments(request: Request) -> Response:
    from refdb.services.queries import list_comments

    with read(request) as session:
        return _json(list_comments(session, claim=_param(request, "claim")))


def sources(request: Request) -> Response:
    from refdb.services.queries import list_sources

    with read(request) as session:
        return _json(list_sources(session, match=_param(request, "match")))


def source(request: Request) -> Response:
    from refdb.services.browse import source_detail

    with read(request) as session:
        return _json(source_detail(session, _key(request)))


def people(request: Request) -> Response:
    from refdb.services.queries import list_people

    with read(request) as session:
        return _json(list_people(session, match=_param(request, "match")))


def person(request: Request) -> Response:
    from refdb.services.browse import person_detail

    with read(request) as session:
        return _json(person_detail(session, _key(request)))


def search(request: Request) -> Response:
    from refdb.services.search import search as run_search

    q = _param(request, "q")
    if not q:
        raise UsageError("give the search words as ?q=")
    kinds = kinds_of(request)
    limit = _int(request, "limit", 50, 10000)
    with read(request) as session:
        return _json(run_search(session, q, kinds=kinds, limit=limit))


async def not_found(request: Request) -> Response:
    return JSONResponse({"error": "no such API endpoint", "status": 404}, status_code=404)


routes = [
    Route("/claims", claims),
    Route("/claims/{key}", claim),
    Route("/quotes", quotes),
    Route("/comments", comments),
    Route("/sources", sources),
    Route("/sources/{key}", source),
    Route("/people", people),
    Route("/people/{key}", person),
    Route("/search", search),
    Route("/{rest:path}", not_found),
]
