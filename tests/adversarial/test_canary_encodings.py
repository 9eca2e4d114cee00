"""A key in any encoding, through every command that writes a file: none of its forms reaches disk or the log.

A hostile provider on loopback echoes the key it was sent base64-encoded (alone and as HTTP Basic's
`user:key`), URL-encoded, JSON-escaped, and split over two stream events (no one event holds it). A record-
or live-mode run, then `report` (twice: the second reads the history copy back), `gate` and `merge` write
cassettes, results.json, junit, Allure, summary.html, the history copy, gate markdown and merged results;
every file and everything printed is searched for every canary in every encoding (canaries.py).
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
from tests.adversarial.canaries import canary, encodings, files_below, leaks, live_suite_args

ROOT = Path(__file__).resolve().parents[2]
USAGE = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
HEADERS = ("base64", "basic", "url", "json", "json-slash")  # sent in headers named like nothing secret


class EncodingEcho(BaseHTTPRequestHandler):
    """A chat endpoint that tells the caller its own key back, in every encoding, and over two events."""

    sent: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = parse_json(self.rfile.read(int(self.headers.get("content-length") or 0)))
        body = body if isinstance(body, dict) else {}
        key = (self.headers.get("authorization") or "").partition(" ")[2]
        forms = encodings(key)
        told = " ".join(forms[name] for name in HEADERS)
        model = body.get("model") or "m"
        if body.get("stream"):
            payload = _stream(model, ["you sent ", key[:11], key[11:], f" which is {told}"])
            kind = "text/event-stream"
        else:
            message = {"role": "assistant", "content": f"you sent {told}"}
            choice = {"index": 0, "finish_reason": "stop", "message": message}
            payload = json.dumps(
                {
                    "id": "c",
                    "object": "chat.completion",
                    "created": 1,
                    "model": model,
                    "usage": USAGE,
                    "choices": [choice],
                }
            )
            payload = f'{payload[:-1]}, "echo": "{forms["json-unicode"]}"}}'  # each letter a \u escape
            kind = "application/json"
        self.sent += [payload, *(forms[name] for name in HEADERS)]  # body and headers
        self.send_response(200)
        self.send_header("content-type", kind)
        for name in HEADERS:
            self.send_header(f"x-echo-{name}", forms[name])
        self.send_header("content-length", str(len(payload.encode())))
        self.end_headers()
        self.wfile.write(payload.encode())


def _stream(model: str, pieces: list[str]) -> str:
    """A chat stream whose deltas are the pieces (the key itself only over two of them), then its end."""
    chunks = [
        {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": model,
            "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}],
        }
        for p in pieces
    ]
    last = [{"index": 0, "delta": {}, "finish_reason": "stop"}]
    chunks.append({**chunks[0], "choices": last, "usage": USAGE})
    return "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"


@pytest.fixture
def echo():
    handler = type("EchoHere", (EncodingEcho,), {"sent": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run(args: list[str], env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def environment(tmp_path: Path, key: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATCONFORM_") and "KEY" not in k}
    env.update(
        OPENAI_API_KEY=key,
        PYTHONDONTWRITEBYTECODE="1",
        CHATCONFORM_ROOT=str(tmp_path / "root"),
        CHATCONFORM_SPECS=str(ROOT / "specs"),
        CHATCONFORM_REPORTS=str(tmp_path / "reports"),
        CHATCONFORM_CACHE=str(tmp_path / "cache"),
    )
    if (ROOT / ".cache" / "chatconform").is_dir():  # spec lint results only: saves linting every spec again
        shutil.copytree(ROOT / ".cache" / "chatconform", tmp_path / "cache", dirs_exist_ok=True)
    return env


def cli(*args) -> list[str]:
    return ["-m", "chatconform.cli", *map(str, args)]


@pytest.mark.slow  # pytest, report, gate and merge in subprocesses
@pytest.mark.parametrize("mode", ["record", "live"])
def test_no_encoding_of_an_echoed_key_survives_a_run_report_gate_and_merge(echo, tmp_path, mode):
    handler, url = echo
    key = canary("env")
    env = environment(tmp_path, key)
    (tmp_path / "root" / "cassettes").mkdir(parents=True)
    reports = tmp_path / "reports"
    outputs = {"results": reports, "allure": reports / "allure", "junit": reports / "junit.xml"}
    live = run(
        live_suite_args(tmp_path, ROOT, mode, url, outputs),
        env,
        tmp_path,
    )
    served = "".join(handler.sent)  # the server did echo every form: the test can fail
    said = {name for name, form in encodings(key).items() if form in served}
    assert {*HEADERS, "json-unicode"} <= said and key[:11] in served and key[11:] in served, live.stdout[-99:]
    results = reports / "results.json"
    recorded = list((tmp_path / "root" / "cassettes").rglob("*.yaml"))
    assert results.is_file() and (recorded or mode == "live"), live.stdout[-3000:]
    data = json.loads(results.read_text())
    for i in (0, 1):
        shard = {**data, "results": data["results"][i::2]}
        (tmp_path / f"shard{i}.json").write_text(json.dumps(shard))
    baseline = {**data, "results": [{**e, "verdict": "pass", "findings": []} for e in data["results"]]}
    (tmp_path / "baseline.json").write_text(json.dumps(baseline))
    printed = [run(cli("report"), env, tmp_path) for _ in range(2)]  # the second reads the history copy
    printed.append(
        run(
            cli(
                "gate",
                "--baseline",
                tmp_path / "baseline.json",
                "--candidate",
                results,
                "--output",
                tmp_path / "gate.md",
            ),
            env,
            tmp_path,
        )
    )
    printed.append(
        run(
            cli(
                "merge",
                tmp_path / "shard0.json",
                tmp_path / "shard1.json",
                "--output",
                tmp_path / "merged.json",
            ),
            env,
            tmp_path,
        )
    )
    assert [p.returncode for p in printed] == [0, 0, 1, 0], [p.stderr for p in printed]  # gate: a regression
    written = files_below(tmp_path)
    assert {"summary.html", "gate.md", "junit.xml", "merged.json"} <= written
    assert any(n.endswith("-attachment.json") for n in written)
    assert len(list((reports / "history").iterdir())) == 1
    log = live.stdout + live.stderr + "".join(p.stdout + p.stderr for p in printed)
    assert leaks(tmp_path, {"env": key}, log) == {}
    assembled = [streamed_text(body) for body in recorded_bodies(tmp_path / "root" / "cassettes")]
    assert mode == "live" or any("you sent" in text for text in assembled)
    assert not [text for text in assembled if key in text]


def recorded_bodies(folder: Path) -> list[str]:
    """Every response body of every cassette below the folder."""
    import yaml

    return [
        str(((i.get("response") or {}).get("body") or {}).get("string") or "")
        for path in folder.rglob("*.yaml")
        for i in yaml.safe_load(path.read_text())["interactions"]
    ]


def streamed_text(body: str) -> str:
    """What a client reads of a stream: every chunk's delta content joined (the key was split over two)."""
    out = []
    for line in body.splitlines():
        if line.startswith("data: {"):
            out += [c.get("delta", {}).get("content") or "" for c in json.loads(line[6:]).get("choices", [])]
    return "".join(out)
