"""The argument around some claims, as plain records for ``formats.argmap``: ``refdb map``.

The neighbourhood of the selected claims to depth N is a breadth-first walk over the links refdb
holds: a claim's citations (to sources), its quotes, its counter-comments and its relations to
other claims, in both directions, and from a source, quote or comment back to every claim it
touches.  A node is in the map when it is at most N links from a selected claim; every link
between two nodes of the map is in it (the subgraph the nodes induce).

No N+1: each depth level runs one statement per kind of link and kind of frontier node (at most
seven, per 900 ids), then one closing round for the links among the farthest nodes, then one
statement per kind of node for their text.  Nothing here formats: labels and layout belong to
``refdb.formats.argmap``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from refdb.dates import format_partial
from refdb.errors import UsageError
from refdb.models import (
    Citation,
    Claim,
    ClaimRelation,
    ClaimTag,
    Comment,
    CommentClaim,
    Contributor,
    Person,
    Quote,
    QuoteClaim,
    Source,
)
from refdb.services import lookup
from refdb.services.queries import _in_chunks

Record = dict[str, Any]
MAX_DEPTH = 10


def select_claims(session: Session, *, claims: list[str], tags: list[str], sources: list[str]) -> list[int]:
    """The ids of the claims named by key, carrying one of the tags, or cited to a matching source."""
    if not (claims or tags or sources):
        raise UsageError("say which claims to map: claim keys, --tag T or --source S")
    ids: set[int] = set()
    if claims:
        found = {k: i for k, i in session.execute(select(Claim.key, Claim.id).where(Claim.key.in_(claims)))}
        for key in claims:
            if key not in found:
                lookup.get_claim(session, key)  # raises NotFoundError, with suggestions
        ids.update(found.values())
    if tags:
        tag_ids = [tid for tag in tags for tid in lookup.tag_ids(session, tag)]
        ids.update(session.scalars(select(ClaimTag.claim_id).where(ClaimTag.tag_id.in_(tag_ids))))
    for query in sources:
        matching = lookup.source_ids(session, query).subquery()
        ids.update(session.scalars(select(Citation.claim_id).where(Citation.source_id.in_(select(matching)))))
    return sorted(ids)


class _Walk:
    """Ids reached so far, by kind, with their distance; links found, by kind, as id tuples."""

    KINDS = ("claim", "source", "quote", "comment")

    def __init__(self, seeds: list[int]) -> None:
        self.dist: dict[str, dict[int, int]] = {k: {} for k in self.KINDS}
        self.dist["claim"].update((i, 0) for i in seeds)
        self.citations: dict[int, tuple[int, int, int, str, str | None, str | None]] = {}
        self.quote_links: set[tuple[int, int]] = set()
        self.comment_links: dict[tuple[int, int], str] = {}
        self.relations: set[tuple[int, int, str]] = set()

    def frontier(self, kind: str, d: int) -> list[int]:
        return sorted(i for i, dd in self.dist[kind].items() if dd == d)

    def reach(self, kind: str, node: int, d: int, grow: bool) -> bool:
        """Whether the link to ``node`` belongs in the map (adding the node when ``grow``)."""
        if node in self.dist[kind]:
            return True
        if grow:
            self.dist[kind][node] = d
            return True
        return False


def _level(session: Session, walk: _Walk, d: int, grow: bool) -> None:
    """Follow every link of the nodes at distance ``d``; nodes newly reached get ``d + 1``.

    With ``grow`` false (the closing round) only links to nodes already in the map are kept.
    """
    claims, sources = walk.frontier("claim", d), walk.frontier("source", d)
    quotes, comments = walk.frontier("quote", d), walk.frontier("comment", d)
    nxt = d + 1
    cit = (Citation.id, Citation.claim_id, Citation.source_id, Citation.position, Citation.stance,
           Citation.locator, Citation.label)  # fmt: skip
    wanted: list[tuple[Any, list[int]]] = []
    if claims:
        wanted.append((Citation.claim_id, claims))
    if sources and grow:
        wanted.append((Citation.source_id, sources))
    for column, ids in wanted:
        for chunk in _in_chunks(ids):
            for cid, claim, source, position, stance, locator, label in session.execute(
                select(*cit).where(column.in_(chunk))
            ):
                if walk.reach("claim", claim, nxt, grow) and walk.reach("source", source, nxt, grow):
                    walk.citations[cid] = (claim, source, position, stance, locator, label)
    links: list[tuple[Any, list[int]]] = []
    if claims:
        links.append((QuoteClaim.claim_id, claims))
    if quotes and grow:
        links.append((QuoteClaim.quote_id, quotes))
    for column, ids in links:
        for chunk in _in_chunks(ids):
            for quote, claim in session.execute(
                select(QuoteClaim.quote_id, QuoteClaim.claim_id).where(column.in_(chunk))
            ):
                if walk.reach("claim", claim, nxt, grow) and walk.reach("quote", quote, nxt, grow):
                    walk.quote_links.add((quote, claim))
    links = []
    if claims:
        links.append((CommentClaim.claim_id, claims))
    if comments and grow:
        links.append((CommentClaim.comment_id, comments))
    for column, ids in links:
        for chunk in _in_chunks(ids):
            for comment, claim, stance in session.execute(
                select(CommentClaim.comment_id, CommentClaim.claim_id, CommentClaim.stance).where(
                    column.in_(chunk)
                )
            ):
                if walk.reach("claim", claim, nxt, grow) and walk.reach("comment", comment, nxt, grow):
                    walk.comment_links[(comment, claim)] = stance
    for chunk in _in_chunks(claims) if claims else []:
        for a, b, relation in session.execute(
            select(ClaimRelation.from_claim_id, ClaimRelation.to_claim_id, ClaimRelation.relation).where(
                or_(ClaimRelation.from_claim_id.in_(chunk), ClaimRelation.to_claim_id.in_(chunk))
            )
        ):
            if walk.reach("claim", a, nxt, grow) and walk.reach("claim", b, nxt, grow):
                walk.relations.add((a, b, relation))


def argument_map(
    session: Session,
    *,
    claims: list[str] | None = None,
    tags: list[str] | None = None,
    sources: list[str] | None = None,
    depth: int = 1,
) -> Record:
    """The claims selected, everything within ``depth`` links of them, and the links among it all.

    Returns plain records: ``seeds`` (claim keys), ``depth``, the nodes (``claims``, ``sources``,
    ``quotes``, ``comments``) and the links (``citations``, ``quote_claims``, ``comment_claims``,
    ``relations``), each list sorted by key.
    """
    if not 0 <= depth <= MAX_DEPTH:
        raise UsageError(f"--depth {depth}: give a depth from 0 to {MAX_DEPTH}")
    seeds = select_claims(session, claims=claims or [], tags=tags or [], sources=sources or [])
    walk = _Walk(seeds)
    for d in range(depth):
        _level(session, walk, d, grow=True)
    _level(session, walk, depth, grow=False)  # the links among the farthest nodes
    return _records(session, walk, seeds, depth)


def _records(session: Session, walk: _Walk, seeds: list[int], depth: int) -> Record:
    claim_keys: dict[int, str] = {}
    claims: list[Record] = []
    for chunk in _in_chunks(sorted(walk.dist["claim"])):
        for cid, key, kind, text in session.execute(
            select(Claim.id, Claim.key, Claim.kind, Claim.text).where(Claim.id.in_(chunk))
        ):
            claim_keys[cid] = key
            claims.append({"key": key, "kind": kind, "text": text, "distance": walk.dist["claim"][cid]})
    source_keys: dict[int, str] = {}
    sources: list[Record] = []
    authors: dict[int, list[str]] = defaultdict(list)
    for chunk in _in_chunks(sorted(walk.dist["source"])):
        for sid, family, name in session.execute(
            select(Contributor.source_id, Person.family, Person.display_name)
            .join(Person, Person.id == Contributor.person_id)
            .where(Contributor.source_id.in_(chunk), Contributor.role == "author")
            .order_by(Contributor.source_id, Contributor.position)
        ):
            authors[sid].append(family or name)
        for row in session.execute(
            select(Source.id, Source.key, Source.csl_type, Source.source_class, Source.genre, Source.title,
                   Source.short_title, Source.issued_year, Source.issued_month, Source.issued_day,
                   Source.issued_literal).where(Source.id.in_(chunk))
        ):  # fmt: skip
            source_keys[row.id] = row.key
            sources.append({
                "key": row.key, "type": row.csl_type, "class": row.source_class, "genre": row.genre,
                "title": row.title, "short_title": row.short_title, "authors": authors.get(row.id, []),
                "issued": format_partial((row.issued_year, row.issued_month, row.issued_day)) or row.issued_literal,
                "distance": walk.dist["source"][row.id],
            })  # fmt: skip
    quote_keys: dict[int, str] = {}
    quotes: list[Record] = []
    for chunk in _in_chunks(sorted(walk.dist["quote"])):
        for qid, key, text, pkey, pname in session.execute(
            select(Quote.id, Quote.key, Quote.text, Person.key, Person.display_name)
            .outerjoin(Person, Person.id == Quote.speaker_id)
            .where(Quote.id.in_(chunk))
        ):
            quote_keys[qid] = key
            speaker = {"key": pkey, "name": pname} if pkey else None
            quotes.append({"key": key, "text": text, "speaker": speaker, "distance": walk.dist["quote"][qid]})
    comment_keys: dict[int, str] = {}
    comments: list[Record] = []
    for chunk in _in_chunks(sorted(walk.dist["comment"])):
        for mid, key, text, pkey, pname, label in session.execute(
            select(
                Comment.id, Comment.key, Comment.text, Person.key, Person.display_name, Comment.author_label
            )
            .outerjoin(Person, Person.id == Comment.author_id)
            .where(Comment.id.in_(chunk))
        ):
            comment_keys[mid] = key
            author = {"key": pkey, "name": pname} if pkey else None
            comments.append({"key": key, "text": text, "author": author, "author_label": label,
                             "distance": walk.dist["comment"][mid]})  # fmt: skip
    citations = [
        {"claim": claim_keys[c], "source": source_keys[s], "position": pos, "stance": stance,
         "locator": locator, "label": label}
        for c, s, pos, stance, locator, label in walk.citations.values()
    ]  # fmt: skip
    return {
        "seeds": sorted(claim_keys[i] for i in seeds),
        "depth": depth,
        "claims": sorted(claims, key=lambda r: r["key"]),
        "sources": sorted(sources, key=lambda r: r["key"]),
        "quotes": sorted(quotes, key=lambda r: r["key"]),
        "comments": sorted(comments, key=lambda r: r["key"]),
        "citations": sorted(citations, key=lambda r: (r["claim"], r["position"])),
        "quote_claims": sorted(
            ({"quote": quote_keys[q], "claim": claim_keys[c]} for q, c in walk.quote_links),
            key=lambda r: (r["quote"], r["claim"]),
        ),
        "comment_claims": sorted(
            (
                {"comment": comment_keys[m], "claim": claim_keys[c], "stance": s}
                for (m, c), s in walk.comment_links.items()
            ),
            key=lambda r: (r["comment"], r["claim"]),
        ),
        "relations": sorted(
            ({"from": claim_keys[a], "to": claim_keys[b], "relation": r} for a, b, r in walk.relations),
            key=lambda r: (r["from"], r["to"], r["relation"]),
        ),
    }
