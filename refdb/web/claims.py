"""Claims: the filtered, paged list (with search as you type) and one claim's page; quotes and comments."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from refdb.errors import RefdbError, UsageError
from refdb.vocab import CLAIM_KINDS
from refdb.web.base import page, read

PAGE_SIZE = 50
SEARCH_LIMIT = 100  # a search in the list shows its best matches, ranked
SORTS = {"key": "key, A–Z", "-key": "key, Z–A", "relevance": "best match (with a search)"}
FILTERS = ("source", "person", "tag", "kind")
MAX_PARAM = 1000

# the styles offered on a claim's page (any official id works through ?style=)
STYLES: dict[str, str] = {
    "chicago-notes-bibliography": "Chicago, notes and bibliography (18th ed.)",
    "chicago-notes-bibliography-17th-edition": "Chicago, notes and bibliography (17th ed.)",
    "chicago-shortened-notes-bibliography": "Chicago, shortened notes",
    "modern-language-association": "MLA (9th ed.)",
    "apa": "APA (7th ed.)",
    "harvard-cite-them-right": "Harvard (Cite Them Right)",
    "mhra-notes": "MHRA, notes",
    "oscola": "OSCOLA",
    "ieee": "IEEE",
}
DEFAULT_STYLE = "chicago-notes-bibliography"


def _param(request: Request, name: str) -> str | None:
    value = request.query_params.get(name, "").strip()
    if len(value) > MAX_PARAM:
        raise UsageError(f"{name} is {len(value)} characters long; at most {MAX_PARAM} are accepted")
    if "\x00" in value:
        raise UsageError(f"{name} contains a NUL character")
    return value or None


def _key(request: Request) -> str:
    """The record key in the path; one no record can have is refused before it reaches the database."""
    key = str(request.path_params["key"])
    if "\x00" in key or len(key) > MAX_PARAM:
        raise UsageError("that is not a record key")
    return key


def claims_list(request: Request) -> Response:
    from refdb.services.browse import list_tags
    from refdb.services.queries import list_claims
    from refdb.services.search import search

    error: RefdbError | None = None
    records: list[dict[str, Any]] = []
    snippets: dict[str, str] = {}
    next_after: str | None = None
    tags: list[dict[str, Any]] = []
    filters: dict[str, Any] = dict.fromkeys(FILTERS) | {"disputed": False}
    q = sort = after = None
    try:
        for name in FILTERS:
            filters[name] = _param(request, name)
        filters["disputed"] = request.query_params.get("disputed") in ("1", "on", "true")
        q, after = _param(request, "q"), _param(request, "after")
        sort = _param(request, "sort") or ("relevance" if q else "key")
        if sort not in SORTS:
            raise UsageError(f"unknown sort '{sort}'; choose one of: {', '.join(SORTS)}")
        if filters["kind"] is not None and filters["kind"] not in CLAIM_KINDS:
            raise UsageError(
                f"unknown claim kind '{filters['kind']}'; choose one of: {', '.join(CLAIM_KINDS)}"
            )
        with read(request) as session:
            tags = list_tags(session)
            if q:
                hits = search(session, q, kinds=["claim"], limit=SEARCH_LIMIT)
                snippets = {h["key"]: h["snippet"] for h in hits}
                records = list_claims(session, **filters, keys=list(snippets))
                if sort == "relevance":
                    rank = {key: i for i, key in enumerate(snippets)}
                    records.sort(key=lambda r: rank[r["key"]])
                elif sort == "-key":
                    records.reverse()
            else:
                records = list_claims(
                    session, **filters, after=after, limit=PAGE_SIZE + 1, descending=sort == "-key"
                )
                if len(records) > PAGE_SIZE:
                    records = records[:PAGE_SIZE]
                    next_after = records[-1]["key"]
    except RefdbError as exc:
        error, records = exc, []
    params = {
        **{k: v for k, v in filters.items() if v},
        "q": q,
        "sort": None if sort in (None, "key") else sort,
    }
    context = {
        "records": records,
        "snippets": snippets,
        "filters": filters,
        "q": q or "",
        "sort": sort or "key",
        "sorts": SORTS,
        "kinds": CLAIM_KINDS,
        "tags": tags,
        "after": after,
        "next_after": next_after,
        "params": params,
        "error": error.message if error else None,
        "search_limit": SEARCH_LIMIT,
    }
    status = 200 if error is None else (404 if error.exit_code == 3 else 400)
    fragment = request.headers.get("x-refdb-fragment") == "results"
    return page(request, "claims_results.html" if fragment else "claims.html", context, status)


@lru_cache(maxsize=512)
def _rendered(job: str) -> tuple[list[str], list[str]]:
    """Notes and bibliography, as safe inline HTML: the same items render the same, so they are kept."""
    from refdb.engines.citeproc import CiteRequest, render
    from refdb.formats.display import inline_html

    data = json.loads(job)
    requests = [CiteRequest(id=k, locator=loc, label=label or "page") for k, loc, label in data["cites"]]
    out = render(data["items"], requests, style=data["style"], output="html")
    return [inline_html(n) for n in out.notes], [inline_html(b) for b in out.bibliography]


@lru_cache(maxsize=256)
def _map_svg(dot: str, nodes: int) -> str:
    """The map drawn as inline SVG: the same graph draws the same, so a drawing is kept (Graphviz
    takes tens of milliseconds; building the DOT from the database is what changes with the data)."""
    from refdb.engines.graphviz import render

    svg = render(dot, "svg", nodes=nodes).decode("utf-8")
    start = svg.find("<svg")  # inline: without the XML declaration and doctype
    return svg[start:] if start >= 0 else svg


def claim_page(request: Request) -> Response:
    from refdb.services.citations import claim_citations
    from refdb.services.queries import claim_detail

    key = _key(request)
    style = _param(request, "style") or DEFAULT_STYLE
    if style not in STYLES:
        raise UsageError(f"unknown citation style '{style[:80]}'; choose one of: {', '.join(STYLES)}")
    from refdb.formats import argmap
    from refdb.services.argument_map import argument_map

    with read(request) as session:
        detail = claim_detail(session, key)
        items, cites = claim_citations(session, key)
        graph = argmap.build(argument_map(session, claims=[key], tags=[], sources=[], depth=1))
    notes: list[str] = []
    bibliography: list[str] = []
    if cites:
        job = json.dumps({"items": items, "cites": cites, "style": style}, ensure_ascii=False, sort_keys=True)
        notes, bibliography = _rendered(job)
    groups: dict[str, list[dict[str, Any]]] = {}
    for citation in detail["citations"]:
        groups.setdefault(citation["stance"], []).append(citation)
    context = {
        "claim": detail,
        "groups": groups,
        "notes": notes,
        "bibliography": bibliography,
        "style": style,
        "styles": STYLES,
        # the claim's argument map (depth 1), its nodes linked to their pages; markup Graphviz drew from
        # escaped labels (tests/engines/test_graphviz.py: no script, no event attribute whatever the data)
        "argument_map": _map_svg(argmap.to_dot(graph, link_base="/"), len(graph.nodes)) if not graph.empty else None,
    }
    return page(request, "claim.html", context)


def quote_page(request: Request) -> Response:
    from refdb.services.browse import quote_detail, source_has_text

    with read(request) as session:
        quote = quote_detail(session, _key(request))
        found = quote["found_in"]
        in_text = bool(found and source_has_text(session, found["source"]))
    return page(request, "quote.html", {"quote": quote, "in_text": in_text})


def comment_page(request: Request) -> Response:
    from refdb.services.browse import comment_detail

    with read(request) as session:
        comment = comment_detail(session, _key(request))
    return page(request, "comment.html", {"comment": comment})


routes = [
    Route("/claims", claims_list),
    Route("/claims/{key}", claim_page),
    Route("/quotes/{key}", quote_page),
    Route("/comments/{key}", comment_page),
]
