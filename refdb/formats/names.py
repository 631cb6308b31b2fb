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
