"""BibTeX's name grammar: ``and``-separated name lists, ``von Last, Jr, First``, braced literals.

Reading uses bibtexparser's grammar (``parse_single_name_into_parts``) with the
splitting and the particle rules of :mod:`refdb.formats.names`; writing picks the
form that reads back as the same name, checked by reading it back.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

from refdb.errors import InputError
from refdb.formats.bibtex.latex import latex_to_text, text_to_latex
from refdb.formats.names import CslName, is_lowercase_word, make_name, normalize_space, split_given


def _is_whole_braced(text: str) -> bool:
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for match in re.finditer(r"(?<!\\)[{}]", text):
        depth += 1 if match.group() == "{" else -1
        if depth == 0:
            return match.end() == len(text)
    return False


def split_persons(value: str) -> list[str]:
    """Split a name list on the word ``and`` outside braces.

    bibtexparser's ``split_multiple_persons_names`` misses the split when the next name
    starts with a backslash (``Smith, J. and \\'Emile Zola`` stays one name).
    """
    names: list[list[str]] = [[]]
    word: list[str] = []
    depth = 0
    chars = iter(value)
    for char in chars:
        if char == "\\":
            word.append(char)
            word.append(next(chars, ""))
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if depth == 0 and char.isspace():
            _end_word(names, word)
            word = []
            continue
        word.append(char)
    _end_word(names, word)
    return [" ".join(words) for words in names if words]


def _end_word(names: list[list[str]], word: list[str]) -> None:
    text = "".join(word)
    if not text:
        return
    if text.lower() == "and" and names[-1]:
        names.append([])
    else:
        names[-1].append(text)


def _raw_is_lower(word: str) -> bool:
    """Case of a raw BibTeX name word; a braced word is protected (caseless)."""
    return not word.startswith("{") and is_lowercase_word(latex_to_text(word))


# biblatex's extended name format (manual 3.4): ``family=Heuvel, given=Charles, prefix=van den, useprefix=false``
_EXTENDED_PART = re.compile(r"^\s*\"?([A-Za-z-]+)\"?\s*=\s*(.*?)\s*$", re.S)
_EXTENDED_KEYS = frozenset({"family", "given", "prefix", "suffix", "useprefix"})


def _split_commas(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _extended_name(person: str, *, location: str, field: str) -> CslName | None:
    """A name in biblatex's extended format as a CSL name; None when ``person`` is not one."""
    parts = _split_commas(person)
    matches = [_EXTENDED_PART.match(part) for part in parts]
    if not all(matches):
        return None
    values: dict[str, str] = {}
    for match in matches:
        assert match is not None
        key, value = match.group(1).lower(), match.group(2)
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = value[1:-1]
        if key.endswith("-i"):  # given-i=J: the initials biblatex should use; the name itself says them
            continue
        if key not in _EXTENDED_KEYS:
            raise InputError(
                f"cannot read the name '{person}': '{key}' is not a part of biblatex's extended name format "
                f"(family, given, prefix, suffix, useprefix)", location=location, field=field,
            )  # fmt: skip
        values[key] = value
    prefix = latex_to_text(values.get("prefix", ""))
    use_prefix = latex_to_text(values.get("useprefix", "false")).lower() in ("true", "1", "yes")
    return make_name(
        family=latex_to_text(values.get("family", "")),
        given=latex_to_text(values.get("given", "")),
        particle=prefix if use_prefix else "",
        dropping="" if use_prefix else prefix,
        suffix=latex_to_text(values.get("suffix", "")),
    )


_READ: dict[str, tuple[CslName, ...]] = {}  # name lists read, by their text: authors repeat across entries
_READ_MAX = 20_000  # then the cache starts afresh: memory stays bounded on any file


def read_names(value: str, *, location: str, field: str) -> list[CslName]:
    """:func:`_read_names`, remembered by the field's text (a list that raises is never remembered,
    so its error names each entry's own line).  The names are fresh dicts on every call."""
    known = _READ.get(value)
    if known is None:
        names = _read_names(value, location=location, field=field)
        if len(_READ) >= _READ_MAX:
            _READ.clear()
        _READ[value] = tuple(dict(n) for n in names)
        return names
    return [dict(n) for n in known]


def _read_names(value: str, *, location: str, field: str) -> list[CslName]:
    """A BibTeX name list as CSL names (``others`` dropped); a name the grammar rejects raises.

    Each name is in BibTeX's grammar (``von Last, Jr, First``), a braced literal, or in biblatex's
    extended name format (``family=Heuvel, given=Charles, prefix=van den, useprefix=false``).
    """
    names: list[CslName] = []
    for person in split_persons(value):
        person = person.strip()
        if not person or person.lower() == "others":
            continue
        if "=" in person and not _is_whole_braced(person):
            extended = _extended_name(person, location=location, field=field)
            if extended is not None:
                if extended:
                    names.append(extended)
                continue
        if _is_whole_braced(person):
            literal = latex_to_text(person[1:-1])
            if literal:
                names.append({"literal": literal})
            continue
        try:
            parts = parse_single_name_into_parts(person, strict=True)
        except InvalidNameError as err:
            raise InputError(
                f"cannot read the name '{person}': {err.reason.lower()}", location=location, field=field
            ) from None
        given, dropping = split_given(parts.first, is_lower=_raw_is_lower)
        name = make_name(
            family=latex_to_text(" ".join(parts.last)),
            given=latex_to_text(" ".join(given)),
            particle=latex_to_text(" ".join(parts.von)),
            dropping=latex_to_text(" ".join(dropping)),
            suffix=latex_to_text(" ".join(parts.jr)),
        )
        if name:
            names.append(name)
    return names


def canonical_name(name: CslName) -> CslName:
    """The name with its whitespace normalised and empty parts dropped (``{}`` when it has none)."""
    if name.get("literal"):
        return {"literal": normalize_space(str(name["literal"]))}
    return make_name(
        family=normalize_space(str(name.get("family") or "")),
        given=normalize_space(str(name.get("given") or "")),
        particle=normalize_space(str(name.get("non-dropping-particle") or "")),
        dropping=normalize_space(str(name.get("dropping-particle") or "")),
        suffix=normalize_space(str(name.get("suffix") or "")),
    )


def _protect_words(text: str) -> str:
    """Brace the words BibTeX would misread inside a name part (``and`` splits names)."""
    return " ".join("{" + word + "}" if word.lower() == "and" else word for word in text.split())


def _plain_form(name: CslName) -> str:
    """``von Last, Jr, First`` with the braces BibTeX's name grammar needs to read it back."""
    family = text_to_latex(name.get("family", ""))
    particle = _protect_words(text_to_latex(name.get("non-dropping-particle", "")))
    given = _protect_words(text_to_latex(name.get("given", "")))
    dropping = _protect_words(text_to_latex(name.get("dropping-particle", "")))
    suffix = text_to_latex(name.get("suffix", ""))

    if " " in family or "," in family or family.lower() == "and" or not family:
        family = "{" + family + "}"
    given_words, dropping_words = given.split(), dropping.split()
    if "," in given or split_given(given_words + dropping_words, is_lower=_raw_is_lower) != (
        given_words,
        dropping_words,
    ):
        given = "{" + given + "}" if given else ""
    if "," in suffix or " " in suffix or suffix.lower() == "and":
        suffix = "{" + suffix + "}"
    von_last = f"{particle} {family}" if particle else family
    first = f"{given} {dropping}".strip() or "{}"
    if suffix:
        return f"{von_last}, {suffix}, {first}"
    if first != "{}":
        return f"{von_last}, {first}"
    if particle or family.startswith("{"):
        return f"{von_last}, {{}}"
    return von_last


def _merged(name: CslName) -> CslName:
    """The particles folded into family and given name: what BibTeX can always say."""
    return make_name(
        family=" ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p),
        given=" ".join(p for p in (name.get("given"), name.get("dropping-particle")) if p),
        suffix=name.get("suffix", ""),
    )


def _braced_form(name: CslName) -> str:
    family, given = text_to_latex(name.get("family", "")), text_to_latex(name.get("given", ""))
    suffix = text_to_latex(name.get("suffix", ""))
    middle = f" {{{suffix}}}," if suffix else ""
    return f"{{{family}}},{middle} {{{given}}}"


def format_name(name: CslName) -> str:
    """One CSL name as BibTeX: ``{Institution Name}``, ``van Gogh, Vincent``, ``King, Jr., Martin``.

    A name the grammar cannot hold as it is (a capitalised particle such as "De") is
    written with its particles folded into the family/given name, which reads back stably.
    Each form is checked by reading it back, once per distinct name (authors recur: cached).
    """
    return _format_name_cached(tuple(sorted((k, str(v)) for k, v in name.items())))


@lru_cache(maxsize=65536)
def _format_name_cached(parts: tuple[tuple[str, str], ...]) -> str:
    canonical = canonical_name(dict(parts))
    if "literal" in canonical:
        return "{" + text_to_latex(canonical["literal"]) + "}"
    for candidate in (canonical, _merged(canonical)):
        form = _plain_form(candidate)
        try:
            if read_names(form, location="", field="") == [candidate]:
                return form
        except InputError:
            pass
    return _braced_form(_merged(canonical))
