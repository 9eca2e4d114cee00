"""The command line as a person meets it, from a bare folder holding only a chatconform.toml and the built
wheel: every command takes --config and lists what it reads (options, serve's faults, environment variables),
messages name the user's commands, a misspelt name gets a did-you-mean, no command asks for a variable it
does not use, and serve does not double a route the variable already holds."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from chatconform.refserver import FAULTS
from tests.wheel import environment

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
PROJECT = """[providers.acme]
base_url = "${ACME_BASE_URL}"
key_env = "ACME_API_KEY"
models = ["acme/chat-large"]
"""
COMMANDS = (
    "specs pull",
    "specs lint",
    "specs diff",
    "verify",
    "check",
    "claims",
    "serve",
    "gate",
    "report",
    "merge",
    "selftest",
    "catalog sync",
    "catalog examples",
)
CASSETTE = ROOT / "cassettes" / "aimlapi" / "gemini-2.5-flash" / "docs-example.yaml"


@pytest.fixture
def bare(tmp_path, wheel_venv, mirror):
    """A folder holding only chatconform.toml; `run(*args)` runs the wheel's chatconform there."""
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "chatconform.toml").write_text(PROJECT, encoding="utf-8")
    # the pinned specs are read where this checkout pulled them (pulling ~600 documents is another test's)
    env = environment(
        wheel_venv, mirror, CHATCONFORM_SPECS=str(ROOT / "specs"), CHATCONFORM_CACHE=str(tmp_path / "cache")
    )

    def run(*args, program=("chatconform",), **extra) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*program, *args], cwd=folder, env={**env, **extra}, capture_output=True, text=True, timeout=300
        )

    run.folder, run.env, run.python = folder, env, wheel_venv / "bin" / "python"
    return run


def results_file(folder: Path, models: list[str]) -> Path:
    rows = [{"provider": "p", "model": m, "check": "schema", "verdict": "pass"} for m in models]
    path = folder / "results.json"
    path.write_text(json.dumps({"schema": "chatconform-results/1", "results": rows}), encoding="utf-8")
    return path


def test_every_command_takes_config_and_the_global_one_is_named_for_a_person(bare):
    top = bare("--help").stdout
    assert "GLOBAL_CONFIG" not in top and "--config PATH" in top
    for command in COMMANDS:
        helped = bare(*command.split(), "--help")
        assert helped.returncode == 0 and "--config PATH" in helped.stdout, command
    (bare.folder / "elsewhere.toml").write_text("[run]\nbudget_usd = 0.01\n", encoding="utf-8")
    judged = bare("verify", "--config", "elsewhere.toml", str(CASSETTE))
    assert judged.returncode == 0 and "unrecognized arguments" not in judged.stderr, judged.stderr
    broken = bare("verify", "--config", "missing.toml", str(CASSETTE))
    assert broken.returncode == 2 and "missing.toml: no such project file (from --config)" in broken.stderr


def test_help_lists_every_option_serve_s_faults_and_the_variables_each_command_reads(bare):
    check = bare("check", "--help").stdout
    for option in (
        "--base-url URL",
        "--api-key-env VAR",
        "--provider NAME",
        "--model ID",
        "--on-gap",
        "--mode",
    ):
        assert option in check, option
    assert "environment:" in check and "$CHATCONFORM_MIRROR" in check and "AIMLAPI_API_KEY" in check
    serve = bare("serve", "--help").stdout
    assert all(name in serve for name in FAULTS) and "$CHATCONFORM_REFERENCE_KEY" in serve
    for command in COMMANDS:
        said = bare(*command.split(), "--help").stdout
        assert "environment:" in said and "$CHATCONFORM_CONFIG" in said, command
        assert not re.search(r"\bmake (check|record|report|specs|live)\b", said), command


def test_messages_name_the_user_s_commands_not_this_repository_s_makefile(bare):
    told = bare("report")
    assert (
        told.returncode == 2 and "run `chatconform check` first" in told.stderr and "make" not in told.stderr
    )


def test_a_misspelt_fault_model_check_or_provider_gets_a_did_you_mean(bare):
    fault = bare("serve", "--fault", "usage-totl-off")
    assert fault.returncode == 2 and "Did you mean 'usage-total-off'?" in fault.stderr
    results = results_file(bare.folder, ["google/gemini-2.5-flash", "google/gemini-3-flash-preview"])
    model = bare(
        "gate", "--results", str(results), "--models", "google/gemini-2.5-flsh=google/gemini-3-flash-preview"
    )
    assert model.returncode == 2 and "Did you mean 'google/gemini-2.5-flash'?" in model.stderr, model.stderr
    (bare.folder / "typo.toml").write_text(
        '[[providers.aimlapi.deviations]]\ncheck = "usage.totl_is_sum"\n'
        'reason = "r"\nlink = "https://example.org/issue"\n'
        "everywhere = true\n",
        encoding="utf-8",
    )  # every model, on purpose
    check = bare("verify", "--config", "typo.toml", str(CASSETTE))  # as written it would never match
    assert check.returncode == 2 and "Did you mean 'usage.total_is_sum'?" in check.stderr, check.stderr
    (bare.folder / "cassettes").mkdir()  # plain pytest (what `chatconform check` runs), before any collection
    provider = bare(
        "-m",
        "pytest",
        "cassettes",
        "--provider",
        "aimlpi",
        program=(str(bare.python),),
        ACME_BASE_URL="http://127.0.0.1:9/v1",
    )
    assert provider.returncode == 4 and "Did you mean 'aimlapi'?" in provider.stderr, provider.stderr


def serve_lines(bare, **extra) -> list[str]:
    """What `chatconform serve --port 0` prints before it waits for requests (then it is stopped)."""
    with subprocess.Popen(
        ["chatconform", "serve", "--port", "0"],
        cwd=bare.folder,
        env={**bare.env, **extra},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as server:
        lines = []
        try:
            for line in server.stdout:
                lines.append(line.rstrip("\n"))
                if line.startswith("faults per request"):
                    break
        finally:
            server.terminate()
            said = server.stderr.read()
    assert lines and lines[-1].startswith("faults per request"), said
    return lines


def test_no_command_asks_for_a_variable_it_does_not_use(bare):
    results = results_file(bare.folder, ["m"])
    gate = bare("gate", "--baseline", str(results), "--candidate", str(results))
    assert gate.returncode == 0 and "ACME_BASE_URL" not in gate.stderr, gate.stderr
    report = bare("report", "--results", str(results), "--out", str(bare.folder / "summary.html"))
    assert report.returncode == 0 and "ACME_BASE_URL" not in report.stderr, report.stderr
    served = serve_lines(bare)
    assert any(re.fullmatch(r"acme +http://127\.0\.0\.1:\d+/acme", line) for line in served), served
    verify = bare("verify", str(CASSETTE))  # verify maps hosts to providers: it does use the base URL
    assert verify.returncode == 2 and "${ACME_BASE_URL} is not set" in verify.stderr


def test_serve_does_not_double_the_route_the_variable_already_holds(bare):
    served = serve_lines(bare, ACME_BASE_URL="http://127.0.0.1:8765/acme/v1")  # what serve printed before
    acme = next(line for line in served if line.startswith("acme "))
    assert acme.endswith("/acme/v1") and "/acme/acme" not in acme, acme
    plain = serve_lines(bare, ACME_BASE_URL="https://llm.acme.internal/v1")
    assert next(line for line in plain if line.startswith("acme ")).endswith("/acme/v1")
