"""Shared by the format tests: the two fixed items every format has a golden for, and the sizes."""

from __future__ import annotations

import os
from typing import Any

from tests.conftest import SHARED

REFERENCE = SHARED / "reference"
EXAMPLES = int(os.environ.get("REFDB_HYPOTHESIS_EXAMPLES", "100"))

ROBERTS: dict[str, Any] = {
    "id": "roberts2006",
    "type": "book",
    "title": "Stalin's Wars: From World War to Cold War, 1939–1953",
    "title-short": "Stalin's Wars",
    "author": [{"family": "Roberts", "given": "Geoffrey"}],
    "publisher": "Yale University Press",
    "publisher-place": "New Haven",
    "issued": {"date-parts": [[2006]]},
}
ROKOSSOVSKY: dict[str, Any] = {
    "id": "rokossovsky1988",
    "type": "book",
    "title": "Солдатский долг",
    "author": [{"family": "Рокоссовский", "given": "Константин"}],
    "publisher": "Воениздат",
    "publisher-place": "Москва",
    "issued": {"date-parts": [[1988, 5]]},
    "language": "ru",
}
