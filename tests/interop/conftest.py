"""llama.cpp's llama-server (not ours) on loopback for the interop tests, and the report of its findings.

A missing binary or model fails every interop test (CI builds both with `make llama`; a skip would hide that
the real-server check never ran).
"""

import ctypes
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from chatconform.live.calls import Target

from tests.interop.llama_known import MODEL_ID
from tests.interop.llama_report import Report

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".cache/llama/bin/llama-server"
MODEL = ROOT / ".cache/llama/SmolLM2-135M-Instruct.Q4_1.gguf"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def llama(tmp_path_factory):
    """llama-server on loopback with an API key and a fixed seed, started and stopped by the tests."""
    if not (BIN.is_file() and MODEL.is_file()):
        pytest.fail("llama-server or its model is missing: run scripts/llama_server.sh (make test does)")
    key = "llama-" + secrets.token_hex(12)
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    # --seed: the same request samples the same answer, so the findings a run shows are reproducible.
    # -t 1: two threads on two shared cores stall each other at every token (the same 53 fuzzed requests took
    # 80 s with -t 2 and 12-18 s with -t 1 on a busy 2-core machine); one is plenty for a 135M model.
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(BIN), "-m", str(MODEL), "--host", "127.0.0.1", "--port", str(port), "-t", "1",
                                 "-np", "2", "-c", "4096", "-n", "512", "--seed", "42", "--api-key", key],
                                stdout=out, stderr=out, preexec_fn=_die_with_parent)
    try:
        _wait_healthy(port, proc, log)
        yield {"base_url": f"http://127.0.0.1:{port}/v1", "key": key, "port": port}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _die_with_parent() -> None:
    """The server is ended with the test process even when that dies without teardown (a pytest-timeout)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass  # not Linux: the fixture's teardown is the only stop


def _wait_healthy(port: int, proc, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"llama-server exited: {log.read_text()[-800:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail("llama-server did not become healthy within 120 s")


@pytest.fixture
def llama_target(llama, monkeypatch) -> Target:
    """The live target for llama-server under the openai-compatible contract (key only in the environment)."""
    monkeypatch.setenv("LLAMA_SERVER_KEY", llama["key"])
    return Target("openai-compatible", MODEL_ID, base_url=llama["base_url"], key_env="LLAMA_SERVER_KEY",
                  origin="live")


@pytest.fixture(scope="session")
def interop_report(llama) -> Report:
    return Report(llama["key"])


@pytest.fixture
def root_target(llama, monkeypatch) -> Target:
    """llama-server at its root URL (the cases name whole paths: /v1/messages, /responses)."""
    monkeypatch.setenv("LLAMA_SERVER_KEY", llama["key"])
    return Target("openai-compatible", MODEL_ID, base_url=f"http://127.0.0.1:{llama['port']}",
                  key_env="LLAMA_SERVER_KEY")
