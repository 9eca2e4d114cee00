"""A key in any encoding, through every command that writes a file: none of its forms reaches disk or the log.

A hostile provider on loopback echoes the key it was sent base64-encoded (alone and as HTTP Basic's
`user:key`), URL-encoded, JSON-escaped, and split over two stream events (no one event holds it). A record-mode
run, then `report` (twice: the second reads the history copy back), `gate` and `merge` write cassettes,
results.json, junit, Allure, summary.html, the history copy, gate markdown and merged results; every file and
everything printed is searched for every canary in every encoding (tests/adversarial/canaries.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from chatconform.recording.keys import parse_json
from tests.adversarial.canaries import canary, encodings, files_below, leaks

ROOT = Path(__file__).resolve().parents[2]


class EncodingEcho(BaseHTTPRequestHandler):
    """A chat endpoint that tells the caller its own key back, in every encoding, and over two events."""

    sent: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = parse_json(self.rfile.read(int(self.headers.get("content-length") or 0)))
        body = body if isinstance(body, dict) else {}
        key = (self.headers.get("authorization") or "").partition(" ")[2]
        told = " ".join(v for k, v in encodings(key).items() if k != "raw") if key else "no key"
        model, usage = body.get("model") or "m", {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
        if body.get("stream"):
            pieces = ["you sent ", key[:11], key[11:], f" which is {told}"]  # the key itself only over two events
            chunks = [{"id": "c", "object": "chat.completion.chunk", "created": 1, "model": model,
                       "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]} for p in pieces]
            chunks.append({**chunks[0], "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": usage})
            payload = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
            kind = "text/event-stream"
        else:
            payload = json.dumps({"id": "c", "object": "chat.completion", "created": 1, "model": model, "usage": usage,
                                  "choices": [{"index": 0, "finish_reason": "stop",
                                               "message": {"role": "assistant", "content": f"you sent {told}"}}]})
            kind = "application/json"
        self.sent.append(payload)
        self.send_response(200)
        self.send_header("content-type", kind)
        for name, form in encodings(key).items():  # header names nobody would take for credentials
            if name != "raw":
                self.send_header(f"x-echo-{name}", form)
        self.send_header("content-length", str(len(payload.encode())))
        self.end_headers()
        self.wfile.write(payload.encode())


@pytest.fixture
def echo():
    handler = type("EchoHere", (EncodingEcho,), {"sent": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run(args: list[str], env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


def environment(tmp_path: Path, key: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATCONFORM_") and "KEY" not in k}
    env.update(OPENAI_API_KEY=key, PYTHONDONTWRITEBYTECODE="1", CHATCONFORM_ROOT=str(tmp_path / "root"),
               CHATCONFORM_SPECS=str(ROOT / "specs"), CHATCONFORM_REPORTS=str(tmp_path / "reports"),
               CHATCONFORM_CACHE=str(tmp_path / "cache"))
    if (ROOT / ".cache" / "chatconform").is_dir():  # spec lint results only: saves linting every spec again
        shutil.copytree(ROOT / ".cache" / "chatconform", tmp_path / "cache", dirs_exist_ok=True)
    return env


def test_no_encoding_of_an_echoed_key_survives_record_report_gate_and_merge(echo, tmp_path):
    handler, url = echo
    key = canary("env")
    env = environment(tmp_path, key)
    (tmp_path / "root" / "cassettes").mkdir(parents=True)
    reports = tmp_path / "reports"
    live = run(["-m", "pytest", str(tmp_path / "root" / "cassettes"), "-q", "--rootdir", str(ROOT),
                "-c", str(ROOT / "pyproject.toml"), "-o", f"cache_dir={tmp_path / 'pytest-cache'}", "--mode", "record",
                "--base-url", f"{url}/v1", "--model", "m", f"--alluredir={reports / 'allure'}", f"--results={reports}",
                f"--junitxml={reports / 'junit.xml'}"], env, tmp_path)
    served = "".join(handler.sent)
    said = [name for name, form in encodings(key).items() if form in served]
    assert {"base64", "basic", "url"} <= set(said) and key[:11] in served and key[11:] in served, live.stdout[-2000:]
    results = reports / "results.json"
    assert results.is_file() and list((tmp_path / "root" / "cassettes").rglob("*.yaml")), live.stdout[-3000:]
    data = json.loads(results.read_text())
    shards = [{**data, "results": data["results"][i::2]} for i in (0, 1)]
    for i, shard in enumerate(shards):
        (tmp_path / f"shard{i}.json").write_text(json.dumps(shard))
    baseline = {**data, "results": [{**e, "verdict": "pass", "findings": []} for e in data["results"]]}
    (tmp_path / "baseline.json").write_text(json.dumps(baseline))
    printed = [run(["-m", "chatconform.cli", "report"], env, tmp_path) for _ in range(2)]  # 2nd reads history
    printed.append(run(["-m", "chatconform.cli", "gate", "--baseline", str(tmp_path / "baseline.json"), "--candidate",
                        str(results), "--output", str(tmp_path / "gate.md")], env, tmp_path))
    printed.append(run(["-m", "chatconform.cli", "merge", str(tmp_path / "shard0.json"), str(tmp_path / "shard1.json"),
                        "--output", str(tmp_path / "merged.json")], env, tmp_path))
    assert [p.returncode for p in printed] == [0, 0, 1, 0], [p.stderr for p in printed]  # the gate: a regression
    written = files_below(tmp_path)
    assert {"summary.html", "gate.md", "junit.xml", "merged.json"} <= written
    assert any(n.endswith("-attachment.json") for n in written) and len(list((reports / "history").iterdir())) == 1
    log = live.stdout + live.stderr + "".join(p.stdout + p.stderr for p in printed)
    assert leaks(tmp_path, {"env": key}, log) == {}
    assembled = [streamed_text(body) for body in recorded_bodies(tmp_path / "root" / "cassettes")]
    assert any("you sent" in text for text in assembled) and not [t for t in assembled if key in t]


def recorded_bodies(folder: Path) -> list[str]:
    """Every response body of every cassette below the folder."""
    import yaml

    return [str(((i.get("response") or {}).get("body") or {}).get("string") or "")
            for path in folder.rglob("*.yaml") for i in yaml.safe_load(path.read_text())["interactions"]]


def streamed_text(body: str) -> str:
    """What a client reads of a stream: every chunk's delta content joined (the key was split over two)."""
    out = []
    for line in body.splitlines():
        if line.startswith("data: {"):
            out += [c.get("delta", {}).get("content") or "" for c in json.loads(line[6:]).get("choices", [])]
    return "".join(out)
