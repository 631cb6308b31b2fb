"""Bytes to text: encodings, BOMs and the clear errors for files that are not UTF-8 text."""

from __future__ import annotations

from pathlib import Path

import pytest

from refdb.errors import InputError, NotFoundError
from refdb.formats import ris
from refdb.formats.text import decode, read_file
from tests.conftest import SHARED

REFERENCE = SHARED / "reference"


def test_plain_utf8_passes_through() -> None:
    assert decode("Рокоссовский\n".encode(), source_name="a.bib") == "Рокоссовский\n"


def test_utf8_bom_is_dropped() -> None:
    assert decode(b"\xef\xbb\xbfTY  - JOUR\n", source_name="a.ris") == "TY  - JOUR\n"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_bom(codec: str) -> None:
    bom = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff", "utf-32-le": "\ufeff", "utf-32-be": "\ufeff"}
    data = (bom.get(codec, "") + "Сталин\r\nwar\n").encode(codec)
    assert decode(data, source_name="a.bib") == "Сталин\nwar\n"


def test_line_endings_become_newlines() -> None:
    assert decode(b"a\r\nb\rc\n", source_name="a.bib") == "a\nb\nc\n"


def test_invalid_utf8_names_the_byte_and_line() -> None:
    with pytest.raises(InputError) as err:
        decode("line one\nГлантц\n".encode() + b"caf\xe9\n", source_name="refs.bib")
    assert str(err.value) == "refs.bib:3: not valid UTF-8 (byte 0xE9); save the file as UTF-8"
    assert err.value.location == "refs.bib:3"


def test_invalid_utf16_is_reported_as_utf16() -> None:
    data = b"\xff\xfe" + "ok\n".encode("utf-16-le") + b"\x00\xd8"  # a lone high surrogate
    with pytest.raises(InputError) as err:
        decode(data, source_name="refs.ris")
    assert str(err.value) == "refs.ris:2: not valid UTF-16 (byte 0x00); save the file as UTF-8"


def test_gbk_reference_file_gives_the_clear_message() -> None:
    with pytest.raises(InputError) as err:
        read_file(REFERENCE / "bibtex-samples" / "gbk_test.bib")
    path = REFERENCE / "bibtex-samples" / "gbk_test.bib"
    assert str(err.value) == f"{path}:1: not valid UTF-8 (byte 0xBF); save the file as UTF-8"


def test_nul_byte_names_the_line() -> None:
    with pytest.raises(InputError) as err:
        decode(b"@book{a,\n  title = {X\x00}\n}\n", source_name="refs.bib")
    assert str(err.value) == "refs.bib:2: contains a NUL byte; is it a binary file? save it as UTF-8 text"


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \r\n"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(InputError) as err:
        decode(data, source_name="refs.ris")
    assert str(err.value) == "refs.ris: the file is empty"


def test_bom_reference_file_keeps_its_first_record() -> None:
    text = read_file(REFERENCE / "ris-samples" / "example_bom.ris")
    items = ris.loads(text, source_name="example_bom.ris")
    assert [p.item["DOI"] for p in items] == ["10.1186/s40981-020-0316-0"]


def test_read_file_missing(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as err:
        read_file(tmp_path / "nope.bib")
    assert str(err.value) == f"{tmp_path / 'nope.bib'}: no such file"


def test_read_file_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_file(tmp_path)
    assert str(err.value) == f"{tmp_path}: is a directory, not a file"


def test_read_file_permission_error_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a permission error made up, not a chmod: root (as in CI containers) reads every file
    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputError) as err:
        read_file(tmp_path / "x.bib")
    assert str(err.value) == f"{tmp_path / 'x.bib'}: cannot read the file: permission denied"


def test_read_file_reads_utf8(tmp_path: Path) -> None:
    path = tmp_path / "ok.bib"
    path.write_bytes("\ufeff@book{a, title={Война}}\r\n".encode())
    assert read_file(path) == "@book{a, title={Война}}\n"
