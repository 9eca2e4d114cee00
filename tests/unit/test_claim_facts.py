"""The catalog asks a claim only of exchanges with the facts its predicate needs: skipping one never drops it.

A claim's predicate says which facts of an exchange it needs (a 2xx, a stream, a dialect...), so the catalog
asks each exchange only the predicates that can hold. A predicate marked with a fact it does not need would
silently stop its claim judging: these tests ask every skipped predicate of every recorded exchange there is
(the project's cassettes, the real-traffic corpora) and require it to say no.
"""

import json
from pathlib import Path

import pytest

from chatconform.judging.claims import context, load_claims
from chatconform.judging.claims._predicates import (
    ANSWERED,
    CHAT_PATH,
    STREAM,
    both,
    dialect_fact,
    facts,
    needs,
    needs_of,
    within,
)
from chatconform.judging.claims.catalog import applicable_claims, candidates, claims_for
from chatconform.model.exchange import Exchange, Request, Response
from chatconform.model.paths import project_root
from chatconform.recording.cassettes import find_cassettes, load_cassette
from chatconform.specs import SpecStore
from tests import tool_builders as tb
from tests.builders import completion, default_data, exchange, run_of

ROOT = project_root()
REALTRAFFIC = ROOT.parent / "shared" / "realtraffic"
ASKED = {"model": "google/gemini-2.5-flash", "messages": [{"role": "user", "content": "hi"}]}


def skipped_but_applying(ex, run, claims) -> list[str]:
    """The claims the facts of `ex` skip although their predicate holds for it (each one a dropped claim)."""
    ctx = context(ex, run)
    found = facts(ctx)
    return [c.id for c in claims if not needs_of(c.applies_to) <= found and c.applies_to(ctx)]


def recorded_exchanges():
    """Every exchange of the project's cassettes and of the real-traffic corpora (when beside the project)."""
    folders = [ROOT / "cassettes"] + ([REALTRAFFIC] if REALTRAFFIC.is_dir() else [])
    data = default_data()
    for path in find_cassettes(folders):
        yield from load_cassette(Path(path), data, strict=False).exchanges


STREAMS = {"chat": tb.chat_stream, "messages": tb.messages_stream, "responses": tb.responses_stream}
ERROR = {"type": "error", "error": {"type": "invalid_request_error", "message": "no"}}


def built_exchanges():
    """Tool calls in each dialect, whole, streamed and cut at the limit, and a refusal in each (test data)."""
    calls = [("get_weather", '{"city": "Paris"}'), ("get_stock", '{"symbol": 1}')]
    for dialect in tb.DIALECTS:
        yield tb.exchange(dialect, tb.request(dialect, choice="required"), tb.answer(dialect, calls))
        yield tb.exchange(
            dialect, tb.request(dialect), tb.answer(dialect, [], "hi", stopped="length", used=100)
        )
        yield tb.exchange(dialect, tb.request(dialect, stream=True), STREAMS[dialect](calls))
        request = Request("POST", tb.URLS[dialect], {"content-type": "application/json"}, b'{"model": "m"}')
        yield Exchange(
            request, Response(400, {"content-type": "application/json"}, json.dumps(ERROR).encode())
        )


def test_no_recorded_exchange_has_a_claim_its_facts_skip():
    run = run_of(SpecStore())
    seen, dropped, kinds = 0, {}, set()
    for ex in [*recorded_exchanges(), *built_exchanges()]:
        seen += 1
        claims = claims_for(ex.provider)
        kinds.add(facts(context(ex, run)))
        for claim_id in skipped_but_applying(ex, run, claims):
            dropped.setdefault(claim_id, f"{ex.label}: {ex.request.url}")
    assert seen > 300, f"only {seen} recorded exchanges found: the check would prove little"
    assert len(kinds) >= 12, f"the exchanges show only {len(kinds)} kinds of facts: {kinds}"
    assert not dropped, f"claims skipped on exchanges they judge: {dropped}"


def test_a_predicate_marked_with_a_fact_it_does_not_need_is_caught():
    """The check above can fail: a claim whose predicate claims to need a stream, yet holds for a whole
    answer, is reported as dropped."""
    run = run_of(SpecStore())
    ex = exchange(ASKED, completion())
    wrong = next(iter(load_claims().values()))
    mislabelled = type(wrong)(**{**wrong.__dict__, "applies_to": needs(STREAM)(lambda ctx: True)})
    assert skipped_but_applying(ex, run, [mislabelled]) == [mislabelled.id]
    assert mislabelled not in candidates(ex.provider, facts(context(ex, run)))


def test_both_and_within_add_up_their_parts_needs():
    first = needs(ANSWERED)(lambda ctx: True)
    second = needs(CHAT_PATH)(lambda ctx: True)
    assert needs_of(both(first, second)) == {ANSWERED, CHAT_PATH}
    assert needs_of(within(first)(lambda ctx: True)) == {ANSWERED}
    assert needs_of(lambda ctx: True) == frozenset()  # says nothing: asked of every exchange


def test_a_whole_chat_answer_is_asked_no_stream_messages_or_responses_claim():
    run = run_of(SpecStore())
    ex = exchange(ASKED, completion())
    found = facts(context(ex, run))
    assert {ANSWERED, CHAT_PATH, dialect_fact("openai-chat")} <= found and STREAM not in found
    asked = {c.id for c in candidates(ex.provider, found)}
    assert not {i for i in asked if i.startswith(("messages.", "responses.", "stream."))}
    assert "usage.total_is_sum" in asked and "usage.total_is_sum" in {
        c.id for c in applicable_claims(ex, run)
    }


@pytest.mark.parametrize(
    ("prefix", "dialect"), [("messages.", "anthropic-messages"), ("responses.", "openai-responses")]
)
def test_each_dialects_own_claims_need_their_dialect(prefix, dialect):
    own = [c for c in load_claims().values() if c.id.startswith(prefix)]
    assert own and all(dialect_fact(dialect) in needs_of(c.applies_to) for c in own)
