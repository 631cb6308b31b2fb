"""The argument map: a graph of claims and their evidence, built from plain records; DOT, Mermaid, JSON.

Pure: records in (``services.argument_map``), text out; no database, no Graphviz (``engines.graphviz``
lays out and renders the DOT this module writes).

The visual grammar follows the argument-mapping conventions (Rationale's reasons and objections,
Argdown's maps): arrows run from the evidence to what it bears on, green for support (asserts,
supports, a quote as evidence), red with a bar for opposition (rejects, disputes, contradicts), grey
and dashed for the rest (refines, reports, qualifies); each edge says its stance and locator
("supports · pp. 159–62").  Claims are rounded boxes filled by kind, sources folders, quotes notes,
counter-comments boxes with cut corners; the claims asked for have a thick border.  A legend sits
under the map.

Nothing from the data reaches any output as syntax: text is stripped of control characters and
escaped for each target (HTML-like label entities and DOT string escapes for Graphviz, entity codes
for Mermaid, JSON by the encoder); links are built only from ``--link-base`` and the record's key.
Output is deterministic: nodes and edges are sorted, so the same database gives the same bytes.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote as url_quote

from refdb.errors import UsageError
from refdb.formats.locator import locator_text

Record = dict[str, Any]

NODE_KINDS = ("claim", "source", "quote", "comment")
# where each kind of record lives under --link-base (the browser interface serves these paths)
LINK_PATHS = {
    "claim": "claims",
    "source": "sources",
    "quote": "quotes",
    "comment": "comments",
    "person": "people",
}
SUPPORT = ("asserts", "supports", "evidence")
OPPOSE = ("rejects", "disputes", "contradicts")
NEUTRAL = ("refines", "reports", "qualifies")
TONES = {
    **dict.fromkeys(SUPPORT, "support"),
    **dict.fromkeys(OPPOSE, "oppose"),
    **dict.fromkeys(NEUTRAL, "neutral"),
}
MAX_TEXT = 420  # characters of a claim, quote or comment shown in its box; the rest is " …"
WRAP = 34  # characters per line of a box
MAX_LINES = 10

FONT = "DejaVu Sans"
INK = "#222222"
MUTED = "#555555"
TONE_STYLE = {  # colour, arrowhead, line style, pen width
    "support": ("#1b7837", "normal", "solid", "1.6"),
    "oppose": ("#b2182b", "tee", "solid", "1.6"),
    "neutral": ("#707070", "empty", "dashed", "1.2"),
}
CLAIM_STYLE = {  # fill, border
    "thesis": ("#fde9a9", "#8a6d00"),
    "factor": ("#d8e7f6", "#2b5c8a"),
    "factual": ("#eeeeee", "#4d4d4d"),
    "interpretation": ("#e7def3", "#5b3f8a"),
    "myth": ("#fde3d2", "#a0522d"),
    "counter": ("#f7d6da", "#8a2b3a"),
}
OTHER_STYLE = {  # shape, style, fill, border
    "source": ("folder", "filled", "#ffffff", "#333333"),
    "quote": ("note", "filled", "#fffbea", "#8c7a3a"),
    "comment": ("box", "filled,diagonals", "#f2f2f2", "#555555"),
}


@dataclass(frozen=True)
class Node:
    id: str  # "claim:factor-charm"
    kind: str  # claim | source | quote | comment
    key: str
    type: str  # the claim's kind; the source's class; "quote"; "comment"
    heading: str  # "FACTOR", "SECONDARY SOURCE · scholarship", "QUOTE", "COUNTER-COMMENT"
    label: str  # the text shown: the claim, the source's author-title-year, the quote, the comment
    byline: str | None  # the quote's speaker, the comment's author
    person: str | None  # the byline's person key, when the database knows the person
    seed: bool  # one of the claims asked for
    distance: int  # links from the nearest claim asked for


@dataclass(frozen=True)
class Edge:
    tail: str  # node id of the evidence (source, quote, comment, or the relating claim)
    head: str  # node id of the claim it bears on
    kind: str  # citation | quote | comment | relation
    stance: str  # asserts ... | evidence | disputes ... | supports/refines/contradicts
    locator: str  # "pp. 159–62", "¶ 4", or ""
    label: str  # "supports · pp. 159–62"

    @property
    def tone(self) -> str:
        return TONES.get(self.stance, "neutral")


@dataclass(frozen=True)
class ArgumentMap:
    seeds: tuple[str, ...]
    depth: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    @property
    def empty(self) -> bool:
        return not self.nodes


# ------------------------------------------------------------------------------------------ text

_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def clean(text: str | None) -> str:
    """One line of printable text: control, format and unassigned characters dropped, spaces collapsed."""
    if not text:
        return ""
    kept = (
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE
    )
    return " ".join("".join(kept).split())


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 2].rstrip() + " …"


def wrap(text: str, width: int = WRAP, max_lines: int = MAX_LINES) -> list[str]:
    lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = shorten(lines[-1] + " …", width + 2)
    return lines


def _html(text: str) -> str:
    """Text for a Graphviz HTML-like label (XML character data and attribute values)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _dot(text: str) -> str:
    """A DOT double-quoted string: only the backslash and the quote are special to the lexer."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_label(text: str) -> str:
    """A plain (escString) label or tooltip: Graphviz also reads character entities there."""
    return _dot(text.replace("&", "&amp;"))


# ------------------------------------------------------------------------------------------ build


def _source_label(source: Record) -> str:
    authors = [clean(a) for a in source.get("authors") or [] if clean(a)]
    if len(authors) > 2:
        who = f"{authors[0]} et al."
    else:
        who = " and ".join(authors)
    title = clean(source.get("short_title")) or clean(source.get("title")) or f"[untitled: {source['key']}]"
    issued = clean(source.get("issued"))
    # a calendar date shows its year ("2006-05" -> 2006); anything else as written ("c. 1920", "forthcoming")
    year = issued[:4] if re.fullmatch(r"\d{4}(-\d\d){0,2}", issued) else shorten(issued, 24)
    return (f"{who}, " if who else "") + title + (f" ({year})" if year else "")


def _source_heading(source: Record) -> str:
    cls = clean(source.get("class"))
    genre = clean(source.get("genre"))
    return (f"{cls.upper()} SOURCE" if cls else "SOURCE") + (f" · {shorten(genre, 30)}" if genre else "")


def build(records: Record) -> ArgumentMap:
    """The graph of ``services.argument_map.argument_map``'s records: nodes and edges, sorted."""
    seeds = tuple(sorted(records.get("seeds") or []))
    seed_set = set(seeds)
    nodes: list[Node] = []
    for c in records.get("claims") or []:
        nodes.append(Node(f"claim:{c['key']}", "claim", c["key"], c["kind"], clean(c["kind"]).upper(),
                          shorten(clean(c["text"]), MAX_TEXT), None, None, c["key"] in seed_set,
                          int(c.get("distance", 0))))  # fmt: skip
    for s in records.get("sources") or []:
        nodes.append(Node(f"source:{s['key']}", "source", s["key"], clean(s.get("class")) or "source",
                          _source_heading(s), _source_label(s), None, None, False, int(s.get("distance", 0))))  # fmt: skip
    for q in records.get("quotes") or []:
        speaker = q.get("speaker") or None
        nodes.append(Node(f"quote:{q['key']}", "quote", q["key"], "quote", "QUOTE",
                          shorten(clean(q["text"]), MAX_TEXT), clean(speaker["name"]) if speaker else None,
                          speaker["key"] if speaker else None, False, int(q.get("distance", 0))))  # fmt: skip
    for m in records.get("comments") or []:
        author = m.get("author") or None
        byline = clean(author["name"]) if author else clean(m.get("author_label")) or "anonymous"
        nodes.append(Node(f"comment:{m['key']}", "comment", m["key"], "comment", "COUNTER-COMMENT",
                          shorten(clean(m["text"]), MAX_TEXT), byline, author["key"] if author else None, False,
                          int(m.get("distance", 0))))  # fmt: skip
    edges: list[Edge] = []
    for cit in records.get("citations") or []:
        where = clean(locator_text(cit.get("label"), cit.get("locator")))
        edges.append(Edge(f"source:{cit['source']}", f"claim:{cit['claim']}", "citation", cit["stance"], where,
                          cit["stance"] + (f" · {where}" if where else "")))  # fmt: skip
    for link in records.get("quote_claims") or []:
        edges.append(
            Edge(f"quote:{link['quote']}", f"claim:{link['claim']}", "quote", "evidence", "", "evidence")
        )
    for link in records.get("comment_claims") or []:
        edges.append(Edge(f"comment:{link['comment']}", f"claim:{link['claim']}", "comment", link["stance"], "",
                          link["stance"]))  # fmt: skip
    for rel in records.get("relations") or []:
        edges.append(Edge(f"claim:{rel['from']}", f"claim:{rel['to']}", "relation", rel["relation"], "",
                          rel["relation"]))  # fmt: skip
    order = {k: i for i, k in enumerate(NODE_KINDS)}
    nodes.sort(key=lambda n: (order[n.kind], n.key))
    known = {n.id for n in nodes}
    missing = [e for e in edges if e.tail not in known or e.head not in known]
    if missing:
        raise ValueError(f"edge to a node the records do not hold: {missing[0]}")
    edges.sort(key=lambda e: (e.head, e.tail, e.kind, e.stance, e.locator))
    return ArgumentMap(seeds, int(records.get("depth", 0)), tuple(nodes), tuple(edges))


# ------------------------------------------------------------------------------------------ links

_UNSAFE_URL = re.compile(r"[\s\"'<>\\`{}|^\x00-\x1f\x7f]")


def check_link_base(link_base: str | None) -> str | None:
    """``--link-base``: an http(s) URL or a path from the site's root; anything else is refused."""
    if link_base is None:
        return None
    base = link_base.strip()
    lowered = base.lower()
    if _UNSAFE_URL.search(base) or not (
        lowered.startswith(("http://", "https://")) or (base.startswith("/") and not base.startswith("//"))
    ):
        shown = base if len(base) <= 60 else base[:57] + "..."
        raise UsageError(f"--link-base '{shown}': give an http:// or https:// URL or a path starting with /")
    return base.rstrip("/")


def link(link_base: str | None, kind: str, key: str) -> str | None:
    if link_base is None:
        return None
    return f"{link_base}/{LINK_PATHS[kind]}/{url_quote(key, safe='')}"


# ------------------------------------------------------------------------------------------ layout


def _ranks(graph: ArgumentMap) -> dict[str, int]:
    """Longest-path layers of the edges (evidence before what it bears on), cycles broken by DFS."""
    succ: dict[str, list[str]] = defaultdict(list)
    for e in graph.edges:
        succ[e.tail].append(e.head)
    rank: dict[str, int] = {}
    state: dict[str, int] = {}
    topo: list[str] = []
    for start in (n.id for n in graph.nodes):
        if start in state:
            continue
        stack = [(start, iter(succ[start]))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                state[node] = 2
                topo.append(node)
                stack.pop()
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(succ[nxt])))
    order = topo[::-1]  # a topological order of every edge but the back edges of cycles
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        rank.setdefault(node, 0)
        for head in succ[node]:
            if position[head] > position[node]:
                rank[head] = max(rank.get(head, 0), rank[node] + 1)
    return rank


def _largest_component(graph: ArgumentMap) -> ArgumentMap:
    parent = {n.id: n.id for n in graph.nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in graph.edges:
        parent[find(e.tail)] = find(e.head)
    groups: dict[str, list[Node]] = defaultdict(list)
    for n in graph.nodes:
        groups[find(n.id)].append(n)
    biggest = max(groups.values(), key=lambda g: (len(g), [n.id for n in g]))
    ids = {n.id for n in biggest}
    edges = tuple(e for e in graph.edges if e.tail in ids)
    return ArgumentMap(graph.seeds, graph.depth, tuple(biggest), edges)


def rankdir(graph: ArgumentMap) -> str:
    """Left to right or top down: whichever draws the largest connected part nearer a 3:2 page.

    Graphviz packs the parts side by side, so the direction only shapes each part.  A box is about
    three times as wide as it is tall, so a layer of many boxes is compact as a column (LR) and
    sprawls as a row (TB); on a tie the map reads left to right, evidence first.
    """
    if not graph.nodes:
        return "LR"
    ranks = _ranks(_largest_component(graph))
    per_rank: dict[int, int] = defaultdict(int)
    for r in ranks.values():
        per_rank[r] += 1
    layers, widest = len(per_rank), max(per_rank.values())
    lr = (layers * 4.6) / (widest * 1.3)
    tb = (widest * 3.3) / (layers * 2.2)
    target = math.log(1.5)
    return "LR" if abs(math.log(lr) - target) <= abs(math.log(tb) - target) else "TB"


# ------------------------------------------------------------------------------------------ DOT


def _node_style(node: Node) -> tuple[str, str, str, str]:
    if node.kind == "claim":
        fill, border = CLAIM_STYLE.get(node.type, CLAIM_STYLE["factual"])
        style = "rounded,filled" + (",dashed" if node.type == "myth" else "")
        return "box", style, fill, border
    return OTHER_STYLE[node.kind]


def _html_label(node: Node, link_base: str | None) -> str:
    key = node.key if len(node.key) <= 40 else node.key[:38] + "…"
    rows = [
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8.5" COLOR="{MUTED}"><B>{_html(node.heading)}</B>'
        f"  {_html(key)}</FONT></TD></TR>"
    ]
    width = WRAP - 6 if node.kind == "source" else WRAP
    text = f"‘{node.label}’" if node.kind == "quote" else node.label
    body = '<BR ALIGN="LEFT"/>'.join(_html(line) for line in wrap(text, width))
    if node.kind == "quote":
        body = f"<I>{body}</I>"
    rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{body}<BR ALIGN="LEFT"/></TD></TR>')
    if node.byline:
        href = link(link_base, "person", node.person) if node.person else None
        attr = f' HREF="{_html(href)}" TITLE="{_html("— " + node.byline)}"' if href else ""
        byline = '<BR ALIGN="RIGHT"/>'.join(_html(line) for line in wrap("— " + node.byline, WRAP))
        rows.append(
            f'<TR><TD ALIGN="RIGHT"{attr}><FONT POINT-SIZE="9.5" COLOR="{MUTED}">{byline}</FONT></TD></TR>'
        )
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"


def _legend(graph: ArgumentMap) -> str:
    """The legend, as the graph's own label under the map: an HTML-like table, one row per family."""

    def swatch(text: str, fill: str, border: str, style: str = "rounded") -> str:
        return (f'<TD BGCOLOR="{fill}" COLOR="{border}" BORDER="1" STYLE="{style}" CELLPADDING="3">'
                f'<FONT POINT-SIZE="9">{text}</FONT></TD>')  # fmt: skip

    def arrow(tone: str, sign: str, words: str) -> str:
        colour = TONE_STYLE[tone][0]
        return f'<TD ALIGN="LEFT"><FONT COLOR="{colour}" POINT-SIZE="9"><B>{sign}</B> {words}</FONT></TD>'

    def row(title: str, cells: str) -> str:
        return (f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{MUTED}"><B>{title}</B></FONT></TD>'
                f'<TD ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="0"><TR>{cells}'
                "</TR></TABLE></TD></TR>")  # fmt: skip

    claims = "".join(swatch(kind, *CLAIM_STYLE[kind], "rounded,dashed" if kind == "myth" else "rounded")
                     for kind in CLAIM_STYLE)  # fmt: skip
    note = '<TD ALIGN="LEFT"><FONT POINT-SIZE="9">%s</FONT></TD>'
    evidence = (swatch("source (folder)", *OTHER_STYLE["source"][2:], "solid")
                + swatch("quote (note)", *OTHER_STYLE["quote"][2:], "solid")
                + swatch("counter-comment (cut corners)", *OTHER_STYLE["comment"][2:], "solid")
                + note % "a thick border: a claim asked for")  # fmt: skip
    arrows = (arrow("support", "──▶", "asserts, supports, evidence")
              + arrow("oppose", "──┤", "rejects, disputes, contradicts")
              + arrow("neutral", "╌╌▷", "refines, reports, qualifies"))  # fmt: skip
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
        '<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10"><B>How to read this map</B></FONT></TD>'
        f'<TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{MUTED}">   {_html(_what(graph))}</FONT></TD></TR>'
        + row("claims", claims)
        + row("evidence", evidence)
        + row("arrows", arrows)
        + "</TABLE>>"
    )


def _what(graph: ArgumentMap) -> str:
    """What the map shows, in a line: "refdb map factor-charm, depth 1"."""
    keys = list(graph.seeds[:3]) + ([f"and {len(graph.seeds) - 3} more"] if len(graph.seeds) > 3 else [])
    return shorten(f"refdb map {', '.join(keys)} · depth {graph.depth}", 120)


def to_dot(graph: ArgumentMap, *, link_base: str | None = None, title: str | None = None) -> str:
    """The map as Graphviz DOT: HTML-like labels, the legend as the graph's label, links when asked."""
    base = check_link_base(link_base)
    direction = rankdir(graph)
    name = title or ("argument map: " + ", ".join(graph.seeds))
    lines = [
        f"digraph {_dot(shorten(clean(name), 200))} {{",
        f'  graph [rankdir={direction}, fontname="{FONT}", fontcolor="{INK}", bgcolor="white", pad="0.3", '
        'nodesep="0.25", ranksep="0.55", newrank=true, pack=true, labelloc=b, labeljust=l, '
        f"label={_legend(graph)}];",
        f'  node [fontname="{FONT}", fontsize=11, fontcolor="{INK}", margin="0.12,0.06", penwidth=1.2];',
        f'  edge [fontname="{FONT}", fontsize=9, arrowsize=0.8];',
    ]
    for node in graph.nodes:
        shape, style, fill, border = _node_style(node)
        attrs = [
            f"shape={shape}", f"style={_dot(style)}", f"fillcolor={_dot(fill)}", f"color={_dot(border)}",
            f"kind={_dot(node.kind)}", f"key={_dot(node.key)}", f"type={_dot(node.type)}",
            f"id={_dot(node.kind + '-' + node.key)}", f"class={_dot(node.kind + ' ' + node.type)}",
            f"tooltip={_dot_label(shorten(f'{node.kind} {node.key} ({node.heading}): {node.label}', 600))}",
            f"label={_html_label(node, base)}",
        ]  # fmt: skip
        if node.seed:
            attrs.append("penwidth=3.2")
        url = link(base, node.kind, node.key)
        if url:
            attrs.append(f"URL={_dot(url)}")
            attrs.append('target="_top"')
        lines.append(f"  {_dot(node.id)} [{', '.join(attrs)}];")
    for edge in graph.edges:
        colour, head, style, pen = TONE_STYLE[edge.tone]
        attrs = [
            f"kind={_dot(edge.kind)}", f"stance={_dot(edge.stance)}", f"locator={_dot(edge.locator)}",
            f"label={_dot_label(edge.label)}", f"color={_dot(colour)}", f"fontcolor={_dot(colour)}",
            f"arrowhead={head}", f"style={style}", f"penwidth={pen}",
            f"tooltip={_dot_label(edge.tail + ' ' + edge.label + ' ' + edge.head)}",
        ]  # fmt: skip
        lines.append(f"  {_dot(edge.tail)} -> {_dot(edge.head)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------ Mermaid

_MERMAID_SAFE = set(" ,.?!-–—'’‘“”()/")  # everything else is written as an entity code


def _mermaid(text: str) -> str:
    """Text inside a quoted Mermaid label: anything but letters, digits and plain punctuation as #code;."""
    return "".join(ch if ch.isalnum() or ch in _MERMAID_SAFE else f"#{ord(ch)};" for ch in text)


def to_mermaid(graph: ArgumentMap, *, link_base: str | None = None) -> str:
    """The map as a Mermaid flowchart (GitHub, GitLab and Obsidian draw it from a fenced block)."""
    base = check_link_base(link_base)
    ids = {node.id: f"n{i}" for i, node in enumerate(graph.nodes, 1)}
    shapes = {"claim": ('("', '")'), "source": ('["', '"]'), "quote": ('>"', '"]'), "comment": ('{{"', '"}}')}
    lines = [
        f"%% refdb map of {len(graph.seeds)} claim(s), depth {graph.depth}",
        f"flowchart {rankdir(graph)}",
    ]
    for node in graph.nodes:
        opening, closing = shapes[node.kind]
        text = f"‘{node.label}’" if node.kind == "quote" else node.label
        parts = [f"<b>{_mermaid(node.heading)}</b> {_mermaid(node.key)}"]
        parts += [_mermaid(line) for line in wrap(text)]
        if node.byline:
            parts.append(_mermaid("— " + node.byline))
        lines.append(f"  {ids[node.id]}{opening}{'<br/>'.join(parts)}{closing}")
    arrows = {"support": "-->", "oppose": "--x", "neutral": "-.->"}
    for edge in graph.edges:
        lines.append(f'  {ids[edge.tail]} {arrows[edge.tone]}|"{_mermaid(edge.label)}"| {ids[edge.head]}')
    for kind, (fill, border) in CLAIM_STYLE.items():
        lines.append(f"  classDef {kind} fill:{fill},stroke:{border},color:{INK}")
    for kind, (_, _, fill, border) in OTHER_STYLE.items():
        lines.append(f"  classDef {kind} fill:{fill},stroke:{border},color:{INK}")
    lines.append("  classDef seed stroke-width:3px")
    by_class: dict[str, list[str]] = defaultdict(list)
    for node in graph.nodes:
        by_class[node.type if node.kind == "claim" and node.type in CLAIM_STYLE else node.kind].append(
            ids[node.id]
        )
        if node.seed:
            by_class["seed"].append(ids[node.id])
    for cls in sorted(by_class):
        lines.append(f"  class {','.join(by_class[cls])} {cls}")
    for tone in ("support", "oppose", "neutral"):
        numbers = [str(i) for i, e in enumerate(graph.edges) if e.tone == tone]
        if numbers:
            lines.append(
                f"  linkStyle {','.join(numbers)} stroke:{TONE_STYLE[tone][0]},color:{TONE_STYLE[tone][0]}"
            )
    if base:
        for node in graph.nodes:
            url = link(base, node.kind, node.key)
            lines.append(f'  click {ids[node.id]} href "{url}" _top')
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------ JSON


def to_json(graph: ArgumentMap, *, link_base: str | None = None) -> str:
    """The graph itself, for people who draw it elsewhere: nodes and edges with kinds, keys, labels."""
    base = check_link_base(link_base)
    nodes = []
    for node in graph.nodes:
        record = asdict(node)
        if base:
            record["url"] = link(base, node.kind, node.key)
            if node.person:
                record["person_url"] = link(base, "person", node.person)
        nodes.append(record)
    edges = [{"from": e.tail, "to": e.head, "kind": e.kind, "stance": e.stance, "tone": e.tone,
              "locator": e.locator, "label": e.label} for e in graph.edges]  # fmt: skip
    data = {"seeds": list(graph.seeds), "depth": graph.depth, "nodes": nodes, "edges": edges}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
