"""Graphviz lays out and draws the argument map: DOT text in, SVG, PNG or PDF bytes out.

pygraphviz's wheel bundles Graphviz (dot, cairo, pango), so nothing needs installing; it runs in
process.  Import this module only in the command that draws: pygraphviz loads native libraries.

Graphviz and its fontconfig write warnings straight to the C-level stderr; they are collected
while drawing and passed on, one line each, except fontconfig's complaints about the system's own
configuration files (the bundled fontconfig predates some of their elements), which say nothing
about the map.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pygraphviz

from refdb.errors import RefdbError, UsageError

FORMATS = ("svg", "png", "pdf")
DPI = {"png": 110}  # bitmap resolution: 11-point text is 17 pixels high; SVG and PDF are vector
MAX_PIXELS = 5000  # a PNG's longest side: a larger map is scaled down to it (drawing 80 million pixels
# takes longer than the layout; a map that large is read as SVG, zoomed)
_LOCK = threading.Lock()
MAX_NODES = 1000  # beyond this dot takes minutes and the picture is a wall; DOT and JSON have no limit


@contextmanager
def _collected_stderr() -> Iterator[list[str]]:
    """Catch what native code writes to file descriptor 2 while the block runs."""
    lines: list[str] = []
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable descriptor 2: nothing to catch
        yield lines
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield lines
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            lines.extend(sink.read().decode("utf-8", "replace").splitlines())


def render(dot: str, fmt: str, *, nodes: int | None = None) -> bytes:
    """Lay ``dot`` out with dot and draw it as ``fmt`` (svg, png or pdf)."""
    if fmt not in FORMATS:
        raise UsageError(f"Graphviz draws {', '.join(FORMATS)}, not {fmt}")
    if nodes is not None and nodes > MAX_NODES:
        raise UsageError(
            f"the map has {nodes} nodes; at most {MAX_NODES} can be drawn legibly: choose fewer claims or "
            "--depth, or write --format dot or json"
        )
    args = ""
    if fmt in DPI:
        inches = MAX_PIXELS / DPI[fmt]
        args = f"-Gdpi={DPI[fmt]} -Gsize={inches:.2f},{inches:.2f}"
    failure: str | None = None
    data = b""
    # one drawing at a time: Graphviz keeps global state, and file descriptor 2 is the process's
    with _LOCK, _collected_stderr() as messages:
        try:
            data = pygraphviz.AGraph(string=dot).draw(format=fmt, prog="dot", args=args)
        except (ValueError, OSError) as exc:
            failure = " ".join(str(exc).split())
    said = [
        line.strip().removeprefix("Error: ")
        for line in messages
        if line.strip() and not line.startswith("Fontconfig")
    ]
    if failure is not None:
        detail = "; ".join([*said[:2], failure] if said else [failure])
        raise RefdbError(f"Graphviz could not draw the map: {detail}")
    for line in said:
        print(f"graphviz: {line}", file=sys.stderr)
    return data
