"""`refdb map`: the neighbourhood the database holds, in every format, through the real command line."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pygraphviz
import pytest
import yaml

from refdb.formats.locator import locator_text
from tests.conftest import Cli, Result
from tests.engines.test_graphviz import _inert, png_size
from tests.formats.test_argmap import HOSTILE

REPO = Path(__file__).resolve().parents[2]
GOLDEN_PNG = REPO / "docs" / "charm-map.png"
SEED_CLAIMS = ["factor-charm", "stalin-always-listened", "factor-continuity", "commanders-shot-after-finland"]
Edge = tuple[str, str, str, str]  # tail, head, stance, locator


def _ok(cli: Cli, *args: str) -> Result:
    result = cli(*args)
    assert result.exit_code == 0 and result.exception is None, result.output
    return result


def _one_error(result: Result) -> str:
    assert result.exception is None, repr(result.exception)
    assert result.exit_code != 0 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: "), result.stderr
    return result.stderr


def _database_graph(cli: Cli) -> list[Edge]:
    """Every link the database holds, read from its dump (not through the map's service)."""
    data: dict[str, Any] = yaml.safe_load(_ok(cli, "dump").stdout)
    edges: list[Edge] = []
    for claim in data.get("claims") or []:
        for cit in claim.get("citations") or []:
            where = locator_text(cit.get("label"), cit.get("locator"))
            edges.append((f"source:{cit['source']}", f"claim:{claim['key']}", cit["stance"], where))
        for rel in claim.get("relations") or []:
            edges.append((f"claim:{claim['key']}", f"claim:{rel['claim']}", rel["relation"], ""))
    for quote in data.get("quotes") or []:
        edges += [(f"quote:{quote['key']}", f"claim:{c}", "evidence", "") for c in quote.get("claims") or []]
    for comment in data.get("comments") or []:
        edges += [(f"comment:{comment['key']}", f"claim:{d['claim']}", d.get("stance", "disputes"), "")
                  for d in comment.get("disputes") or []]  # fmt: skip
    return edges


def _neighbourhood(edges: list[Edge], seeds: list[str], depth: int) -> tuple[set[str], Counter[Edge]]:
    """The nodes within ``depth`` links of the seeds and every link among them."""
    around: dict[str, set[str]] = defaultdict(set)
    for tail, head, _, _ in edges:
        around[tail].add(head)
        around[head].add(tail)
    nodes = {f"claim:{s}" for s in seeds}
    frontier = set(nodes)
    for _ in range(depth):
        frontier = {n for f in frontier for n in around[f]} - nodes
        nodes |= frontier
    return nodes, Counter(e for e in edges if e[0] in nodes and e[1] in nodes)


def _parsed(dot: str) -> tuple[set[str], Counter[Edge]]:
    graph = pygraphviz.AGraph(string=dot)
    edges: Counter[Edge] = Counter()
    for tail, head, key in graph.edges(keys=True):
        attr = graph.get_edge(tail, head, key).attr
        edges[(tail, head, attr["stance"], attr["locator"])] += 1
    return set(graph.nodes()), edges


@pytest.mark.parametrize("depth", [0, 1, 2])
@pytest.mark.parametrize("claim", SEED_CLAIMS)
def test_dot_holds_exactly_the_databases_neighbourhood(cli: Cli, claim: str, depth: int) -> None:
    expected = _neighbourhood(_database_graph(cli), [claim], depth)
    assert _parsed(_ok(cli, "map", claim, "--depth", str(depth), "--format", "dot").stdout) == expected


def test_the_charm_map_at_depth_one(cli: Cli) -> None:
    nodes, edges = _parsed(_ok(cli, "map", "factor-charm", "--format", "dot").stdout)
    assert nodes == {"claim:factor-charm", "claim:fear-and-terror-picture", "claim:stalin-wiped-out-military-leaders",
                     "source:stalin-and-his-generals", "quote:rokossovskii-concern", "quote:vasilevskii-attention",
                     "comment:charmer-wiped-out"}  # fmt: skip
    assert edges == Counter({
        ("source:stalin-and-his-generals", "claim:factor-charm", "asserts", "¶ 4"): 1,
        ("source:stalin-and-his-generals", "claim:fear-and-terror-picture", "rejects", "¶ 4"): 1,
        ("quote:rokossovskii-concern", "claim:factor-charm", "evidence", ""): 1,
        ("quote:vasilevskii-attention", "claim:factor-charm", "evidence", ""): 1,
        ("comment:charmer-wiped-out", "claim:factor-charm", "disputes", ""): 1,
        ("claim:factor-charm", "claim:fear-and-terror-picture", "contradicts", ""): 1,
        ("claim:stalin-wiped-out-military-leaders", "claim:factor-charm", "contradicts", ""): 1,
    })  # fmt: skip
    dot = _ok(cli, "map", "stalin-always-listened", "--format", "dot").stdout
    graph = pygraphviz.AGraph(string=dot)
    edge = graph.get_edge("source:roberts-stalins-wars", "claim:stalin-always-listened")
    assert edge.attr["label"] == "supports · pp. 159–62"


def test_tags_sources_and_keys_select_together(cli: Cli) -> None:
    data: dict[str, Any] = yaml.safe_load(_ok(cli, "dump").stdout)
    tagged = [c["key"] for c in data["claims"] if "charm" in (c.get("tags") or [])]
    glantz = [c["key"] for c in data["claims"]
              if any(cit["source"] == "glantz-colossus-reborn" for cit in c.get("citations") or [])]  # fmt: skip
    assert tagged and glantz
    seeds = sorted({*tagged, *glantz, "factor-talent"})
    out = json.loads(
        _ok(cli, "map", "factor-talent", "--tag", "charm", "--source", "glantz", "-f", "json").stdout
    )
    assert out["seeds"] == seeds
    expected_nodes, expected_edges = _neighbourhood(_database_graph(cli), seeds, 1)
    assert {n["id"] for n in out["nodes"]} == expected_nodes
    assert Counter((e["from"], e["to"], e["stance"], e["locator"]) for e in out["edges"]) == expected_edges
    assert {n["key"] for n in out["nodes"] if n["seed"]} == set(seeds)


def test_json_is_the_graph(cli: Cli) -> None:
    out = json.loads(_ok(cli, "map", "factor-charm", "--format", "json", "--link-base", "/app").stdout)
    assert set(out) == {"seeds", "depth", "nodes", "edges"}
    node = next(n for n in out["nodes"] if n["id"] == "quote:rokossovskii-concern")
    assert node["kind"] == "quote" and node["byline"] == "Konstantin Rokossovskii"
    assert node["label"].startswith("the concern displayed by the supreme commander was invaluable.")
    assert (
        node["url"] == "/app/quotes/rokossovskii-concern" and node["person_url"] == "/app/people/rokossovskii"
    )
    essay = next(n for n in out["nodes"] if n["id"] == "source:stalin-and-his-generals")
    assert (essay["heading"], essay["label"]) == ("TERTIARY SOURCE · essay", "Stalin and his generals")


def test_svg_on_stdout_by_default_deterministic_and_linked(cli: Cli) -> None:
    first = _ok(cli, "map", "factor-charm").stdout
    assert first.startswith("<?xml") and "</svg>" in first
    assert _ok(cli, "map", "factor-charm").stdout == first
    assert (
        _ok(cli, "map", "factor-charm", "-f", "dot").stdout
        == _ok(cli, "map", "factor-charm", "-f", "dot").stdout
    )
    linked = _ok(cli, "map", "factor-charm", "--link-base", "http://127.0.0.1:8000").stdout
    root = _inert(linked.encode(), "http://127.0.0.1:8000")
    hrefs = {a.get("{http://www.w3.org/1999/xlink}href") for a in root.iter("{http://www.w3.org/2000/svg}a")}
    assert {"http://127.0.0.1:8000/claims/factor-charm", "http://127.0.0.1:8000/sources/stalin-and-his-generals",
            "http://127.0.0.1:8000/quotes/rokossovskii-concern", "http://127.0.0.1:8000/comments/charmer-wiped-out",
            "http://127.0.0.1:8000/people/vasilevskii"} <= hrefs  # fmt: skip


def test_png_of_the_seed_map_matches_the_golden_image_loosely(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "charm.png"
    result = _ok(cli, "map", "factor-charm", "--output", str(out))
    assert result.stdout == "" and "wrote a map of 3 claims" in result.stderr
    width, height = png_size(out.read_bytes())
    golden_w, golden_h = png_size(GOLDEN_PNG.read_bytes())
    assert abs(width - golden_w) <= 0.15 * golden_w and abs(height - golden_h) <= 0.15 * golden_h, (
        (width, height), (golden_w, golden_h))  # fmt: skip


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("map.svg", lambda b: b.startswith(b"<?xml") and b"<svg" in b),
        ("map.png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
        ("map.pdf", lambda b: b.startswith(b"%PDF-")),
        ("map.dot", lambda b: b.startswith(b'digraph "argument map: factor-charm"')),
        ("map.gv", lambda b: b.startswith(b"digraph ")),
        ("map.mmd", lambda b: b.startswith(b"%% refdb map") and b"\nflowchart LR\n" in b),
        ("map.json", lambda b: json.loads(b)["seeds"] == ["factor-charm"]),
    ],
)
def test_the_format_follows_the_output_suffix(cli: Cli, tmp_path: Path, name: str, check: Any) -> None:
    out = tmp_path / name
    _ok(cli, "map", "factor-charm", "--output", str(out))
    assert check(out.read_bytes())


def test_output_is_never_overwritten_without_force(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    out.write_bytes(b"precious")
    assert "exists; pass --force" in _one_error(cli("map", "factor-charm", "--output", str(out)))
    assert out.read_bytes() == b"precious"
    _ok(cli, "map", "factor-charm", "--output", str(out), "--force")
    assert out.read_bytes().startswith(b"\x89PNG")
    assert list(tmp_path.iterdir()) == [out], "no temporary file left behind"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("map", "no-such-claim"), "Error: no claim with key 'no-such-claim'"),
        (("map", "factor-charm", "no-such-claim"), "Error: no claim with key 'no-such-claim'"),
        (("map",), "Error: say which claims to map: claim keys, --tag T or --source S"),
        (("map", "factor-charm", "--output", "map.txt"), "cannot tell the format from '.txt'"),
        (("map", "factor-charm", "--format", "gif"), "Invalid value for '--format'"),
        (("map", "factor-charm", "--depth", "-1"), "Invalid value for '--depth'"),
        (("map", "factor-charm", "--link-base", "javascript:alert(1)"), "--link-base 'javascript:alert(1)'"),
    ],
)
def test_errors_are_one_line(cli: Cli, args: tuple[str, ...], message: str) -> None:
    assert message in _one_error(cli(*args))


def test_an_empty_selection_says_so(cli: Cli, tmp_path: Path) -> None:
    _ok(cli, "add", "tag", "Unused theme", "--key", "unused")
    for fmt in ("svg", "png", "dot", "mermaid"):
        result = _ok(cli, "map", "--tag", "unused", "--format", fmt, "--output", str(tmp_path / f"m.{fmt}"))
        assert result.stdout == "" and result.stderr == "no claims match; the map is empty\n"
        assert not (tmp_path / f"m.{fmt}").exists()
    result = _ok(cli, "map", "--source", "no such source anywhere", "--format", "json")
    assert json.loads(result.stdout) == {"seeds": [], "depth": 1, "nodes": [], "edges": []}
    assert result.stderr == "no claims match; the map is empty\n"


def _hostile_database(cli: Cli) -> None:
    """Every text a map shows, hostile: claims, a person's name, a title, a locator, a quote, a comment."""
    _ok(cli, "add", "tag", "Evil", "--key", "evil")
    for i, text in enumerate(HOSTILE):
        text = text.replace("\x07", "").replace("\x1b", "")  # the command line refuses raw control bytes
        _ok(cli, "add", "person", "--key", f"evil-{i}", "--", f"Eve {text}")
        _ok(cli, "add", "source", "--key", f"evil-src-{i}", "--author", f"evil-{i}", "--issued", "2001",
            "--url", "javascript:alert(1)", "--genre", text, "--", text)  # fmt: skip
        _ok(cli, "add", "claim", "--key", f"evil--claim-{i}", "--kind", "myth", "--tag", "evil", "--", text)
        _ok(cli, "link", "cite", f"evil--claim-{i}", f"evil-src-{i}", "--stance", "rejects", "--locator",
            text, "--label", "chapter")  # fmt: skip
        _ok(cli, "add", "quote", "--key", f"evil-quote-{i}", "--speaker", f"evil-{i}", "--claim",
            f"evil--claim-{i}", "--", text)  # fmt: skip
        _ok(cli, "add", "comment", "--key", f"evil-comment-{i}", "--answers", f"evil-src-{i}", "--author-label",
            text, "--disputes", f"evil--claim-{i}", "--", text)  # fmt: skip
        _ok(cli, "link", "relation", f"evil--claim-{i}", "contradicts", "factor-charm")


def test_hostile_data_stays_text_in_every_format(cli: Cli) -> None:
    _hostile_database(cli)
    base = "https://refdb.example/app"
    svg = _ok(cli, "map", "--tag", "evil", "--link-base", base).stdout.encode()
    root = _inert(svg, base)
    shown = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "<script>alert(1)</script>" in shown  # as text, escaped in the file
    assert b"<script>" not in svg and b"&lt;script&gt;" in svg

    expected = _neighbourhood(_database_graph(cli), [f"evil--claim-{i}" for i in range(len(HOSTILE))], 1)
    nodes, edges = _parsed(_ok(cli, "map", "--tag", "evil", "--format", "dot", "--link-base", base).stdout)
    assert nodes == expected[0]
    assert Counter((t, h, s) for t, h, s, _ in edges) == Counter((t, h, s) for t, h, s, _ in expected[1])

    data = json.loads(_ok(cli, "map", "--tag", "evil", "--format", "json").stdout)
    labels = {n["key"]: n["label"] for n in data["nodes"]}
    assert labels["evil--claim-0"] == "<script>alert(1)</script>"
    assert all("url" not in n for n in data["nodes"])

    mermaid = _ok(cli, "map", "--tag", "evil", "--format", "mermaid", "--link-base", base).stdout
    for line in mermaid.splitlines()[2:]:
        assert re.fullmatch(r'  n\d+(\("[^"]*"\)|\["[^"]*"\]|>"[^"]*"\]|\{\{"[^"]*"\}\})'
                            r'|  n\d+ (-->|--x|-\.->)\|"[^"|]*"\| n\d+'
                            r'|  (classDef|class|linkStyle) [^"]*'
                            rf'|  click n\d+ href "{re.escape(base)}/[a-z]+/[a-z0-9._%-]+" _top', line), line  # fmt: skip
        assert not set(re.findall(r"<[^>]*>", line)) - {"<b>", "</b>", "<br/>"}, line


def test_a_sources_javascript_url_never_becomes_a_link(cli: Cli) -> None:
    _ok(cli, "add", "source", "--key", "js", "--url", "javascript:alert(document.cookie)", "--", "A title")
    _ok(cli, "link", "cite", "factor-charm", "js", "--stance", "supports", "--locator", "1")
    for base in ([], ["--link-base", "https://refdb.example"]):
        svg = _ok(cli, "map", "factor-charm", *base).stdout
        assert "javascript" not in svg.lower() and "document.cookie" not in svg
        ElementTree.fromstring(svg.encode())


def test_statements_are_bounded_per_depth_level(cli: Cli, db_url: str) -> None:
    from tests.system.test_statements import _counting

    counts = {}
    for depth in (0, 1, 2, 3):
        cli("map", "factor-charm", "--depth", str(depth), "-f", "json")
        with _counting(db_url) as statements:
            _ok(cli, "map", "factor-charm", "--depth", str(depth), "-f", "json")
        counts[depth] = len(statements)
    for depth in (1, 2, 3):
        assert counts[depth] - counts[depth - 1] <= 7, counts  # one per kind of link and frontier
    assert counts[0] <= 20, counts
