"""Bytes to text for every importer: one place that knows about encodings.

Files are UTF-8.  A byte-order mark is honoured (and dropped): UTF-8, UTF-16 and
UTF-32, little and big endian.  Line endings become ``\\n`` (like Python's text
mode), so the parsers count lines the way an editor does.  Anything else that is
not valid UTF-8 is an :class:`InputError` naming the line of the first bad byte.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from refdb.errors import InputError, NotFoundError

# Longest BOMs first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def decode(data: bytes, *, source_name: str) -> str:
    """The text of a file's bytes, or an :class:`InputError` that says what to fix."""
    encoding, label, body = "utf-8", "UTF-8", data
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            encoding, label, body = codec, name, data[len(bom) :]
            break
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as err:
        bad = body[err.start]
        prefix = body[: err.start].decode(encoding, errors="replace")
        line = _line_count(prefix)
        raise InputError(
            f"not valid {label} (byte 0x{bad:02X}); save the file as UTF-8",
            location=f"{source_name}:{line}",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(
            "contains a NUL byte; is it a binary file? save it as UTF-8 text",
            location=f"{source_name}:{_line_count(text[:nul])}",
        )
    if not text.strip():
        raise InputError("the file is empty", location=source_name)
    return text


def read_file(path: Path) -> str:
    """Read and :func:`decode` a file, with a clear error when it cannot be read."""
    return decode(read_bytes(path), source_name=str(path))


def read_bytes(path: Path) -> bytes:
    """A file's bytes, with a clear error when it cannot be read."""
    name = str(path)
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        raise NotFoundError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", location=name) from None
    except PermissionError:
        raise InputError("cannot read the file: permission denied", location=name) from None
    except OSError as err:
        raise InputError(f"cannot read the file: {err.strerror or err}", location=name) from None


def _line_count(prefix: str) -> int:
    """The 1-based line on which the text after ``prefix`` starts (any newline convention)."""
    return prefix.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
