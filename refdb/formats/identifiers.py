"""Identifiers of works: DOI, ISBN, ISSN.

DOIs are compared case-insensitively and without the resolver prefixes people paste
(``https://doi.org/``, ``doi:``).  ISBNs and ISSNs are checked and converted with
python-stdnum (check digits, ISBN-10 <-> ISBN-13, hyphenation); stdnum is imported
inside the functions that need it, because importing it costs about 40 ms (its
``stdnum.util`` loads ``ssl`` and ``pydoc``) and most commands never touch an ISBN.
"""

from __future__ import annotations

import re

# --- DOI -------------------------------------------------------------------------------------------

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def strip_doi_prefix(doi: str) -> str:
    """``https://doi.org/10.1/x``, ``http://dx.doi.org/10.1/x`` and ``doi:10.1/x`` -> ``10.1/x``.

    The DOI itself keeps its case (DOIs are case-insensitive, but files are copied as written).
    """
    return _DOI_PREFIX.sub("", doi.strip())


def normalize_doi(doi: str | None) -> str | None:
    """The form two DOIs are compared in: no resolver prefix (however many), lower case; or None."""
    if not doi:
        return None
    doi = doi.strip().lower()
    while True:
        stripped = strip_doi_prefix(doi)
        if stripped == doi:
            break
        doi = stripped
    return doi or None


# --- ISBN ------------------------------------------------------------------------------------------


class IdentifierError(ValueError):
    """A number that is not a valid ISBN/ISSN; ``str()`` says why."""


def _isbn_candidate(text: str) -> str:
    """The first word of ``text`` without separators: ``"0-19-517977-3 (pbk.)"`` -> ``"0195179773"``."""
    words = text.split()
    return re.sub(r"[^0-9Xx]", "", words[0] if words else text).upper()


def isbn_key(isbn: str | None) -> str | None:
    """The ISBN-13 digits two ISBNs are compared by (an ISBN-10 is converted); None if not ISBN-shaped.

    Only the shape is looked at (10 or 13 digits after the separators are dropped; words
    after the first, such as "(pbk.)", are ignored), not the check digit: a record with a
    mistyped ISBN still matches another record with the same mistyped ISBN.
    """
    if not isbn:
        return None
    digits = _isbn_candidate(isbn)
    if len(digits) == 10:
        if not digits[:9].isdigit():
            return None
        from stdnum import isbn as stdnum_isbn

        return str(stdnum_isbn.to_isbn13(digits))
    return digits if len(digits) == 13 else None


def is_valid_isbn(isbn: str) -> bool:
    """Whether ``isbn`` is an ISBN-10 or ISBN-13 with a correct check digit (separators allowed)."""
    from stdnum import isbn as stdnum_isbn

    return bool(stdnum_isbn.is_valid(isbn))


def validate_isbn(isbn: str) -> str:
    """The compact ISBN (``"9780300107364"``) if valid, else :class:`IdentifierError` saying why."""
    from stdnum import isbn as stdnum_isbn
    from stdnum.exceptions import ValidationError

    try:
        return str(stdnum_isbn.validate(isbn))
    except ValidationError as err:
        raise IdentifierError(f"'{isbn}' is not a valid ISBN: {_reason(err)}") from None


def to_isbn13(isbn: str) -> str:
    """A valid ISBN as ISBN-13 digits: ``"0-300-10736-6"`` -> ``"9780300107364"``."""
    from stdnum import isbn as stdnum_isbn

    return str(stdnum_isbn.to_isbn13(validate_isbn(isbn)))


def to_isbn10(isbn: str) -> str:
    """A valid 978- ISBN as ISBN-10 digits (``"9780300107364"`` -> ``"0300107366"``).

    A 979- ISBN has no ISBN-10 form: :class:`IdentifierError`.
    """
    from stdnum import isbn as stdnum_isbn
    from stdnum.exceptions import ValidationError

    number = validate_isbn(isbn)
    try:
        return str(stdnum_isbn.to_isbn10(number))
    except ValidationError as err:
        raise IdentifierError(f"'{isbn}' has no ISBN-10 form: {_reason(err)}") from None


def format_isbn(isbn: str) -> str:
    """A valid ISBN hyphenated by its registration groups: ``"9780300107364"`` -> ``"978-0-300-10736-4"``."""
    from stdnum import isbn as stdnum_isbn

    return str(stdnum_isbn.format(validate_isbn(isbn), convert=False))


# --- ISSN ------------------------------------------------------------------------------------------

_ISSN_SHAPE = re.compile(r"^\d{4}-?\d{3}[\dXx]\b")


def looks_like_issn(number: str) -> bool:
    """Whether ``number`` starts like an ISSN (``1234-5678``, ``1234567X``); check digit not checked."""
    return _ISSN_SHAPE.match(number) is not None


def looks_like_isbn(number: str) -> bool:
    """Whether ``number`` has an ISBN's 10 or 13 digits (before any parenthesised remark)."""
    return len(re.sub(r"[^0-9Xx]", "", number.split("(")[0])) in (10, 13)


def is_valid_issn(issn: str) -> bool:
    """Whether ``issn`` is an ISSN with a correct check digit (``0028-0836``)."""
    from stdnum import issn as stdnum_issn

    return bool(stdnum_issn.is_valid(issn))


def validate_issn(issn: str) -> str:
    """The compact ISSN (``"00280836"``) if valid, else :class:`IdentifierError` saying why."""
    from stdnum import issn as stdnum_issn
    from stdnum.exceptions import ValidationError

    try:
        return str(stdnum_issn.validate(issn))
    except ValidationError as err:
        raise IdentifierError(f"'{issn}' is not a valid ISSN: {_reason(err)}") from None


def format_issn(issn: str) -> str:
    """A valid ISSN in its printed form: ``"00280836"`` -> ``"0028-0836"``."""
    from stdnum import issn as stdnum_issn

    return str(stdnum_issn.format(validate_issn(issn)))


def _reason(err: Exception) -> str:
    message = str(err).strip() or type(err).__name__
    return message[0].lower() + message[1:].rstrip(".")
