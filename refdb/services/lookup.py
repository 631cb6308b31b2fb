"""Finding records by what users type: keys, any variant of a name, title words.

All matching is case-, diacritics- and punctuation-insensitive (``textnorm.fold``), on whole
words, with LIKE wildcards in the user's text escaped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import CompoundSelect, Select, and_, bindparam, func, literal, or_, select, union, union_all

from refdb.db import tables as tb
from refdb.errors import InputError, NotFoundError, UsageError
from refdb.formats.names import CslName, natural_form, parse_name
from refdb.textnorm import fold, has_cyrillic, like_escape, romanize

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from refdb.models import Claim, Person, Tag

    Reader: TypeAlias = Session | Connection  # a lookup runs on either (the CLI's readers pass a Connection)

MAX_QUERY = 1000
IdQuery: TypeAlias = Select[Any] | CompoundSelect[Any]
_KEY_CHARS = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _folded(text: str, what: str) -> str:
    if "\x00" in text:  # PostgreSQL refuses it in any parameter; no record holds one
        raise InputError(f"the {what} '{text.replace(chr(0), '')}' contains a NUL byte")
    if len(text) > MAX_QUERY:
        raise UsageError(f"{what} is {len(text)} characters long; at most {MAX_QUERY} are accepted")
    folded = fold(text)
    if not folded:
        raise UsageError(f"{what} '{text}' has no letters or digits to match")
    return folded


# Core tables (refdb.db.tables), not the models: a lookup imports no ORM.
_person, _person_name, _source, _contributor, _alias = tb.person, tb.person_name, tb.source, tb.contributor, tb.source_alias
_name_word, _title_word, _tag = tb.name_word, tb.title_word, tb.tag
MAX_WORD = 100  # the word tables' length (services.store.MAX_WORD)


def _word(folded: str) -> str:
    """The query's word a lookup starts from in a word table: its longest (the rarest, as a rule)."""
    return max(folded.split(), key=len)[:MAX_WORD]


def person_params(session: Reader, query: str, prefix: str = "p") -> dict[str, list[int]]:
    """The values of :func:`person_ids_template`: the ids of the people the query names."""
    return {f"{prefix}_ids": person_ids(session, query)}


@lru_cache(maxsize=8)
def person_ids_template(prefix: str = "p") -> IdQuery:
    """Persons named by a query, as a statement over bound ids (see person_params), built once per process."""
    return select(_person.c.id).where(_person.c.id.in_(bindparam(f"{prefix}_ids", expanding=True)))


def person_ids(session: Reader, query: str) -> list[int]:
    """Every person a query names: by key, or by any recorded name or variant (native included).

    The query is read by :func:`refdb.formats.names.parse_name` ("Family, Given", "Given Family",
    particles, suffixes, initials, Cyrillic with patronymics).  A person matches when one of their
    names holds the query's words (as typed or in natural order) as whole words, or has the same
    family name and given names that agree word by word, initials with full names ("G. Roberts",
    "Рокоссовский, Константин" for "Константин Константинович Рокоссовский").
    """
    return [pid for pid, _ in _person_matches(session, query)]


def _person_matches(session: Reader, query: str) -> list[tuple[int, bool]]:
    """(person id, exact) for every person the query names; exact: a name is the query itself."""
    folded = _folded(query, "person")
    wanted = parse_name(query)
    phrases = {folded}
    natural = fold(natural_form(wanted)) if wanted else ""
    if natural:
        phrases.add(natural)
    forms = [wanted]
    if has_cyrillic(query):  # a Cyrillic name also as the romanizations refdb records for native names
        for scheme in ("ALA-LC", "common English"):
            latin = romanize(natural_form(wanted) or query, scheme)
            phrases.add(fold(latin))
            forms.append(parse_name(latin))
    families = {fold(f.get("family", "")).split()[-1] for f in forms if fold(f.get("family", ""))}
    norm = _person_name.c.norm
    conditions = [norm.like(f"% {like_escape(p)} %", escape="\\") for p in sorted(phrases)]
    conditions += [norm.like(f"% {like_escape(f)} %", escape="\\") for f in sorted(families)]
    found: dict[int, bool] = {}
    key = query.strip().lower()
    by_key = select(_person.c.id, literal(None), literal(None)).where(_person.c.key == key)
    # the word table narrows the names to those of people who have one of the words looked for
    words = sorted({_word(p) for p in phrases if p.split()} | families)
    candidates = select(_name_word.c.person_id).where(_name_word.c.word.in_(words))
    by_name = select(_person_name.c.person_id, _person_name.c.name, norm).where(
        _person_name.c.person_id.in_(candidates), or_(*conditions)
    )
    for pid, name, name_norm in session.execute(union_all(by_key, by_name)):  # one statement
        if name is None:
            found[pid] = True
            continue
        exact = name_norm.strip() in phrases
        known = parse_name(name)
        if exact or any(f" {p} " in name_norm for p in phrases) or any(names_agree(f, known) for f in forms):
            found[pid] = found.get(pid, False) or exact
    return sorted(found.items())


def people_named(session: Reader, name: str) -> list[str]:
    """The keys of the people one of whose recorded names is this name (as typed or in natural order)."""
    ids = [pid for pid, exact in _person_matches(session, name) if exact]
    return list(session.scalars(select(_person.c.key).where(_person.c.id.in_(ids)).order_by(_person.c.key)))


def names_agree(wanted: CslName, known: CslName) -> bool:
    """The same family name, and given names that agree word by word in order (``G.`` with ``Geoffrey``,
    ``Константин`` with ``Константин Константинович``); a query without given names agrees on the family."""
    if "literal" in wanted or "literal" in known or not wanted.get("family"):
        return False
    if fold(wanted["family"]) != fold(known.get("family", "")):
        return False
    asked = fold(" ".join(wanted.get(p, "") for p in ("given", "dropping-particle"))).split()
    have = fold(" ".join(known.get(p, "") for p in ("given", "dropping-particle"))).split()
    i = 0
    for word in asked:
        while i < len(have) and not _word_agrees(word, have[i]):
            i += 1
        if i == len(have):
            return False
        i += 1
    return True


def _word_agrees(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def source_params(
    session: Reader, query: str, prefix: str = "s", *, every: bool = False
) -> tuple[tuple[int, bool], dict[str, Any]]:
    """The template's shape (number of title words, whether the query is a key that hides the other
    matches) and its values.  ``every``: a listing, where a key shows its source first and the name and
    title matches after it; a filter (``claims --source``) takes a citation key as that source alone.
    The contributors are the people :func:`person_ids` finds for the query."""
    folded = _folded(query, "source")
    exact = query.strip().lower()
    words = folded.split()
    params: dict[str, Any] = {f"{prefix}_key": exact, f"{prefix}_alias": query.strip(),
                              f"{prefix}_people": person_ids(session, query)}  # fmt: skip
    params.update({f"{prefix}_w{i}": f"% {like_escape(word)} %" for i, word in enumerate(words)})
    params.update({f"{prefix}_t{i}": word[:MAX_WORD] for i, word in enumerate(words)})
    return (len(words), bool(_KEY_CHARS.match(exact)) and not every), params


@lru_cache(maxsize=64)
def source_ids_template(shape: tuple[int, bool], prefix: str = "s") -> IdQuery:
    """Sources whose key is the query, one of whose contributors it names ("Roberts, Geoffrey", "G. Roberts"
    as "Geoffrey Roberts"), or whose title has its words."""
    n_words, keyish = shape
    # the title word table gives the sources having every word; the LIKE then reads only those
    by_title = and_(
        *[_source.c.id.in_(select(_title_word.c.source_id).where(_title_word.c.word == bindparam(f"{prefix}_t{i}")))
          for i in range(n_words)],
        *[_source.c.title_norm.like(bindparam(f"{prefix}_w{i}"), escape="\\") for i in range(n_words)],
    )  # fmt: skip
    fuzzy = union(
        select(_source.c.id).where(by_title),
        select(_contributor.c.source_id).where(
            _contributor.c.person_id.in_(bindparam(f"{prefix}_people", expanding=True))
        ),
        select(_source.c.id).where(_source.c.key == bindparam(f"{prefix}_key")),
    )
    # a citation key or an alias (an imported key, as written) names one source and nothing else: that
    # source when there is one, else the fuzzy matches
    alias: Any = bindparam(f"{prefix}_alias")
    by_alias = select(_alias.c.source_id).where(_alias.c.alias == alias)
    if not keyish:
        return union(by_alias, select(fuzzy.subquery().c[0]).where(~by_alias.exists()))
    key: Any = bindparam(f"{prefix}_key")
    by_key = select(_source.c.id).where(_source.c.key == key)
    has_key = or_(by_key.exists(), by_alias.exists())
    return union(by_key, by_alias, select(fuzzy.subquery().c[0]).where(~has_key))


def source_ids(session: Reader, query: str, *, every: bool = False) -> IdQuery:
    shape, params = source_params(session, query, every=every)
    return source_ids_template(shape).params(**params)


def _get(session: Reader, model: Any, key: str, what: str) -> Any:
    obj = session.scalar(select(model).where(_key_of(model) == key))
    if obj is None:
        hint = ""
        similar = session.scalars(
            select(_key_of(model)).where(_key_of(model).like(f"%{like_escape(key[:20])}%", escape="\\")).limit(3)
        ).all()
        if similar:
            hint = f"; did you mean {', '.join(similar)}?"
        shown = key if len(key) <= 80 else key[:77] + "..."
        raise NotFoundError(f"no {what} with key '{shown}'{hint}")
    return obj


def _get_row(session: Reader, table: Any, key: str, what: str) -> Any:
    """:func:`_get` on a Core table: the row (attributes by column), or the same NotFoundError."""
    row = session.execute(select(table).where(table.c.key == key)).first()
    if row is None:
        _get(session, table, key, what)  # raises, with its hint  # pragma: no branch
    return row


def _key_of(model: Any) -> Any:
    columns = getattr(model, "c", None)  # a Core table, or a model
    return columns.key if columns is not None else model.key


def claim_row(session: Reader, key: str) -> Any:
    """The claim's row (``.id``, ``.key``, ``.kind``, ``.text``, ...); NotFoundError as :func:`get_claim`."""
    return _get_row(session, tb.claim, key, "claim")


def source_key(session: Reader, key: str) -> str:
    """The source key that ``key`` is, or that it is an alias of (``key`` itself when neither)."""
    if session.scalar(select(_source.c.id).where(_source.c.key == key)) is not None:
        return key
    found = session.scalar(
        select(_source.c.key)
        .join(_alias, _alias.c.source_id == _source.c.id)
        .where(_alias.c.alias == key)
    )
    return found or key


def get_claim(session: Session, key: str) -> Claim:
    from refdb.models import Claim

    return _get(session, Claim, key, "claim")  # type: ignore[no-any-return]


def tag_ids(session: Reader, query: str) -> list[int]:
    """The tags a filter names: by key, or by label ("Command relationship"), case and accents ignored.
    None is an empty list: a filter that matches nothing matches no records (not an error)."""
    folded = fold(query)
    found = {tid for tid, key, label in session.execute(select(_tag.c.id, _tag.c.key, _tag.c.label))
             if key == query.strip().lower() or (folded and fold(label or "") == folded)}  # fmt: skip
    return sorted(found)


def get_tag(session: Session, key: str) -> Tag:
    from refdb.models import Tag

    return _get(session, Tag, key, "tag")  # type: ignore[no-any-return]


def find_person(session: Session, query: str) -> Person | None:
    """The one person a key or any name names (see :func:`person_ids`); None when none.

    When several match and exactly one of them has the query as one of its names, that one; otherwise
    an error that lists the candidates."""
    from refdb.models import Person

    matches = _person_matches(session, query)
    if not matches:
        return None
    if len(matches) > 1:
        exact = [pid for pid, is_exact in matches if is_exact]
        if len(exact) != 1:
            rows = session.execute(
                select(Person.key, Person.display_name)
                .where(Person.id.in_([pid for pid, _ in matches]))
                .order_by(Person.key)
            ).all()
            listed = "; ".join(f"{key} ({name})" for key, name in rows)
            raise UsageError(f"'{query}' names several people: {listed}; give one of their keys")
        return session.get(Person, exact[0])
    return session.get(Person, matches[0][0])


def count(session: Reader, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)
