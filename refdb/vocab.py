"""The controlled vocabulary every layer shares: one list of each, imported by models, records,
formats, services and the CLI.

Each list is declared once, as a ``Literal`` type (which the record definitions in
``refdb.records`` use, so validation and the published JSON Schema follow it); the tuples beside
them are derived, for CHECK constraints, CLI choices and lookups.  It depends on nothing, so every
layer can import it without crossing another.
"""

from __future__ import annotations

from typing import Literal, get_args

# CSL item types, in the order of the official CSL-JSON schema (csl-data.json)
CslType = Literal[
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
    "chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
    "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview", "legal_case", "legislation",
    "manuscript", "map", "motion_picture", "musical_score", "pamphlet", "paper-conference", "patent",
    "performance", "periodical", "personal_communication", "post", "post-weblog", "regulation", "report",
    "review", "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
]  # fmt: skip
RecordKind = Literal["person", "source", "tag", "claim", "quote", "comment"]  # the keyed records
SourceClass = Literal["primary", "secondary", "tertiary"]
ContributorRole = Literal["author", "editor", "translator", "container-author", "collection-editor"]
NameKind = Literal["transliteration", "misspelling", "pseudonym", "variant"]  # what a user records
ClaimKind = Literal["thesis", "factor", "factual", "myth", "interpretation", "counter"]
Stance = Literal["asserts", "supports", "reports", "rejects", "disputes"]
CommentStance = Literal["disputes", "rejects", "supports", "qualifies"]
Relation = Literal["supports", "refines", "contradicts"]
# Locator labels: CSL's, those of them the citation engine can print (pandoc's citeproc parses these
# terms; CSL also lists act, appendix, canon, equation, rule, scene, sub-verbo, supplement, table,
# timestamp, title-locator, version, article-locator, elocation, which it cannot).  A label outside
# this list is refused when written, not when a note is printed.
LocatorLabel = Literal[
    "book", "chapter", "column", "figure", "folio", "issue", "line", "note", "opus", "page", "paragraph",
    "part", "section", "verse", "volume",
]  # fmt: skip
# what `refdb search --kind` selects: the records, and the paragraphs of the texts sources hold
SearchKind = Literal["claim", "quote", "comment", "source", "person", "passage"]

RECORD_KINDS: tuple[str, ...] = get_args(RecordKind)
CSL_TYPES: tuple[str, ...] = get_args(CslType)
SOURCE_CLASSES: tuple[str, ...] = get_args(SourceClass)
CONTRIBUTOR_ROLES: tuple[str, ...] = get_args(ContributorRole)
NAME_KINDS: tuple[str, ...] = get_args(NameKind)
CLAIM_KINDS: tuple[str, ...] = get_args(ClaimKind)
STANCES: tuple[str, ...] = get_args(Stance)
COMMENT_STANCES: tuple[str, ...] = get_args(CommentStance)
RELATIONS: tuple[str, ...] = get_args(Relation)
SEARCH_KINDS: tuple[str, ...] = get_args(SearchKind)
LOCATOR_LABELS: tuple[str, ...] = get_args(LocatorLabel)

# how a citation's stance reads for the claim: for it (a report counts as asserting that the claim
# was made, not as support), or against it
SUPPORTING_STANCES: tuple[str, ...] = ("asserts", "supports")
ASSERTING_STANCES: tuple[str, ...] = (*SUPPORTING_STANCES, "reports")
OPPOSING_STANCES: tuple[str, ...] = ("rejects", "disputes")


def check_in(column: str, values: tuple[str, ...]) -> str:
    """The SQL of a CHECK constraint that ``column`` holds one of ``values`` (constants, never input)."""
    return f"{column} IN ({','.join(repr(v) for v in values)})"
