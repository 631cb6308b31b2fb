"""`refdb serve` as a user runs it: a real uvicorn server on 127.0.0.1, its workers, its token."""

from __future__ import annotations

import http.client
import json
import threading
import time
from urllib.parse import urlsplit

from refdb import db as refdb_db
from tests.web.serving import start_server, stop_server


def _get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def test_serve_answers_on_loopback_with_the_security_headers(server: str) -> None:
    status, body, headers = _get(server, "/claims/factor-charm")
    assert status == 200 and b"factor-charm" in body
    assert headers["content-security-policy"].startswith("default-src 'none'; script-src 'self'")
    assert "server" not in headers  # uvicorn's banner is off
    status, body, _ = _get(server, "/api/claims?source=glantz")
    assert status == 200 and [r["key"] for r in json.loads(body)] == ["factor-continuity"]


def test_serve_with_a_token_wants_it(db_url: str) -> None:
    refdb_db.dispose_all()
    proc, base = start_server(db_url, env={"REFDB_SERVE_TOKEN": "s3cret-token"})
    try:
        assert _get(base, "/api/claims")[0] == 401
        assert _get(base, "/claims")[0] == 303
        assert _get(base, "/api/claims", {"Authorization": "Bearer s3cret-token"})[0] == 200
    finally:
        err = stop_server(proc)
    assert "token required" in err


def test_workers_answer_concurrent_clients_without_an_error(db_url: str) -> None:
    """20 clients for 3 s against 2 worker processes, on the test backend (SQLite or PostgreSQL)."""
    refdb_db.dispose_all()
    proc, base = start_server(db_url, "--workers", "2")
    paths = ["/claims", "/claims/factor-charm", "/claims?source=glantz", "/api/claims/factor-continuity",
             "/sources/stalin-and-his-generals/text", "/search?q=charm"]  # fmt: skip
    for path in paths:  # every page once first: a worker's first pandoc run is not what this tests
        assert _get(base, path)[0] == 200, path
    statuses: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + 3

    def client(n: int) -> None:
        i = n
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += 1
            try:
                status = _get(base, path)[0]
            except OSError as exc:
                with lock:
                    failures.append(f"{path}: {exc}")
                continue
            with lock:
                statuses.append(status)

    try:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        stop_server(proc)
    assert not failures, failures[:5]
    assert statuses and set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
