"""Writes from the browser (``refdb serve --write``): annotate a passage of a source's text, edit a
claim.  Each form is one transaction through the authoring services, by a signed-in editor with the
form's CSRF token; the services' messages are shown beside the form, an edit based on an old version
gets the conflict page with both versions."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from refdb.db import session_scope
from refdb.errors import ConflictError, InputError
from refdb.web.auth import current_user, require_editor
from refdb.web.base import page
from refdb.web.claims import _key

MAX_FORM = 200_000


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body())[:MAX_FORM].decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        raise InputError("must be a whole number", field="version") from None


async def annotate(request: Request) -> Response:
    from refdb.services import annotate as ann

    source = _key(request)
    form = await _form(request)
    user = require_editor(request, form)
    action = form.get("action", "quote")
    exact = form.get("exact", "")
    start = _int(form.get("start"))
    with session_scope(request.app.state.url, write=True) as session:
        session.info["actor"] = user.name
        session.info["action"] = f"browser: {action} in {source}"
        if action == "quote":
            claims = [c.strip() for c in form.get("claims", "").split(",") if c.strip()]
            key = ann.make_quote(session, source, exact, start, speaker=form.get("speaker") or None,
                                 origin=form.get("origin") or None,
                                 origin_locator=form.get("origin_locator") or None, claims=claims)  # fmt: skip
            target = f"quote-{key}"
        elif action == "anchor":
            claim = form.get("claim", "").strip()
            if not claim:
                raise InputError("name the claim this passage states", field="claim")
            ann.anchor_claim(session, claim, source, exact, start, stance=form.get("stance") or "asserts")
            target = f"claim-{claim}"
        elif action == "claim":
            key = ann.new_claim(session, source, exact, start, text=form.get("text", "").strip() or exact,
                                kind=form.get("kind") or "factual", stance=form.get("stance") or "asserts")  # fmt: skip
            target = f"claim-{key}"
        else:
            raise InputError("choose quote, anchor or claim", field="action")
    return RedirectResponse(
        f"/sources/{quote(source, safe='')}/text#{quote(target, safe='')}", status_code=303
    )


def _claim_form(request: Request, key: str, values: dict[str, Any], version: int, error: str | None = None,
                status: int = 200) -> Response:  # fmt: skip
    user = current_user(request)
    return page(request, "claim_edit.html", {"key": key, "values": values, "version": version, "error": error,
                                             "csrf": user.csrf if user else ""}, status)  # fmt: skip


def _claim_values(session: Any, key: str) -> tuple[dict[str, Any], int]:
    from refdb.services import authoring, store

    rec = authoring.get(session, "claim", key)
    version = store.version_of(session, "claim", key)
    assert version is not None
    return {"text": rec.text, "kind": rec.kind, "note": rec.note or ""}, version


async def claim_edit(request: Request) -> Response:
    from refdb.services import authoring

    key = _key(request)
    if request.method == "GET":
        if current_user(request) is None:
            return RedirectResponse("/login?next=" + quote(f"/claims/{key}/edit", safe=""), status_code=303)
        with session_scope(request.app.state.url) as session:
            values, version = _claim_values(session, key)
        return _claim_form(request, key, values, version)
    form = await _form(request)
    user = require_editor(request, form)
    mine = {
        "text": form.get("text", "").strip(),
        "kind": form.get("kind", "").strip(),
        "note": form.get("note", "").strip(),
    }
    based_on = _int(form.get("version"))
    try:
        with session_scope(request.app.state.url, write=True) as session:
            session.info["actor"] = user.name
            session.info["action"] = f"browser: edit claim {key}"
            changes = {k: v for k, v in mine.items() if v}
            unset = [k for k, v in mine.items() if not v and k == "note"]
            authoring.edit(session, "claim", key, changes, unset, version=based_on)
    except ConflictError as exc:
        with session_scope(request.app.state.url) as session:
            theirs, now = _claim_values(session, key)
        return page(request, "conflict.html", {"key": key, "mine": mine, "theirs": theirs, "version": now,
                                               "message": exc.message, "csrf": user.csrf}, 409)  # fmt: skip
    except InputError as exc:
        return _claim_form(
            request, key, mine, based_on or 0, f"{exc.field + ': ' if exc.field else ''}{exc.problem}", 400
        )
    return RedirectResponse(f"/claims/{quote(key, safe='')}", status_code=303)


routes = [
    Route("/sources/{key}/annotate", annotate, methods=["POST"]),
    Route("/claims/{key}/edit", claim_edit, methods=["GET", "POST"]),
]
