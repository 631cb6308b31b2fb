"""Web fixtures: the app over each test's own seeded database, and a real `refdb serve` process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from refdb import db as refdb_db
from refdb.web.app import create_app
from tests.web.serving import start_server, stop_server


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(db_url, token=None)) as c:
        yield c
    refdb_db.dispose_all()


@pytest.fixture
def server(db_url: str) -> Iterator[str]:
    refdb_db.dispose_all()
    proc, base = start_server(db_url)
    yield base
    stop_server(proc)
