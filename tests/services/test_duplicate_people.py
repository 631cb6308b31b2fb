"""check's duplicate detection: inverted, native and initialled forms found; different people kept apart."""

from __future__ import annotations

import json

from tests.conftest import Cli


def _duplicates(cli: Cli) -> list[str]:
    result = cli("check", "--format", "json")
    return [f"{p['key']}: {p['problem']}" for p in json.loads(result.stdout) if p["check"] == "duplicates"]


def _same(a: str, *others: str) -> str:
    return f"{a}: looks like the same person as {', '.join(repr(o) for o in others)} (merge with 'refdb merge person')"


def test_inverted_native_and_initialled_forms_are_duplicates(cli: Cli) -> None:
    cli("add", "person", "Antony Beevor")
    cli("add", "person", "Beevor, Antony", "--key", "beevor-2")
    cli("add", "person", "Рокоссовский Константин Константинович", "--key", "rokossovskii-2")
    cli("add", "person", "G. Zhukov", "--key", "zhukov-2")
    assert _duplicates(cli) == [
        _same("beevor-2", "beevor-antony"),
        _same("rokossovskii", "rokossovskii-2"),
        _same("zhukov", "zhukov-2"),
    ]


def test_a_group_is_one_problem(cli: Cli) -> None:
    for key in ("ia", "ib", "ic"):
        cli("add", "person", "Ivan Ivanov", "--key", key)
    assert _duplicates(cli) == [_same("ia", "ib", "ic")]


def test_different_patronymics_middle_names_and_given_names_are_different_people(cli: Cli) -> None:
    cli("add", "person", "Anna Petrova", "--key", "pa", "--native", "Анна Ивановна Петрова")
    cli("add", "person", "Anna Petrova", "--key", "pb", "--native", "Анна Сергеевна Петрова")
    cli("add", "person", "David K. Glantz", "--key", "glantz-k")
    cli("add", "person", "Andrew Roberts")
    cli("add", "person", "Alice Roberts", "--variant", "A. Roberts")
    cli("add", "person", "Arthur Roberts", "--variant", "A. Roberts")
    assert _duplicates(cli) == []
