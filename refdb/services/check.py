"""``refdb check``: an integrity report over the data and the engine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from refdb.db import fts
from refdb.formats.names import parse_name
from refdb.models import Citation, Claim, Comment, Person, PersonName, Quote, Source
from refdb.services.anchors import locate
from refdb.textnorm import fold
from refdb.vocab import ASSERTING_STANCES

Problem = dict[str, Any]
NEEDS_SHORT_TITLE_WORDS = 4  # Chicago shortens titles of more than four words


def _problem(kind: str, key: str, check: str, detail: str) -> Problem:
    return {"kind": kind, "key": key, "check": check, "problem": detail}


def run_checks(session: Session) -> list[Problem]:
    return list(iter_checks(session))


def iter_checks(session: Session) -> Iterator[Problem]:
    """The problems, check by check, as they are found: the rows are read from the cursor, so
    memory holds what a check must compare (the people's names, for duplicates), not the tables."""
    for phase in PHASES:
        yield from phase(session)


def _rows(session: Session, query: Any) -> Any:
    """The rows of a query, streamed (a server-side cursor on PostgreSQL).  The option is the
    statement's own: set on the connection, it would stream every later statement of the
    transaction too, and PostgreSQL cannot run an UPDATE through a cursor (the reading view's
    anchors are read by this in a write transaction, before an annotation is written)."""
    return session.connection().execute(query, execution_options={"yield_per": 1000})


def _anchors(session: Session) -> Iterator[Problem]:
    texts = _TextCache(session)
    for a in iter_anchors(session):
        yield from _anchor(texts.get(a.source_id), a)


@dataclass(frozen=True)
class AnchorRow:
    """An anchor into a source's text: a claim's citation, a quote found in it, a comment on it."""

    kind: str  # claim, quote or comment: the record the anchor belongs to
    key: str
    source_id: int
    source: str  # the source's key
    exact: str
    prefix: str | None
    suffix: str | None
    start: int | None  # where it was found when it was written


def iter_anchors(session: Session, source_id: int | None = None) -> Iterator[AnchorRow]:
    """Every anchor ``refdb check`` verifies (into one source's text, with ``source_id``)."""

    def only(column: Any) -> Any:
        return column == source_id if source_id is not None else column.is_not(None)

    for key, sid, source_key, exact, prefix, suffix, start in _rows(session,
        select(Claim.key, Citation.source_id, Source.key, Citation.anchor_exact, Citation.anchor_prefix,
               Citation.anchor_suffix, Citation.anchor_start)
        .join(Claim, Claim.id == Citation.claim_id).join(Source, Source.id == Citation.source_id)
        .where(Citation.anchor_exact.is_not(None), only(Citation.source_id)).order_by(Citation.id)
    ):  # fmt: skip
        yield AnchorRow("claim", key, sid, source_key, exact or "", prefix, suffix, start)
    for key, sid, source_key, exact, prefix, suffix, start in _rows(session,
        select(Quote.key, Quote.found_source_id, Source.key, Quote.text, Quote.anchor_prefix, Quote.anchor_suffix,
               Quote.anchor_start)
        .join(Source, Source.id == Quote.found_source_id).where(Source.text.is_not(None), only(Quote.found_source_id))
        .order_by(Quote.id)
    ):  # fmt: skip
        yield AnchorRow("quote", key, sid, source_key, exact, prefix, suffix, start)
    for key, sid, source_key, exact, prefix, suffix, start in _rows(session,
        select(Comment.key, Comment.answers_source_id, Source.key, Comment.text, Comment.anchor_prefix,
               Comment.anchor_suffix, Comment.anchor_start)
        .join(Source, Source.id == Comment.answers_source_id)
        .where(Comment.anchor_start.is_not(None), only(Comment.answers_source_id))
        .order_by(Comment.id)
    ):  # fmt: skip
        yield AnchorRow("comment", key, sid, source_key, exact, prefix, suffix, start)


def anchor_state(text_: str | None, anchor: AnchorRow) -> tuple[int | None, str | None]:
    """Where the anchor's passage is in the text now (None unless it matches exactly once), and what
    is wrong with the anchor (None when nothing): the one rule of ``refdb check`` and the reading view."""
    if text_ is None:
        return None, f"'{anchor.source}' no longer holds the text its anchor points into"
    found = locate(text_, anchor.exact, anchor.prefix, anchor.suffix)
    if found is None:
        return None, f"its text no longer matches '{anchor.source}' exactly once"
    if anchor.start is not None and found != anchor.start:
        return found, f"the passage moved in '{anchor.source}' (offset {anchor.start} -> {found})"
    return found, None


class _TextCache:
    """The texts that anchors point into, each read once when first asked for (only sources that
    anchors point into are read: the few that hold their text)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.texts: dict[int | None, str | None] = {}

    def get(self, source_id: int | None) -> str | None:
        if source_id not in self.texts:
            self.texts[source_id] = self.session.scalar(select(Source.text).where(Source.id == source_id))
        return self.texts[source_id]


def _anchor(text_: str | None, anchor: AnchorRow) -> list[Problem]:
    _, problem = anchor_state(text_, anchor)
    return [_problem(anchor.kind, anchor.key, "anchor", problem)] if problem else []


def _unasserted_claims(session: Session) -> Iterator[Problem]:
    """Every claim needs a source that asserts it; a myth, one that reports or rejects it.

    ``NOT EXISTS``, not ``NOT IN``: PostgreSQL hashes a ``NOT IN`` list only while it fits in
    ``work_mem``, and 2,000,000 citations do not; the plan then scans the citations once per claim
    (cost 1.4e10 at 1,000,000 claims, BENCHMARKS.md).  An anti-join on the citation index is linear.
    """
    cited = select(Citation.id).where(Citation.claim_id == Claim.id)
    asserted = cited.where(Citation.stance.in_(ASSERTING_STANCES))
    for (key,) in _rows(
        session, select(Claim.key).where(~asserted.exists(), Claim.kind != "myth").order_by(Claim.key)
    ):
        yield _problem("claim", key, "asserted", "no source asserts, supports or reports it")
    for (key,) in _rows(session, select(Claim.key).where(~cited.exists(), Claim.kind == "myth").order_by(Claim.key)):
        yield _problem("claim", key, "asserted", "a myth that no source reports or rejects")


def _uncited_sources(session: Session) -> Iterator[Problem]:
    uses = (
        select(Citation.id).where(Citation.source_id == Source.id),
        select(Quote.id).where(Quote.origin_source_id == Source.id),
        select(Quote.id).where(Quote.found_source_id == Source.id),
        select(Comment.id).where(Comment.answers_source_id == Source.id),
        select(Comment.id).where(Comment.source_id == Source.id),
    )
    unused = select(Source.key).where(*(~use.exists() for use in uses)).order_by(Source.key)
    for (key,) in _rows(session, unused):
        yield _problem("source", key, "cited", "no claim, quote or comment refers to it")


def _duplicate_people(session: Session) -> list[Problem]:
    """Two people one of whose names are the same name: read by the name parser (inverted or natural
    order, native script, initials), with the same family name and given names that agree word by word
    (``G. Zhukov`` and ``Georgii Zhukov``; ``Beevor, Antony`` and ``Antony Beevor``).

    Precise rather than eager: a recorded variant that gives initials only (``A. Roberts``) is not
    compared (it would pair every Roberts whose name starts with A), and two people are kept apart
    when their full names contradict each other: native names with different patronymics
    (``Анна Ивановна Петрова``, ``Анна Сергеевна Петрова``), display names with different middle
    names or initials.
    """
    # Memory follows one batch of families, not everyone: every name is read once for its family name
    # alone (the ids of the people with each), then the people of each family that more than one
    # person has are read again, about 900 at a time, compared within their family, and let go.
    query = (
        select(Person.id, Person.key, Person.display_name, Person.native_name, PersonName.name)
        .join(PersonName, PersonName.person_id == Person.id)
        .order_by(Person.id, PersonName.id)
    )
    families: dict[str, list[int]] = defaultdict(list)
    for pid, _key, display, native, name in _rows(session, query):
        form = _comparable(name, display, native)
        if form is not None and (not families[form[0]] or families[form[0]][-1] != pid):
            families[form[0]].append(pid)  # a person's names come together: each id once per family
    shared = [(family, ids) for family, ids in families.items() if len(ids) > 1]
    del families
    groups = _Groups()
    batch: list[tuple[str, list[int]]] = []
    size = 0
    for i, (family, ids) in enumerate(shared):
        batch.append((family, ids))
        size += len(ids)
        if size >= 900 or i == len(shared) - 1:
            _alike(session, query, batch, groups)
            batch, size = [], 0
    # one problem per group of people who look alike, on its first key
    members: dict[str, list[str]] = defaultdict(list)
    for key in sorted(groups.members):
        members[groups.root(key)].append(key)
    return [
        _problem(
            "person",
            first,
            "duplicates",
            f"looks like the same person as {', '.join(repr(k) for k in others)} "
            "(merge with 'refdb merge person')",
        )
        for first, (_, *others) in sorted(members.items())
    ]


_Form = tuple[str, tuple[str, ...]]  # folded family name, folded given words


class _Groups:
    """The groups of people who look alike, joined pair by pair as the pairs are found (union-find):
    memory follows the people in a group, not the pairs (which grow with the square of a family's
    size: 236,000 pairs among 36,000 people at 100k sources)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}  # a key's next key towards its group's root (the group's first key)
        self.members: set[str] = set()

    def root(self, key: str) -> str:
        path = []
        while (up := self.parent.get(key, key)) != key:
            path.append(key)
            key = up
        for k in path:  # path compression: the root is the group's smallest key whatever the path
            self.parent[k] = key
        return key

    def join(self, a: str, b: str) -> None:
        ra, rb = self.root(a), self.root(b)
        self.members.update((a, b))
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _alike(session: Session, query: Any, batch: list[tuple[str, list[int]]], groups: _Groups) -> None:
    """Join the people (keys) who look alike, within each family of the batch, into ``groups``."""
    people: dict[int, tuple[str, _PersonForms]] = {}
    ids = sorted({pid for _family, members in batch for pid in members})
    for chunk in (ids[i : i + 900] for i in range(0, len(ids), 900)):
        for pid, key, display, native, name in session.execute(query.where(Person.id.in_(chunk))):
            if pid not in people:
                people[pid] = (key, _PersonForms(_form(display), _form(native) if native else None))
            form = _comparable(name, display, native)
            if form is not None:
                people[pid][1].forms.add(form)
    for _family, members in batch:
        ordered = sorted(people[pid] for pid in members)
        for i, (a, forms_a) in enumerate(ordered):
            for b, forms_b in ordered[i + 1 :]:
                # two already in one group need not be compared: the pair would join nothing
                if groups.root(a) != groups.root(b) and forms_a.same_as(forms_b):
                    groups.join(a, b)


def _comparable(name: str, display: str | None, native: str | None) -> _Form | None:
    """The form of one of a person's names that is compared with other people's, or None: a recorded
    variant that gives initials only is not compared."""
    form = _form(name)
    own = name in (display, native)
    if form is None or (not own and form[1] and all(len(w) == 1 for w in form[1])):
        return None
    return form


def _form(name: str | None) -> _Form | None:
    parsed = parse_name(name or "")
    if not parsed:
        return None
    if "literal" in parsed:
        return ("=" + fold(parsed["literal"]), ())
    given = fold(" ".join(parsed.get(p, "") for p in ("given", "dropping-particle")))
    return (fold(parsed.get("family", "")), tuple(given.split()))


def _given_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Every word of the shorter list matches, in order, a word of the longer (an initial its name)."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    i = 0
    for word in short:
        while i < len(long) and not (word == long[i] or (len(word) == 1 and long[i].startswith(word))
                                     or (len(long[i]) == 1 and word.startswith(long[i]))):  # fmt: skip
            i += 1
        if i == len(long):
            return False
        i += 1
    return True


class _PersonForms:
    def __init__(self, display: _Form | None, native: _Form | None) -> None:
        self.display, self.native = display, native
        self.forms: set[_Form] = set()

    def same_as(self, other: _PersonForms) -> bool:
        for mine, theirs in ((self.native, other.native), (self.display, other.display)):
            if mine and theirs and mine[1] and theirs[1] and not (
                mine[0] == theirs[0] and _given_agree(mine[1], theirs[1])
            ):
                if mine is self.native:
                    return False  # two full native names that differ: two people
                if len(mine[1]) > 1 and len(theirs[1]) > 1:
                    return False  # "David M. Glantz" and "David K. Glantz"
        return any(
            a[0] == b[0] and (a[1] == b[1] or (a[1] and b[1] and _given_agree(a[1], b[1])))
            for a in self.forms
            for b in other.forms
        )


def _short_titles(session: Session) -> Iterator[Problem]:
    for (key,) in _rows(session, select(Source.key).where(Source.title.is_(None)).order_by(Source.key)):
        yield _problem("source", key, "title", "no title (cite it by adding one with 'refdb edit source')")
    for key, title in _rows(
        session,
        select(Source.key, Source.title)
        .where(Source.short_title.is_(None), Source.title.is_not(None))
        .order_by(Source.key),
    ):
        if title is None:
            continue
        if ":" in title or len(title.split()) > NEEDS_SHORT_TITLE_WORDS:
            yield _problem("source", key, "short title", "no short title for short notes (its title is long)")


def _engine(session: Session) -> list[Problem]:
    if session.get_bind().dialect.name != "sqlite":
        return []
    out = []
    for (message,) in session.execute(text("PRAGMA integrity_check")):
        if message != "ok":
            out.append(_problem("database", "-", "integrity", str(message)))
    for row in session.execute(text("PRAGMA foreign_key_check")):
        out.append(
            _problem("database", "-", "foreign keys", f"{row[0]} row {row[1]} points at a missing {row[2]}")
        )
    return out


def _search_index(session: Session) -> list[Problem]:
    dialect = session.get_bind().dialect.name
    indexed: dict[str, int] = {
        str(k): int(n)
        for k, n in session.execute(text("SELECT kind, count(*) FROM search_fts GROUP BY kind"))
    }
    out = []
    for kind, model in (("claim", Claim), ("quote", Quote), ("comment", Comment), ("source", Source)):
        stored = session.scalar(select(func.count()).select_from(model)) or 0
        if indexed.get(kind, 0) != stored:
            out.append(_problem("database", kind, "search index",
                                f"{indexed.get(kind, 0)} {kind} rows indexed, {stored} stored; run 'refdb db reindex'"))  # fmt: skip
    missing = [name for name in fts.trigger_names(dialect) if not _trigger_exists(session, dialect, name)]
    if missing:
        out.append(_problem("database", "-", "search index", f"sync triggers missing: {', '.join(missing)}"))
    if dialect == "sqlite":
        try:
            session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"))
        except Exception as exc:  # the FTS5 integrity check reports corruption as an error
            out.append(_problem("database", "-", "search index", str(exc).splitlines()[0]))
    return out


def _trigger_exists(session: Session, dialect: str, name: str) -> bool:
    if dialect == "sqlite":
        query = text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = :n")
    else:
        query = text("SELECT count(*) FROM pg_trigger WHERE tgname = :n")
    return bool(session.scalar(query, {"n": name}))


def reindex(session: Session) -> int:
    """Rebuild the full-text index from the tables; returns the number of indexed records."""
    from sqlalchemy import text as sql

    for statement in fts.rebuild_sql(session.get_bind().dialect.name):
        session.execute(sql(statement))
    return int(session.scalar(sql("SELECT count(*) FROM search_fts")) or 0)


# the checks in the order `refdb check` runs them (scripts/check_phases.py times each)
PHASES: tuple[Callable[[Session], Iterable[Problem]], ...] = (
    _anchors, _unasserted_claims, _uncited_sources, _duplicate_people, _short_titles, _engine, _search_index,
)
