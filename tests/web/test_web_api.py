"""The JSON API returns exactly the records `refdb ... --format json` prints."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import Cli


def cli_json(cli: Cli, *args: str) -> Any:
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "url, args",
    [
        ("/api/claims", ("claims",)),
        ("/api/claims?source=glantz", ("claims", "--source", "glantz")),
        ("/api/claims?person=Khrushchev", ("claims", "--person", "Khrushchev")),
        ("/api/claims?tag=purges&disputed=1", ("claims", "--tag", "purges", "--disputed")),
        ("/api/claims?kind=thesis", ("claims", "--kind", "thesis")),
        ("/api/claims/factor-charm", ("claim", "factor-charm")),
        ("/api/claims/stalin-always-listened", ("claim", "stalin-always-listened")),
        ("/api/quotes", ("quotes",)),
        ("/api/quotes?speaker=Rokossovsky", ("quotes", "--speaker", "Rokossovsky")),
        ("/api/quotes?claim=factor-charm", ("quotes", "--claim", "factor-charm")),
        ("/api/comments", ("comments",)),
        ("/api/sources", ("sources",)),
        ("/api/sources?match=glantz", ("sources", "glantz")),
        ("/api/people", ("people",)),
        ("/api/people?match=%D0%A5%D1%80%D1%83%D1%89%D0%B5%D0%B2", ("people", "Хрущев")),
        ("/api/search?q=charm", ("search", "charm")),
        (
            "/api/search?q=loyalty&kind=claim&limit=3",
            ("search", "loyalty", "--kind", "claim", "--limit", "3"),
        ),
    ],
)
def test_api_records_are_the_cli_records(
    client: TestClient, cli: Cli, url: str, args: tuple[str, ...]
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == cli_json(cli, *args)


def test_api_claims_pages_with_a_link_to_the_next(client: TestClient, cli: Cli) -> None:
    expected = cli_json(cli, "claims")
    seen: list[Any] = []
    url: str | None = "/api/claims?limit=10"
    while url:
        response = client.get(url)
        seen += response.json()
        link = response.headers.get("link")
        url = link.split(">", 1)[0].lstrip("<") if link else None
    assert seen == expected


def test_the_source_and_person_records(client: TestClient) -> None:
    source = client.get("/api/sources/stalin-and-his-generals").json()
    assert source["has_text"] is True and {c["claim"] for c in source["claims"]} >= {"factor-charm"}
    person = client.get("/api/people/vasilevskii").json()
    assert [q["key"] for q in person["quotes"]] == ["vasilevskii-attention"]


@pytest.mark.parametrize(
    "url, status, message",
    [
        ("/api/claims/no-such-claim", 404, "no claim with key 'no-such-claim'"),
        ("/api/claims?limit=0", 400, "limit must be a whole number"),
        ("/api/claims?limit=abc", 400, "limit must be a whole number"),
        ("/api/claims?kind=rumour", 400, "unknown claim kind"),
        ("/api/search", 400, "give the search words"),
        ("/api/search?q=%22open", 400, "unterminated quote"),
        ("/api/search?q=x&kind=tag", 400, "unknown kind"),
        ("/api/nothing/here", 404, "no such API endpoint"),
    ],
)
def test_api_errors_are_json(client: TestClient, url: str, status: int, message: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == status and message in body["error"]


def test_a_filter_that_matches_nothing_is_an_empty_list(client: TestClient) -> None:
    """As on the command line: a tag, source or person that matches nothing is no claims, not an error."""
    for url in ("/api/claims?tag=nope", "/api/claims?source=nobody-wrote-this"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.json() == [], url
