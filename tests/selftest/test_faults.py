"""Every fault of the reference provider is caught by exactly its check, or turns exactly the measures it
names; the clean server yields nothing, and every measure of it is good."""

import ast
from pathlib import Path

import pytest

import chatconform.refserver
from chatconform.refserver import FAULTS
from chatconform.refserver.measured import clean_measures
from chatconform.refserver.selftest import brief, run_clean, run_fault
from tests.builders import run_of


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_is_caught_by_exactly_its_check_or_measure(reference_server, spec_store, name):
    kill = run_fault(reference_server, name, run_of(spec_store))
    assert kill.killed, f"{name}: expected {kill.expected}, caught {kill.caught}"


def test_the_clean_reference_server_yields_no_findings(reference_server, spec_store):
    results = run_clean(reference_server, run_of(spec_store))
    assert len(results) > 50
    dirty = {where: [getattr(f, "check", f) for f in found] for where, found in results if found}
    assert dirty == {}


def test_every_measure_of_the_clean_reference_is_good(reference_server):
    rows = clean_measures(reference_server)
    assert len(rows) == 27 and {where: found for where, found in rows if found} == {}


def test_every_measure_has_a_fault_it_must_turn_and_each_names_a_verdict_of_its_kind():
    from chatconform.measures import measures

    named = [w.split("=") for f in FAULTS.values() for w in f.measures]
    assert {m for m, _ in named} == set(measures())
    kinds = {m: measures()[m].kind for m, _ in named}
    assert all(verdict == ("ignored" if kinds[m] == "parameter" else "broken") for m, verdict in named)
    assert all(set(f.carriers) <= set(measures()) for f in FAULTS.values())


def test_the_kill_lines_say_each_measure_and_verdict_once():
    rows = ("stream-parity/openai-chat=broken", "stream-parity/openai-responses=broken", "identity/x=holds")
    assert brief(rows) == "stream-parity=broken (openai-chat, openai-responses), identity=holds (x)"
    assert brief(("response.schema", "stream.grammar")) == "response.schema, stream.grammar"


def test_the_reference_provider_keeps_its_own_reading_and_imports_no_claim():
    """A server built on the claims it is judged by would agree with a broken claim: the test would be
    circular."""
    folder = Path(chatconform.refserver.__file__).parent
    imported = {}
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            imported[path.name] = imported.get(path.name, set()) | set(names)
    assert "chatconform.providers" in imported["_reading.py"]  # the scan sees imports: the test can fail
    assert {
        name: sorted(n for n in names if n.startswith("chatconform.judging.claims"))
        for name, names in imported.items()
        if any(n.startswith("chatconform.judging.claims") for n in names)
    } == {}


def test_every_dialect_has_faults_and_a_fault_name_names_one_fault():
    from chatconform.dialects import load_dialects
    from chatconform.refserver._anthropic_faults import ANTHROPIC
    from chatconform.refserver._behaviour_faults import BEHAVIOUR
    from chatconform.refserver._fault import EVERY
    from chatconform.refserver._faults import CHAT
    from chatconform.refserver._responses_faults import RESPONSES

    # a header names a fault by name alone
    assert len(FAULTS) == len(CHAT) + len(ANTHROPIC) + len(RESPONSES) + len(BEHAVIOUR)
    assert {f.dialect for f in FAULTS.values()} == {*load_dialects(), EVERY}
    assert all(bool(f.measures) == (f.dialect == EVERY) for f in FAULTS.values())  # measures catch behaviours


def test_every_check_of_the_dialects_beyond_chat_has_a_fault_it_must_catch():
    from chatconform.judging.claims import load_claims

    theirs = {c for c in load_claims() if c.split(".")[0] in ("messages", "responses")}
    theirs |= {"stream.grammar", "error.envelope"}
    caught = {check for f in FAULTS.values() if f.dialect != "openai-chat" for check in f.expected}
    assert len(theirs) > 8 and theirs - caught == set()
