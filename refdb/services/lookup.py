"""Finding records by what users type: keys, any variant of a name, title words.

All matching is case-, diacritics- and punctuation-insensitive (``textnorm.fold``), on whole
words, with LIKE wildcards in the user's text escaped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, TypeAlias

from sqlalchemy import CompoundSelect, Select, and_, bindparam, func, or_, select, union
from sqlalchemy.orm import Session

from refdb.errors import NotFoundError, UsageError
from refdb.models import Claim, Contributor, NameWord, Person, PersonName, Source, SourceAlias, Tag, TitleWord
from refdb.textnorm import fold, like_escape

MAX_QUERY = 1000
IdQuery: TypeAlias = Select[Any] | CompoundSelect[Any]
_KEY_CHARS = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _folded(text: str, what: str) -> str:
    if len(text) > MAX_QUERY:
        raise UsageError(f"{what} is {len(text)} characters long; at most {MAX_QUERY} are accepted")
    folded = fold(text)
    if not folded:
        raise UsageError(f"{what} '{text}' has no letters or digits to match")
    return folded


# Core tables, not ORM attributes: the listing path then never configures the ORM mappers.
_person, _person_name, _source, _contributor, _alias = (
    Person.__table__, PersonName.__table__, Source.__table__, Contributor.__table__, SourceAlias.__table__,
)  # fmt: skip
_name_word, _title_word = NameWord.__table__, TitleWord.__table__
MAX_WORD = 100  # the word tables' length (services.store.MAX_WORD)


def _word(folded: str) -> str:
    """The query's word a lookup starts from in a word table: its longest (the rarest, as a rule)."""
    return max(folded.split(), key=len)[:MAX_WORD]


def person_params(query: str, prefix: str = "p") -> dict[str, str]:
    folded = _folded(query, "person")
    return {f"{prefix}_phrase": f"% {like_escape(folded)} %", f"{prefix}_key": query.strip().lower(),
            f"{prefix}_word": _word(folded)}  # fmt: skip


def _names_with_word(param: str) -> Any:
    """The names of the people one of whose names has the word: the word table's index, not a scan."""
    return _person_name.c.person_id.in_(select(_name_word.c.person_id).where(_name_word.c.word == bindparam(param)))


@lru_cache(maxsize=8)
def person_ids_template(prefix: str = "p") -> IdQuery:
    """Persons any of whose names contains the query as whole words, or whose key is the query.

    The word table narrows the names to those of people who have the query's longest word; the
    phrase is then matched on those alone.  A statement with bound parameters (see person_params),
    built once per process.
    """
    return union(
        select(_person_name.c.person_id).where(
            _names_with_word(f"{prefix}_word"), _person_name.c.norm.like(bindparam(f"{prefix}_phrase"), escape="\\")
        ),
        select(_person.c.id).where(_person.c.key == bindparam(f"{prefix}_key")),
    )


def person_ids(query: str) -> IdQuery:
    return person_ids_template().params(**person_params(query))


def source_params(query: str, prefix: str = "s") -> tuple[tuple[int, bool], dict[str, str]]:
    """The template's shape (number of title words, whether the query looks like a key) and its values."""
    folded = _folded(query, "source")
    exact = query.strip().lower()
    words = folded.split()
    params = {f"{prefix}_phrase": f"% {like_escape(folded)} %", f"{prefix}_key": exact,
              f"{prefix}_alias": query.strip(), f"{prefix}_word": _word(folded)}  # fmt: skip
    params.update({f"{prefix}_w{i}": f"% {like_escape(word)} %" for i, word in enumerate(words)})
    params.update({f"{prefix}_t{i}": word[:MAX_WORD] for i, word in enumerate(words)})
    return (len(words), bool(_KEY_CHARS.match(exact))), params


@lru_cache(maxsize=64)
def source_ids_template(shape: tuple[int, bool], prefix: str = "s") -> IdQuery:
    """Sources whose key is the query, one of whose contributors matches it, or whose title has its words."""
    n_words, keyish = shape
    # the title word table gives the sources having every word; the LIKE then reads only those
    by_title = and_(
        *[_source.c.id.in_(select(_title_word.c.source_id).where(_title_word.c.word == bindparam(f"{prefix}_t{i}")))
          for i in range(n_words)],
        *[_source.c.title_norm.like(bindparam(f"{prefix}_w{i}"), escape="\\") for i in range(n_words)],
    )  # fmt: skip
    fuzzy = union(
        select(_source.c.id).where(by_title),
        select(_contributor.c.source_id)
        .join(_person_name, _person_name.c.person_id == _contributor.c.person_id)
        .where(_names_with_word(f"{prefix}_word"), _person_name.c.norm.like(bindparam(f"{prefix}_phrase"), escape="\\")),
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


def source_ids(query: str) -> IdQuery:
    shape, params = source_params(query)
    return source_ids_template(shape).params(**params)


def _get(session: Session, model: Any, key: str, what: str) -> Any:
    obj = session.scalar(select(model).where(model.key == key))
    if obj is None:
        hint = ""
        similar = session.scalars(
            select(model.key).where(model.key.like(f"%{like_escape(key[:20])}%", escape="\\")).limit(3)
        ).all()
        if similar:
            hint = f"; did you mean {', '.join(similar)}?"
        shown = key if len(key) <= 80 else key[:77] + "..."
        raise NotFoundError(f"no {what} with key '{shown}'{hint}")
    return obj


def source_key(session: Session, key: str) -> str:
    """The source key that ``key`` is, or that it is an alias of (``key`` itself when neither)."""
    if session.scalar(select(Source.id).where(Source.key == key)) is not None:
        return key
    found = session.scalar(
        select(Source.key)
        .join(SourceAlias, SourceAlias.source_id == Source.id)
        .where(SourceAlias.alias == key)
    )
    return found or key


def get_claim(session: Session, key: str) -> Claim:
    return _get(session, Claim, key, "claim")  # type: ignore[no-any-return]


def get_tag(session: Session, key: str) -> Tag:
    return _get(session, Tag, key, "tag")  # type: ignore[no-any-return]


def find_person(session: Session, query: str) -> Person | None:
    """The one person a key or any name variant names; None when none; an error when several."""
    ids: list[int] = list(session.scalars(person_ids(query)))
    if not ids:
        return None
    if len(ids) > 1:
        names = session.scalars(select(Person.key).where(Person.id.in_(ids)).order_by(Person.key)).all()
        raise UsageError(f"'{query}' names several people ({', '.join(names)}); give a key")
    return session.get(Person, ids[0])


def count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)
