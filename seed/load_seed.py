"""Load the bundled seed dataset from a checkout: ``python seed/load_seed.py [--db URL]``.

The same loader as ``refdb seed`` and ``refdb load FILE``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from refdb.cli.main import app

if __name__ == "__main__":
    app([*sys.argv[1:], "seed"], prog_name="load_seed.py")
