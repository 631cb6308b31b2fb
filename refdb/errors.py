"""One error base, one translation point.

Every *expected* failure in refdb is a :class:`RefdbError`.  It carries the exit
code the CLI returns and a message a user can act on.  ``refdb.cli.main`` is the
only place that turns one into ``Error: ...`` on stderr; anything else that
escapes is a bug and shows a traceback (without locals: URLs carry passwords).
"""

from __future__ import annotations


class RefdbError(Exception):
    """Base of every expected failure.  ``str(err)`` is the user-facing message."""

    exit_code: int = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class UsageError(RefdbError):
    """A bad option value or combination (exit 2, like Click's usage errors)."""

    exit_code = 2


class NotFoundError(RefdbError):
    """A key, name or file that does not exist."""

    exit_code = 3


class ConflictError(RefdbError):
    """A duplicate key, a removal that would orphan records, a concurrent-write clash."""

    exit_code = 4


class InputError(RefdbError):
    """Malformed input: a dataset, BibTeX, RIS or CSL-JSON file, or an anchor that does not match.

    ``location`` is ``file[:line]`` or ``file, record N``; ``field`` names the offending field.
    The message reads ``LOCATION: field 'F': PROBLEM`` so one line says what and where.
    """

    exit_code = 5

    def __init__(self, problem: str, *, location: str | None = None, field: str | None = None) -> None:
        parts = []
        if location:
            parts.append(location)
        if field:
            parts.append(f"field '{field}'")
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {problem}" if prefix else problem)
        self.problem = problem
        self.location = location
        self.field = field


class DatabaseError(RefdbError):
    """The database cannot be opened, is not a refdb database, or is at an unknown revision."""

    exit_code = 6
