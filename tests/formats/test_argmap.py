"""The argument map builder: graph, DOT, Mermaid and JSON from plain records; escaping; determinism."""

from __future__ import annotations

import json
import random
import re
from typing import Any
from xml.etree import ElementTree

import pygraphviz
import pytest

from refdb.errors import UsageError
from refdb.formats import argmap

# Text that would break each target if it reached it as syntax.
HOSTILE = [
    "<script>alert(1)</script>",
    '"onload="alert(1)',
    "]]> <!-- --> <![CDATA[x]]>",
    'a } b " c \\ d \\N \\G \\n \\" e',
    '"]; evil [label="x"]; "claim:a" -> "claim:b',
    "<TABLE><TR><TD>cell</TD></TR></TABLE> &amp; &#0; &lt; &",
    'Mermaid: "]) }} | %% --> -.-> ::: `code` #quot; <br> end click n1 href "javascript:alert(1)"',
    "javascript:alert(1)",
    "controls \x07\x1b[31m\u200b\u202e\ufeff here",
]


def _records(texts: list[str] | None = None) -> dict[str, Any]:
    t = texts or ["Stalin won his generals' loyalty by charm."] * 6
    return {
        "seeds": ["factor-charm"],
        "depth": 1,
        "claims": [
            {"key": "factor-charm", "kind": "factor", "text": t[0], "distance": 0},
            {"key": "fear-picture", "kind": "myth", "text": t[1], "distance": 1},
            {"key": "wiped-out", "kind": "counter", "text": t[2], "distance": 1},
        ],
        "sources": [
            {
                "key": "roberts",
                "type": "book",
                "class": "secondary",
                "genre": "scholarship",
                "title": t[3],
                "short_title": None,
                "authors": ["Roberts"],
                "issued": "2006",
                "distance": 1,
            },
            {
                "key": "essay",
                "type": "post-weblog",
                "class": "tertiary",
                "genre": "essay",
                "title": "Stalin and his generals",
                "short_title": None,
                "authors": [],
                "issued": None,
                "distance": 1,
            },
        ],
        "quotes": [
            {"key": "concern", "text": t[4], "speaker": {"key": "rokossovskii", "name": t[5]}, "distance": 1}
        ],
        "comments": [{"key": "charmer", "text": t[2], "author": None, "author_label": t[1], "distance": 1}],
        "citations": [
            {
                "claim": "factor-charm",
                "source": "roberts",
                "position": 1,
                "stance": "supports",
                "locator": "159–62",
                "label": "page",
            },
            {
                "claim": "factor-charm",
                "source": "essay",
                "position": 2,
                "stance": "asserts",
                "locator": "4",
                "label": "paragraph",
            },
            {
                "claim": "fear-picture",
                "source": "essay",
                "position": 1,
                "stance": "rejects",
                "locator": t[0][:40],
                "label": "chapter",
            },
        ],
        "quote_claims": [{"quote": "concern", "claim": "factor-charm"}],
        "comment_claims": [{"comment": "charmer", "claim": "factor-charm", "stance": "disputes"}],
        "relations": [
            {"from": "factor-charm", "to": "fear-picture", "relation": "contradicts"},
            {"from": "wiped-out", "to": "factor-charm", "relation": "refines"},
        ],
    }


def _parsed(dot: str) -> pygraphviz.AGraph:
    return pygraphviz.AGraph(string=dot)


def test_edges_carry_stance_and_locator_and_point_at_the_claim() -> None:
    graph = argmap.build(_records())
    labels = {(e.tail, e.head): e.label for e in graph.edges}
    assert labels[("source:roberts", "claim:factor-charm")] == "supports · pp. 159–62"
    assert labels[("source:essay", "claim:factor-charm")] == "asserts · ¶ 4"
    assert labels[("quote:concern", "claim:factor-charm")] == "evidence"
    assert labels[("comment:charmer", "claim:factor-charm")] == "disputes"
    assert labels[("claim:factor-charm", "claim:fear-picture")] == "contradicts"
    tones = {e.stance: e.tone for e in graph.edges}
    assert tones == {"supports": "support", "asserts": "support", "evidence": "support", "disputes": "oppose",
                     "contradicts": "oppose", "rejects": "oppose", "refines": "neutral"}  # fmt: skip


def test_dot_parses_back_to_the_same_nodes_edges_and_attributes() -> None:
    graph = argmap.build(_records())
    parsed = _parsed(argmap.to_dot(graph))
    assert sorted(parsed.nodes()) == sorted(n.id for n in graph.nodes)
    edges = sorted((a, b, parsed.get_edge(a, b, key).attr["stance"], parsed.get_edge(a, b, key).attr["locator"])
                   for a, b, key in parsed.edges(keys=True))  # fmt: skip
    assert edges == sorted((e.tail, e.head, e.stance, e.locator) for e in graph.edges)
    node = parsed.get_node("claim:factor-charm")
    assert (node.attr["kind"], node.attr["key"], node.attr["type"]) == ("claim", "factor-charm", "factor")
    assert node.attr["penwidth"] == "3.2"  # a claim asked for
    assert parsed.get_node("claim:fear-picture").attr["penwidth"] in (None, "", "1.2")


def test_colours_and_arrowheads_follow_the_argument_mapping_conventions() -> None:
    parsed = _parsed(argmap.to_dot(argmap.build(_records())))
    by_stance = {e.attr["stance"]: e.attr for e in parsed.edges()}
    assert by_stance["supports"]["color"] == by_stance["evidence"]["color"] == "#1b7837"
    assert by_stance["disputes"]["color"] == by_stance["contradicts"]["color"] == "#b2182b"
    assert by_stance["disputes"]["arrowhead"] == "tee"
    assert by_stance["refines"]["style"] == "dashed"
    shapes = {n: parsed.get_node(n).attr["shape"] for n in parsed.nodes()}
    assert shapes["source:roberts"] == "folder" and shapes["quote:concern"] == "note"
    assert (
        shapes["claim:factor-charm"] == "box"
        and "rounded" in parsed.get_node("claim:factor-charm").attr["style"]
    )
    fills = {
        parsed.get_node(n).attr["fillcolor"]
        for n in ("claim:factor-charm", "claim:fear-picture", "claim:wiped-out")
    }
    assert len(fills) == 3, "each kind of claim its own fill"
    assert "How to read this map" in parsed.graph_attr["label"]


def test_output_is_deterministic_whatever_order_the_records_come_in() -> None:
    records = _records()
    first = argmap.to_dot(argmap.build(records))
    shuffled = {
        k: (random.Random(7).sample(v, len(v)) if isinstance(v, list) else v) for k, v in records.items()
    }
    for writer in (argmap.to_dot, argmap.to_mermaid, argmap.to_json):
        assert writer(argmap.build(shuffled)) == writer(argmap.build(records))
    assert first == argmap.to_dot(argmap.build(records))


def test_labels_are_wrapped_and_long_texts_shortened() -> None:
    long = "word " * 200
    graph = argmap.build(_records([long, "short", "x", "A very long title " * 10, "q", "Speaker"]))
    claim = next(n for n in graph.nodes if n.key == "factor-charm")
    assert len(claim.label) <= argmap.MAX_TEXT and claim.label.endswith("…")
    lines = argmap.wrap(claim.label)
    assert len(lines) <= argmap.MAX_LINES and all(len(line) <= argmap.WRAP + 2 for line in lines)
    assert lines[-1].endswith("…")
    assert argmap.wrap("Stalin won his generals' loyalty by charm, paying careful attention") == [
        "Stalin won his generals' loyalty",
        "by charm, paying careful attention",
    ]


def test_source_labels_read_author_title_year() -> None:
    graph = argmap.build(_records(["c", "c", "c", "Stalin's Wars", "q", "S"]))
    labels = {n.key: (n.heading, n.label) for n in graph.nodes if n.kind == "source"}
    assert labels["roberts"] == ("SECONDARY SOURCE · scholarship", "Roberts, Stalin's Wars (2006)")
    assert labels["essay"] == ("TERTIARY SOURCE · essay", "Stalin and his generals")
    records = _records()
    records["sources"][0].update(issued="1920-05", authors=["Roberts", "Glantz", "Overy"], short_title="Wars")
    records["sources"][1].update(issued="c. 1920", authors=["Roberts", "Glantz"])
    labels = {n.key: n.label for n in argmap.build(records).nodes if n.kind == "source"}
    assert labels == {"roberts": "Roberts et al., Wars (1920)",
                      "essay": "Roberts and Glantz, Stalin and his generals (c. 1920)"}  # fmt: skip


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_text_in_dot(text: str) -> None:
    graph = argmap.build(_records([text] * 6))
    dot = argmap.to_dot(graph, link_base="https://refdb.example/app")
    parsed = _parsed(dot)
    assert sorted(parsed.nodes()) == sorted(n.id for n in graph.nodes)
    assert len(parsed.edges()) == len(graph.edges)
    shown = argmap.clean(text)
    # the text is in the labels, as character data of the HTML-like label
    label = parsed.get_node("claim:factor-charm").attr["label"]
    table = ElementTree.fromstring(label)  # well-formed: the data added no element, attribute or entity
    assert {e.tag for e in table.iter()} <= {"TABLE", "TR", "TD", "FONT", "B", "BR"}
    assert "".join(shown.split()) in "".join("".join(table.itertext()).split())
    rejects = next(e for e in parsed.edges() if e.attr["stance"] == "rejects")
    assert rejects.attr["locator"].replace("\\\\", "\\") == argmap.clean("chapter " + text[:40])


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_text_in_mermaid(text: str) -> None:
    mermaid = argmap.to_mermaid(argmap.build(_records([text] * 6)), link_base="https://refdb.example")
    lines = mermaid.splitlines()
    assert lines[1].startswith("flowchart ")
    node_line = re.compile(r'^  n\d+(\("[^"]*"\)|\["[^"]*"\]|>"[^"]*"\]|\{\{"[^"]*"\}\})$')
    edge_line = re.compile(r'^  n\d+ (-->|--x|-\.->)\|"[^"|]*"\| n\d+$')
    other = re.compile(r'^  (classDef [a-z-]+ [a-z:#0-9,-]+|class [n0-9,]+ [a-z-]+|linkStyle [0-9,]+ [a-z:#0-9,-]+|'
                       r'click n\d+ href "https://refdb\.example/[a-z]+/[a-z0-9._%-]+" _top)$')  # fmt: skip
    for line in lines[2:]:
        assert node_line.match(line) or edge_line.match(line) or other.match(line), line
    for line in lines[2:]:
        if node_line.match(line):
            markup = re.findall(r"<[^>]*>", line)
            assert set(markup) <= {"<b>", "</b>", "<br/>"}, markup
            assert "javascript" not in line or "javascript#58;" in line


@pytest.mark.parametrize("text", HOSTILE)
def test_json_is_the_graph_with_its_text(text: str) -> None:
    data = json.loads(argmap.to_json(argmap.build(_records([text] * 6)), link_base="/app"))
    assert set(data) == {"seeds", "depth", "nodes", "edges"}
    assert data["seeds"] == ["factor-charm"] and data["depth"] == 1
    node = next(n for n in data["nodes"] if n["id"] == "claim:factor-charm")
    assert node["label"] == argmap.shorten(argmap.clean(text), argmap.MAX_TEXT)
    assert node["url"] == "/app/claims/factor-charm" and node["seed"] is True
    quote = next(n for n in data["nodes"] if n["kind"] == "quote")
    assert quote["person"] == "rokossovskii" and quote["person_url"] == "/app/people/rokossovskii"
    assert {e["kind"] for e in data["edges"]} == {"citation", "quote", "comment", "relation"}
    assert set(data["edges"][0]) == {"from", "to", "kind", "stance", "tone", "locator", "label"}


def test_links_only_from_the_link_base_and_keys() -> None:
    dot = argmap.to_dot(argmap.build(_records()), link_base="https://refdb.example/")
    parsed = _parsed(dot)
    urls = {n: parsed.get_node(n).attr["URL"] for n in parsed.nodes()}
    assert urls["claim:factor-charm"] == "https://refdb.example/claims/factor-charm"
    assert urls["source:roberts"] == "https://refdb.example/sources/roberts"
    assert urls["quote:concern"] == "https://refdb.example/quotes/concern"
    assert urls["comment:charmer"] == "https://refdb.example/comments/charmer"
    assert (
        'HREF="https://refdb.example/people/rokossovskii"' in parsed.get_node("quote:concern").attr["label"]
    )
    assert "URL" not in argmap.to_dot(argmap.build(_records()))


@pytest.mark.parametrize(
    "base",
    ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:x", "data:text/html,x", "//evil.example",
     "vbscript:x", 'https://x.example/"onload="x', "https://x.example/a b", "ftp://x", "relative/path",
     "https://x.example/<script>"],
)  # fmt: skip
def test_a_link_base_that_is_not_http_or_a_path_is_refused(base: str) -> None:
    with pytest.raises(UsageError, match="--link-base"):
        argmap.to_dot(argmap.build(_records()), link_base=base)


def test_clean_drops_control_and_invisible_characters() -> None:
    assert argmap.clean("a\x00b\x07c\u200bd\u202ee\ufefff\ng\th  i") == "abcdef g h i"
    assert argmap.clean(None) == "" and argmap.clean("Рокоссовский 123") == "Рокоссовский 123"


def test_rankdir_puts_evidence_left_of_a_claim_with_many_reasons() -> None:
    graph = argmap.build(_records())
    assert argmap.rankdir(graph) == "LR"
    chain = {"seeds": ["c0"], "depth": 9,
             "claims": [{"key": f"c{i}", "kind": "factual", "text": "x", "distance": i} for i in range(10)],
             "relations": [{"from": f"c{i}", "to": f"c{i + 1}", "relation": "supports"} for i in range(9)]}  # fmt: skip
    assert argmap.rankdir(argmap.build(chain)) == "TB"  # ten layers of one box: a column reads better


def test_an_empty_map() -> None:
    graph = argmap.build({"seeds": [], "depth": 1})
    assert graph.empty
    assert json.loads(argmap.to_json(graph)) == {"seeds": [], "depth": 1, "nodes": [], "edges": []}
    assert _parsed(argmap.to_dot(graph)).nodes() == []
