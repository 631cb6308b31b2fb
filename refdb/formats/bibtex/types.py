"""BibTeX/biblatex entry types and fields, and the CSL types and variables they map to.

Reading knows every entry type of the biblatex manual (the standard ones, their BibTeX aliases and
the non-standard ones Better BibTeX writes); an entry type still unknown reads as ``document``
with a warning.  Writing uses only the standard types, whose fields biber's data model defines
(:mod:`.datamodel`): a CSL type without one is ``@misc`` with ``entrysubtype`` naming it.
"""

from __future__ import annotations

#: BibTeX/biblatex entry type -> CSL type (reading).
BIBTEX_TO_CSL_TYPE: dict[str, str] = {
    # biblatex's non-standard types (manual section 2.1.3), as Better BibTeX writes them
    "artwork": "graphic",
    "audio": "song",
    "bibnote": "document",
    "commentary": "book",
    "image": "graphic",
    "jurisdiction": "legal_case",
    "legislation": "legislation",
    "legal": "treaty",
    "movie": "motion_picture",
    "music": "song",
    "performance": "performance",
    "review": "review",
    "standard": "standard",
    "video": "motion_picture",
    "mvreference": "book",
    "suppperiodical": "article-journal",
    "set": "document",
    "xdata": "document",
    **{f"custom{letter}": "document" for letter in "abcdef"},
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "manual": "book",
    "inbook": "chapter",
    "bookinbook": "chapter",
    "incollection": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "inreference": "entry-encyclopedia",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "booklet": "pamphlet",
    "periodical": "periodical",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
    "letter": "personal_communication",
    "misc": "document",
}

#: CSL type -> BibTeX entry type (writing); anything else is ``@misc``.
CSL_TO_BIBTEX_TYPE: dict[str, str] = {
    "article": "article",
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "review-book": "article",
    "book": "book",
    "collection": "collection",
    "classic": "book",
    "chapter": "incollection",
    "entry": "incollection",
    "entry-dictionary": "inreference",
    "entry-encyclopedia": "inreference",
    "paper-conference": "inproceedings",
    "thesis": "phdthesis",  # @mastersthesis when genre is "Master's thesis"
    "report": "techreport",
    "manuscript": "unpublished",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
    "pamphlet": "booklet",
    "periodical": "periodical",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
}
#: ``entrysubtype`` values of an ``@article`` that biblatex styles and pandoc understand.
ARTICLE_SUBTYPES: dict[str, str] = {"magazine": "article-magazine", "newspaper": "article-newspaper"}

MASTERS_GENRE = "Master's thesis"

# --- fields ----------------------------------------------------------------------------------------

#: BibTeX field -> CSL variable for plain text fields; the first field present wins.
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "title"),
    ("shorttitle", "title-short"),
    ("journaltitle", "container-title"),
    ("journal", "container-title"),
    ("booktitle", "container-title"),
    ("shortjournal", "container-title-short"),
    ("series", "collection-title"),
    ("edition", "edition"),
    ("volume", "volume"),
    ("chapter", "chapter-number"),
    ("pagetotal", "number-of-pages"),
    ("publisher", "publisher"),
    ("school", "publisher"),
    ("institution", "publisher"),
    ("organization", "publisher"),
    ("address", "publisher-place"),
    ("location", "publisher-place"),
    ("type", "genre"),
    ("langid", "language"),
    ("language", "language"),
    ("isbn", "ISBN"),
    ("issn", "ISSN"),
    ("note", "note"),
    ("abstract", "abstract"),
    ("keywords", "keyword"),
    ("annote", "annote"),
    ("annotation", "annote"),
    ("archive", "archive"),
    ("archive_location", "archive_location"),
    ("archive_place", "archive-place"),
)
#: Fields read elsewhere (names, dates, numbers, keys) or on purpose not at all: never "not stored".
HANDLED_FIELDS = frozenset({
    "number", "issue", "pages", "date", "year", "month", "day", "urldate", "ids", "entrysubtype", "library",
    "eprinttype", "eprint",
})  # fmt: skip
#: Fields copied without LaTeX decoding (only ``\\_``-style escapes are undone).
VERBATIM_FIELDS: tuple[tuple[str, str], ...] = (("doi", "DOI"), ("url", "URL"))
NAME_FIELDS: tuple[tuple[str, str], ...] = (
    ("author", "author"),
    ("editor", "editor"),
    ("translator", "translator"),
    ("bookauthor", "container-author"),
)

#: The separator of the parts of ``library`` as the writer fills it: archive; place; location.
LIBRARY_SEPARATOR = "; "
