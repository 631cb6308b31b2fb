"""refdb's BibTeX reader alone, no database: refdb.formats.bibtex.loads over the whole file.

    python parse_refdb.py FILE.bib
"""

import sys

from refdb.formats.bibtex import loads

with open(sys.argv[1], encoding="utf-8") as f:
    items = loads(f.read(), source_name=sys.argv[1])
print(f"{len(items)} items", file=sys.stderr)
