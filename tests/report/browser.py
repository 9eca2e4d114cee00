"""Debian's headless Chromium on a report: a page's DOM after its scripts ran, or a screenshot."""

from __future__ import annotations

import contextlib
import functools
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium(tmp: Path, url: str, *args) -> str:
    """Run headless Chromium (a fresh profile each time) and return what it printed."""
    binary = shutil.which("chromium")
    if not binary:
        pytest.fail("Debian's chromium is missing: run scripts/browser.sh (make test does)")
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    result = subprocess.run(
        [binary, *FLAGS, f"--user-data-dir={profile}", *args, url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the page's requests are not the test's output
        pass


@contextlib.contextmanager
def served(folder: Path):
    """Serve a folder on a free local port (Allure's HTML loads its data with fetch, so file:// will not
    do)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
