"""The behavioural measures against llama.cpp's server (not ours): its known verdicts, faults in a proxy in
front of it that each turn one measure from honoured to ignored, and `chatconform compare` of the reference
provider against it (reports/compare.html and compare.md, as CI keeps them)."""

import json

import pytest

from chatconform import providers
from chatconform.cli import main
from chatconform.measures import Sender, read, rescore, run, selected
from chatconform.measures.counters import LlamaServer
from chatconform.model.paths import reports_dir
from chatconform.refserver import ReferenceServer
from tests.measures.faulty_proxy import FaultyProxy
from tests.measures.known import CI_TRIALS, LLAMA, REFERENCE, difference, shown
from tests.measures.subjects import LLAMA_DATA, reference
from tests.measures.subjects import llama as llama_subject
from tools.scan import scan_for


@pytest.fixture
def llama_data(llama, monkeypatch):
    """llama-server declared as a user would (tests/measures/llama-server.toml), its key only in the
    environment."""
    monkeypatch.setenv("LLAMA_SERVER_KEY", llama["key"])
    monkeypatch.setenv("LLAMA_SERVER_BASE_URL", llama["base_url"])
    return f"http://127.0.0.1:{llama['port']}"


@pytest.fixture
def llama_provider_data(llama_data) -> providers.ProviderData:
    """The provider data of a run declaring llama-server (its URL and key variable set by llama_data)."""
    return providers.ProviderData.load(LLAMA_DATA)


def measured(subject, names, counter):
    sender = Sender(subject)
    try:
        return run(subject, selected(names, CI_TRIALS), sender, counter)
    finally:
        sender.close()


def test_llama_server_shows_its_known_verdicts_and_compares_with_the_reference(
    llama, llama_data, llama_provider_data, tmp_path, monkeypatch
):
    data = llama_provider_data
    results, evidence = measured(llama_subject(llama_data, data), (), LlamaServer(llama_data, llama["key"]))
    assert shown(results) == {k: v for k, (v, _) in LLAMA.items()}, difference(results, LLAMA)
    path = evidence.write(tmp_path / "llama.yaml")
    assert scan_for([llama["key"]], [path]) == []
    subject, runs = read(path, data)
    assert [r.to_dict() for r in rescore(subject, runs, data=data)] == [r.to_dict() for r in results]
    _compare_with_the_reference(results, tmp_path, monkeypatch)


def _compare_with_the_reference(llama_results, tmp_path, monkeypatch):
    """`chatconform compare`: one table for the model, the reference and llama.cpp's server side by side."""
    monkeypatch.setenv("CHATCONFORM_REFERENCE_KEY", "reference-measures-key")
    with ReferenceServer(key="reference-measures-key") as server:
        ref_results, _ = measured(reference(server), (), None)
    assert shown(ref_results) == {k: v for k, (v, _) in REFERENCE.items()}, difference(ref_results, REFERENCE)
    files = []
    for name, results in (("reference", ref_results), ("llama-server", llama_results)):
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(
            json.dumps(
                {
                    "format": 1,
                    "subject": {"name": name},
                    "measured_at": "now",
                    "results": [r.to_dict() for r in results],
                }
            )
        )
    out = reports_dir()  # kept by CI beside the other reports
    code = main(
        [
            "compare",
            *map(str, files),
            "--history",
            str(tmp_path / "history"),
            "--html",
            str(out / "compare.html"),
            "--markdown",
            str(out / "compare.md"),
        ]
    )
    assert code == 0
    text = (out / "compare.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and "/" in line.split("|")[5]]
    assert len(rows) == len(LLAMA) and "| reference | llama.cpp server |" in text
    page = (out / "compare.html").read_text()
    assert (
        page.count("<svg") == len(LLAMA)
        and "documented-ignored" in page
        and "Ignored in single model" in page
    )


@pytest.mark.parametrize(
    "fault, names, ignored",
    [
        (
            "ignore-temperature",
            ["temperature"],
            ["temperature/openai-chat", "temperature/anthropic-messages"],
        ),
        ("ignore-stop", ["stop"], ["stop/openai-chat", "stop/anthropic-messages"]),
        ("ignore-top-k", ["top-k"], ["top-k/anthropic-messages"]),
        (
            "stream-usage",
            ["stream-parity"],
            ["stream-parity/openai-chat", "stream-parity/anthropic-messages"],
        ),
        (
            "inflate-usage",
            ["max-tokens", "usage-honesty"],
            ["usage-honesty/openai-chat", "usage-honesty/anthropic-messages"],
        ),
    ],
)
def test_a_fault_in_front_of_llama_server_turns_its_measure(
    llama, llama_data, llama_provider_data, fault, names, ignored
):
    """The temperature fault drops temperature: llama.cpp then samples at its default with its fixed seed, so
    two answers still agree; the measure must tell by comparing with the greedy answer, and does."""
    with FaultyProxy(llama_data, fault) as proxy:
        subject = llama_subject(proxy.root, llama_provider_data)
        results = measured(subject, names, LlamaServer(llama_data, llama["key"]))[0]
    verdicts = shown(results)
    bad = {"holds": "broken", "honoured": "ignored"}
    assert {k: verdicts[k] for k in ignored} == {k: bad[LLAMA[k][0]] for k in ignored}, difference(
        results, {}
    )
    assert all(r.notes for r in results if r.key in ignored), (
        "a measure that finds a fault says where it saw it"
    )
