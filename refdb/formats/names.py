"""Person and institution names shared by the formats: CSL name dicts <-> text.

A CSL name is ``{"family", "given", "non-dropping-particle", "dropping-particle",
"suffix"}`` for a person or ``{"literal": ...}`` for a name that is one whole
(an institution).  RIS, CSV and displays write the inverted form
``"van Gogh, Vincent"`` / ``"King, Martin Luther, Jr."``; a name without a comma
is read as a literal.  Particles are found the way BibTeX finds its "von" part:
lower-case words before the family name (``de la Fuente``) are the
non-dropping particle, lower-case words after the given name
(``Beethoven, Ludwig van``) the dropping particle.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

CslName = dict[str, Any]

NAME_FIELDS = ("family", "given", "non-dropping-particle", "dropping-particle", "suffix", "literal")


def normalize_space(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(text.split())


def is_lowercase_word(word: str) -> bool:
    """Whether the first cased letter of ``word`` is lower case (``van``, ``d'Artagnan``)."""
    for char in word:
        if char.islower():
            return True
        if char.isupper():
            return False
    return False


def split_family(
    words: Sequence[str], *, is_lower: Callable[[str], bool] = is_lowercase_word
) -> tuple[list[str], list[str]]:
    """``(particle words, family words)``: BibTeX's "von" rule; the last word is always family."""
    if len(words) < 2:
        return [], list(words)
    last_lower = -1
    for index, word in enumerate(words[:-1]):
        if is_lower(word):
            last_lower = index
    return list(words[: last_lower + 1]), list(words[last_lower + 1 :])


def split_given(
    words: Sequence[str], *, is_lower: Callable[[str], bool] = is_lowercase_word
) -> tuple[list[str], list[str]]:
    """``(given words, dropping-particle words)``: trailing lower-case words after a capitalised one."""
    end = len(words)
    while end > 0 and is_lower(words[end - 1]):
        end -= 1
    if end == 0:  # all lower case ("bell hooks"): a given name, not particles
        return list(words), []
    return list(words[:end]), list(words[end:])


def make_name(
    *, family: str = "", given: str = "", particle: str = "", dropping: str = "", suffix: str = ""
) -> CslName:
    """A CSL person name from its parts; empty parts are left out."""
    parts = {
        "family": family,
        "given": given,
        "non-dropping-particle": particle,
        "dropping-particle": dropping,
        "suffix": suffix,
    }
    return {key: value for key, value in parts.items() if value}


def parse_inverted(text: str) -> CslName:
    """``"van Gogh, Vincent"`` -> person; ``"World Health Organization"`` (no comma) -> literal."""
    text = normalize_space(text)
    if "," not in text:
        return {"literal": text}
    family_part, rest = text.split(",", 1)
    given_part, _, suffix = rest.partition(",")
    particle, family = split_family(family_part.split())
    given, dropping = split_given(given_part.split())
    return make_name(
        family=" ".join(family),
        given=" ".join(given),
        particle=" ".join(particle),
        dropping=" ".join(dropping),
        suffix=normalize_space(suffix),
    )


def format_inverted(name: CslName, *, mark_person: bool = False) -> str:
    """``"van Gogh, Vincent"``, ``"King, Martin Luther, Jr."`` or the literal.

    With ``mark_person`` a family-only name keeps a trailing comma (``"Plato,"``) so
    that :func:`parse_inverted` reads it back as a person, not a literal.
    """
    literal = _text(name.get("literal"))
    if literal:
        return literal
    family = " ".join(p for p in (_text(name.get("non-dropping-particle")), _text(name.get("family"))) if p)
    given = " ".join(p for p in (_text(name.get("given")), _text(name.get("dropping-particle"))) if p)
    suffix = _text(name.get("suffix"))
    if not family and not mark_person:
        return ", ".join(p for p in (given, suffix) if p)
    if suffix:
        return f"{family}, {given}, {suffix}"
    if given:
        return f"{family}, {given}"
    return f"{family}," if mark_person else family


def format_names(names: Iterable[CslName] | None, separator: str = "; ") -> str:
    """Names in inverted form joined by ``separator`` (for CSV cells and displays)."""
    return separator.join(format_inverted(name) for name in names or ())


def _text(value: Any) -> str:
    return normalize_space(str(value)) if value is not None else ""


# ----------------------------------------------------------------- names as people type them

# a word after the family name that is not a given name: "Jr.", "III"
_SUFFIXES = frozenset({"jr", "jr.", "jnr", "jnr.", "sr", "sr.", "snr", "snr.", "ii", "iii", "iv", "2nd", "3rd"})
# words that make a name an institution's (folded: lower case, no diacritics); matched as whole words
INSTITUTION_WORDS = frozenset(
    ["academy", "agency", "archive", "archives", "army", "association", "board", "bureau", "center", "centre", "college", "commissariat", "commission", "committee", "company", "corporation", "council", "department", "directorate", "foundation", "front", "government", "group", "headquarters", "inc", "institute", "institution", "league", "library", "ltd", "ministry", "museum", "navy", "office", "organisation", "organization", "party", "press", "publishers", "service", "society", "staff", "stavka", "survey", "team", "union", "university", "universitat", "universite", "академия", "архив", "библиотека", "главное", "директорат", "издательство", "институт", "комиссариат", "комиссия", "комитет", "министерство", "музеи", "наркомат", "общество", "партия", "правительство", "совет", "ставка", "управление", "университет", "фронт", "штаб"]
)
_PATRONYMIC = re.compile(r"(?:ович|евич|ич|овна|евна|ична|инична|ovich|evich|ovna|evna|ichna)$", re.IGNORECASE)


def is_suffix(word: str) -> bool:
    return word.lower() in _SUFFIXES


_INITIALS = re.compile(r"^(?:[^\W\d_]{1,2}\.-?)+$")


def is_initials(word: str) -> bool:
    """``"J."``, ``"J.R.R."``, ``"Н."``, ``"Ж.-П."``: one or more initials, each with its full stop."""
    return bool(_INITIALS.match(word))


def is_patronymic(word: str) -> bool:
    """A Russian patronymic: Константинович, Ильич, Pavlovich, Moiseevna."""
    return len(word) > 4 and bool(_PATRONYMIC.search(word))


def is_institution(text: str) -> bool:
    """Whether a name is an institution's: braced (BibTeX), an acronym (NKVD, ЦК), or with a word such
    as Committee, Institute, University, Комитет among its words."""
    text = normalize_space(text)
    if text.startswith("{") and text.endswith("}"):
        return True
    words = _plain_words(text)
    if len(words) == 1 and 2 <= len(words[0]) <= 5 and text.isupper():
        return True
    return any(w in INSTITUTION_WORDS for w in words)


def _plain_words(text: str) -> list[str]:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.findall(r"[^\W_]+", plain)


def parse_name(text: str) -> CslName:
    """One name as a person or an institution types it, as a CSL name.

    - ``"Roberts, Geoffrey"``, ``"van Gogh, Vincent"``, ``"King, Martin Luther, Jr."``: inverted;
    - ``"Geoffrey Roberts"``, ``"Vincent van Gogh"``, ``"Jean de La Fontaine"``,
      ``"Martin Luther King Jr."`` / ``"Martin Luther King, Jr."``: natural order, BibTeX's
      "First von Last" rule (the lower-case words before the family name are its particle);
    - ``"J. R. R. Tolkien"``, ``"Tolkien, J.R.R."``, ``"Хрущев Н. С."`` (family first, then
      initials): initials are given names;
    - ``"Константин Константинович Рокоссовский"``, ``"Рокоссовский Константин Константинович"``
      (family first, known by the patronymic at the end), ``"Рокоссовский, Константин"``: any script;
    - ``"{Stavka}"``, ``"NKVD"``, ``"People's Commissariat of Defence"``: an institution, a literal.
    """
    text = normalize_space(text)
    if not text:
        return {}
    if text.startswith("{") and text.endswith("}"):
        inner = normalize_space(text[1:-1])
        return {"literal": inner} if inner else {}
    if is_institution(text):
        return {"literal": text}
    if "," in text:
        head, rest = (part.strip() for part in text.split(",", 1))
        if is_suffix(rest) and len(head.split()) > 1:  # "Martin Luther King, Jr."
            return _natural(head.split(), rest)
        name = parse_inverted(text)
        if not name.get("family") and name.get("given"):  # ", Plato"
            return make_name(family=name["given"])
        return name
    words = text.split()
    suffix = words.pop() if len(words) > 2 and is_suffix(words[-1]) else ""
    if len(words) == 3 and is_patronymic(words[2]) and not is_patronymic(words[1]):
        return make_name(family=words[0], given=" ".join(words[1:]), suffix=suffix)
    if len(words) > 1 and not is_initials(words[0]) and all(is_initials(w) for w in words[1:]):
        return make_name(family=words[0], given=" ".join(words[1:]), suffix=suffix)  # "Хрущев Н. С."
    return _natural(words, suffix)


def _natural(words: list[str], suffix: str = "") -> CslName:
    """BibTeX's "First von Last": the particle runs from the first to the last lower-case word before
    the final one; all lower case ("bell hooks"): the last word is the family name."""
    if len(words) == 1:
        return make_name(family=words[0], suffix=suffix)
    lower = [i for i, w in enumerate(words[:-1]) if is_lowercase_word(w)]
    if not lower or (len(lower) == len(words) - 1 and all(is_lowercase_word(w) for w in words)):
        return make_name(family=words[-1], given=" ".join(words[:-1]), suffix=suffix)
    first, last = lower[0], lower[-1]
    if first == 0:  # "de Gaulle": a particle and a family name, no given name
        return make_name(family=" ".join(words[last + 1 :]), particle=" ".join(words[: last + 1]), suffix=suffix)
    return make_name(
        given=" ".join(words[:first]),
        particle=" ".join(words[first : last + 1]),
        family=" ".join(words[last + 1 :]),
        suffix=suffix,
    )


def natural_form(name: CslName) -> str:
    """``"Vincent van Gogh"``, ``"Martin Luther King Jr."``, or the literal: how a display name reads."""
    if name.get("literal"):
        return _text(name["literal"])
    parts = (name.get("given"), name.get("dropping-particle"), name.get("non-dropping-particle"), name.get("family"))
    out = " ".join(_text(p) for p in parts if p)
    suffix = _text(name.get("suffix"))
    return f"{out} {suffix}" if suffix else out
