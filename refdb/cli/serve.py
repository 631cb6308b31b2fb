"""``refdb serve``: the database in a browser, read-only, on 127.0.0.1 unless a token guards it."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from refdb.cli.render import note

ENV_TOKEN = "REFDB_SERVE_TOKEN"


def is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help=f"Address to listen on; anything but loopback needs {ENV_TOKEN} [env: {ENV_TOKEN}].",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="Worker processes (each one answers requests).")
    ] = 1,
    write: Annotated[
        bool, typer.Option("--write", help="Turn editing on: signed-in editors (refdb user) annotate and edit.")
    ] = False,
) -> None:
    """Serve the database in a browser: claims, sources, people, search, JSON API; --write lets editors edit."""
    import socket

    from refdb.db.session import ensure_schema
    from refdb.errors import ConflictError, UsageError

    url: str = ctx.obj
    token = os.environ.get(ENV_TOKEN) or None
    if not is_loopback(host) and token is None:
        raise UsageError(
            f"refusing to listen on {host}, which other machines can reach, without an access token: "
            f"set {ENV_TOKEN} (visitors then sign in with it), or keep the default --host 127.0.0.1"
        )
    ensure_schema(url)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            raise ConflictError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    os.environ["REFDB_DATABASE_URL"] = url  # the workers open the same database
    if write:
        import secrets

        os.environ["REFDB_SERVE_WRITE"] = "1"
        os.environ.setdefault("REFDB_SERVE_SECRET", secrets.token_hex(32))  # one signing key for every worker
    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    note(
        f"refdb serve: http://{shown}:{port}/ ({'editing on' if write else 'read-only'}"
        f"{', token required' if token else ''}; Ctrl-C stops)"
    )
    uvicorn.run(
        "refdb.web.app:create_app",
        factory=True,
        host=host.strip("[]"),
        port=port,
        workers=workers,
        server_header=False,
        log_level="warning",
        access_log=False,
    )
