"""Settings: where the database is.

The URL comes from ``--db``, else ``REFDB_DATABASE_URL``, else an SQLite file in the
user's data directory (``platformdirs.user_data_dir("refdb")``).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATABASE_URL = "REFDB_DATABASE_URL"


def default_database_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("refdb", appauthor=False)) / "refdb.sqlite"


def database_url(explicit: str | None = None) -> str:
    """The database URL to use: the explicit one, the environment's, or the default file."""
    if explicit:
        return _expand(explicit)
    env = os.environ.get(ENV_DATABASE_URL)
    if env:
        return _expand(env)
    path = default_database_path()
    return f"sqlite:///{path}"


def _expand(url: str) -> str:
    """Accept a bare file path as shorthand for an SQLite URL."""
    if "://" in url:
        return url
    return f"sqlite:///{Path(url).expanduser().resolve()}"


def redact(url: str) -> str:
    """The URL with any password replaced, for messages."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    if ":" in creds:
        creds = creds.split(":", 1)[0] + ":***"
    return f"{scheme}://{creds}@{host}"
