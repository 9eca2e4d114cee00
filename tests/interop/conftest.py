"""llama.cpp's llama-server (not ours) on loopback for the interop tests, and the report of its findings.

A missing binary or model fails every interop test (CI builds both with `make llama`; a skip would hide that
the real-server check never ran).
"""

import pytest

from chatconform.live.calls import Target
from tests.interop.llama_known import MODEL_ID
from tests.interop.llama_process import LlamaError, start, stop
from tests.interop.llama_report import Report


@pytest.fixture(scope="session")
def llama(tmp_path_factory):
    """llama-server on loopback with an API key and a fixed seed, started and stopped by the tests."""
    try:
        proc, port, key, _ = start(tmp_path_factory.mktemp("llama") / "server.log")
    except LlamaError as err:
        pytest.fail(str(err))
    try:
        yield {"base_url": f"http://127.0.0.1:{port}/v1", "key": key, "port": port}
    finally:
        stop(proc)


@pytest.fixture
def llama_target(llama, monkeypatch) -> Target:
    """The live target for llama-server under the openai-compatible contract (key only in the environment)."""
    monkeypatch.setenv("LLAMA_SERVER_KEY", llama["key"])
    return Target(
        "openai-compatible", MODEL_ID, base_url=llama["base_url"], key_env="LLAMA_SERVER_KEY", origin="live"
    )


@pytest.fixture(scope="session")
def interop_report(llama) -> Report:
    return Report(llama["key"])


@pytest.fixture
def root_target(llama, monkeypatch) -> Target:
    """llama-server at its root URL (the cases name whole paths: /v1/messages, /responses)."""
    monkeypatch.setenv("LLAMA_SERVER_KEY", llama["key"])
    return Target(
        "openai-compatible",
        MODEL_ID,
        base_url=f"http://127.0.0.1:{llama['port']}",
        key_env="LLAMA_SERVER_KEY",
    )
