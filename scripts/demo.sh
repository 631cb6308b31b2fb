#!/usr/bin/env bash
# The main job on the embedded SQLite default: seed, ask the questions, export citations.
set -euo pipefail
refdb=${1:-refdb}
say() { printf '\n\033[1m$ refdb %s\033[0m\n' "$*"; }

say db upgrade;                            "$refdb" db upgrade  # a database an older refdb made is migrated (backed up first)
say seed;                                  "$refdb" seed
say claims --source glantz;                "$refdb" claims --source glantz
say claims --source roberts;               "$refdb" claims --source roberts
say claim factor-charm;                    "$refdb" claim factor-charm
say quotes --speaker Rokossovsky;          "$refdb" quotes --speaker Rokossovsky
say comments;                              "$refdb" comments
say claims --disputed;                     "$refdb" claims --disputed
if "$refdb" export --help >/dev/null 2>&1; then
  say export --format bibtex --source roberts; "$refdb" export --format bibtex --source roberts
fi
if "$refdb" cite --help >/dev/null 2>&1; then
  say cite stalin-always-listened;         "$refdb" cite stalin-always-listened
fi

# what the argument looks like, and a document to hand on (written to a folder of this run's own)
out=$(mktemp -d "${TMPDIR:-/tmp}/refdb-demo.XXXXXX")
say map factor-charm --output "$out/charm-map.svg";  "$refdb" map factor-charm --output "$out/charm-map.svg"
say dossier --tag charm --output "$out/charm.docx"; "$refdb" dossier --tag charm --output "$out/charm.docx"
say render docs/example-manuscript.md;      "$refdb" render "$(dirname "$0")/../docs/example-manuscript.md"
printf '\nThe map and the dossier are in %s; `refdb serve` shows it all in a browser.\n' "$out"
