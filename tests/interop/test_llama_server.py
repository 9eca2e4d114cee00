"""The live path end to end against a real OpenAI-compatible server we did not write: llama.cpp's
llama-server with a real small model (SmolLM2-135M-Instruct, Q4_1). Its deviations are findings of that
server, written to reports/interop/llama-server.json; this test fails only if our machinery does."""

import json
import os
import secrets
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from chatconform.cassettes import load_cassette
from chatconform.judge import judge
from chatconform.live import Target, run
from chatconform.paths import reports_dir
from chatconform.recorder import Scrubber, provenance, use_cassette
from chatconform.scan import scan_for
from chatconform.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".cache/llama/bin/llama-server"
MODEL = ROOT / ".cache/llama/SmolLM2-135M-Instruct.Q4_1.gguf"
SCENARIO_IDS = [s.id for s in SCENARIOS if s.for_provider("openai-compatible")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def llama(tmp_path_factory):
    """llama-server on loopback with an API key, started and stopped by the test."""
    if not (BIN.is_file() and MODEL.is_file()):
        pytest.fail("llama-server or its model is missing: run scripts/llama_server.sh (make test does)")
    key = "llama-" + secrets.token_hex(12)
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(BIN), "-m", str(MODEL), "--host", "127.0.0.1", "--port", str(port), "-t", "2",
                                 "-np", "2", "-c", "4096", "-n", "512", "--api-key", key], stdout=out, stderr=out)
    try:
        _wait_healthy(port, proc, log)
        yield {"base_url": f"http://127.0.0.1:{port}/v1", "key": key, "port": port}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


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


def test_llama_server_is_judged_and_its_findings_reported(llama, spec_store, tmp_path, monkeypatch):
    monkeypatch.setenv("LLAMA_SERVER_KEY", llama["key"])
    target = Target("openai-compatible", "SmolLM2-135M-Instruct", base_url=llama["base_url"],
                    key_env="LLAMA_SERVER_KEY", origin="live")
    report = {"subject": "llama.cpp llama-server (not ours), model SmolLM2-135M-Instruct Q4_1, on loopback",
              "contract": "openai-compatible (OpenAI's published spec)", "scenarios": {}}
    for scenario in (s for s in SCENARIOS if s.id in SCENARIO_IDS):
        outcome = run(target, scenario, None)
        assert outcome.result.outcome == "answered", f"{scenario.id}: {outcome.result.detail}"
        findings = judge(outcome.result.exchange, spec_store).findings
        report["scenarios"][scenario.id] = {
            "status": outcome.result.exchange.response.status,
            "verdict": "fail" if any(f.severity == "violation" for f in findings) else "pass",
            "findings": [f.brief() for f in findings]}
    assert report["scenarios"]["stream"]["status"] == 200
    assert report["scenarios"]["invalid-temperature"]["findings"] is not None
    out = reports_dir() / "interop" / "llama-server.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report["summary"] = _summary(report)
    out.write_text(json.dumps(report, indent=2) + "\n")
    assert scan_for([llama["key"]], [out]) == []
    print("\n" + "\n".join(report["summary"]))


def _summary(report: dict) -> list[str]:
    lines = [f"findings of {report['subject']}:"]
    for scenario, result in report["scenarios"].items():
        checks = sorted({f["check"] for f in result["findings"] if f["severity"] == "violation"})
        lines.append(f"  {scenario:22} {result['status']} {result['verdict']:4} {', '.join(checks) or '-'}")
    return lines


def test_recording_a_real_server_gives_a_scrubbed_cassette_that_verifies_the_same(llama, spec_store, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.setenv("LLAMA_SERVER_KEY", llama["key"])
    target = Target("openai-compatible", "SmolLM2-135M-Instruct", base_url=llama["base_url"],
                    key_env="LLAMA_SERVER_KEY")
    cassette = tmp_path / "stream.yaml"
    scenario = next(s for s in SCENARIOS if s.id == "stream")
    with use_cassette(cassette, "record", provenance("live", "openai-compatible", target.model,
                                                      server="llama.cpp llama-server"), Scrubber()):
        outcome = run(target, scenario, None)
    assert scan_for([llama["key"]], [cassette]) == []
    replayed = load_cassette(cassette)
    assert replayed.provenance["origin"] == "live" and replayed.provenance["recorded_at"]
    live_checks = sorted(f.check for f in judge(outcome.result.exchange, spec_store).findings)
    replay_checks = sorted(f.check for f in judge(replayed.exchanges[0], spec_store).findings)
    assert live_checks == replay_checks
