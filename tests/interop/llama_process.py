"""Starting llama.cpp's llama-server (not ours) on loopback, for the interop fixture and the tool recorder."""

import ctypes
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".cache/llama/bin/llama-server"
MODEL = ROOT / ".cache/llama/SmolLM2-135M-Instruct.Q4_1.gguf"
# --seed: the same request samples the same answer, so the findings a run shows are reproducible.
# -t 1: two threads on two shared cores stall each other at every token (the same 53 fuzzed requests took
# 80 s with -t 2 and 12-18 s with -t 1 on a busy 2-core machine); one is plenty for a 135M model.
BASE_ARGS = ["-t", "1", "-np", "2", "-c", "4096", "-n", "512", "--seed", "42"]


class LlamaError(Exception):
    """The server could not be started (missing binary or model, exited, never healthy)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(log: Path, extra=()) -> tuple[subprocess.Popen, int, str, list[str]]:
    """(process, port, key, the arguments it was started with but the key) of a healthy llama-server."""
    if not (BIN.is_file() and MODEL.is_file()):
        raise LlamaError("llama-server or its model is missing: run scripts/llama_server.sh (make test does)")
    key, port = "llama-" + secrets.token_hex(12), free_port()
    args = [
        "-m",
        str(MODEL.relative_to(ROOT)),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *BASE_ARGS,
        *extra,
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(BIN), *args, "--api-key", key], stdout=out, stderr=out, cwd=ROOT, preexec_fn=_die_with_parent
        )
    try:
        _wait_healthy(port, proc, log)
    except LlamaError:
        stop(proc)
        raise
    return proc, port, key, args


def stop(proc: subprocess.Popen) -> None:
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
            raise LlamaError(f"llama-server exited: {log.read_text()[-800:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise LlamaError("llama-server did not become healthy within 120 s")
