"""Annotating a source's text: a selected passage becomes a quote, a claim's anchor, or a new claim.

The browser sends the selected text and where it starts in the source's text; refdb computes the
W3C TextQuoteSelector (``exact``, and the shortest ``prefix``/``suffix`` that make it match exactly
once) and the paragraph locator, and writes through the authoring services, so the anchor is
verified exactly as a load verifies it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from refdb.errors import InputError, NotFoundError
from refdb.formats.display import paragraphs
from refdb.services import anchors, authoring

MAX_CONTEXT = 300


@dataclass(frozen=True)
class Selection:
    exact: str
    prefix: str | None
    suffix: str | None
    start: int
    paragraph: int | None


def select(text: str, exact: str, start: int | None) -> Selection:
    """The selector for ``exact`` at ``start`` (or, without a start, its one occurrence)."""
    if not exact or not exact.strip():
        raise InputError("select a passage of the text first", field="exact")
    if start is None or text[start : start + len(exact)] != exact:
        if text.count(exact) != 1:
            raise InputError(
                "the selected passage is not where the browser says it is in the text", field="exact"
            )
        start = text.index(exact)
    end = start + len(exact)
    before = after = 0
    while (
        anchors.locate(text, exact, text[start - before : start] or None, text[end : end + after] or None)
        != start
    ):
        if before >= MAX_CONTEXT and after >= MAX_CONTEXT:
            raise InputError("the passage repeats too often to anchor; select more of it", field="exact")
        # the context grows a word at a time, on the side that has text left, prefix first
        if before <= after and before < start:
            before = _grow(text, start, before, backwards=True)
        elif end + after < len(text):
            after = _grow(text, end, after, backwards=False)
        else:
            before = _grow(text, start, before, backwards=True)
    prefix = text[start - before : start] or None
    suffix = text[end : end + after] or None
    paragraph = next((p.number for p in paragraphs(text) if p.start <= start < p.end), None)
    return Selection(exact, prefix, suffix, start, paragraph)


def _grow(text: str, edge: int, size: int, *, backwards: bool) -> int:
    """The context one word longer."""
    if backwards:
        pos = edge - size - 1
        while pos > 0 and not text[pos - 1].isspace():
            pos -= 1
        return edge - max(pos, 0)
    pos = edge + size + 1
    while pos < len(text) and not text[pos].isspace():
        pos += 1
    return min(pos, len(text)) - edge


def _text_of(session: Session, source: str) -> str:
    from refdb.services.browse import source_text

    text, _ = source_text(session, source)
    if text is None:
        raise NotFoundError(f"refdb holds no text of the source '{source}'")
    return text


def selection_for(session: Session, source: str, exact: str, start: int | None) -> Selection:
    return select(_text_of(session, source), exact, start)


def make_quote(session: Session, source: str, exact: str, start: int | None, *, speaker: str | None = None,
               origin: str | None = None, origin_locator: str | None = None,
               claims: list[str] | None = None) -> str:  # fmt: skip
    """A quote of the selected passage, found in ``source`` at its paragraph; returns its key."""
    sel = selection_for(session, source, exact, start)
    record: dict[str, Any] = {
        "text": sel.exact,
        "speaker": authoring.person_key_for(session, speaker, create=False) if speaker else None,
        "found_in": {"source": source, "locator": str(sel.paragraph), "label": "paragraph"}
        if sel.paragraph is not None else {"source": source},
        "anchor": {k: v for k, v in (("prefix", sel.prefix), ("suffix", sel.suffix)) if v} or None,
        "origin": {k: v for k, v in (("source", origin), ("locator", origin_locator)) if v} if origin else None,
        "claims": claims or [],
    }  # fmt: skip
    return authoring.add(session, "quote", record)


def anchor_claim(session: Session, claim: str, source: str, exact: str, start: int | None, *,
                 stance: str = "asserts", version: int | None = None, note: str | None = None) -> Selection:  # fmt: skip
    """Cite ``claim`` to ``source`` at the selected passage (anchor and paragraph computed).  When the
    claim already cites ``source`` with an anchor that no longer matches its text (the text was
    edited), that citation is anchored again, with this stance, instead of a second one added."""
    text = _text_of(session, source)
    sel = select(text, exact, start)
    rec = authoring.get(session, "claim", claim)
    stale = next((i for i, c in enumerate(rec.citations) if c.source == source and c.anchor is not None
                  and anchors.locate(text, c.anchor.exact, c.anchor.prefix, c.anchor.suffix) is None), None)  # fmt: skip
    if stale is not None:
        from refdb.services.history import plain_record

        plain = plain_record(session, "claim", rec.key)
        assert plain is not None
        cited = plain["citations"][stale]
        cited.update({"stance": stance, "anchor": {k: v for k, v in (("exact", sel.exact), ("prefix", sel.prefix),
                                                                     ("suffix", sel.suffix)) if v}})  # fmt: skip
        for name, value in (("locator", sel.paragraph), ("label", "paragraph" if sel.paragraph is not None else None)):
            if value is None:
                cited.pop(name, None)
            else:
                cited[name] = str(value)
        authoring.replace_record(session, "claim", rec.key, plain, version=version, fields={"citations"})
        return sel
    authoring.link_citation(
        session, claim, source, stance=stance, locator=str(sel.paragraph) if sel.paragraph is not None else None,
        label="paragraph" if sel.paragraph is not None else None, exact=sel.exact, prefix=sel.prefix,
        suffix=sel.suffix, note=note, version=version,
    )  # fmt: skip
    return sel


def new_claim(session: Session, source: str, exact: str, start: int | None, *, text: str, kind: str = "factual",
              stance: str = "asserts") -> str:  # fmt: skip
    """A new claim, cited to the selected passage; returns its key."""
    key = authoring.add(session, "claim", {"text": text, "kind": kind})
    anchor_claim(session, key, source, exact, start, stance=stance)
    return key
