"""Planted canary keys go through the real record, live, report and gate paths and never land on disk.

A loopback server echoes every credential it is sent (headers, query, body) back in its headers, JSON
body, SSE events and comments, and also sends keys it knows by other means (the run's environment) and
secrets of its own under credential-looking names. Every file written under the temp folders is then
read as bytes and searched for every canary, and so is what the commands printed (the CI log).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from chatconform.cli import main
from chatconform.recording.recorder import Scrubber, provenance, use_cassette
from chatconform.recording.scrub import find_leaks
from tests.adversarial.canaries import live_suite_args
from tools.scan import scan_for

ROOT = Path(__file__).resolve().parents[2]
PLACES = [
    "bearer",
    "token_scheme",
    "custom_scheme",
    "basic",
    "x_access_token",
    "x_api_key",
    "cookie",
    "query",
    "stream_query",
    "sig",
    "body_key",
    "nested",
    "sse_field",
    "json_field",
    "header_secret",
    "named_env",
    "openai_env",
    "aimlapi_env",
]
ENV_ONLY = {"named_env": "MY_KEY_VAR", "openai_env": "OPENAI_API_KEY", "aimlapi_env": "AIMLAPI_API_KEY"}
_QUIET = {"host", "content-length", "accept", "accept-encoding", "connection", "user-agent", "content-type"}


def canaries() -> dict[str, str]:
    """A fresh, distinct canary per place (unique per run, so an old file can never match)."""
    return {place: f"cc-canary-{place.replace('_', '')}-{uuid.uuid4().hex[:16]}" for place in PLACES}


class Echo(BaseHTTPRequestHandler):
    """A hostile provider: answers like a chat endpoint and echoes every credential it was sent,
    everywhere."""

    planted: dict = {}  # the server's own secrets (sent under credential names) and keys it knows otherwise

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.do_POST()

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            body = json.loads(raw)
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        seen = self._seen(raw)
        self.planted.setdefault("received", []).extend(seen)
        text = " | ".join(seen + list(self.planted.get("known", ())))
        credential = (self.headers.get("authorization") or "").partition(" ")[2]
        completion = {
            "id": f"chatcmpl-{text[:40]}",
            "object": "chat.completion",
            "created": 1,
            "model": f"{body.get('model') or 'm'}@{credential}",
            "system_fingerprint": text,
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": f"you sent {text}"},
                }
            ],
            "debug": {"deep": [{"note": text, "client_secret": self.planted.get("json_field", "")}]},
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        status = 400 if body.get("max_tokens") == 0 else 200
        if status == 400:
            payload, kind = (
                json.dumps({"error": {"message": f"bad request from {text}"}}).encode(),
                "application/json",
            )
        elif body.get("stream"):
            chunk = {
                **completion,
                "object": "chat.completion.chunk",
                "choices": [
                    {"index": 0, "finish_reason": None, "delta": {"role": "assistant", "content": text}}
                ],
                "debug": {"nested": {"access_token": self.planted.get("sse_field", "")}},
            }
            payload = (
                f"data: {json.dumps(chunk)}\n\n: {text}\n\nevent: echo\ndata: {text}\n\ndata: [DONE]\n\n"
            ).encode()
            kind = "text/event-stream"
        else:
            payload, kind = json.dumps(completion).encode(), "application/json"
        self._answer(status, kind, payload, seen)

    def _seen(self, raw: bytes) -> list[str]:
        """Every header value, query value and the raw body it was sent, and a Basic password decoded."""
        seen = [v for k, v in self.headers.items() if k.lower() not in _QUIET]
        for value in list(seen):
            if value.lower().startswith("basic "):
                seen.append(base64.b64decode(value.split(" ", 1)[1]).decode().split(":", 1)[1])
        seen += [v for _, v in parse_qsl(urlsplit(self.path).query)]
        return seen + ([raw.decode()] if raw else [])

    def _answer(self, status: int, kind: str, payload: bytes, seen: list[str]) -> None:
        self.send_response(status)
        self.send_header("content-type", kind)
        for index, value in enumerate(seen[:-1] if seen else []):
            self.send_header(f"x-echo-{index}", value)
        self.send_header("set-cookie", f"session={seen[0] if seen else '-'}")
        self.send_header("x-upstream-secret", self.planted.get("header_secret", ""))
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def echo_server():
    """A fresh echo server class (its own planted values) on a loopback port."""
    handler = type("EchoHere", (Echo,), {"planted": {}})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def plant(handler, marks: dict, known=()) -> None:
    """The server's own secrets, plus those of the run's keys it learns by other means (places in `known`)."""
    handler.planted = {k: marks[k] for k in ("json_field", "sse_field", "header_secret")}
    handler.planted["known"] = [marks[p] for p in known]


def set_env(monkeypatch, marks: dict, env_set: bool) -> None:
    for place, name in ENV_ONLY.items():
        if env_set:
            monkeypatch.setenv(name, marks[place])
        else:
            monkeypatch.delenv(name, raising=False)


def record(url: str, marks: dict, cassette: Path, key_envs=()) -> list[str]:
    """Four requests (plain, streamed with httpx, other schemes) recorded through vcrpy and our hooks
    (`key_envs`: the run's own key variables, as the plugin passes --api-key-env)."""
    body = {
        "model": "m",
        "messages": [{"role": "user", "content": "hi"}],
        "key": marks["body_key"],
        "meta": {"auth": [{"api_key": marks["nested"]}]},
    }
    basic = base64.b64encode(f"user:{marks['basic']}".encode()).decode()
    with use_cassette(
        cassette, "record", provenance("reference", "openai-compatible", "m"), Scrubber(key_envs=key_envs)
    ):
        with httpx.Client() as client:
            answers = [
                client.post(
                    f"{url}/v1/chat/completions?key={marks['query']}",
                    json=body,
                    headers={"Authorization": f"Bearer {marks['bearer']}", "x-api-key": marks["x_api_key"]},
                )
            ]
            answers.append(
                client.post(
                    f"{url}/v1/chat/completions",
                    json={**body, "stream": True},
                    headers={
                        "Authorization": f"Token {marks['token_scheme']}",
                        "x-access-token": marks["x_access_token"],
                        "Cookie": f"session={marks['cookie']}",
                        "Proxy-Authorization": f"Basic {basic}",
                    },
                )
            )
            with client.stream(
                "POST",
                f"{url}/v1/chat/completions?api_key={marks['stream_query']}&sig={marks['sig']}",
                json={**body, "stream": True},
                headers={"Authorization": f"Custom-Scheme {marks['custom_scheme']}"},
            ) as reply:
                reply.read()
                answers.append(reply)
            answers.append(client.get(f"{url}/v1/models?key={marks['query']}"))
    return [f"{r.headers}\n{r.text}" for r in answers]


def assert_no_canary(root: Path, marks: dict, printed: str = "") -> None:
    names = {v: k for k, v in marks.items()}
    leaks: dict = {}
    for path, found in scan_for(marks.values(), [root]):
        leaks.setdefault(str(Path(path).relative_to(root)), []).append(names[found])
    leaks.update(
        {"(printed)": sorted(names[c] for c in find_leaks(printed, marks.values()))} if printed else {}
    )
    leaks = {k: v for k, v in leaks.items() if v}
    assert not leaks, "canaries on disk or in the log:\n" + "\n".join(
        f"  {k}: {v}" for k, v in sorted(leaks.items())
    )


def test_the_scan_finds_a_planted_canary_anywhere(tmp_path):
    marks = canaries()
    deep = tmp_path / "a" / ".hidden" / "b.bin"
    deep.parent.mkdir(parents=True)
    deep.write_bytes(b"\xff\xfe\x00 binary " + marks["sig"].encode() + b" \x80")
    assert scan_for(marks.values(), [tmp_path]) == [(str(deep), marks["sig"])]
    with pytest.raises(AssertionError):
        assert_no_canary(tmp_path, marks)


@pytest.mark.parametrize("env_set", [True, False], ids=["keys-in-env", "keys-not-in-env"])
def test_no_canary_survives_recording_or_reporting(echo_server, tmp_path, monkeypatch, env_set):
    handler, url = echo_server
    marks = canaries()
    set_env(monkeypatch, marks, env_set)
    run_keys = ("MY_KEY_VAR",)  # what the plugin's run holds with --api-key-env MY_KEY_VAR
    plant(handler, marks, ENV_ONLY if env_set else ())
    monkeypatch.setenv("CHATCONFORM_REPORTS", str(tmp_path / "reports"))
    cassette = tmp_path / "cassettes" / "canary.yaml"
    answers = record(url, marks, cassette, run_keys)
    sent = [p for p in PLACES if p not in ENV_ONLY or env_set]
    assert [
        p for p in sent if not find_leaks("".join(answers), [marks[p]])
    ] == []  # echoed: the test can fail
    text = cassette.read_text()
    assert "<redacted>" in text and "provenance" in text and "you sent" in text
    assert main(["verify", "--json", str(cassette)]) in (0, 1)
    from chatconform.reporting.results import ResultsLog

    ResultsLog(key_envs=run_keys).write(tmp_path / "reports")
    assert_no_canary(tmp_path, marks)


def test_worker_parts_and_results_carry_no_key(tmp_path, monkeypatch):
    from chatconform.model.finding import Finding
    from chatconform.reporting.results import ResultsLog

    marks = canaries()
    monkeypatch.setenv("OPENAI_API_KEY", marks["openai_env"])
    log = ResultsLog(mode="live")
    log.add(
        provider="p",
        model=f"m@{marks['openai_env']}",
        check="c",
        verdict="fail",
        origin="live",
        label="l",
        findings=[Finding.at_path("$.x", f"got {marks['openai_env']}")],
        reason=f"Bearer {marks['bearer']}",
    )
    assert log.write_part(tmp_path / ".workers", "gw0").is_file()
    assert_no_canary(tmp_path, marks)  # before the controller merges (and removes) the part
    merged = ResultsLog(mode="live")
    merged.merge_parts(tmp_path / ".workers")
    merged.write(tmp_path)
    assert merged.entries and not (tmp_path / ".workers").exists()
    assert_no_canary(tmp_path, marks)


def test_replay_mode_never_records(tmp_path, echo_server):
    from vcr.errors import CannotOverwriteExistingCassetteException

    _, url = echo_server
    with pytest.raises(CannotOverwriteExistingCassetteException):
        with use_cassette(tmp_path / "absent.yaml", "replay"):
            httpx.post(f"{url}/v1/chat/completions", json={"key": "x", "meta": {"api_key": "y"}})
    assert not (tmp_path / "absent.yaml").exists()


def run(args: list[str], env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=240
    )


@pytest.mark.slow  # pytest, report and gate in subprocesses
@pytest.mark.parametrize(
    "mode,key_env", [("live", "MY_KEY_VAR"), ("record", None)], ids=["live-api-key-env", "record-openai-key"]
)
def test_no_canary_after_a_live_run_then_report_and_gate(echo_server, tmp_path, mode, key_env):
    """Live with the key in the variable the user names; record with the standard OPENAI_API_KEY."""
    handler, url = echo_server
    marks = canaries()
    known = [p for p in ENV_ONLY if key_env or ENV_ONLY[p] != "MY_KEY_VAR"]  # without the option it is no key
    plant(handler, marks, known)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("CHATCONFORM_") and k not in ENV_ONLY.values()
    }
    env.update(
        {ENV_ONLY[p]: marks[p] for p in known},
        PYTHONDONTWRITEBYTECODE="1",
        CHATCONFORM_ROOT=str(tmp_path / "root"),
        CHATCONFORM_SPECS=str(ROOT / "specs"),
        CHATCONFORM_REPORTS=str(tmp_path / "reports"),
        CHATCONFORM_CACHE=str(tmp_path / "cache"),
    )
    if (ROOT / ".cache" / "chatconform").is_dir():  # spec lint results only: saves linting every spec again
        shutil.copytree(ROOT / ".cache" / "chatconform", tmp_path / "cache", dirs_exist_ok=True)
    (tmp_path / "root" / "cassettes").mkdir(
        parents=True
    )  # the plugin's suite: live mode collects the catalog there
    outputs = {"results": tmp_path / "reports", "allure": tmp_path / "allure"}
    args = live_suite_args(tmp_path, ROOT, mode, url, {**outputs, "junit": tmp_path / "junit.xml"})
    live = run(args + (["--api-key-env", key_env] if key_env else []), env, tmp_path)
    sent = marks["named_env" if key_env else "openai_env"]
    assert any(sent in value for value in handler.planted.get("received", [])), (
        live.stdout[-3000:] + live.stderr[-3000:]
    )
    results = tmp_path / "reports" / "results.json"
    assert results.is_file(), live.stdout[-3000:] + live.stderr[-3000:]
    candidate = json.loads(results.read_text())
    assert any(e["verdict"] == "fail" for e in candidate["results"]), "the echo server must make checks fail"
    baseline = {
        **candidate,
        "results": [{**e, "verdict": "pass", "findings": []} for e in candidate["results"]],
    }
    (tmp_path / "baseline.json").write_text(json.dumps(baseline))
    report = run(["-m", "chatconform.cli", "report"], env, tmp_path)
    gate = run(
        [
            "-m",
            "chatconform.cli",
            "gate",
            "--baseline",
            str(tmp_path / "baseline.json"),
            "--candidate",
            str(results),
            "--output",
            str(tmp_path / "gate.md"),
        ],
        env,
        tmp_path,
    )
    assert (report.returncode, gate.returncode) == (0, 1), report.stderr + gate.stderr
    written = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    assert {"summary.html", "gate.md", "junit.xml"} <= written and any(
        n.endswith("-attachment.json") for n in written
    )
    if mode == "record":
        assert list((tmp_path / "root" / "cassettes").rglob("*.yaml")), "record mode wrote no cassette"
    assert_no_canary(tmp_path, marks, live.stdout + live.stderr + report.stdout + gate.stdout + gate.stderr)
