"""The measures against the reference provider (a real HTTP server on loopback): the verdicts known for it,
evidence that rescores to the same verdicts offline, and faults (a proxy in front of it) that each turn one
measure from holds to broken."""

import pytest

from chatconform.measures import Evidence, Sender, read, rescore, run, selected
from chatconform.refserver import ReferenceServer
from tests.measures.faulty_proxy import FaultyProxy
from tests.measures.known import CI_TRIALS, REFERENCE, difference, shown
from tests.measures.subjects import reference
from tools.scan import scan_for


@pytest.fixture(scope="module")
def server():
    with ReferenceServer(key="reference-measures-key") as running:
        yield running


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("CHATCONFORM_REFERENCE_KEY", "reference-measures-key")


def measured(subject, names=()):
    sender = Sender(subject)
    try:
        return run(subject, selected(names, CI_TRIALS), sender)
    finally:
        sender.close()


def test_the_reference_shows_its_known_verdicts_and_its_evidence_rescores_the_same(server, tmp_path):
    results, evidence = measured(reference(server))
    assert shown(results) == {k: v for k, (v, _) in REFERENCE.items()}, difference(results, REFERENCE)
    path = evidence.write(tmp_path / "reference.yaml")
    assert scan_for(["reference-measures-key"], [path]) == []
    subject, runs = read(path, server.data)
    assert [r.to_dict() for r in rescore(subject, runs, data=server.data)] == [r.to_dict() for r in results]


def test_every_exchange_a_measure_used_is_in_its_evidence(server, tmp_path):
    results, evidence = measured(reference(server), ["max-tokens", "usage-honesty"])
    _, runs = read(evidence.write(tmp_path / "e.yaml"), server.data)
    sent = sum(len(r.made) for run in runs for r in run["records"])
    assert sent == sum(r.cost.requests for r in results) == 3 * CI_TRIALS  # max-tokens in each dialect


@pytest.mark.parametrize(
    "fault, names, broken",
    [
        ("swap-model", ["max-tokens", "identity"], ["identity/openai-chat", "identity/anthropic-messages"]),
        (
            "inflate-usage",
            ["max-tokens", "usage-honesty"],
            ["usage-honesty/openai-chat", "usage-honesty/anthropic-messages"],
        ),
        ("stream-usage", ["stream-parity"], ["stream-parity/openai-chat"]),
    ],
)
def test_a_fault_in_front_of_the_reference_breaks_its_measure(server, fault, names, broken):
    clean = shown(measured(reference(server), names)[0])
    with FaultyProxy(f"http://127.0.0.1:{server.port}", fault) as proxy:
        faulty = shown(measured(reference(server, root=proxy.root), names)[0])
    assert all(clean[key] == "holds" for key in broken), clean
    assert all(faulty[key] == "broken" for key in broken), faulty


def test_a_rescore_with_other_evidence_of_the_same_format_reads_it(server, tmp_path):
    """Evidence is an ordinary cassette: `chatconform verify` could judge it, and read() refuses any other."""
    from chatconform.model.errors import UsageError
    from chatconform.recording.cassettes import dump_cassette

    dump_cassette(tmp_path / "plain.yaml", [], {"origin": "cassette"})
    with pytest.raises(UsageError, match="not the evidence"):
        read(tmp_path / "plain.yaml", server.data)
    assert Evidence({"name": "x"}).answers("openai-chat") == []
