"""The controlled vocabulary every layer shares: one list of each, imported by models, formats, services.

It depends on nothing, so the models, the pure formats and the services can all use it without
crossing a layer.
"""

from __future__ import annotations

# CSL item types, in the order of the official CSL-JSON schema (csl-data.json)
CSL_TYPES: tuple[str, ...] = (
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
    "chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
    "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview", "legal_case", "legislation",
    "manuscript", "map", "motion_picture", "musical_score", "pamphlet", "paper-conference", "patent",
    "performance", "periodical", "personal_communication", "post", "post-weblog", "regulation", "report",
    "review", "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
)  # fmt: skip
SOURCE_CLASSES = ("primary", "secondary", "tertiary")
CONTRIBUTOR_ROLES = ("author", "editor", "translator", "container-author", "collection-editor")
NAME_KINDS = ("transliteration", "misspelling", "pseudonym", "variant")  # what a user records
CLAIM_KINDS = ("thesis", "factor", "factual", "myth", "interpretation", "counter")
STANCES = ("asserts", "supports", "reports", "rejects", "disputes")
COMMENT_STANCES = ("disputes", "rejects", "supports", "qualifies")
RELATIONS = ("supports", "refines", "contradicts")
