"""Manuscripts: where a pandoc Markdown text cites what (pure; the citations themselves are pandoc's)."""

from __future__ import annotations

import re

# Pandoc's citation keys: "@" not preceded by a letter or digit, then a letter, digit or "_" and
# letters, digits and internal punctuation (:.#$%&-+?<>~/ followed by a letter or digit); or "@{...}".
_KEY = re.compile(r"(?<!\w)@(?:\{([^{}]*)\}|(\w(?:\w|[:.#$%&\-+?<>~/](?=\w))*))")


def citation_keys(text: str) -> dict[str, int]:
    """Every citation key the text may hold, with the line (1-based) it first occurs on.

    A superset of what pandoc parses (an ``@`` in a code block is listed too): the lines name
    where a key the database does not hold is cited; pandoc's own parse decides what is a citation.
    """
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        for match in _KEY.finditer(line):
            key = match.group(1) if match.group(1) is not None else match.group(2)
            found.setdefault(key, number)
    return found


def split_keys(keys: dict[str, int]) -> tuple[list[str], list[str], list[str]]:
    """(claim keys, quote keys, source keys), without their ``claim:`` / ``quote:`` prefixes."""
    claims, quotes, sources = [], [], []
    for key in keys:
        kind, _, rest = key.partition(":")
        if kind == "claim" and rest:
            claims.append(rest)
        elif kind == "quote" and rest:
            quotes.append(rest)
        else:
            sources.append(key)
    return claims, quotes, sources
