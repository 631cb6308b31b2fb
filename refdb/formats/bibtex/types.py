"""BibTeX/biblatex entry types and fields, and the CSL types and variables they map to."""

from __future__ import annotations

#: BibTeX/biblatex entry type -> CSL type (reading).
BIBTEX_TO_CSL_TYPE: dict[str, str] = {
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
    "personal_communication": "letter",
}

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
    ("language", "language"),
    ("langid", "language"),
    ("isbn", "ISBN"),
    ("issn", "ISSN"),
    ("note", "note"),
    ("abstract", "abstract"),
    ("keywords", "keyword"),
    ("annote", "annote"),
)
#: Fields copied without LaTeX decoding (only ``\\_``-style escapes are undone).
VERBATIM_FIELDS: tuple[tuple[str, str], ...] = (("doi", "DOI"), ("url", "URL"))
NAME_FIELDS: tuple[tuple[str, str], ...] = (
    ("author", "author"),
    ("editor", "editor"),
    ("translator", "translator"),
    ("bookauthor", "container-author"),
)
