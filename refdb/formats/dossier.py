"""A dossier as a pandoc document: claim records in, pandoc's JSON AST out (pure; no pandoc run).

Why the AST and not Markdown text: every string from the database becomes a ``Str`` node, which no
parser ever reads again, so no claim, title or quote can inject Markdown, HTML, LaTeX or typst;
each pandoc writer escapes text for its own format (``<`` in HTML, ``#``/``$`` in typst, ``*`` and
``@`` in Markdown).  Building Markdown text instead would mean re-implementing pandoc's escaping
for every extension it parses (citations, raw HTML/TeX, attributes, smart quotes, footnotes ...).

Citations are pandoc ``Cite`` nodes: a source cited by a claim carries its locator as a
``[4]{.refdb-locator label="paragraph"}`` span in the suffix (written in the style locale's terms
by ``refdb/engines/writing.lua``); a quote is cited as ``@quote:KEY``, which the same filter turns
into the "quoted in" form that ``refdb render`` and ``refdb cite --quote`` print.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

Node = dict[str, Any]
Record = Mapping[str, Any]

STANCE_HEADINGS = (
    ("asserts", "Asserted by"),
    ("supports", "Supported by"),
    ("reports", "Reported by"),
    ("disputes", "Disputed by"),
    ("rejects", "Rejected by"),
)
_RELATION_OUT = {"supports": "supports", "refines": "refines", "contradicts": "contradicts"}
_RELATION_IN = {"supports": "is supported by", "refines": "is refined by", "contradicts": "is contradicted by"}
_SPACE = re.compile(r"(\s+)")


# --- AST constructors -----------------------------------------------------------------------------


def text(value: str) -> list[Node]:
    """A string as inlines: words as ``Str``, whitespace as ``Space`` (never parsed as markup)."""
    out: list[Node] = []
    for part in _SPACE.split(value):
        if not part:
            continue
        out.append({"t": "Space"} if part.isspace() else {"t": "Str", "c": part})
    return out


def attr(identifier: str = "", classes: Sequence[str] = (), pairs: Sequence[tuple[str, str]] = ()) -> list[Any]:
    return [identifier, list(classes), [list(p) for p in pairs]]


def para(inlines: list[Node]) -> Node:
    return {"t": "Para", "c": inlines}


def plain(inlines: list[Node]) -> Node:
    return {"t": "Plain", "c": inlines}


def header(level: int, inlines: list[Node], identifier: str = "", classes: Sequence[str] = ()) -> Node:
    return {"t": "Header", "c": [level, attr(identifier, classes), inlines]}


def strong(inlines: list[Node]) -> Node:
    return {"t": "Strong", "c": inlines}


def emph(inlines: list[Node]) -> Node:
    return {"t": "Emph", "c": inlines}


def link(inlines: list[Node], target: str) -> Node:
    return {"t": "Link", "c": [attr(), inlines, [target, ""]]}


def span(inlines: list[Node], identifier: str = "", classes: Sequence[str] = (),
         pairs: Sequence[tuple[str, str]] = ()) -> Node:  # fmt: skip
    return {"t": "Span", "c": [attr(identifier, classes, pairs), inlines]}


def div(blocks: list[Node], classes: Sequence[str] = ()) -> Node:
    return {"t": "Div", "c": [attr("", classes), blocks]}


def block_quote(blocks: list[Node]) -> Node:
    return {"t": "BlockQuote", "c": blocks}


def bullet_list(items: list[list[Node]]) -> Node:
    return {"t": "BulletList", "c": items}


def cite(key: str, locator: str | None = None, label: str = "page") -> Node:
    """``[@key, locator]``; the locator as refdb's span, which the filter writes in the locale's terms."""
    suffix = [span([{"t": "Str", "c": locator}], classes=["refdb-locator"], pairs=[("label", label)])] if locator else []
    citation = {
        "citationId": key, "citationPrefix": [], "citationSuffix": suffix,
        "citationMode": {"t": "NormalCitation"}, "citationNoteNum": 0, "citationHash": 0,
    }  # fmt: skip
    shown = f"[@{key}" + (f", {locator}" if locator else "") + "]"
    return {"t": "Cite", "c": [[citation], [{"t": "Str", "c": shown}]]}


def meta_inlines(value: str) -> Node:
    return {"t": "MetaInlines", "c": text(value)}


# --- the dossier ----------------------------------------------------------------------------------


def source_label(item: Mapping[str, Any] | None, key: str) -> str:
    """How the text names a source before its footnote: "Glantz, Colossus Reborn" (not a citation)."""
    if item is None:
        return key
    title = str(item.get("title-short") or item.get("title") or "").strip()
    names = item.get("author") or item.get("editor") or []
    first = names[0] if names and isinstance(names[0], Mapping) else {}
    who = str(first.get("family") or first.get("literal") or "").strip()
    label = ", ".join(part for part in (who, title) if part)
    return label or key


def claim_anchor(key: str) -> str:
    return f"claim-{key}"


def build(
    claims: Sequence[Record],
    items: Sequence[Mapping[str, Any]],
    *,
    title: str,
    note_style: bool = True,
    bibliography_title: str = "Bibliography",
) -> Node:
    """The dossier document (``{"meta": ..., "blocks": ...}``) for these claim records, in order."""
    by_id = {str(item["id"]): item for item in items}
    present = {str(claim["key"]) for claim in claims}
    blocks: list[Node] = [
        para([emph(text(
            f"{len(claims)} claim{'s' if len(claims) != 1 else ''} from the refdb database, with the sources "
            "that assert, support, report, dispute or reject each, the quotations that bear on it, the "
            "counter-comments and the related claims. Additions by the database's curator are marked as such."
        ))]),
        header(1, text("Contents"), "contents", ["unnumbered"]),
        bullet_list(
            [[plain([link(text(str(c["text"])), f"#{claim_anchor(str(c['key']))}")])] for c in claims]
            + [[plain([link(text(bibliography_title), f"#{_identifier(bibliography_title)}")])]]
        ),
    ]
    for claim in claims:
        blocks += _claim_blocks(claim, by_id, present, note_style)
    return {"meta": {"title": meta_inlines(title)}, "blocks": blocks}


def filter_data(claims: Sequence[Record], items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The data ``writing.lua`` needs for a dossier: its quotes, and the sources it may cite."""
    quotes: dict[str, Any] = {}
    for claim in claims:
        for quote in claim["quotes"]:
            quotes[str(quote["key"])] = {"origin": quote["origin"], "found": quote["found"]}
    return {"refdb-writing": 1, "claims": {}, "quotes": quotes, "sources": sorted(str(i["id"]) for i in items)}


def _identifier(heading: str) -> str:
    """Pandoc's auto identifier of a plain heading ("Bibliography" -> "bibliography")."""
    words = re.sub(r"[^\w\s-]", "", heading.lower()).split()
    return "-".join(words) or "section"


def _claim_blocks(claim: Record, items: Mapping[str, Any], present: set[str], note_style: bool) -> list[Node]:
    key = str(claim["key"])
    facts: list[Node] = [emph(text(str(claim["kind"])))]
    if claim["tags"]:
        facts += [{"t": "Str", "c": " · "}, *text("tags: " + ", ".join(claim["tags"]))]
    if claim["about"]:
        facts += [{"t": "Str", "c": " · "}, *text("about: " + ", ".join(claim["about"]))]
    facts += [{"t": "Str", "c": " · "}, *text("key: "), {"t": "Code", "c": [attr(), key]}]
    blocks: list[Node] = [header(2, text(str(claim["text"])), claim_anchor(key)), para(facts)]
    curated_fields = {c["field"] for c in claim["curated"] if c["record"] == "claim"}
    if claim["note"]:
        label = "Curator’s note: " if "note" in curated_fields else "Note: "
        blocks.append(_marked(para([strong(text(label)), *text(str(claim["note"]))]), "note" in curated_fields))
    for stance, heading in STANCE_HEADINGS:
        cited = [c for c in claim["citations"] if c["stance"] == stance]
        if not cited:
            continue
        blocks.append(para([strong(text(heading))]))
        # paragraphs, not a list: typst keeps a footnote on its reference's page in a paragraph,
        # but lets it slip to the next page from a list item
        for citation in cited:
            source = str(citation["source"])
            reference = cite(source, citation["locator"], str(citation["label"] or "page"))
            shown = [*text(source_label(items.get(source), source)), reference] if note_style else [reference]
            blocks.append(para(shown))
            if citation["anchor"]:
                blocks.append(block_quote([para([*text("“" + str(citation["anchor"]) + "”")])]))
            if citation["note"]:
                blocks.append(para([emph(text("Note:")), {"t": "Space"}, *text(str(citation["note"]))]))
    if claim["quotes"]:
        blocks.append(para([strong(text("Quotations"))]))
        for quote in claim["quotes"]:
            said = [{"t": "Str", "c": "—"}, {"t": "Space"}, *text(str(quote["speaker"] or "unknown speaker"))]
            if quote["origin"] or quote["found"]:
                said += [] if note_style else [{"t": "Space"}]
                said.append({"t": "Cite", "c": [[_citation(f"quote:{quote['key']}")],
                                                [{"t": "Str", "c": f"[@quote:{quote['key']}]"}]]})  # fmt: skip
            inner = [para(text(str(quote["text"]))), para(said)]
            if quote["note"]:
                inner.append(para([emph(text("Note:")), {"t": "Space"}, *text(str(quote["note"]))]))
            blocks.append(block_quote(inner))
    if claim["comments"]:
        blocks.append(para([strong(text("Counter-comments"))]))
        for comment in claim["comments"]:
            said = [{"t": "Str", "c": "—"}, {"t": "Space"}, *text(str(comment["author"]))]
            if comment["date"]:
                said += [{"t": "Str", "c": ","}, {"t": "Space"}, *text(str(comment["date"]))]
            said += [{"t": "Space"}, *text(f"({comment['stance']} this claim)")]
            if comment["source"]:
                said += [] if note_style else [{"t": "Space"}]
                said.append(cite(str(comment["source"])))
            inner = [para(text(str(comment["text"]))), para(said)]
            if comment["link_note"]:
                inner.append(para([emph(text("Note:")), {"t": "Space"}, *text(str(comment["link_note"]))]))
            blocks.append(block_quote(inner))
    if claim["relations"]:
        blocks.append(para([strong(text("Related claims"))]))
        entries = []
        for relation in claim["relations"]:
            other = str(relation["claim"])
            target = link(text(str(relation["text"])), f"#{claim_anchor(other)}") if other in present else None
            named = [target] if target else [*text(str(relation["text"])), {"t": "Space"},
                                             *text(f"({other}; not in this dossier)")]  # fmt: skip
            if relation["direction"] == "out":
                words = text(f"This claim {_RELATION_OUT.get(relation['relation'], relation['relation'])}: ")
            else:
                words = text(f"This claim {_RELATION_IN.get(relation['relation'], relation['relation'])}: ")
            entry = [plain([*words, *named])]
            if relation["note"]:
                entry.append(para([emph(text("Note:")), {"t": "Space"}, *text(str(relation["note"]))]))
            entries.append(entry)
        blocks.append(bullet_list(entries))
    if claim["curated"]:
        entries = []
        for curation in claim["curated"]:
            record = str(curation["record"])
            what = (
                "this claim" if record == "claim"
                else f"source {source_label(items.get(str(curation['key'])), str(curation['key']))}"
                if record == "source" else f"quotation {curation['key']}"
            )  # fmt: skip
            entries.append([plain([*text(f"{what}, {curation['field']}:"), {"t": "Space"},
                                   *text(str(curation["basis"]))])])  # fmt: skip
        blocks.append(div([para([strong(text("Curator’s additions"))]), bullet_list(entries)], ["curator"]))
    return blocks


def _marked(block: Node, curated: bool) -> Node:
    return div([block], ["curator"]) if curated else block


def _citation(key: str) -> Node:
    return {
        "citationId": key, "citationPrefix": [], "citationSuffix": [],
        "citationMode": {"t": "NormalCitation"}, "citationNoteNum": 0, "citationHash": 0,
    }  # fmt: skip
