"""refdb's own small search syntax, compiled to each backend's full-text query language.

    charm                 a word (case and diacritics ignored; every script folded as the index is)
    charm*                a prefix
    "open and creative"   a phrase
    loyalty OR charm      either
    -purges               not this (needs at least one positive term)

Terms are folded to letters and digits before they reach the engine, so no user input can inject
FTS5 or tsquery syntax: ``NEAR(`` is the word "near", ``' OR 1=1 --`` the words "or 1 1".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from refdb.errors import UsageError
from refdb.textnorm import search_fold

MAX_QUERY = 1000


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase
    prefix: bool = False
    negated: bool = False


@dataclass(frozen=True)
class Query:
    groups: tuple[tuple[Term, ...], ...]  # AND of groups; each group is an OR of terms
    excluded: tuple[Term, ...]


def _fold(text: str) -> list[str]:
    """The words of a query term, folded as the index folds what it holds."""
    return (search_fold(text) or "").split()


def parse(text: str) -> Query:
    if len(text) > MAX_QUERY:
        raise UsageError(f"the search query is {len(text)} characters long; at most {MAX_QUERY} are accepted")
    if text.count('"') % 2:
        raise UsageError(
            'the search query has an unterminated quote ("); close the phrase or remove the quote'
        )
    tokens: list[tuple[str, bool, bool, bool]] = []  # (text, is_phrase, negated, prefix)
    for match in re.finditer(r'(-?)"([^"]*)"|(\S+)', text):
        if match.group(3) is not None:
            raw = match.group(3)
            negated = raw.startswith("-") and len(raw) > 1
            raw = raw[1:] if negated else raw
            prefix = raw.endswith("*")
            tokens.append((raw.rstrip("*"), False, negated, prefix))
        else:
            tokens.append((match.group(2), True, bool(match.group(1)), False))
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for raw, is_phrase, negated, prefix in tokens:
        if not is_phrase and raw == "OR" and not negated:
            join_next = bool(groups)
            continue
        words = _fold(raw)
        if not words:
            continue
        terms = (
            [Term(tuple(words), prefix, negated)]
            if is_phrase or len(words) == 1
            else [Term((w,), prefix and i == len(words) - 1, negated) for i, w in enumerate(words)]
        )
        for term in terms:
            if term.negated:
                excluded.append(term)
            elif join_next and groups:
                groups[-1].append(term)
                join_next = False
            else:
                groups.append([term])
    if not groups:
        raise UsageError(f"the search query '{text}' has no word to search for")
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


def to_fts5(query: Query) -> str:
    def term(t: Term) -> str:
        quoted = '"' + " ".join(t.words).replace('"', '""') + '"'
        return quoted + (" *" if t.prefix else "")

    positive = " AND ".join("(" + " OR ".join(term(t) for t in group) + ")" for group in query.groups)
    if query.excluded:
        positive = f"({positive}) NOT (" + " OR ".join(term(t) for t in query.excluded) + ")"
    return positive


def to_tsquery(query: Query) -> str:
    def term(t: Term) -> str:
        parts = [f"'{w}'" for w in t.words]
        if t.prefix:
            parts[-1] += ":*"
        return "(" + " <-> ".join(parts) + ")"

    positive = " & ".join("(" + " | ".join(term(t) for t in group) + ")" for group in query.groups)
    for t in query.excluded:
        positive += f" & !{term(t)}"
    return positive
