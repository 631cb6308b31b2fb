#!/usr/bin/env bash
# The main job on the embedded SQLite default: seed, ask the questions, export citations.
set -euo pipefail
refdb=${1:-refdb}
say() { printf '\n\033[1m$ refdb %s\033[0m\n' "$*"; }

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
