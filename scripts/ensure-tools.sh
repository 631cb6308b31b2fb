#!/bin/sh
# The system tools the test suite checks refdb's outputs with, installed from Debian's packages when
# missing (idempotent; CI runs it on a clean machine, see .ci/run -> make test):
#   biber                   validates the BibTeX/biblatex that `refdb export` writes
#   pdftotext (poppler)     reads the text of the PDFs that `refdb dossier`/`render` write
#   chromium-headless-shell the real browser Playwright drives in the `refdb serve` tests
#   fonts-dejavu-core       a font with Cyrillic and Greek for the browser and the PDFs
set -eu

missing=""
command -v biber >/dev/null 2>&1 || missing="$missing biber"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
[ -x /usr/bin/chromium-headless-shell ] || missing="$missing chromium-headless-shell"
[ -d /usr/share/fonts/truetype/dejavu ] || missing="$missing fonts-dejavu-core"

if [ -z "$missing" ]; then
    echo "ensure-tools: biber, pdftotext, chromium-headless-shell and fonts are here"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-tools: missing$missing, and no apt-get to install them" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "ensure-tools: missing$missing; installing them needs root (no sudo here)" >&2
    exit 1
fi
echo "ensure-tools: installing$missing with apt-get"
$sudo sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null"
