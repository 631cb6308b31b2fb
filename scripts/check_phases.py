#!/usr/bin/env python3
"""The CPU time of each of `refdb check`'s phases on one database, for the bench's profile of check.

    python scripts/check_phases.py sqlite:///.bench/10k.sqlite

Each phase is one of ``check.PHASES``, run to the end in one read session; the time is
this process's CPU time (user + sys), which on SQLite includes the library's work.
"""

from __future__ import annotations

import sys
import time

from refdb.db.session import session_scope
from refdb.services import check


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: check_phases.py DATABASE_URL", file=sys.stderr)
        return 2
    with session_scope(argv[0]) as session:
        for phase in check.PHASES:
            started = time.process_time()
            problems = sum(1 for _ in phase(session))
            print(f"{phase.__name__:20} {time.process_time() - started:7.2f} s cpu  {problems} problems", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
