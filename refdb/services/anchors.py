"""Anchors: W3C TextQuoteSelectors (exact text with prefix/suffix context) into a source's text."""

from __future__ import annotations

from refdb.errors import InputError


def locate(text: str, exact: str, prefix: str | None, suffix: str | None) -> int | None:
    """The start of ``exact`` where ``prefix + exact + suffix`` occurs exactly once, else None."""
    needle = (prefix or "") + exact + (suffix or "")
    first = text.find(needle)
    if first < 0 or text.find(needle, first + 1) >= 0:
        return None
    return first + len(prefix or "")


def verify(
    text: str | None,
    exact: str,
    prefix: str | None,
    suffix: str | None,
    *,
    what: str,
    source_key: str,
    loc: str,
) -> int:
    """The anchor's start in the text; an InputError naming the record when it does not match once."""
    if text is None:
        raise InputError(f"{what}: source '{source_key}' holds no text to anchor into", location=loc)
    needle = (prefix or "") + exact + (suffix or "")
    count = text.count(needle)
    if count == 1:
        start = locate(text, exact, prefix, suffix)
        assert start is not None
        return start
    shown = exact if len(exact) <= 60 else exact[:57] + "..."
    if count == 0:
        hint = " (the exact text is there, but not with this prefix/suffix)" if exact in text else ""
        raise InputError(
            f"{what}: anchor '{shown}' does not match the text of '{source_key}'{hint}", location=loc
        )
    raise InputError(
        f"{what}: anchor '{shown}' matches {count} places in '{source_key}'; add a prefix or suffix",
        location=loc,
    )
