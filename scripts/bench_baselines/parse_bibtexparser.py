"""The parse alone: bibtexparser 2's parse_string over the whole file (what refdb's importer builds on).

    python parse_bibtexparser.py FILE.bib
"""

import sys

import bibtexparser

with open(sys.argv[1], encoding="utf-8") as f:
    library = bibtexparser.parse_string(f.read())
print(f"{len(library.entries)} entries, {len(library.failed_blocks)} failed", file=sys.stderr)
