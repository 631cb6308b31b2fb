"""Authoring commands: add, edit, rm, link, unlink, merge."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from refdb.cli.render import note
from refdb.vocab import CommentStance, NameKind, RecordKind, Relation, Stance

add_app = typer.Typer(
    help="Add a person, source, tag, claim, quote, comment or name variant.", no_args_is_help=True
)
link_app = typer.Typer(help="Link records: cite a claim to a source, attach quotes and comments, relate, tag.",
                       no_args_is_help=True)  # fmt: skip
unlink_app = typer.Typer(help="Remove a link made with 'refdb link'.", no_args_is_help=True)
merge_app = typer.Typer(help="Merge duplicate records.", no_args_is_help=True)


Key = Annotated[str | None, typer.Option("--key", help="The record's key (default: made from the content).")]
Note = Annotated[str | None, typer.Option("--note", help="A free-text note.")]
Curated = Annotated[
    list[str] | None,
    typer.Option(
        "--curated", help="FIELD=BASIS: mark a field as added by the curator, with the basis (repeatable)."
    ),
]


def _curated(items: list[str] | None) -> dict[str, str] | None:
    out = {}
    for item in items or []:
        field, sep, basis = item.partition("=")
        if not sep or not field.strip() or not basis.strip():
            from refdb.errors import UsageError

            raise UsageError(f"--curated takes FIELD=BASIS, not '{item}'")
        out[field.strip()] = basis.strip()
    return out or None


def _write(ctx: typer.Context, action: Any) -> Any:
    from refdb.db import session_scope

    with session_scope(ctx.obj, write=True) as session:
        return action(session)


def _added(kind: str, key: str) -> None:
    typer.echo(key)
    note(f"added {kind} '{key}'")


@add_app.command("person")
def add_person(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The name as written, 'Antony Beevor' or 'Beevor, Antony': family, given and particle are read from it unless given.")],
    key: Key = None,
    family: Annotated[str | None, typer.Option(help="Family name.")] = None,
    given: Annotated[str | None, typer.Option(help="Given name(s).")] = None,
    particle: Annotated[str | None, typer.Option(help="Name particle (van, de, von ...).")] = None,
    native: Annotated[str | None, typer.Option(help="The name in its own script, e.g. Cyrillic.")] = None,
    variant: Annotated[
        list[str] | None, typer.Option("--variant", help="Another spelling (repeatable).")
    ] = None,
    note_: Note = None,
    curated: Curated = None,
) -> None:
    """Add a person."""
    from refdb.services import authoring

    record = authoring.person_record(name, key=key, family=family, given=given, particle=particle, native=native,
                                     variants=[{"name": v} for v in variant or []], note=note_,
                                     curated=_curated(curated))  # fmt: skip
    _added("person", _write(ctx, lambda s: authoring.add_person(s, record)))


@add_app.command("source")
def add_source(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The full title, with subtitle.")],
    type_: Annotated[
        str, typer.Option("--type", help="CSL item type: book, chapter, article-journal, ...")
    ] = "book",
    key: Key = None,
    author: Annotated[
        list[str] | None,
        typer.Option(
            "--author",
            help="Author: a person key or name, 'Family, Given' (repeatable; new names are added as people).",
        ),
    ] = None,
    editor: Annotated[
        list[str] | None, typer.Option("--editor", help="Editor (repeatable), as --author.")
    ] = None,
    translator: Annotated[
        list[str] | None, typer.Option("--translator", help="Translator (repeatable), as --author.")
    ] = None,
    source_class: Annotated[
        str | None, typer.Option("--class", help="primary, secondary or tertiary.")
    ] = None,
    genre: Annotated[
        str | None, typer.Option(help="memoir, document, testimony, scholarship, essay, blog, comment ...")
    ] = None,
    short_title: Annotated[
        str | None, typer.Option("--short-title", help="Short title for short notes.")
    ] = None,
    container_title: Annotated[
        str | None, typer.Option("--container-title", help="Book, journal or site the work is in.")
    ] = None,
    publisher: Annotated[str | None, typer.Option(help="Publisher.")] = None,
    place: Annotated[str | None, typer.Option(help="Place of publication.")] = None,
    issued: Annotated[
        str | None,
        typer.Option(help="Date issued: YYYY, YYYY-MM, YYYY-MM-DD, a range 1942/1943, 1942~ or c. 1942 (circa), 1942? (uncertain), forthcoming, n.d."),
    ] = None,
    edition: Annotated[str | None, typer.Option(help="Edition.")] = None,
    volume: Annotated[str | None, typer.Option(help="Volume.")] = None,
    issue: Annotated[str | None, typer.Option(help="Issue.")] = None,
    pages: Annotated[str | None, typer.Option(help="Page range of a chapter or article.")] = None,
    url: Annotated[str | None, typer.Option(help="URL.")] = None,
    accessed: Annotated[str | None, typer.Option(help="When the URL was read: YYYY-MM-DD.")] = None,
    isbn: Annotated[str | None, typer.Option(help="ISBN.")] = None,
    issn: Annotated[str | None, typer.Option(help="ISSN of the journal or series.")] = None,
    doi: Annotated[str | None, typer.Option(help="DOI.")] = None,
    archive: Annotated[
        str | None, typer.Option(help="The archive holding the document (GARF, RGASPI ...).")
    ] = None,
    archive_place: Annotated[
        str | None, typer.Option("--archive-place", help="Where the archive is.")
    ] = None,
    archive_location: Annotated[
        str | None,
        typer.Option(
            "--archive-location",
            help="Its place in the archive as the archive writes it: f. 5446, op. 1, d. 12, l. 3.",
        ),
    ] = None,
    language: Annotated[str | None, typer.Option(help="Language code, e.g. en, ru.")] = None,
    abstract: Annotated[str | None, typer.Option(help="The work's abstract.")] = None,
    keywords: Annotated[str | None, typer.Option(help="Keywords, comma-separated.")] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option(
            "--alias",
            help="Another citation key that names the source, as a manuscript cites it (repeatable).",
        ),
    ] = None,
    text_file: Annotated[
        Path | None,
        typer.Option("--text-file", help="The source's full text (for anchors): UTF-8 text or Markdown, HTML or PDF."),
    ] = None,
    note_: Note = None,
    curated: Curated = None,
) -> None:
    """Add a source (a bibliographic work)."""
    from refdb.services import authoring

    text = None
    if text_file is not None:
        from refdb.formats.document import document_text

        text = document_text(text_file)

    def action(session: Any) -> str:
        contributors = [
            {"person": authoring.person_key_for(session, name), "role": role}
            for role, names in (("author", author), ("editor", editor), ("translator", translator))
            for name in names or []
        ]
        record = {
            "key": key, "type": type_, "class": source_class, "genre": genre, "title": title,
            "short_title": short_title, "container_title": container_title, "contributors": contributors,
            "publisher": publisher, "place": place, "issued": issued, "edition": edition, "volume": volume,
            "issue": issue, "pages": pages, "url": url, "accessed": accessed, "isbn": isbn, "issn": issn,
            "doi": doi, "archive": archive, "archive_place": archive_place, "archive_location": archive_location,
            "language": language, "abstract": abstract, "keywords": keywords, "note": note_,
            "aliases": alias or [], "text": text, "curated": _curated(curated),
        }  # fmt: skip
        return authoring.add(session, "source", record)

    _added("source", _write(ctx, action))


@add_app.command("tag")
def add_tag(
    ctx: typer.Context,
    label: Annotated[str, typer.Argument(help="The theme, e.g. 'Logistics'.")],
    key: Key = None,
    description: Annotated[str | None, typer.Option(help="What the theme covers.")] = None,
) -> None:
    """Add a theme tag."""
    from refdb.services import authoring

    record = {"key": key, "label": label, "description": description}
    _added("tag", _write(ctx, lambda s: authoring.add(s, "tag", record)))


@add_app.command("claim")
def add_claim(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The proposition, in one sentence.")],
    kind: Annotated[
        str, typer.Option("--kind", help="thesis, factor, factual, myth, interpretation or counter.")
    ] = "factual",
    key: Key = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="A theme tag key (repeatable; new ones are created, as 'refdb link tag' does)."),
    ] = None,
    about: Annotated[
        list[str] | None,
        typer.Option("--about", help="A person the claim is about: key or any name (repeatable)."),
    ] = None,
    note_: Note = None,
    curated: Curated = None,
) -> None:
    """Add a claim (cite it to sources with 'refdb link cite')."""
    from refdb.services import authoring

    def action(session: Any) -> str:
        subjects = [authoring.person_key_for(session, p, create=False) for p in about or []]
        created = authoring.ensure_tags(session, tag or [])
        if created:
            note(f"new tags: {', '.join(created)}")
        record = {"key": key, "text": text, "kind": kind, "tags": tag, "about": subjects, "note": note_,
                  "curated": _curated(curated)}  # fmt: skip
        return authoring.add(session, "claim", record)

    _added("claim", _write(ctx, action))


@add_app.command("quote")
def add_quote(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The words, verbatim, typography included.")],
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Who said it: a person key or any name.")
    ] = None,
    key: Key = None,
    origin: Annotated[
        str | None, typer.Option("--origin", help="Source key of the work the words originate in.")
    ] = None,
    origin_locator: Annotated[
        str | None, typer.Option("--origin-locator", help="Where in it, e.g. 213 or 213–14.")
    ] = None,
    origin_label: Annotated[
        str | None, typer.Option("--origin-label", help="Locator label, one of CSL's: page (default), paragraph, chapter, section, folio, line, note ...")
    ] = None,
    found_in: Annotated[
        str | None, typer.Option("--found-in", help="Source key of the work it was found in.")
    ] = None,
    found_locator: Annotated[str | None, typer.Option("--found-locator", help="Where in that work.")] = None,
    found_label: Annotated[
        str | None, typer.Option("--found-label", help="Locator label, one of CSL's: page (default), paragraph, chapter, section, folio, line, note ...")
    ] = None,
    prefix: Annotated[
        str | None,
        typer.Option(
            "--prefix", help="Text just before the quote in --found-in's text, to make the anchor unique."
        ),
    ] = None,
    suffix: Annotated[str | None, typer.Option("--suffix", help="Text just after it.")] = None,
    claim: Annotated[
        list[str] | None, typer.Option("--claim", help="A claim it is evidence for (repeatable).")
    ] = None,
    language: Annotated[str | None, typer.Option(help="Language code.")] = None,
    note_: Note = None,
    curated: Curated = None,
) -> None:
    """Add a quote; checked against the text of --found-in when the database holds that text."""
    from refdb.services import authoring

    def action(session: Any) -> str:
        def place(source: str | None, locator: str | None, label: str | None) -> dict[str, Any] | None:
            if source is None:
                return None
            return {
                k: v
                for k, v in (
                    ("source", source),
                    ("locator", locator),
                    ("label", label or ("page" if locator else None)),
                )
                if v
            }

        record = {
            "key": key, "text": text,
            "speaker": authoring.person_key_for(session, speaker, create=False) if speaker else None,
            "origin": place(origin, origin_locator, origin_label),
            "found_in": place(found_in, found_locator, found_label),
            "anchor": {k: v for k, v in (("prefix", prefix), ("suffix", suffix)) if v} or None,
            "claims": claim, "language": language, "note": note_, "curated": _curated(curated),
        }  # fmt: skip
        return authoring.add(session, "quote", record)

    _added("quote", _write(ctx, action))


@add_app.command("comment")
def add_comment(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The response, verbatim.")],
    answers: Annotated[str, typer.Option("--answers", help="Source key of the work it answers.")],
    key: Key = None,
    author: Annotated[
        str | None, typer.Option("--author", help="Who wrote it: a person key or name.")
    ] = None,
    author_label: Annotated[
        str | None, typer.Option("--author-label", help="For an unnamed author, e.g. 'anonymous reader'.")
    ] = None,
    date: Annotated[str | None, typer.Option(help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Its own bibliographic record (a source key), to cite it.")
    ] = None,
    disputes: Annotated[
        list[str] | None, typer.Option("--disputes", help="A claim it disputes (repeatable).")
    ] = None,
    note_: Note = None,
) -> None:
    """Add a counter-comment."""
    from refdb.services import authoring

    def action(session: Any) -> str:
        record = {
            "key": key, "text": text, "answers": answers,
            "author": authoring.person_key_for(session, author) if author else None,
            "author_label": author_label, "date": date, "source": source,
            "disputes": [{"claim": c, "stance": "disputes"} for c in disputes or []], "note": note_,
        }  # fmt: skip
        return authoring.add(session, "comment", record)

    _added("comment", _write(ctx, action))


@add_app.command("variant")
def add_variant(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="The person: key or any name.")],
    name: Annotated[str, typer.Argument(help="The other spelling.")],
    kind: Annotated[NameKind, typer.Option("--kind", help="What kind of variant.")] = "variant",
    scheme: Annotated[
        str | None, typer.Option(help="Transliteration scheme, e.g. ALA-LC, common English.")
    ] = None,
    note_: Note = None,
) -> None:
    """Add a name variant to a person; every lookup by person then accepts it."""
    from refdb.services import authoring

    def action(session: Any) -> str:
        key = authoring.person_key_for(session, person, create=False)
        authoring.add_variant(session, key, name, kind=kind, scheme=scheme, note=note_)
        return key

    key = _write(ctx, action)
    note(f"added the name '{name}' to person '{key}'")


def edit(
    ctx: typer.Context,
    kind: Annotated[RecordKind, typer.Argument(help="What to edit.")],
    key: Annotated[str, typer.Argument(help="Its key.")],
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="FIELD=VALUE (repeatable); key=NEW renames; lists comma-separated; curated.FIELD=BASIS.",
        ),
    ] = None,
    unset: Annotated[list[str] | None, typer.Option("--unset", help="FIELD to empty (repeatable).")] = None,
) -> None:
    """Change a record's fields, checked like a dataset file."""
    from refdb.errors import UsageError
    from refdb.services import authoring

    changes = {}
    for item in set_ or []:
        field, sep, value = item.partition("=")
        if not sep or not field.strip():
            raise UsageError(f"--set takes FIELD=VALUE, not '{item}'")
        changes[field.strip()] = value
    if not changes and not unset:
        raise UsageError("nothing to change: give --set FIELD=VALUE or --unset FIELD")
    new_key = _write(ctx, lambda s: authoring.edit(s, kind, key, changes, list(unset or [])))
    note(f"edited {kind} '{new_key}'")


def rm(
    ctx: typer.Context,
    kind: Annotated[RecordKind, typer.Argument(help="What to remove.")],
    key: Annotated[str, typer.Argument(help="Its key.")],
    cascade: Annotated[
        bool, typer.Option("--cascade", help="Also remove or unlink what refers to it.")
    ] = False,
) -> None:
    """Remove a record; refuses (and says what would go) when others refer to it, unless --cascade."""
    from refdb.services import authoring

    gone = _write(ctx, lambda s: authoring.remove(s, kind, key, cascade=cascade))
    # what --cascade did to what referred to it: a source's quotes and comments go with it; every other
    # record referring to the removed one stays, only its link is removed
    effect = "removed with it or unlinked" if kind == "source" else "unlinked (they stay)"
    note(f"removed {kind} '{key}'" + (f"; {effect}: {'; '.join(gone)}" if gone else ""))


@link_app.command("cite")
def link_cite(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim key.")],
    source: Annotated[str, typer.Argument(help="Source key.")],
    stance: Annotated[
        Stance, typer.Option("--stance", help="What the source does with the claim.")
    ] = "supports",
    locator: Annotated[str | None, typer.Option("--locator", "-l", help="Where: 159–62, 4 ...")] = None,
    label: Annotated[
        str | None, typer.Option("--label", help="Locator label, one of CSL's: page (default), paragraph, chapter, section, folio, line, note ...")
    ] = None,
    exact: Annotated[
        str | None,
        typer.Option("--exact", help="The passage in the source's text (checked when the text is held)."),
    ] = None,
    prefix: Annotated[str | None, typer.Option("--prefix", help="Text just before the passage.")] = None,
    suffix: Annotated[str | None, typer.Option("--suffix", help="Text just after the passage.")] = None,
    note_: Note = None,
) -> None:
    """Cite a claim to a source, with a stance and a locator."""
    from refdb.services import authoring

    _write(ctx, lambda s: authoring.link_citation(
        s, claim, source, stance=stance, locator=locator, label=label or ("page" if locator else None),
        exact=exact, prefix=prefix, suffix=suffix, note=note_))  # fmt: skip
    note(f"cited claim '{claim}' to '{source}' ({stance}" + (f", at {locator}" if locator else "") + ")")


@link_app.command("quote")
def link_quote(
    ctx: typer.Context,
    quote: Annotated[str, typer.Argument(help="Quote key.")],
    claim: Annotated[str, typer.Argument(help="Claim key it is evidence for.")],
) -> None:
    """Attach a quote to a claim as evidence."""
    from refdb.services import authoring

    _write(ctx, lambda s: authoring.link_quote(s, quote, claim))
    note(f"quote '{quote}' is evidence for claim '{claim}'")


@link_app.command("comment")
def link_comment(
    ctx: typer.Context,
    comment: Annotated[str, typer.Argument(help="Comment key.")],
    claim: Annotated[str, typer.Argument(help="Claim key.")],
    stance: Annotated[CommentStance, typer.Option("--stance", help="What the comment does.")] = "disputes",
    note_: Note = None,
) -> None:
    """Attach a counter-comment to a claim it disputes."""
    from refdb.services import authoring

    _write(ctx, lambda s: authoring.link_comment(s, comment, claim, stance=stance, note=note_))
    note(f"comment '{comment}' {stance} claim '{claim}'")


@link_app.command("relation")
def link_relation(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim key.")],
    relation: Annotated[Relation, typer.Argument(help="supports, refines or contradicts.")],
    other: Annotated[str, typer.Argument(help="The other claim's key.")],
    note_: Note = None,
) -> None:
    """Relate two claims: CLAIM supports|refines|contradicts OTHER."""
    from refdb.services import authoring

    _write(ctx, lambda s: authoring.link_relation(s, claim, other, relation=relation, note=note_))
    note(f"claim '{claim}' {relation} '{other}'")


@link_app.command("tag")
def link_tag(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim key.")],
    tags: Annotated[list[str], typer.Argument(help="Tag keys; new ones are created.")],
) -> None:
    """Tag a claim with themes."""
    from refdb.services import authoring

    created = _write(ctx, lambda s: authoring.link_tags(s, claim, tags))
    note(f"tagged claim '{claim}': {', '.join(tags)}" + (f" (new: {', '.join(created)})" if created else ""))


@unlink_app.command("cite")
def unlink_cite(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim key.")],
    source: Annotated[str, typer.Argument(help="Source key.")],
    locator: Annotated[
        str | None, typer.Option("--locator", "-l", help="Only the citation at this locator.")
    ] = None,
) -> None:
    """Remove a claim's citation of a source."""
    from refdb.services import authoring

    n = _write(ctx, lambda s: authoring.unlink_citation(s, claim, source, locator))
    note(f"removed {n} citation{'s' if n != 1 else ''} of '{source}' from claim '{claim}'")


@unlink_app.command("quote")
def unlink_quote(ctx: typer.Context, quote: Annotated[str, typer.Argument(help="Quote key.")],
                 claim: Annotated[str, typer.Argument(help="Claim key.")]) -> None:  # fmt: skip
    """Detach a quote from a claim."""
    from refdb.services import authoring

    _write(ctx, lambda s: authoring.link_quote(s, quote, claim, remove=True))
    note(f"quote '{quote}' is no longer linked to claim '{claim}'")


@unlink_app.command("comment")
def unlink_comment(ctx: typer.Context, comment: Annotated[str, typer.Argument(help="Comment key.")],
                   claim: Annotated[str, typer.Argument(help="Claim key.")]) -> None:  # fmt: skip
    """Detach a counter-comment from a claim."""
    from refdb.services import authoring

    _write(
        ctx, lambda s: authoring.link_comment(s, comment, claim, stance="disputes", note=None, remove=True)
    )
    note(f"comment '{comment}' is no longer linked to claim '{claim}'")


@unlink_app.command("relation")
def unlink_relation(ctx: typer.Context, claim: Annotated[str, typer.Argument(help="Claim key.")],
                    relation: Annotated[Relation, typer.Argument(help="supports, refines or contradicts.")],
                    other: Annotated[str, typer.Argument(help="The other claim's key.")]) -> None:  # fmt: skip
    """Remove a relation between two claims."""
    from refdb.services import authoring

    _write(
        ctx,
        lambda s: authoring.link_relation(s, claim, other, relation=relation, note=None, remove=True),
    )
    note(f"claim '{claim}' no longer {relation} '{other}'")


@unlink_app.command("tag")
def unlink_tag(ctx: typer.Context, claim: Annotated[str, typer.Argument(help="Claim key.")],
               tags: Annotated[list[str], typer.Argument(help="Tag keys.")]) -> None:  # fmt: skip
    """Remove theme tags from a claim."""
    from refdb.services import authoring

    _write(ctx, lambda s: authoring.link_tags(s, claim, tags, remove=True))
    note(f"untagged claim '{claim}': {', '.join(tags)}")


@merge_app.command("person")
def merge_person(
    ctx: typer.Context,
    duplicate: Annotated[str, typer.Argument(help="The person to merge away (key or any name).")],
    into: Annotated[str, typer.Argument(help="The person to keep (key or any name).")],
) -> None:
    """Merge a duplicate person into another: every link moves, the names become variants."""
    from refdb.services import authoring

    def action(session: Any) -> tuple[str, str, dict[str, int]]:
        a = authoring.person_key_for(session, duplicate, create=False)
        b = authoring.person_key_for(session, into, create=False)
        return a, b, authoring.merge_people(session, a, b)

    a, b, moved = _write(ctx, action)
    note(f"merged '{a}' into '{b}': " + ", ".join(f"{n} {what}" for what, n in moved.items()))
