"""Where the bundled migrations and seed data are, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _first(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[0]


def migrations_dir() -> Path:
    return _first(_PACKAGE / "_migrations", _CHECKOUT / "migrations")


def seed_dataset() -> Path:
    return _first(
        _PACKAGE / "_seed" / "stalin-and-his-generals.yaml",
        _CHECKOUT / "seed" / "stalin-and-his-generals.yaml",
    )
