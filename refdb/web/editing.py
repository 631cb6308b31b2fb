"""Writes from the browser (``refdb serve --write``): annotate a passage of a source's text; add,
edit and remove every kind of record, with the form of its definition (``refdb.web.forms``).  Each form is one transaction through the authoring services, by a signed-in editor with the
form's CSRF token; the services' messages are shown beside the form, an edit based on an old version
gets the conflict page with both versions."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from refdb.db import session_scope
from refdb.errors import ConflictError, InputError, NotFoundError, RefdbError, UsageError
from refdb.records import KIND_OF, SECTION_OF
from refdb.web import forms
from refdb.web.auth import current_user, require_editor, signed_in_editor
from refdb.web.base import page
from refdb.web.claims import _key

MAX_FORM = 2_000_000  # a form's body, in bytes
MAX_UPLOAD = 50_000_000  # a source's form, with its text pasted or uploaded (a book's PDF)


class TooLarge(RefdbError):
    """A request body over the form's limit (HTTP 413): refused whole, never cut short."""

    exit_code = 1


async def _read_form(request: Request, limit: int) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """A posted form's fields (the first value of each) and its uploaded files (name, bytes), read
    up to ``limit`` bytes; a larger body is refused whole."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the form is larger than this server takes ({limit // 1_000_000 or 1} MB); nothing was saved")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the form is larger than this server takes ({limit // 1_000_000 or 1} MB); nothing was saved")
        chunks.append(chunk)
    body = b"".join(chunks)
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        request._body = body  # so Starlette's parser (python-multipart) reads it again
        fields: dict[str, str] = {}
        files: dict[str, tuple[str, bytes]] = {}
        async with request.form(max_files=1, max_fields=20_000, max_part_size=limit) as data:
            for name, value in data.multi_items():
                if isinstance(value, str):
                    fields.setdefault(name, value)
                else:
                    files[name] = (value.filename or "upload", await value.read())
        return fields, files
    text = body.decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True, max_num_fields=20_000).items()}, {}


async def _form(request: Request) -> dict[str, str]:
    return (await _read_form(request, MAX_FORM))[0]


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


# ------------------------------------------------------------------------------ every kind's form


def _kind(request: Request) -> str:
    kind = KIND_OF.get(str(request.path_params.get("section", "")))
    if kind is None:
        raise NotFoundError("There is no page at this address.")
    return kind


def record_url(kind: str, key: str) -> str:
    """The page that shows a record (a tag: the claims it tags)."""
    if kind == "tag":
        return "/claims?tag=" + quote(key, safe="")
    return f"/{SECTION_OF[kind]}/{quote(key, safe='')}"


def _current(session: Any, kind: str, key: str) -> tuple[dict[str, str], int]:
    from refdb.services import lookup, store
    from refdb.services.history import plain_record

    if kind == "source":
        key = lookup.source_key(session, key)
    plain = plain_record(session, kind, key)
    version = store.version_of(session, kind, key)
    if plain is None or version is None:
        raise NotFoundError(f"no {kind} with key '{key}'")
    return forms.values(kind, plain), version


def _form_page(request: Request, kind: str, key: str | None, values: dict[str, str], version: int | None,
               error: RefdbError | None = None, status: int = 200) -> Response:  # fmt: skip
    user = current_user(request)
    items = forms.form_of(kind)
    counts = {g.name: forms.rows(kind, values, g.name) for g in items if isinstance(g, forms.Group) and g.many}
    message = None
    where = None
    if error is not None:
        message = error.message
        if isinstance(error, InputError):
            where = forms.error_path(kind, error.location, error.field) or forms.path_naming(values, error.problem)
            message = (f"{error.location.split(': ', 1)[-1]}: " if error.location and ": " in error.location
                       else "") + (f"{error.field}: " if error.field else "") + error.problem  # fmt: skip
    action = f"/{SECTION_OF[kind]}/{quote(key, safe='')}/edit" if key else f"/new/{kind}"
    from refdb.services.authoring import key_choices

    with session_scope(request.app.state.url) as session:
        choices = {other: key_choices(session, other) for other in sorted(forms.referred_kinds(kind))}
    return page(request, "record_edit.html", {
        "kind": kind, "key": key, "values": forms.Values(values), "version": version, "items": items, "rows": counts,
        "error": message, "error_path": where, "csrf": user.csrf if user else "", "action": action,
        "back": record_url(kind, key) if key else f"/{SECTION_OF[kind] if kind != 'tag' else 'claims'}",
        "upload": kind == "source", "choices": choices}, status)  # fmt: skip


def _signed_in_or_login(request: Request) -> Response | None:
    """None when an editor is signed in; a redirect to sign in when nobody is; Forbidden otherwise."""
    if signed_in_editor(request) is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)
    return None


async def _posted_record(request: Request, kind: str) -> tuple[dict[str, str], dict[str, Any], Any]:
    """The form, the record it describes (with an uploaded text turned into the source's text), and
    the signed-in editor; Forbidden before anything else is read when the writer may not write."""
    limit = MAX_UPLOAD if kind == "source" else MAX_FORM
    form, files = await _read_form(request, limit)
    user = require_editor(request, form)
    plain = forms.record(kind, form)
    upload = files.get("text_upload")
    if kind == "source" and upload is not None and upload[1]:
        from refdb.formats.document import document_bytes_text

        name, data = upload
        try:
            plain["text"] = document_bytes_text(data, name)
        except InputError as exc:
            raise InputError(exc.problem, location=f"the uploaded file {name}", field="text") from None
    return form, plain, user


async def record_edit(request: Request) -> Response:
    """``/SECTION/KEY/edit``: the form of every field of a record; saving is one transaction through the
    authoring services (checked like a record of a file), refused with the conflict page when the record
    changed since the form was read."""
    from refdb.services import authoring

    kind, key = _kind(request), _key(request)
    if request.method == "GET":
        if (redirect := _signed_in_or_login(request)) is not None:
            return redirect
        with session_scope(request.app.state.url) as session:
            values, version = _current(session, kind, key)
        return _form_page(request, kind, key, values, version)
    form, plain, user = await _posted_record(request, kind)
    based_on = _int(form.get("version"))
    try:
        with session_scope(request.app.state.url, write=True) as session:
            session.info["actor"] = user.name
            session.info["action"] = f"browser: edit {kind} {key}"
            new_key = authoring.replace_record(session, kind, key, plain, version=based_on,
                                               fields=forms.present(kind, form) | set(plain))  # fmt: skip
    except ConflictError as exc:
        with session_scope(request.app.state.url) as session:
            theirs, now = _current(session, kind, key)
        mine = forms.values(kind, plain)
        if now == based_on:  # not a change by someone else: a key that is taken
            return _form_page(request, kind, key, mine, based_on, exc, 409)
        return page(request, "conflict.html", {
            "kind": kind, "key": key, "mine": mine, "theirs": theirs, "version": now, "message": exc.message,
            "changed": forms.changed(kind, theirs, mine), "csrf": user.csrf, "upload": kind == "source",
            "action": f"/{SECTION_OF[kind]}/{quote(key, safe='')}/edit"}, 409)  # fmt: skip
    except (InputError, UsageError) as exc:
        return _form_page(request, kind, key, forms.values(kind, plain), based_on, exc, 400)
    return RedirectResponse(record_url(kind, new_key), status_code=303)


async def record_new(request: Request) -> Response:
    """``/new/KIND``: the same form, empty (fields may be given in the query: ``?source=...``)."""
    from refdb.services import authoring

    kind = request.path_params["kind"]
    if kind not in SECTION_OF:
        raise NotFoundError(f"unknown kind '{str(kind)[:40]}'; choose one of: {', '.join(SECTION_OF)}")
    if request.method == "GET":
        if (redirect := _signed_in_or_login(request)) is not None:
            return redirect
        given = {k: v[:MAX_FORM] for k, v in request.query_params.items() if k != "csrf"}
        return _form_page(request, kind, None, given, None)
    _form, plain, user = await _posted_record(request, kind)
    try:
        with session_scope(request.app.state.url, write=True) as session:
            session.info["actor"] = user.name
            session.info["action"] = f"browser: add {kind}"
            if kind == "person":
                key = authoring.add_person(session, plain)
            else:
                if kind == "claim" and plain.get("tags"):
                    authoring.ensure_tags(session, list(plain["tags"]))
                key = authoring.add(session, kind, plain)
    except (InputError, UsageError, ConflictError, NotFoundError) as exc:
        return _form_page(request, kind, None, forms.values(kind, plain), None, exc,
                          409 if isinstance(exc, ConflictError) else 400)  # fmt: skip
    return RedirectResponse(record_url(kind, key), status_code=303)


async def record_delete(request: Request) -> Response:
    """``/SECTION/KEY/delete``: what removing the record would take with it, and a button; refused
    while others refer to it unless the editor asks for those to go too (as ``refdb rm --cascade``)."""
    from refdb.services import authoring

    kind, key = _kind(request), _key(request)
    if request.method == "GET":
        if (redirect := _signed_in_or_login(request)) is not None:
            return redirect
        with session_scope(request.app.state.url) as session:
            _values, version = _current(session, kind, key)
            found = authoring.dependents(session, kind, key)
        user = current_user(request)
        return page(request, "record_delete.html", {"kind": kind, "key": key, "version": version,
                    "dependents": found, "csrf": user.csrf if user else "", "error": None})  # fmt: skip
    form, _files = await _read_form(request, MAX_FORM)
    user = require_editor(request, form)
    based_on = _int(form.get("version"))
    try:
        with session_scope(request.app.state.url, write=True) as session:
            session.info["actor"] = user.name
            session.info["action"] = f"browser: rm {kind} {key}"
            authoring.remove(session, kind, key, cascade=form.get("cascade") == "1", version=based_on)
    except ConflictError as exc:
        with session_scope(request.app.state.url) as session:
            _values, now = _current(session, kind, key)
            found = authoring.dependents(session, kind, key)
        return page(request, "record_delete.html", {"kind": kind, "key": key, "version": now, "dependents": found,
                    "csrf": user.csrf, "error": exc.message}, 409)  # fmt: skip
    target = "/claims" if kind == "tag" else f"/{SECTION_OF[kind]}"
    return RedirectResponse(target, status_code=303)

routes = [
    Route("/sources/{key}/annotate", annotate, methods=["POST"]),
    Route("/new/{kind}", record_new, methods=["GET", "POST"]),
    Route("/{section}/{key}/edit", record_edit, methods=["GET", "POST"]),
    Route("/{section}/{key}/delete", record_delete, methods=["GET", "POST"]),
]
