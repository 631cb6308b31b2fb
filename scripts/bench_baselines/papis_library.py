"""Write a papis library from a BibTeX file, with papis' own reader and on-disk format (run by the peers' venv).

    .bench/venv/bin/python papis_library.py FILE.bib LIBRARY_DIR

`papis bibtex read FILE import --all` does the same one document at a time, searching the library
for a duplicate before each add: ~0.2 s a document and growing, half an hour for 10,000.  This
writes what it writes (a folder per document holding info.yaml, the entry as
papis.bibtex.bibtex_to_dict reads it, with a papis_id) without that search.
"""

import hashlib
import os
import sys

import papis.bibtex
import papis.yaml


def main() -> None:
    bib, lib = sys.argv[1], sys.argv[2]
    docs = papis.bibtex.bibtex_to_dict(bib)
    for doc in docs:
        data = dict(doc)
        data["papis_id"] = hashlib.md5(str(data.get("ref")).encode()).hexdigest()
        folder = os.path.join(lib, data["papis_id"])
        os.makedirs(folder, exist_ok=True)
        papis.yaml.data_to_yaml(os.path.join(folder, "info.yaml"), data)
    print(f"{len(docs)} documents", file=sys.stderr)


if __name__ == "__main__":
    main()
