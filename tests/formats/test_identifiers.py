"""DOI, ISBN and ISSN: real numbers, their conversions, and refused check digits."""

from __future__ import annotations

import pytest

from refdb.formats import identifiers as ids

# Real books: Roberts, Stalin's Wars (Yale, 2006); Beevor, Stalingrad (Viking, 1998);
# Glantz, Stumbling Colossus (University Press of Kansas, 1998).
REAL_ISBNS = [
    ("0-300-11204-1", "9780300112047"),
    ("0-670-87095-1", "9780670870950"),
    ("0-7006-0879-6", "9780700608799"),
]


@pytest.mark.parametrize(("isbn10", "isbn13"), REAL_ISBNS)
def test_isbn10_to_isbn13_and_back(isbn10: str, isbn13: str) -> None:
    assert ids.to_isbn13(isbn10) == isbn13
    assert ids.to_isbn10(isbn13) == isbn10.replace("-", "")
    assert ids.is_valid_isbn(isbn10) and ids.is_valid_isbn(isbn13)


def test_isbn13_hyphenated_by_registration_group() -> None:
    assert ids.format_isbn("9780300112047") == "978-0-300-11204-7"
    assert ids.format_isbn("0300112041") == "0-300-11204-1"
    assert ids.validate_isbn("978-0-670-87095-0") == "9780670870950"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("978-0-300-11204-8", "checksum or check digit is invalid"),
        ("0-300-11204-2", "checksum or check digit is invalid"),
        ("978-0-7006-0879-8", "checksum or check digit is invalid"),
        ("978-0-300-1120", "invalid length"),
        ("ISBN 0-300-11204-1", "invalid format"),
    ],
)
def test_invalid_isbns_are_refused(number: str, reason: str) -> None:
    assert not ids.is_valid_isbn(number)
    with pytest.raises(ids.IdentifierError) as err:
        ids.validate_isbn(number)
    assert str(err.value).startswith(f"'{number}' is not a valid ISBN: ")
    assert reason in str(err.value)
    with pytest.raises(ids.IdentifierError):
        ids.to_isbn13(number)


def test_a_979_isbn_has_no_isbn10_form() -> None:
    assert ids.is_valid_isbn("9791032305690")
    with pytest.raises(ids.IdentifierError, match="has no ISBN-10 form"):
        ids.to_isbn10("9791032305690")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("0-300-11204-1", "9780300112047"),
        ("978-0-300-11204-7", "9780300112047"),
        ("0300112041 (pbk.)", "9780300112047"),  # words after the number are ignored
        ("030011204x", "9780300112047"),  # the shape, not the check digit, makes the key
        ("978-0-300-11204-8", "9780300112048"),  # a mistyped ISBN still matches its twin
        ("12X4567890", None),
        ("12345", None),
        ("", None),
        (None, None),
    ],
)
def test_isbn_key_compares_isbn10_and_isbn13(text: str | None, key: str | None) -> None:
    assert ids.isbn_key(text) == key


def test_issn_validated_and_formatted() -> None:
    # Nature, Science, Europe-Asia Studies
    for issn in ("0028-0836", "0036-8075", "0966-8136"):
        assert ids.is_valid_issn(issn)
        assert ids.format_issn(issn.replace("-", "")) == issn
    assert not ids.is_valid_issn("0028-0837")
    with pytest.raises(ids.IdentifierError, match=r"'0028-0837' is not a valid ISSN: .*check digit"):
        ids.validate_issn("0028-0837")


def test_shape_tests_tell_issn_from_isbn() -> None:
    assert ids.looks_like_issn("0028-0836") and ids.looks_like_issn("1234567X")
    assert not ids.looks_like_issn("0-300-11204-1")
    assert ids.looks_like_isbn("0-300-11204-1 (pbk.)") and ids.looks_like_isbn("978-0-300-11204-7")
    assert not ids.looks_like_isbn("0028-0836")


@pytest.mark.parametrize(
    "written",
    [
        "10.1080/09668136.2011.547697",
        "https://doi.org/10.1080/09668136.2011.547697",
        "http://doi.org/10.1080/09668136.2011.547697",
        "https://dx.doi.org/10.1080/09668136.2011.547697",
        "HTTP://DX.DOI.ORG/10.1080/09668136.2011.547697",
        "doi:10.1080/09668136.2011.547697",
        "DOI: 10.1080/09668136.2011.547697",
        "  doi:https://doi.org/10.1080/09668136.2011.547697 ",
    ],
)
def test_doi_forms(written: str) -> None:
    assert ids.normalize_doi(written) == "10.1080/09668136.2011.547697"
    assert ids.normalize_doi(written.upper()) == ids.normalize_doi(written)


def test_strip_doi_prefix_keeps_the_case_and_one_prefix() -> None:
    assert ids.strip_doi_prefix(" https://doi.org/10.1000/ABC ") == "10.1000/ABC"
    assert ids.strip_doi_prefix("doi:  10.1000/ABC") == "10.1000/ABC"
    assert ids.strip_doi_prefix("10.1000/doi.org/x") == "10.1000/doi.org/x"
    assert (
        ids.normalize_doi("") is None
        and ids.normalize_doi("doi:") is None
        and ids.normalize_doi(None) is None
    )
