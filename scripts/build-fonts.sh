#!/usr/bin/env bash
# Rebuild refdb/web/static/fonts/*.woff2 from Debian's DejaVu fonts (fonts-dejavu-core), subset to
# Latin, Greek, Cyrillic and punctuation.  Needs fonttools and brotli (pip install fonttools brotli);
# the built files are committed, so neither is a dependency of refdb.
set -euo pipefail
out="$(dirname "$0")/../refdb/web/static/fonts"
ranges="U+0000-024F,U+0259,U+02B0-02FF,U+0300-036F,U+0370-03FF,U+0400-052F,U+1E00-1EFF,U+1F00-1FFF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2212,U+2215,U+25A0-25FF,U+FB00-FB06"
for face in DejaVuSerif DejaVuSerif-Italic DejaVuSerif-Bold DejaVuSans DejaVuSans-Bold; do
  pyftsubset "/usr/share/fonts/truetype/dejavu/$face.ttf" --unicodes="$ranges" --layout-features='*' \
    --flavor=woff2 --output-file="$out/$face.woff2"
done
