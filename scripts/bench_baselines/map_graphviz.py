"""The map benchmark's floor: pygraphviz alone lays out and draws the DOT that `refdb map --format dot` wrote."""

import sys

import pygraphviz

dot_file, fmt = sys.argv[1], sys.argv[2]
with open(dot_file, encoding="utf-8") as f:
    data = pygraphviz.AGraph(string=f.read()).draw(format=fmt, prog="dot", args="-Gdpi=110" if fmt == "png" else "")
sys.stdout.buffer.write(data)
