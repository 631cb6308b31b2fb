"""The seed: every quote verbatim in the essay, every anchor checked, loading twice a no-op."""

from __future__ import annotations

import json
from pathlib import Path

from refdb import records
from refdb.formats import dataset as fmt
from refdb.resources import seed_dataset
from tests.conftest import ESSAY, Cli, invoke

ROOT = Path(__file__).resolve().parents[2]


def _seed() -> records.Dataset:
    path = seed_dataset()
    return fmt.parse(path.read_text(encoding="utf-8"), source_name=str(path), base_dir=path.parent)


def test_seed_holds_the_whole_essay_argument() -> None:
    data = _seed()
    keys = {c.key for c in data.claims}
    # the thesis, learning curve, open relationship, the four factors, the rejected stories, the facts
    for key in (
        "stalin-always-listened",
        "learning-curve",
        "open-creative-relationship",
        "factor-loyalty",
        "factor-charm",
        "factor-continuity",
        "factor-talent",
        "dacha-funk-story",
        "generals-memoir-version",
        "german-casualties-1942",
    ):
        assert key in keys
    assert {s.key for s in data.sources} == {
        "roberts-stalins-wars",
        "glantz-colossus-reborn",
        "rokossovskii-soldatskii-dolg",
        "vasilevskii-delo-vsei-zhizni",
        "stalin-and-his-generals",
        "comment-charmer",
    }
    assert len(data.quotes) == 3
    assert len(data.comments) == 1
    assert {t.key for t in data.tags} >= {"loyalty", "charm", "continuity", "talent"}


def test_every_quote_is_verbatim_in_the_original_essay() -> None:
    essay = ESSAY.read_text(encoding="utf-8")
    for quote in _seed().quotes:
        assert quote.text in essay, quote.key
    assert "raised one’s self-confidence" in {q.key: q.text for q in _seed().quotes}["rokossovskii-concern"]


def test_the_seed_text_is_the_essay_without_page_furniture() -> None:
    essay = ESSAY.read_text(encoding="utf-8")
    ours = (ROOT / "seed" / "stalin-and-his-generals.txt").read_text(encoding="utf-8")
    assert essay.startswith(ours.rstrip("\n"))
    assert "Leave a Reply" not in ours and "Akismet" not in ours


def test_every_claim_says_who_asserts_it() -> None:
    for claim in _seed().claims:
        assert claim.citations, claim.key
        assert any(c.stance in ("asserts", "rejects", "reports", "supports") for c in claim.citations)


def test_seed_reports_what_it_added_and_twice_changes_nothing(empty_url: str, dump_of) -> None:  # type: ignore[no-untyped-def]
    first = invoke(empty_url, "seed")
    assert first.exit_code == 0, first.output
    assert "added 60 (18 people, 6 sources, 7 tags, 25 claims, 3 quotes, 1 comment)" in first.stderr
    before = dump_of(empty_url)
    second = invoke(empty_url, "seed")
    assert second.exit_code == 0
    assert "added 0; updated 0; unchanged 60" in second.stderr
    assert dump_of(empty_url) == before


def test_load_of_a_dump_into_an_empty_database_is_byte_identical(
    cli: Cli, empty_url: str, tmp_path: Path, dump_of
) -> None:  # type: ignore[no-untyped-def]
    first = cli("dump").stdout
    path = tmp_path / "dump.yaml"
    path.write_text(first, encoding="utf-8")
    assert invoke(empty_url, "load", str(path)).exit_code == 0
    assert dump_of(empty_url) == first


def test_seed_data_validates_against_the_published_schema() -> None:
    import jsonschema
    import yaml

    schema = json.loads((ROOT / "docs" / "dataset.schema.json").read_text(encoding="utf-8"))
    data = yaml.safe_load(seed_dataset().read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


def test_the_seed_script_runs_from_a_checkout(tmp_path: Path) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'checkout.sqlite'}"
    proc = subprocess.run([sys.executable, str(ROOT / "seed" / "load_seed.py"), "--db", url], capture_output=True,
                          text=True, timeout=120, check=False, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "added 60" in proc.stderr
    assert json.loads(invoke(url, "claims", "--source", "glantz", "--format", "json").stdout)[0]["key"] == (
        "factor-continuity"
    )
