"""Authoring: add, edit, link, remove and merge records, one command = one transaction.

Every write goes through the one writer (``services.store``) after the dataset reader, so a record added from the
command line is checked exactly like one loaded from a file: types, allowed values, references
and anchors.  Keys are generated from the content when not given: stable and unique.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from refdb import records
from refdb.errors import ConflictError, InputError, NotFoundError, UsageError
from refdb.formats import dataset as fmt
from refdb.models import (
    KEYED,
    Citation,
    Claim,
    ClaimRelation,
    ClaimSubject,
    ClaimTag,
    Comment,
    CommentClaim,
    Contributor,
    Curation,
    Person,
    PersonName,
    Quote,
    QuoteClaim,
    Source,
)
from refdb.records import ClaimRec, CommentRec, DisputeRec, NameRec, PersonRec, QuoteRec, RelationRec
from refdb.services import history, lookup, store
from refdb.services.dataset import export_dataset
from refdb.textnorm import slugify

MODELS: dict[str, Any] = dict(KEYED)
KINDS = tuple(MODELS)


def _model(kind: str) -> Any:
    if kind not in MODELS:
        raise UsageError(f"unknown kind '{kind}'; choose one of: {', '.join(KINDS)}")
    return MODELS[kind]


def key_choices(session: Session, kind: str, limit: int = 2000) -> list[tuple[str, str]]:
    """Keys of a kind with a few words that say which record each is (a form's choices), by key."""
    model = _model(kind)
    label = {"person": Person.display_name, "source": Source.title, "claim": Claim.text}.get(kind, model.key)
    rows = session.execute(select(model.key, label).order_by(model.key).limit(limit))
    return [(key, (text or "")[:80]) for key, text in rows]


def exists(session: Session, kind: str, key: str) -> bool:
    model = _model(kind)
    return session.scalar(select(func.count()).select_from(model).where(model.key == key)) != 0


def unique_key(session: Session, kind: str, base: str) -> str:
    """``base``, or ``base-2``, ``base-3`` ... the first that no record of the kind has."""
    base = base[:190].strip("-") or kind
    model = _model(kind)
    taken = set(session.scalars(select(model.key).where(model.key.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def suggest_key(session: Session, kind: str, record: dict[str, Any]) -> str:
    """A readable key from the record's content."""
    if kind == "person":
        base = slugify(" ".join(filter(None, [record.get("family") or record["name"], record.get("given")])))
    elif kind == "source":
        who = ""
        for c in record.get("contributors") or []:
            person = session.scalar(select(Person).where(Person.key == c["person"]))
            if person is not None:
                who = person.family or person.display_name
                break
        base = slugify(f"{who} {record.get('short_title') or record['title']}", max_words=5)
    elif kind == "tag":
        base = slugify(record["label"], max_words=3)
    elif kind in ("quote", "comment"):
        who_key = record.get("speaker") or record.get("author")
        who = ""
        if who_key:
            person = session.scalar(select(Person).where(Person.key == who_key))
            who = (person.family or person.display_name) if person else ""
        base = slugify(f"{who} {record['text']}", max_words=5)
    else:
        base = slugify(record["text"], max_words=6)
    return unique_key(session, kind, base)


def add(session: Session, kind: str, record: dict[str, Any]) -> str:
    """Add one record given as a dataset-format mapping; refuses an existing key."""
    record = {k: v for k, v in record.items() if v not in (None, [], {})}
    if not record.get("key"):
        record["key"] = suggest_key(session, kind, record)
    elif exists(session, kind, record["key"]):
        raise ConflictError(
            f"a {kind} with key '{record['key']}' exists; change it with 'refdb edit {kind} {record['key']}'"
        )
    _resolve_sources(session, kind, record)
    rec = fmt.parse_record(kind, record, source_name=f"add {kind}")
    history.touch(session, kind, rec.key, f"add {kind} {rec.key}")
    _load(session, kind, rec)
    return str(rec.key)


def _resolve_sources(session: Session, kind: str, record: dict[str, Any]) -> None:
    """The source keys a new quote or comment refers to, with aliases (``GARF:5446``) resolved."""
    if kind == "quote":
        for place in ("origin", "found_in"):
            if isinstance(record.get(place), dict) and record[place].get("source"):
                record[place] = {
                    **record[place],
                    "source": lookup.source_key(session, record[place]["source"]),
                }
    elif kind == "comment":
        for name in ("answers", "source"):
            if isinstance(record.get(name), str):
                record[name] = lookup.source_key(session, record[name])


def _load(session: Session, kind: str, rec: Any, version: int | None = None) -> None:
    """Write the record through the one writer; ``version``: the version it must still be at."""
    store.write_records(session, kind, [rec], {(kind, rec.key): version} if version is not None else None)


def _begin(session: Session, kind: str, key: str, action: str, version: int | None = None) -> int:
    """Before a read-modify-write of one record: note it for the history, and return the version the
    write must find (the caller's, from a form, or the one read now), so that no edit is lost."""
    current = store.version_of(session, kind, key, lock=True)  # concurrent editors of it wait their turn
    if current is None:
        raise NotFoundError(f"no {kind} with key '{key}'")
    if version is not None and version != current:
        raise ConflictError(
            f"{kind} '{key}' was changed by someone else: your edit was based on version {version}, "
            f"it is at version {current} now; nothing was saved"
        )
    history.touch(session, kind, key, action)
    return current


def _replace(rec: Any, loc: str | None = None, **changes: Any) -> Any:
    """A copy of a record with some fields changed (and, when given, where the change comes from),
    checked by the definition's rules."""
    where = loc if loc is not None else rec.loc
    try:
        copy = msgspec.structs.replace(rec, **changes)
    except ValueError as exc:
        match = re.match(r"^field '([^']+)': (.*)$", str(exc), re.S)
        what = f"{where}: {type(rec).__name__.removesuffix('Rec').lower()} {rec.key}"
        if match:
            raise InputError(match.group(2), location=what, field=match.group(1)) from None
        raise InputError(str(exc), location=what) from None
    copy.loc = where
    return copy


def _located(rec: Any, loc: str) -> Any:
    rec.loc = loc
    return rec


def get(session: Session, kind: str, key: str) -> Any:
    _model(kind)
    if kind == "source":  # a source's alias names it too
        key = lookup.source_key(session, key)
    found = getattr(export_dataset(session, only=(kind, key)), records.SECTION_OF[kind])
    if not found:
        raise NotFoundError(f"no {kind} with key '{key}'")
    return found[0]


def _plain(kind: str, rec: Any) -> dict[str, Any]:
    section = records.SECTION_OF[kind]
    data = fmt.to_plain(records.Dataset(**{section: [rec]}))  # type: ignore[arg-type]
    plain: dict[str, Any] = data[section][0]
    if kind == "source" and rec.text is not None:
        plain["text"] = rec.text
    return plain


def edit(session: Session, kind: str, key: str, changes: dict[str, str], unset: list[str],
         *, version: int | None = None) -> str:  # fmt: skip
    """Change fields (``--set FIELD=VALUE``, ``--unset FIELD``); ``key`` renames the record.
    ``version``: the version the edit is based on (refused with a ConflictError when it is older)."""
    _model(kind)
    if kind == "source":
        key = lookup.source_key(session, key)
    version = _begin(session, kind, key, f"edit {kind} {key}", version)
    rec = get(session, kind, key)
    plain = _plain(kind, rec)
    known = records.editable_fields(kind)
    for name in [*changes, *unset]:
        base = name.split(".", 1)[0]
        if base in records.nested_fields(kind):
            raise UsageError(
                f"'{name}' is not set with edit; use the 'refdb link' commands or 'refdb add variant'"
            )
        if base not in known and base != "curated":
            raise UsageError(f"a {kind} has no field '{name}'; the fields are: {', '.join(sorted(known))}")
    for name in unset:
        if name == "key" or name in records.required_fields(kind):
            raise UsageError(f"'{name}' is required for a {kind} and cannot be unset")
        if name.startswith("curated."):
            plain.get("curated", {}).pop(name.split(".", 1)[1], None)
        else:
            plain.pop(name, None)
    new_key = changes.pop("key", None)
    for name, value in changes.items():
        if name.startswith("curated."):
            plain.setdefault("curated", {})[name.split(".", 1)[1]] = value
        elif name in records.key_list_fields(kind):
            plain[name] = [v.strip() for v in value.split(",") if v.strip()]
        else:
            plain[name] = value
    if new_key is not None:
        plain["key"] = new_key
    return _put(session, kind, key, plain, version)


def replace_record(session: Session, kind: str, key: str, plain: dict[str, Any], *,
                   version: int | None = None, fields: set[str] | None = None) -> str:  # fmt: skip
    """Put a record, in its dataset form, in place of the one at ``key`` (a browser form); another
    ``plain["key"]`` renames it.  ``fields``: the fields ``plain`` speaks for (default: all; a field
    it speaks for but lacks is unset, the others are kept as they are).  Checked like a record of a
    file; unknown tags of a claim are created as ``refdb link tag`` creates them; ``version`` as for
    :func:`edit`.  Returns the record's key."""
    _model(kind)
    if kind == "source":
        key = lookup.source_key(session, key)
    version = _begin(session, kind, key, f"edit {kind} {key}", version)
    if fields is not None:
        kept = {k: v for k, v in _plain(kind, get(session, kind, key)).items() if k not in fields}
        plain = {**kept, **{k: v for k, v in plain.items() if k in fields}}
    plain = {k: v for k, v in plain.items() if v not in (None, [], {}, "")}
    plain.setdefault("key", key)
    _resolve_sources(session, kind, plain)
    if kind == "claim" and isinstance(plain.get("tags"), list):
        ensure_tags(session, [t for t in plain["tags"] if isinstance(t, str) and t])
    return _put(session, kind, key, plain, version)


def _put(session: Session, kind: str, key: str, plain: dict[str, Any], version: int) -> str:
    """Write ``plain`` as the record now at ``key`` and ``version`` (renaming it when its key differs)."""
    new_key = plain.get("key", key)
    if new_key != key:
        if exists(session, kind, new_key):
            raise ConflictError(f"a {kind} with key '{new_key}' exists")
        fmt.parse_record(kind, plain, source_name=f"edit {kind} {key}")  # check first
        model = MODELS[kind]
        renamed = session.execute(update(model).where(model.key == key, model.version == version)
                                  .values(key=new_key, version=model.version + 1)).rowcount  # type: ignore[attr-defined]
        if not renamed:
            raise ConflictError(f"{kind} '{key}' was changed by someone else; nothing was saved")
        history.renamed(session, kind, key, new_key)
        version += 1
    updated = fmt.parse_record(kind, {**plain, "key": new_key}, source_name=f"edit {kind} {key}")
    _load(session, kind, updated, version)
    return str(updated.key)


# ------------------------------------------------------------------------------------------- links


def link_citation(session: Session, claim: str, source: str, *, stance: str, locator: str | None,
                  label: str | None, exact: str | None, prefix: str | None, suffix: str | None,
                  note: str | None, version: int | None = None) -> None:  # fmt: skip
    version = _begin(session, "claim", claim, f"link cite {claim} {source}", version)
    source = lookup.source_key(session, source)
    rec: ClaimRec = get(session, "claim", claim)
    if any(c.source == source and c.locator == locator and c.stance == stance for c in rec.citations):
        raise ConflictError(
            f"claim '{claim}' already cites '{source}'" + (f" at {locator}" if locator else "")
        )
    if exact is None and (prefix or suffix):
        raise UsageError("--prefix and --suffix need --exact, the passage they surround")
    plain = _plain("claim", rec)
    citation: dict[str, Any] = {
        "source": source,
        "stance": stance,
        "locator": locator,
        "label": label,
        "note": note,
    }
    if exact is not None:
        citation["anchor"] = {
            k: v for k, v in (("exact", exact), ("prefix", prefix), ("suffix", suffix)) if v
        }
    plain.setdefault("citations", []).append({k: v for k, v in citation.items() if v is not None})
    _load(session, "claim", fmt.parse_record("claim", plain, source_name=f"link cite {claim}"), version)


def unlink_citation(session: Session, claim: str, source: str, locator: str | None) -> int:
    source = lookup.source_key(session, source)
    version = _begin(session, "claim", claim, f"unlink cite {claim} {source}")
    rec: ClaimRec = get(session, "claim", claim)
    keep = [
        c for c in rec.citations if not (c.source == source and (locator is None or c.locator == locator))
    ]
    removed = len(rec.citations) - len(keep)
    if not removed:
        raise NotFoundError(
            f"claim '{claim}' does not cite '{source}'" + (f" at {locator}" if locator else "")
        )
    _load(session, "claim", _replace(rec, citations=keep), version)
    return removed


def link_quote(session: Session, quote: str, claim: str, *, remove: bool = False) -> None:
    version = _begin(session, "quote", quote, f"{'unlink' if remove else 'link'} quote {quote} {claim}")
    rec: QuoteRec = get(session, "quote", quote)
    claims = _toggle(rec.claims, claim, remove, f"quote '{quote}'", "claim")
    _load(session, "quote", _replace(rec, f"link quote {quote}", claims=claims), version)


def link_comment(session: Session, comment: str, claim: str, *, stance: str, note: str | None,
                 remove: bool = False) -> None:  # fmt: skip
    version = _begin(session, "comment", comment, f"{'unlink' if remove else 'link'} comment {comment} {claim}")
    rec: CommentRec = get(session, "comment", comment)
    present = [d for d in rec.disputes if d.claim == claim]
    if remove:
        if not present:
            raise NotFoundError(f"comment '{comment}' is not linked to claim '{claim}'")
        disputes = [d for d in rec.disputes if d.claim != claim]
    else:
        if present:
            raise ConflictError(f"comment '{comment}' is already linked to claim '{claim}'")
        disputes = [
            *rec.disputes,
            _located(DisputeRec(claim=claim, stance=stance, note=note), f"link comment {comment}"),  # type: ignore[arg-type]
        ]
    _load(session, "comment", _replace(rec, disputes=disputes), version)


def link_relation(session: Session, claim: str, other: str, *, relation: str, note: str | None,
                  remove: bool = False) -> None:  # fmt: skip
    version = _begin(session, "claim", claim, f"{'unlink' if remove else 'link'} relation {claim} {other}")
    rec: ClaimRec = get(session, "claim", claim)
    present = [r for r in rec.relations if r.claim == other and r.relation == relation]
    if remove:
        if not present:
            raise NotFoundError(f"claim '{claim}' does not {relation} '{other}'")
        relations = [r for r in rec.relations if not (r.claim == other and r.relation == relation)]
    else:
        if present:
            raise ConflictError(f"claim '{claim}' already {relation} '{other}'")
        relations = [
            *rec.relations,
            _located(RelationRec(relation=relation, claim=other, note=note), f"link relation {claim}"),  # type: ignore[arg-type]
        ]
    _load(session, "claim", _replace(rec, f"link relation {claim}", relations=relations), version)


def ensure_tags(session: Session, tags: list[str]) -> list[str]:
    """Create the tags that do not exist yet (a label from the key); returns the keys created.

    Every command that tags a claim creates unknown tags this one way (add claim --tag, link tag)."""
    created = []
    for tag in dict.fromkeys(tags):
        if not exists(session, "tag", tag):
            add(session, "tag", {"key": tag, "label": tag.replace("-", " ").capitalize()})
            created.append(tag)
    return created


def link_tags(session: Session, claim: str, tags: list[str], *, remove: bool = False) -> list[str]:
    """Tag a claim (creating tags that do not exist yet); returns the tags created."""
    version = _begin(session, "claim", claim, f"{'unlink' if remove else 'link'} tag {claim} {' '.join(tags)}")
    rec: ClaimRec = get(session, "claim", claim)
    created = [] if remove else ensure_tags(session, tags)
    current = list(rec.tags)
    for tag in tags:
        current = _toggle(current, tag, remove, f"claim '{claim}'", "tag")
    _load(session, "claim", _replace(rec, f"link tag {claim}", tags=current), version)
    return created


def _toggle(items: list[str], item: str, remove: bool, owner: str, what: str) -> list[str]:
    if remove:
        if item not in items:
            raise NotFoundError(f"{owner} has no {what} '{item}'")
        return [i for i in items if i != item]
    if item in items:
        raise ConflictError(f"{owner} already has {what} '{item}'")
    return [*items, item]


def add_variant(session: Session, person: str, name: str, *, kind: str, scheme: str | None,
                note: str | None) -> None:  # fmt: skip
    version = _begin(session, "person", person, f"add variant {person} {name}")
    rec: PersonRec = get(session, "person", person)
    if any(v.name == name for v in rec.variants) or name in (rec.name, rec.native):
        raise ConflictError(f"person '{person}' already has the name '{name}'")
    plain = _plain("person", rec)
    plain.setdefault("variants", []).append(
        {k: v for k, v in (("name", name), ("kind", kind), ("scheme", scheme), ("note", note)) if v}
    )
    _load(session, "person", fmt.parse_record("person", plain, source_name=f"add variant {person}"), version)


# ------------------------------------------------------------------------------------------ merge


def merge_people(session: Session, source_key: str, target_key: str) -> dict[str, int]:
    """Move every link of one person to another, keep the first's names as variants, remove it."""
    if source_key == target_key:
        raise UsageError("cannot merge a person into itself")
    src = session.scalar(select(Person).where(Person.key == source_key))
    dst = session.scalar(select(Person).where(Person.key == target_key))
    if src is None or dst is None:
        raise NotFoundError(f"no person with key '{source_key if src is None else target_key}'")
    for kind, key in [("person", source_key), ("person", target_key), *dependent_records(session, "person", source_key)]:
        history.touch(session, kind, key, f"merge person {source_key} {target_key}")
    moved: dict[str, int] = {}
    moved["contributions"] = session.execute(
        update(Contributor).where(Contributor.person_id == src.id).values(person_id=dst.id)
    ).rowcount  # type: ignore[attr-defined]
    both = select(ClaimSubject.claim_id).where(ClaimSubject.person_id == dst.id)
    session.execute(
        delete(ClaimSubject).where(ClaimSubject.person_id == src.id, ClaimSubject.claim_id.in_(both))
    )
    moved["subjects"] = session.execute(
        update(ClaimSubject).where(ClaimSubject.person_id == src.id).values(person_id=dst.id)
    ).rowcount  # type: ignore[attr-defined]
    moved["quotes"] = session.execute(
        update(Quote).where(Quote.speaker_id == src.id).values(speaker_id=dst.id)
    ).rowcount  # type: ignore[attr-defined]
    moved["comments"] = session.execute(
        update(Comment).where(Comment.author_id == src.id).values(author_id=dst.id)
    ).rowcount  # type: ignore[attr-defined]
    dst_rec: PersonRec = get(session, "person", target_key)
    src_rec: PersonRec = get(session, "person", source_key)
    names = {dst_rec.name, dst_rec.native, *(v.name for v in dst_rec.variants)}
    variants = list(dst_rec.variants)
    native = dst_rec.native
    if src_rec.native and not native:
        native = src_rec.native
    for v in [NameRec(name=src_rec.name, kind="variant", note=f"merged from '{source_key}'"),
              *([NameRec(name=src_rec.native, kind="variant")] if src_rec.native and src_rec.native != native else []),
              *src_rec.variants]:  # fmt: skip
        if v.name not in names:
            variants.append(v)
            names.add(v.name)
    session.execute(delete(Curation).where(Curation.record_kind == "person", Curation.record_id == src.id))
    session.delete(src)
    session.flush()
    _load(session, "person", _replace(dst_rec, variants=variants, native=native))
    return moved


# ----------------------------------------------------------------------------------------- remove


def dependents(session: Session, kind: str, key: str) -> list[str]:
    """What refers to a record and would be removed or unlinked with it, one line per kind of thing."""
    return [line for line, _, _ in _dependents(session, kind, key)]


def dependent_records(session: Session, kind: str, key: str) -> list[tuple[str, str]]:
    """The (kind, key) of every record that refers to this one (changed when it goes)."""
    return sorted({(k, each) for _, k, keys in _dependents(session, kind, key) for each in keys})


_DEPENDENT_KIND = {"contributions to sources": "source", "claims about them": "claim", "quotes they said": "quote",
                   "comments they wrote": "comment", "citations by claims": "claim",
                   "quotes from or found in it": "quote", "comments answering or recording it": "comment",
                   "quotes as evidence": "quote", "comments on it": "comment", "claims related to it": "claim",
                   "tagged claims": "claim"}  # fmt: skip


def _dependents(session: Session, kind: str, key: str) -> list[tuple[str, str, list[str]]]:
    model = _model(kind)
    obj = session.scalar(select(model).where(model.key == key))
    if obj is None:
        raise NotFoundError(f"no {kind} with key '{key}'")
    found: list[tuple[str, str, list[str]]] = []

    def note(what: str, keys: list[str]) -> None:
        if keys:
            shown = ", ".join(sorted(set(keys))[:5]) + (" ..." if len(set(keys)) > 5 else "")
            found.append((f"{what}: {len(keys)} ({shown})", _DEPENDENT_KIND[what], keys))

    if kind == "person":
        note(
            "contributions to sources",
            list(
                session.scalars(select(Source.key).join(Contributor).where(Contributor.person_id == obj.id))
            ),
        )
        note(
            "claims about them",
            list(
                session.scalars(select(Claim.key).join(ClaimSubject).where(ClaimSubject.person_id == obj.id))
            ),
        )
        note("quotes they said", list(session.scalars(select(Quote.key).where(Quote.speaker_id == obj.id))))
        note(
            "comments they wrote",
            list(session.scalars(select(Comment.key).where(Comment.author_id == obj.id))),
        )
    elif kind == "source":
        note(
            "citations by claims",
            list(session.scalars(select(Claim.key).join(Citation).where(Citation.source_id == obj.id))),
        )
        note(
            "quotes from or found in it",
            list(
                session.scalars(
                    select(Quote.key).where(
                        (Quote.origin_source_id == obj.id) | (Quote.found_source_id == obj.id)
                    )
                )
            ),
        )
        note(
            "comments answering or recording it",
            list(
                session.scalars(
                    select(Comment.key).where(
                        (Comment.answers_source_id == obj.id) | (Comment.source_id == obj.id)
                    )
                )
            ),
        )
    elif kind == "claim":
        note(
            "quotes as evidence",
            list(session.scalars(select(Quote.key).join(QuoteClaim).where(QuoteClaim.claim_id == obj.id))),
        )
        note(
            "comments on it",
            list(
                session.scalars(select(Comment.key).join(CommentClaim).where(CommentClaim.claim_id == obj.id))
            ),
        )
        note(
            "claims related to it",
            list(
                session.scalars(
                    select(Claim.key)
                    .join(ClaimRelation, ClaimRelation.from_claim_id == Claim.id)
                    .where(ClaimRelation.to_claim_id == obj.id)
                )
            ),
        )
    elif kind == "tag":
        note(
            "tagged claims",
            list(session.scalars(select(Claim.key).join(ClaimTag).where(ClaimTag.tag_id == obj.id))),
        )
    return found  # fmt: skip


def remove(session: Session, kind: str, key: str, *, cascade: bool, version: int | None = None) -> list[str]:
    """Remove a record; refuse (naming what would go) when others refer to it, unless cascade.
    ``version``: the version the removal is based on (a ConflictError when the record has changed)."""
    if kind == "source":
        key = lookup.source_key(session, key)
    if version is not None:
        _begin(session, kind, key, f"rm {kind} {key}", version)
    for other, other_key in [(kind, key), *dependent_records(session, kind, key)]:
        history.touch(session, other, other_key, f"rm {kind} {key}")
    found = dependents(session, kind, key)
    if found and not cascade:
        raise ConflictError(
            f"{kind} '{key}' is referred to by {'; '.join(found)}; nothing was removed "
            "(pass --cascade to remove or unlink them too)"
        )
    model = MODELS[kind]
    obj = session.scalar(select(model).where(model.key == key))
    assert obj is not None
    if kind == "person":
        session.execute(delete(Contributor).where(Contributor.person_id == obj.id))
        session.execute(update(Quote).where(Quote.speaker_id == obj.id).values(speaker_id=None))
        session.execute(update(Comment).where(Comment.author_id == obj.id).values(author_id=None))
        session.execute(delete(ClaimSubject).where(ClaimSubject.person_id == obj.id))
    elif kind == "source":
        session.execute(delete(Citation).where(Citation.source_id == obj.id))
        doomed_quotes = select(Quote.id).where(
            (Quote.origin_source_id == obj.id) | (Quote.found_source_id == obj.id)
        )
        session.execute(delete(QuoteClaim).where(QuoteClaim.quote_id.in_(doomed_quotes)))
        session.execute(delete(Curation).where(Curation.record_kind == "quote", Curation.record_id.in_(doomed_quotes)))
        session.execute(delete(Quote).where(Quote.id.in_(doomed_quotes)))
        session.execute(update(Comment).where(Comment.source_id == obj.id).values(source_id=None))
        doomed = select(Comment.id).where(Comment.answers_source_id == obj.id)
        session.execute(delete(CommentClaim).where(CommentClaim.comment_id.in_(doomed)))
        session.execute(delete(Curation).where(Curation.record_kind == "comment", Curation.record_id.in_(doomed)))
        session.execute(delete(Comment).where(Comment.id.in_(doomed)))
    elif kind == "claim":
        session.execute(delete(QuoteClaim).where(QuoteClaim.claim_id == obj.id))
        session.execute(delete(CommentClaim).where(CommentClaim.claim_id == obj.id))
        session.execute(delete(ClaimRelation).where(
            (ClaimRelation.to_claim_id == obj.id) | (ClaimRelation.from_claim_id == obj.id)))  # fmt: skip
        session.execute(delete(ClaimTag).where(ClaimTag.claim_id == obj.id))
        session.execute(delete(ClaimSubject).where(ClaimSubject.claim_id == obj.id))
    elif kind == "quote":
        session.execute(delete(QuoteClaim).where(QuoteClaim.quote_id == obj.id))
    elif kind == "comment":
        session.execute(delete(CommentClaim).where(CommentClaim.comment_id == obj.id))
    elif kind == "tag":
        session.execute(delete(ClaimTag).where(ClaimTag.tag_id == obj.id))
    session.execute(delete(Curation).where(Curation.record_kind == kind, Curation.record_id == obj.id))
    if kind == "person":
        session.execute(delete(PersonName).where(PersonName.person_id == obj.id))
    session.delete(obj)
    session.flush()
    return found


def person_key_for(session: Session, name: str, *, create: bool = True) -> str:
    """The key of the person a key or any recorded name or variant names (native included); a new
    person when none does (``create``), else NotFoundError.  A name several people answer to is refused
    with their keys (see :func:`refdb.services.lookup.find_person`).

    New names are read by :func:`refdb.formats.names.parse_name`: "Family, Given", "Given Family",
    particles, suffixes, initials, Cyrillic with patronymics; an institution's name stays whole.
    """
    from refdb.services.lookup import find_person

    person = find_person(session, name)
    if person is not None:
        return person.key
    if not create:
        raise NotFoundError(f"no person matches '{name}'")
    return add(session, "person", person_record(name))


def add_person(session: Session, record: dict[str, Any]) -> str:
    """Add a person; without an explicit key, refused when a recorded person already has this name."""
    from refdb.services.lookup import people_named

    if not record.get("key"):
        same = people_named(session, record["name"])
        if same:
            raise ConflictError(
                f"'{record['name']}' is already the name of {', '.join(same)}; use that key, or give --key "
                "to add another person of that name"
            )
    return add(session, "person", record)


def person_record(name: str, **fields: Any) -> dict[str, Any]:
    """A new person's record from a name as typed: display name in natural order, family, given and
    particle from :func:`refdb.formats.names.parse_name` (fields given explicitly win)."""
    from refdb.formats.names import natural_form, normalize_space, parse_name

    parsed = parse_name(name)
    given = " ".join(p for p in (parsed.get("given"), parsed.get("dropping-particle")) if p) or None
    derived = {
        "name": natural_form(parsed) or normalize_space(name),
        "family": parsed.get("family"),
        "given": given,
        "particle": parsed.get("non-dropping-particle"),
    }
    out = {**derived, **{k: v for k, v in fields.items() if v is not None}}
    if "literal" in parsed:  # an institution: its name, whole
        out = {**out, "name": parsed["literal"], "family": fields.get("family"), "given": fields.get("given")}
    return out
