"""BibTeX: read with bibtexparser 2, write by hand (UTF-8 kept, only the specials escaped).

One module per job: :mod:`.types` (entry types and fields <-> CSL), :mod:`.read` (the
reader, with recovery from malformed blocks), :mod:`.latex` (LaTeX <-> Unicode),
:mod:`.names` (BibTeX's name grammar) and :mod:`.write` (the writer).  Dates and
DOIs are shared with the other formats (:mod:`refdb.dates`,
:mod:`refdb.formats.identifiers`).  Export -> import gives back the same item.
"""

from __future__ import annotations

from refdb.formats.bibtex.latex import latex_to_text, pylatexenc_to_text, text_to_latex
from refdb.formats.bibtex.names import format_name, split_persons
from refdb.formats.bibtex.read import iter_loads, loads
from refdb.formats.bibtex.types import BIBTEX_TO_CSL_TYPE, CSL_TO_BIBTEX_TYPE, MASTERS_GENRE
from refdb.formats.bibtex.write import citation_key, dumps, format_entry
from refdb.formats.identifiers import strip_doi_prefix

__all__ = [
    "BIBTEX_TO_CSL_TYPE",
    "CSL_TO_BIBTEX_TYPE",
    "MASTERS_GENRE",
    "citation_key",
    "dumps",
    "format_entry",
    "format_name",
    "iter_loads",
    "latex_to_text",
    "loads",
    "pylatexenc_to_text",
    "split_persons",
    "strip_doi_prefix",
    "text_to_latex",
]
