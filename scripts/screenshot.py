#!/usr/bin/env python3
"""docs/claim-page.png: the seed's factor-continuity claim page, shot in Debian's headless Chromium.

    .venv/bin/python scripts/screenshot.py [--width 1100] [--out docs/claim-page.png]

Seeds a temporary database, runs `refdb serve` on 127.0.0.1 and a free port, and takes a full-page
screenshot with Playwright (the browser is /usr/bin/chromium-headless-shell; nothing is downloaded).
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
REFDB = str(Path(sys.executable).with_name("refdb"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--page", default="/claims/factor-continuity")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "claim-page.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/seed.sqlite"
        subprocess.run([REFDB, "--db", db, "seed"], check=True, capture_output=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([REFDB, "--db", db, "serve", "--port", str(port)], stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium-headless-shell", args=ARGS)
                page = browser.new_page(viewport={"width": args.width, "height": 900})
                page.goto(f"http://127.0.0.1:{port}{args.page}")
                page.wait_for_load_state("networkidle")
                page.evaluate("document.fonts.ready")
                page.screenshot(path=str(args.out), full_page=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
