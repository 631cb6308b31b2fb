"""Sources as CSL-JSON items, for export and citation, and the selection filters.

A CSL item is the record every format speaks (``refdb.formats``).  Items are produced in
chunks so that exporting 100,000 sources keeps memory flat: one query for a chunk of sources,
one for their contributors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from refdb.dates import csl_date, parse_iso_date
from refdb.formats.csljson import SOURCE_VARIABLES, OwnItem
from refdb.models import Citation, ClaimTag, Contributor, Person, Source, SourceAlias
from refdb.services import lookup

CslItem = dict[str, Any]
CHUNK = 2000

_ROLES = ("author", "editor", "translator", "container-author", "collection-editor")


def csl_name(family: str | None, given: str | None, particle: str | None, display: str) -> dict[str, str]:
    if not family:
        return {"literal": display}
    name = {"family": family}
    if given:
        name["given"] = given
    if particle:
        name["non-dropping-particle"] = particle
    return name


def _item(source: Any, names: dict[str, list[dict[str, str]]], aliases: list[str]) -> CslItem:
    item: CslItem = OwnItem(id=source.key, type=source.csl_type)  # built here: the exporters trust it
    for role in _ROLES:
        if names.get(role):
            item[role] = names[role]
    for attr, var in SOURCE_VARIABLES:
        value = getattr(source, attr)
        if value:
            item[var] = value
    issued = csl_date(source.issued_year, source.issued_month, source.issued_day, source.issued_literal)
    if issued:
        item["issued"] = issued
    accessed = parse_iso_date(source.accessed) if source.accessed else None
    if accessed:
        item["accessed"] = accessed
    if aliases:  # the key the user's manuscripts use (the first imported one); all of them under custom
        item["citation-key"] = aliases[0]
        item["custom"] = {"aliases": list(aliases)}
    return item


_COLUMNS = (
    Source.id, Source.key, Source.csl_type, *(getattr(Source, attr) for attr, _ in SOURCE_VARIABLES),
    Source.accessed, Source.issued_year, Source.issued_month, Source.issued_day, Source.issued_literal,
)  # fmt: skip


def iter_items(
    session: Session, source_ids: list[int] | None = None, *, imported_keys: bool = False
) -> Iterator[CslItem]:
    """CSL items for the given sources (all when None), sorted by key, streamed in chunks.

    With ``imported_keys`` an item's id is the key its source was imported with (its first alias),
    and refdb's key becomes an alias in its place.
    """
    items = _iter_items(session, source_ids)
    if not imported_keys:
        yield from items
        return
    for item in items:
        aliases = (item.get("custom") or {}).get("aliases") or []
        if aliases:
            rest = [item["id"], *aliases[1:]]
            item = OwnItem({**item, "id": aliases[0], "citation-key": rest[0], "custom": {"aliases": rest}})
        yield item


def _iter_items(session: Session, source_ids: list[int] | None = None) -> Iterator[CslItem]:
    if source_ids is None:
        keyset: Any = None
        while True:
            query = select(*_COLUMNS).order_by(Source.key).limit(CHUNK)
            if keyset is not None:
                query = query.where(Source.key > keyset)
            rows = session.execute(query).all()
            if not rows:
                return
            yield from _items_for(session, rows)
            keyset = rows[-1].key
    else:
        for start in range(0, len(source_ids), CHUNK):
            chunk = source_ids[start : start + CHUNK]
            rows = session.execute(select(*_COLUMNS).where(Source.id.in_(chunk)).order_by(Source.key)).all()
            yield from _items_for(session, rows)


def _items_for(session: Session, rows: Sequence[Any]) -> Iterator[CslItem]:
    names: dict[int, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
    ids = [r.id for r in rows]
    for source_id, role, family, given, particle, display in session.execute(
        select(Contributor.source_id, Contributor.role, Person.family, Person.given, Person.particle,
               Person.display_name)
        .join(Person, Person.id == Contributor.person_id)
        .where(Contributor.source_id.in_(ids))
        .order_by(Contributor.source_id, Contributor.role, Contributor.position)
    ):  # fmt: skip
        names[source_id][role].append(csl_name(family, given, particle, display))
    aliases: dict[int, list[str]] = defaultdict(list)
    for source_id, alias in session.execute(
        select(SourceAlias.source_id, SourceAlias.alias)
        .where(SourceAlias.source_id.in_(ids))
        .order_by(SourceAlias.id)
    ):
        aliases[source_id].append(alias)
    for row in rows:
        yield _item(row, names[row.id], aliases.get(row.id, []))


def select_sources(
    session: Session, *, source: str | None = None, claim: str | None = None, tag: str | None = None
) -> list[int] | None:
    """Source ids for the selection filters (None: every source). Filters combine with AND."""
    if source is None and claim is None and tag is None:
        return None
    ids: set[int] | None = None

    def narrow(found: set[int]) -> None:
        nonlocal ids
        ids = found if ids is None else ids & found

    if source is not None:
        narrow(set(session.scalars(lookup.source_ids(session, source))))
    if claim is not None:
        claim_obj = lookup.get_claim(session, claim)
        narrow(set(session.scalars(select(Citation.source_id).where(Citation.claim_id == claim_obj.id))))
    if tag is not None:
        narrow(set(session.scalars(
            select(Citation.source_id).join(ClaimTag, ClaimTag.claim_id == Citation.claim_id)
            .where(ClaimTag.tag_id.in_(lookup.tag_ids(session, tag)))
        )))  # fmt: skip
    return sorted(ids or [])


def claim_citations(
    session: Session, key: str
) -> tuple[list[CslItem], list[tuple[str, str | None, str | None]]]:
    """A claim's cited sources as items, and its citations in order as (source key, locator, label)."""
    claim = lookup.get_claim(session, key)
    cites = session.execute(
        select(Source.id, Source.key, Citation.locator, Citation.label)
        .join(Source, Source.id == Citation.source_id)
        .where(Citation.claim_id == claim.id)
        .order_by(Citation.position)
    ).all()
    ids = list(dict.fromkeys(c.id for c in cites))
    items = list(iter_items(session, ids)) if ids else []
    return items, [(c.key, c.locator, c.label) for c in cites]
