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


# combining marks of the Latin, Greek, Cyrillic, Hebrew and Arabic scripts (what NFKD splits off accents)
_COMBINING = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)


def fold(text: str) -> str:
    """Lower-case, strip diacritics and punctuation, collapse spaces."""
    if text.isascii():  # the common case, without Unicode decomposition
        return " ".join(_NON_WORD.sub(" ", text.lower()).split())
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA))
    return " ".join(_NON_WORD.sub(" ", _COMBINING.sub("", decomposed)).split())


def search_fold(text: str | None) -> str | None:
    """The words full-text search indexes and looks for: :func:`fold`, underscores as spaces.

    One fold for every script, on both engines (SQLite calls this function from its index triggers;
    PostgreSQL runs an SQL function generated from :func:`search_fold_char`): ``Хрущёв`` and
    ``Хрущев``, ``Краснои`` and ``Красной``, ``Straße`` and ``strasse``, ``Łódź`` and ``lodz``,
    ``Αθήνα`` and ``αθηνα`` are the same words.  The hard and soft signs (ъ, ь), Ukrainian і, є and
    Serbian ђ, ћ stay letters of their own; ї folds to і.
    """
    if text is None:
        return None
    return fold(text).replace("_", " ")


def search_fold_char(ch: str) -> str:
    """One character through :func:`search_fold`, spaces kept (what the PostgreSQL fold maps it to)."""
    decomposed = unicodedata.normalize("NFKD", ch.casefold().translate(_EXTRA))
    return _NON_WORD.sub(" ", _COMBINING.sub("", decomposed)).replace("_", " ")


def padded(text: str) -> str:
    """The folded text with a space at each end, so ``LIKE '% word %'`` matches whole words."""
    return f" {fold(text)} "


def slugify(text: str, *, max_words: int = 6) -> str:
    """A stable, readable ASCII key from content: ``"Stalin's Wars"`` -> ``"stalins-wars"``."""
    folded = fold(romanize(text.replace("'", "").replace("’", "")))
    words = ["".join(ch for ch in w if ch.isascii() and ch.isalnum()) for w in folded.split()]
    words = [w for w in words if w]
    return "-".join(words[:max_words]) or "item"


def like_escape(text: str) -> str:
    """Escape LIKE wildcards so user input matches literally (used with ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Russian Cyrillic romanization, for keys and for the transliterations every person lookup accepts.
#
# Why a hand-written table and not iuliia (evaluated with iuliia 0.13 over the seed's 13 Cyrillic names,
# the generator's 7,341 name forms and the tests' Cyrillic strings): no iuliia schema gives today's
# derived names, which are stored as `romanized` name rows and in keys, so switching would change data.
# - ALA-LC: iuliia's ALA_LC keeps the diacritics (Mikhaĭlovich, Beri͡ia, Grigorʹevich; 11 of 13 seed
#   names differ); ALA_LC_ALT writes the soft sign as ' (Grigor'evich, Lazar'; 2 of 13, 1,238 generator
#   forms); ALA_LC with its diacritics stripped leaves ё untransliterated (Khrushchёv; 1 of 13, 1,108).
#   ICAO_DOC_9303 happens to agree on every seed and generator name but is another scheme (ъ -> "ie").
# - common English: WIKIPEDIA gives Grigoryevich and Yefremovich (2 of 13 seed names, 1,118 generator
#   forms); MOSMETRO Grigoryevich and Khruschev (2 of 13); BGN_PCGN_ALT differs on 9 of 13.
_LC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
               ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t",
                "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia"], strict=True))  # fmt: skip
_EN = {**_LC, "й": "y", "ю": "yu", "я": "ya", "ё": "yo"}
_EN_ENDINGS = re.compile(r"(ий|ый)\b")


def romanize(text: str, scheme: str = "ALA-LC") -> str:
    """Russian Cyrillic in Latin letters: ``ALA-LC`` (Rokossovskii) or ``common English`` (Rokossovsky).

    Diacritics and ligatures of the full ALA-LC tables are left out, as lookups ignore them anyway.
    Non-Cyrillic characters pass through unchanged.
    """
    table = _LC if scheme == "ALA-LC" else _EN
    source = text if scheme == "ALA-LC" else _EN_ENDINGS.sub("y", text.lower())
    out = []
    for ch in source:
        lower = ch.lower()
        if lower in table:
            latin = table[lower]
            out.append(latin.capitalize() if ch != lower else latin)
        else:
            out.append(ch)
    result = "".join(out)
    if scheme != "ALA-LC":  # restore capitals lost by lower() for the ending rule
        result = " ".join(
            w[:1].upper() + w[1:] if o[:1].isupper() else w
            for w, o in zip(result.split(" "), text.split(" "), strict=False)
        )
    return result


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)
