"""Text folding for lookups: case-, diacritics- and punctuation-insensitive keys.

``fold("Rokossóvskii")`` == ``fold("ROKOSSOVSKII")`` == ``"rokossovskii"``.  Pure and
cheap; used when storing the ``*_norm`` lookup columns and when reading a query.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
# letters that NFKD does not decompose but that readers type without their stroke
_EXTRA = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "’": "'"})


def fold(text: str) -> str:
    """Lower-case, strip diacritics and punctuation, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", stripped).split())


def padded(text: str) -> str:
    """The folded text with a space at each end, so ``LIKE '% word %'`` matches whole words."""
    return f" {fold(text)} "


def slugify(text: str, *, max_words: int = 6) -> str:
    """A stable, readable key from content: ``"Stalin's Wars"`` -> ``"stalins-wars"``."""
    folded = fold(text.replace("'", "").replace("’", ""))
    words = [w for w in folded.split() if w]
    return "-".join(words[:max_words]) or "item"


def like_escape(text: str) -> str:
    """Escape LIKE wildcards so user input matches literally (used with ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
