"""Planted canary keys go through the real recording path (httpx -> vcrpy -> our hooks) and never land."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from chatconform.cli import main
from chatconform.recorder import Scrubber, provenance, use_cassette
from chatconform.scrub import find_leaks

CANARIES = {
    "bearer": "cc-canary-bearer-4f1b9e77a2d04c1e",
    "x_api_key": "cc-canary-xapikey-9d3a51c0e8b7",
    "query": "cc-canary-query-77e1c2aa90d3",
    "body_key": "cc-canary-bodykey-1a2b3c4d5e6f",
    "nested": "cc-canary-nested-0f9e8d7c6b5a",
    "env": "cc-canary-env-aa11bb22cc33dd44",
}


class Echo(BaseHTTPRequestHandler):
    """Answers with every credential it was sent, in headers, nested JSON and SSE events."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        echoed = {"id": "x", "object": "chat.completion", "created": 1, "model": body.get("model"),
                  "choices": [{"index": 0, "finish_reason": "stop",
                               "message": {"role": "assistant", "content": f"you sent {body['key']}"}}],
                  "debug": {"auth": self.headers["authorization"], "deep": [{"token": body["meta"]["api_key"]}],
                            "apikey_echo": self.headers["x-api-key"], "env": CANARIES["env"]},
                  "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        if body.get("stream"):
            payload = (f"data: {json.dumps(echoed)}\n\n: {self.headers['x-api-key']}\n\n"
                       "data: [DONE]\n\n").encode()
            kind = "text/event-stream"
        else:
            payload, kind = json.dumps(echoed).encode(), "application/json"
        self.send_response(200)
        self.send_header("content-type", kind)
        self.send_header("set-cookie", f"session={CANARIES['bearer']}")
        self.send_header("x-echo-key", CANARIES["x_api_key"])
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("stream", [False, True])
def test_no_canary_survives_recording_or_reporting(echo_server, tmp_path, monkeypatch, stream):
    monkeypatch.setenv("AIMLAPI_API_KEY", CANARIES["env"])
    monkeypatch.setenv("CHATCONFORM_REPORTS", str(tmp_path / "reports"))
    cassette = tmp_path / "cassettes" / "canary.yaml"
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": stream,
            "key": CANARIES["body_key"], "meta": {"api_key": CANARIES["nested"]}}
    with use_cassette(cassette, "record", provenance("reference", "openai-compatible", "m"), Scrubber()):
        response = httpx.post(f"{echo_server}/v1/chat/completions?key={CANARIES['query']}", json=body,
                              headers={"Authorization": f"Bearer {CANARIES['bearer']}",
                                       "x-api-key": CANARIES["x_api_key"]})
    assert CANARIES["body_key"] in response.text  # the server really echoed them: the test can fail
    text = cassette.read_text()
    assert find_leaks(text, CANARIES.values()) == []
    assert "<redacted>" in text and "provenance" in text
    assert main(["verify", "--json", str(cassette)]) in (0, 1)
    from chatconform.report.results import ResultsLog
    ResultsLog().write(tmp_path / "reports")
    for path in (tmp_path / "reports").rglob("*"):
        if path.is_file():
            assert find_leaks(path.read_text(errors="replace"), CANARIES.values()) == [], path


def test_replay_mode_never_records(tmp_path, echo_server):
    from vcr.errors import CannotOverwriteExistingCassetteException

    with pytest.raises(CannotOverwriteExistingCassetteException):
        with use_cassette(tmp_path / "absent.yaml", "replay"):
            httpx.post(f"{echo_server}/v1/chat/completions", json={"key": "x", "meta": {"api_key": "y"}})
    assert not (tmp_path / "absent.yaml").exists()
