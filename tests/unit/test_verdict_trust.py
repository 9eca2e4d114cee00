"""A verdict a user can trust (issue 20, parts 1-4), shown in a bare folder with only the built wheel.

Unjudged is never a pass: a gap or an outage is exit 6 in `verify`, `check`, `check --mode live`, plain
`pytest` and `gate`, unless the project acknowledges that case in chatconform.toml; a claim that raises is a
gap naming it. A refused connection is said at once, URL and cause, and not retried. One unreadable cassette
is a row of its own and the others are judged. A failing live run writes its regression cassettes to the
reports folder, not to cassettes/; a project pulls the documents of the models it names, not the catalog.
"""

from __future__ import annotations

import json
import socket
import textwrap
from pathlib import Path

import pytest

from chatconform.judging.claims._registry import Claim, evaluate
from chatconform.judging.judge import _row
from chatconform.model.verdict import GAP
from chatconform.recording.cassettes import dump_cassette
from chatconform.refserver import ReferenceServer
from tests.builders import completion, default_data, exchange, interaction
from tests.wheel import bare, chatconform, pytest_plain

pytestmark = pytest.mark.slow

GATEWAY = """
[providers.gateway]
base_url = "http://127.0.0.1:9/v1"
key_env = "GATEWAY_KEY_FOR_TRUST_TESTS"
models = ["acme-1"]
"""
ACKNOWLEDGED = """
[[providers.gateway.acknowledged]]
check = "gap.no-response"
models = ["acme-1"]
reason = "our gateway's runbook shows the request only; its answer is not kept"
link = "https://gateway.example/runbook"
"""
SEEDS = ("aimlapi/gemini-2.5-flash/docs-example.yaml", "aimlapi/gemini-2.5-pro/docs-example.yaml")


def gateway_project(folder: Path, acknowledged: bool = False) -> Path:
    """A bare folder whose one cassette shows a request and no response: its schema row is a gap."""
    bare(folder, GATEWAY + (ACKNOWLEDGED if acknowledged else ""))
    request = {"model": "acme-1", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 50}
    answered = interaction(request, completion(model="acme-1"), url="http://127.0.0.1:9/v1/chat/completions")
    shown = interaction(request, completion(model="acme-1"), url="http://127.0.0.1:9/v1/chat/completions")
    shown["response"] = None  # a request with nothing to judge it by
    dump_cassette(
        folder / "cassettes" / "gateway" / "acme-1" / "recorded.yaml",
        [answered, shown],
        {"origin": "cassette", "provider": "gateway", "model": "acme-1", "notes": "chatconform test data"},
    )
    return folder


def results(folder: Path) -> list[dict]:
    return json.loads((folder / "reports" / "results.json").read_text())["results"]


def test_a_claim_that_raises_is_a_gap_naming_the_claim_and_the_error_never_a_pass():
    def breaks(ctx):
        raise KeyError("choices")
        yield  # a generator, as every claim is

    claim = Claim(
        id="test.raises",
        says="s",
        source="x",
        severity="violation",
        applies_to=lambda ctx: True,
        check=breaks,
    )
    ex = exchange({"model": "google/gemini-2.5-flash", "messages": []}, completion())
    row = _row(ex, default_data(), claim.id, lambda: evaluate(claim, None))
    assert row.verdict == GAP and row.acknowledged is None
    assert "test.raises" in row.reason and "KeyError: 'choices'" in row.reason


def test_a_gap_is_exit_6_in_every_entry_point_until_the_project_acknowledges_it(venv, tmp_path, mirror):
    folder = gateway_project(tmp_path / "team")
    check = chatconform(venv, folder, mirror, "check")
    assert check.returncode == 6, check.stdout[-3000:] + check.stderr[-2000:]
    assert "not judged and not acknowledged (exit 6)" in check.stdout and " gap" in check.stdout
    gaps = [r for r in results(folder) if r["verdict"] == "gap"]
    assert gaps and all(r["acknowledged"] is None for r in gaps)
    assert pytest_plain(venv, folder, mirror).returncode == 6
    assert chatconform(venv, folder, mirror, "verify", "cassettes").returncode == 6
    reports = folder / "reports" / "results.json"
    gate = chatconform(venv, folder, mirror, "gate", "--baseline", reports, "--candidate", reports)
    assert gate.returncode == 6 and "are not acknowledged (exit 6)" in gate.stdout

    folder = gateway_project(tmp_path / "acknowledged", acknowledged=True)
    check = chatconform(venv, folder, mirror, "check")
    assert check.returncode == 0, check.stdout[-3000:]
    gaps = [r for r in results(folder) if r["verdict"] == "gap"]  # still a gap, said to be accepted and why
    assert gaps and all("shows the request only" in r["acknowledged"]["reason"] for r in gaps)
    assert pytest_plain(venv, folder, mirror).returncode == 0
    assert chatconform(venv, folder, mirror, "verify", "cassettes").returncode == 0
    reports = folder / "reports" / "results.json"
    assert (
        chatconform(venv, folder, mirror, "gate", "--baseline", reports, "--candidate", reports).returncode
        == 0
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "base, cause", [(None, "connection refused"), ("http://chatconform-test.invalid/v1", "DNS lookup failed")]
)
def test_a_live_run_that_reaches_nothing_says_where_and_why_first_and_exits_6(
    venv, tmp_path, mirror, base, cause
):
    base = base or f"http://127.0.0.1:{closed_port()}/v1"
    folder = bare(tmp_path / "team", "[run]\nbudget_usd = 1\n")
    live = chatconform(
        venv,
        folder,
        mirror,
        "check",
        "--mode",
        "live",
        "--",
        "--base-url",
        base,
        "--api-key-env",
        "TRUST_KEY",
        "--model",
        "m",
        TRUST_KEY="k",
    )
    assert live.returncode == 6, live.stdout[-3000:]
    first = next(line for line in live.stdout.splitlines() if base in line)  # while the run goes on
    assert first.startswith(f"chatconform: unavailable: {base}/chat/completions: {cause}"), first
    rows = results(folder)
    assert rows and {r["verdict"] for r in rows} == {"unavailable"}
    assert all(
        r["reason"].startswith(f"{base}/chat/completions: {cause}") and "not retried" in r["reason"]
        for r in rows
    )
    (folder / "chatconform.toml").write_text(
        textwrap.dedent("""
        [[providers.openai-compatible.acknowledged]]
        check = "live"
        models = ["m"]
        reason = "the staging gateway is down on weekends"
        link = "https://gateway.example/status"
    """)
    )
    again = chatconform(
        venv,
        folder,
        mirror,
        "check",
        "--mode",
        "live",
        "--budget-usd",
        "1",
        "--",
        "--base-url",
        base,
        "--api-key-env",
        "TRUST_KEY",
        "--model",
        "m",
        TRUST_KEY="k",
    )
    assert again.returncode == 0, again.stdout[-3000:]


def test_one_unreadable_cassette_is_a_row_of_its_own_and_the_others_are_judged(venv, tmp_path, mirror):
    folder = bare(tmp_path / "team", "[run]\nbudget_usd = 0.01\n", SEEDS)
    (folder / "cassettes" / "aimlapi" / "broken.yaml").write_text("interactions: [\n  {request: \n")
    (folder / "cassettes" / "aimlapi" / "empty.yaml").write_text("")
    for run in (chatconform(venv, folder, mirror, "check"), pytest_plain(venv, folder, mirror)):
        assert run.returncode == 2, run.stdout[-3000:]
        rows = results(folder)
        unreadable = {Path(r["exchange"]).name: r["reason"] for r in rows if r["check"] == "input.unreadable"}
        assert (
            set(unreadable) == {"broken.yaml", "empty.yaml"} and "not valid YAML" in unreadable["broken.yaml"]
        )
        judged = {
            r["verdict"]
            for r in rows
            if r["check"] != "input.unreadable" and "docs-conflict" not in r["check"]
        }
        assert {"pass", "xfail"} <= judged  # the two good cassettes, judged as before
    summary = (folder / "reports" / "summary.html").read_text()
    assert "broken.yaml" in summary and "input.unreadable" in summary
    assert chatconform(venv, folder, mirror, "verify", "cassettes").returncode == 2

    for name in ("broken.yaml", "empty.yaml"):
        (folder / "cassettes" / "aimlapi" / name).unlink()
    (folder / "specs" / "aimlapi" / "gemini-2.5-pro.json").write_text("{not a spec")  # a damaged pinned spec
    check = chatconform(venv, folder, mirror, "check")
    assert check.returncode == 2 and "gemini-2.5-pro.json does not match specs.lock" in check.stdout
    rows = results(folder)
    assert {r["verdict"] for r in rows if r["model"] == "google/gemini-2.5-flash"} == {"pass"}  # still judged
    assert chatconform(venv, folder, mirror, "verify", "cassettes").returncode == 2


def test_a_failing_live_run_writes_regressions_to_the_reports_never_to_cassettes(
    venv, tmp_path, mirror, store
):
    folder = bare(tmp_path / "team", "[run]\nbudget_usd = 1\n")
    with ReferenceServer(store, faults=["model-swap"], key="trust-key") as server:
        args = [
            "--",
            "--base-url",
            server.base_url("openai"),
            "--api-key-env",
            "TRUST_KEY",
            "--model",
            "ref",
            "-k",
            "live-basic",
        ]
        live = chatconform(venv, folder, mirror, "check", "--mode", "live", *args, TRUST_KEY="trust-key")
        assert live.returncode == 1, live.stdout[-3000:]
        assert not any(p.is_file() for p in (folder / "cassettes").rglob("*"))
        assert list((folder / "reports" / "regressions").rglob("regression-*.yaml"))
        named = chatconform(
            venv,
            folder,
            mirror,
            "check",
            "--mode",
            "live",
            "--regressions",
            folder / "kept",
            *args,
            TRUST_KEY="trust-key",
        )
        assert named.returncode == 1 and list((folder / "kept").rglob("regression-*.yaml"))
    assert not any(p.is_file() for p in (folder / "cassettes").rglob("*"))


def test_a_project_naming_one_model_pulls_and_shows_only_that_model_s_documents(venv, tmp_path, mirror):
    folder = bare(tmp_path / "team", '[run]\nmodels = ["google/gemini-2.5-flash"]\n', SEEDS[:1])
    check = chatconform(venv, folder, mirror, "check")
    assert check.returncode == 0, check.stdout[-3000:]
    pulled = {
        p.relative_to(folder / "specs").as_posix()
        for p in (folder / "specs").rglob("*")
        if p.is_file() and p.parent != folder / "specs" / "catalog" and p.parent != folder / "specs"
    }
    assert "aimlapi/gemini-2.5-flash.json" in pulled and "aimlapi/docs/gemini-2.5-flash.md" in pulled
    # besides the named contracts every exchange may fall back to (OpenAI's, Anthropic's, Mistral's,
    # ModelsLab's) and the provider's few seed pages: no other model's spec, no other provider's pages
    assert not any(
        p.startswith(("modelslab/docs", "aimlapi/gemini-2.5-pro", "aimlapi/openai/")) for p in pulled
    ), pulled
    assert len(pulled) < 15, pulled  # not the catalog's ~590 documents
    conflicts = {r["provider"] for r in results(folder) if r["check"].startswith("docs-conflict.")}
    assert conflicts == {"aimlapi"} and "modelslab" not in check.stdout
    everything = chatconform(venv, folder, mirror, "check", "--all-specs")
    assert everything.returncode == 0 and "pulled" in everything.stdout
    assert len([p for p in (folder / "specs").rglob("*") if p.is_file() and p.parent.name != "catalog"]) > 500
