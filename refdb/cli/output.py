"""``--output FILE``: never overwrite without ``--force``, never leave a half-written file."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from refdb.errors import ConflictError, UsageError


def _target(path: Path, *, force: bool) -> Path:
    """The directory to write ``path`` in, once it is known that writing there is allowed."""
    if path.is_dir():
        raise UsageError(f"--output {path} is a directory")
    if (path.exists() or path.is_symlink()) and not force:
        raise ConflictError(f"{path} exists; pass --force to overwrite it")
    if path.is_symlink():
        raise UsageError(f"--output {path} is a symbolic link; give the real path")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"--output {path}: the directory {parent} does not exist")
    return parent


def _umask_mode(tmp: str) -> None:
    """The mode a new file gets from the user's umask (mkstemp's temporary file is 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)


@contextmanager
def open_output(path: Path | None, *, force: bool) -> Iterator[TextIO]:
    """stdout, or a file written to a temporary sibling and renamed into place when complete."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    parent = _target(path, force=force)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
        _umask_mode(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: Path | None, data: bytes, *, force: bool) -> None:
    """Bytes (a PNG, a PDF) to stdout or to a file, with :func:`open_output`'s rules."""
    if path is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    parent = _target(path, force=force)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        _umask_mode(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def output_path(path: Path, *, force: bool) -> Iterator[Path]:
    """A temporary sibling of ``path`` to write (by a program) and rename into place when complete.

    The same rules as :func:`open_output`: never overwrite without ``force``, never follow a symlink.
    """
    parent = _target(path, force=force)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=parent)
    os.close(fd)
    try:
        yield Path(tmp)
        _umask_mode(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
