"""Graphviz (pygraphviz's bundled build) draws the map: well-formed, inert SVG; real PNG and PDF; its errors."""

from __future__ import annotations

import struct
from xml.etree import ElementTree

import pytest

from refdb.engines import graphviz
from refdb.errors import RefdbError, UsageError
from refdb.formats import argmap
from tests.formats.test_argmap import HOSTILE, _records

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
SVG_ELEMENTS = {"svg", "g", "title", "polygon", "path", "polyline", "ellipse", "text", "a"}


def _inert(svg: bytes, link_base: str | None) -> ElementTree.Element:
    """Parse the SVG (it must be well-formed) and check nothing in it can run or navigate elsewhere."""
    root = ElementTree.fromstring(svg)
    lowered = svg.lower()
    assert b"<script" not in lowered and b"<foreignobject" not in lowered and b"<!entity" not in lowered
    for element in root.iter():
        assert element.tag.removeprefix(SVG) in SVG_ELEMENTS, element.tag
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            assert not local.lower().startswith("on"), (element.tag, name)
            # a tooltip may quote "javascript:" as text; no attribute is a javascript: (or data:) URL
            assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (name, value)
            if local == "href":
                assert link_base is not None and value.startswith(link_base + "/"), value
    return root


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_svg_is_well_formed_and_links_each_node_to_its_record() -> None:
    dot = argmap.to_dot(argmap.build(_records()), link_base="https://refdb.example")
    root = _inert(graphviz.render(dot, "svg"), "https://refdb.example")
    links = {a.attrib[XLINK] for a in root.iter(f"{SVG}a") if XLINK in a.attrib}
    assert {"https://refdb.example/claims/factor-charm", "https://refdb.example/sources/roberts",
            "https://refdb.example/quotes/concern", "https://refdb.example/comments/charmer",
            "https://refdb.example/people/rokossovskii"} <= links  # fmt: skip
    ids = {g.attrib.get("id") for g in root.iter(f"{SVG}g")}
    assert {"claim-factor-charm", "source-roberts", "quote-concern"} <= ids
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "supports · pp. 159–62" in texts and "How to read this map" in texts


@pytest.mark.parametrize("text", HOSTILE)
def test_svg_stays_inert_whatever_the_data_holds(text: str) -> None:
    graph = argmap.build(_records([text] * 6))
    for base in (None, "https://refdb.example"):
        svg = graphviz.render(argmap.to_dot(graph, link_base=base), "svg")
        root = _inert(svg, base)
        shown = "".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
        words = argmap.clean(text).split()
        if words:
            assert words[0] in shown  # the data is there, as text


def test_the_same_dot_gives_the_same_svg_bytes() -> None:
    dot = argmap.to_dot(argmap.build(_records()))
    assert graphviz.render(dot, "svg") == graphviz.render(dot, "svg")


def test_png_and_pdf_are_real_images() -> None:
    dot = argmap.to_dot(argmap.build(_records()))
    width, height = png_size(graphviz.render(dot, "png"))
    assert 600 < width < 4000 and 300 < height < 4000
    pdf = graphviz.render(dot, "pdf")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def test_a_map_too_large_to_draw_is_refused_with_one_line() -> None:
    with pytest.raises(UsageError, match=r"the map has 1001 nodes; at most 1000") as err:
        graphviz.render("digraph { a }", "svg", nodes=graphviz.MAX_NODES + 1)
    assert "\n" not in str(err.value)


def test_errors() -> None:
    with pytest.raises(UsageError, match="not gif"):
        graphviz.render("digraph { a }", "gif")
    with pytest.raises(RefdbError, match="Graphviz could not draw the map"):
        graphviz.render("digraph { a -> }", "svg")
