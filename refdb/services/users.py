"""The people who may sign in to ``refdb serve``: readers and editors, passwords hashed with argon2.

A password is never stored, printed or logged: only its argon2id hash (argon2-cffi's defaults).
"""

from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from refdb.errors import ConflictError, NotFoundError, UsageError
from refdb.models import User

ROLES = ("reader", "editor")
MIN_PASSWORD = 8


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def _check(name: str, role: str, password: str | None) -> None:
    if not name or len(name) > 100 or any(ch.isspace() for ch in name):
        raise UsageError("a user name is 1 to 100 characters without spaces")
    if role not in ROLES:
        raise UsageError(f"unknown role '{role}'; choose one of: {', '.join(ROLES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise UsageError(f"a password needs at least {MIN_PASSWORD} characters")


def add_user(session: Session, name: str, role: str, password: str) -> None:
    _check(name, role, password)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise ConflictError(f"a user '{name}' exists; change the password with 'refdb user passwd {name}'")
    session.add(User(name=name, role=role, password_hash=_hasher().hash(password)))
    session.flush()


def list_users(session: Session) -> list[dict[str, str]]:
    return [{"name": u.name, "role": u.role} for u in session.scalars(select(User).order_by(User.name))]


def remove_user(session: Session, name: str) -> None:
    if not session.execute(delete(User).where(User.name == name)).rowcount:  # type: ignore[attr-defined]
        raise NotFoundError(f"no user '{name}'")


def set_password(session: Session, name: str, password: str, role: str | None = None) -> None:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFoundError(f"no user '{name}'")
    _check(name, role or user.role, password)
    user.password_hash = _hasher().hash(password)
    if role is not None:
        user.role = role
    session.flush()


def verify(session: Session, name: str, password: str) -> str | None:
    """The user's role when the password is theirs, else None (the same work either way)."""
    from argon2.exceptions import VerificationError

    user = session.scalar(select(User).where(User.name == name))
    hasher = _hasher()
    if user is None:
        with contextlib.suppress(
            VerificationError
        ):  # as slow as a real check: a wrong name is not told by time
            hasher.verify(_DUMMY, password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except VerificationError:
        return None
    return user.role


def role_of(session: Session, name: str) -> str | None:
    return session.scalar(select(User.role).where(User.name == name))


_DUMMY = "$argon2id$v=19$m=65536,t=3,p=4$JDEnfLNL8kEuKRHGB2FuMA$f3d+jX9f6Oo0y2oawpKVwbwFMGVh9w2nGtFDCYO1Z/8"  # of no password in use


def recent_failures(session: Session, client: str, name: str, since: float) -> list[float]:
    """When this client failed to sign in as this name since ``since`` (seconds since the epoch), oldest first."""
    from refdb.models import SignInFailure as F

    return list(session.scalars(select(F.at).where(F.client == client[:100], F.name == name[:100], F.at >= since)
                                .order_by(F.at)))  # fmt: skip


def record_failure(session: Session, client: str, name: str, at: float, forget_before: float) -> None:
    """Count a failed sign-in, and forget those older than the window."""
    from refdb.db.digests import trusted
    from refdb.models import SignInFailure as F

    with trusted(session.connection()):  # no record changes: the stored record digests still count
        session.execute(delete(F).where(F.at < forget_before))
        session.add(F(client=client[:100], name=name[:100], at=at))
        session.flush()
