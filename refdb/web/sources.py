"""Sources: the list, one source's record, its reading view, and the downloads of a selection."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from refdb.db import session_scope
from refdb.errors import NotFoundError, RefdbError
from refdb.web.base import page, read
from refdb.web.claims import _key, _param

CHUNK = 64_000  # characters of a download sent at a time
# download name -> (refdb export format, media type, file suffix)
DOWNLOADS = {
    "bibtex": ("bibtex", "application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8", "ris"),
    "csljson": ("csljson", "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}


def sources_list(request: Request) -> Response:
    from refdb.services.queries import list_sources

    error = None
    records: list[dict[str, Any]] = []
    q = None
    try:
        q = _param(request, "q")
        with read(request) as session:
            records = list_sources(session, match=q)
    except RefdbError as exc:
        error = exc.message
    return page(
        request, "sources.html", {"records": records, "q": q or "", "error": error}, 400 if error else 200
    )


def source_page(request: Request) -> Response:
    from refdb.services.browse import source_detail

    with read(request) as session:
        source = source_detail(session, _key(request))
    groups: dict[str, list[dict[str, Any]]] = {}
    for claim in source["claims"]:
        groups.setdefault(claim["stance"], []).append(claim)
    return page(request, "source.html", {"source": source, "groups": groups})


def reading_page(request: Request) -> Response:
    """The source's text, paragraphs numbered, every anchored passage marked and linked to its record;
    the anchors that no longer match the text (as ``refdb check`` finds them) listed above it."""
    from refdb.formats.display import Mark, paragraphs, segments
    from refdb.services.browse import source_anchors, source_detail

    key = _key(request)
    with read(request) as session:
        source = source_detail(session, key)
        text, passages, stale = source_anchors(session, key)
    if text is None:
        raise NotFoundError(f"refdb holds no text of the source '{key}'")
    marks = [Mark(p["start"], p["end"], p["kind"], p["key"]) for p in passages]
    blocks = []
    for para in paragraphs(text):
        starting = [m for m in marks if para.start <= m.start < para.end]
        pieces = [
            {
                "text": piece.text,
                "marks": piece.marks,
                "starts": [m for m in starting if m.start == piece.start],
            }
            for piece in segments(text, para.start, para.end, marks)
        ]
        blocks.append({"number": para.number, "start": para.start, "pieces": pieces, "anchors": starting})
    from refdb.web.auth import current_user

    user = current_user(request)
    editor = user if user is not None and user.role == "editor" and request.app.state.write else None
    from refdb.vocab import STANCES  # a citation's stances: the annotate form offers these alone

    return page(request, "reading.html", {"source": source, "blocks": blocks, "count": len(marks), "editor": editor,
                                          "stale": stale, "stances": STANCES})  # fmt: skip


def download(request: Request) -> Response:
    """The selected sources (``?source=``, ``?claim=``, ``?tag=``; default all) in an interchange format."""
    from refdb.formats import exporter
    from refdb.services.citations import iter_items, select_sources

    name = request.path_params["fmt"]
    if name not in DOWNLOADS:
        raise NotFoundError(f"unknown download format '{name[:40]}'; choose one of: {', '.join(DOWNLOADS)}")
    fmt, media_type, suffix = DOWNLOADS[name]
    selection = {k: _param(request, k) for k in ("source", "claim", "tag")}
    with read(request) as session:
        ids = select_sources(session, **selection)  # a selection that matches nothing is an error page
    url = request.app.state.url

    def body() -> Iterator[bytes]:
        """The file, written as it is read (in one read transaction), in pieces of about 64 kB."""
        with session_scope(url) as session:
            pending: list[str] = []
            size = 0
            for chunk in exporter(fmt).dumps(iter_items(session, ids)):
                pending.append(chunk)
                size += len(chunk)
                if size >= CHUNK:
                    yield "".join(pending).encode()
                    pending, size = [], 0
            if pending:
                yield "".join(pending).encode()

    stem = next((v for v in selection.values() if v), "refdb")
    filename = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in stem)[:80] + "." + suffix
    return StreamingResponse(
        body(), media_type=media_type, headers={"content-disposition": f'attachment; filename="{filename}"'}
    )


routes = [
    Route("/sources", sources_list),
    Route("/sources/{key}", source_page),
    Route("/sources/{key}/text", reading_page),
    Route("/export/{fmt}", download),
]
