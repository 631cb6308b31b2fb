"""People: the list (any recorded name finds them) and one person's page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from refdb.errors import RefdbError
from refdb.web.base import page, read
from refdb.web.claims import _key, _param


def people_list(request: Request) -> Response:
    """``?q=`` any name variant; ``&go=1`` opens the person's page when exactly one matches."""
    from refdb.services.queries import list_people

    error = None
    records: list[dict[str, Any]] = []
    q = None
    try:
        q = _param(request, "q")
        with read(request) as session:
            records = list_people(session, match=q)
    except RefdbError as exc:
        error = exc.message
    if q and len(records) == 1 and request.query_params.get("go") == "1":
        return RedirectResponse(f"/people/{records[0]['key']}", status_code=303)
    return page(
        request, "people.html", {"records": records, "q": q or "", "error": error}, 400 if error else 200
    )


def person_page(request: Request) -> Response:
    from refdb.services.browse import person_detail

    with read(request) as session:
        person = person_detail(session, _key(request))
    return page(request, "person.html", {"person": person})


routes = [Route("/people", people_list), Route("/people/{key}", person_page)]
