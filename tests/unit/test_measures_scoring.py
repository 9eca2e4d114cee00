"""What each measure's trial shows, on hand-built exchanges (our own test data): the effect seen, not seen, or
nothing to tell by; and how trials become a verdict (a rejection, a failed trial, a flaky subject)."""

import json

import pytest

from chatconform.measures.bodies import COLOUR_SCHEMA, Ask, body, messages_of
from chatconform.measures.catalog import measures, selected
from chatconform.measures.conclude import conclude
from chatconform.measures.counters import OpenAI, Recorded, Reference
from chatconform.measures.oracles import ORACLE_PROBES
from chatconform.measures.params import PARAMETER_PROBES, stop_word
from chatconform.measures.subject import Subject, reported_prompt
from chatconform.measures.trials import Made, TrialRecord
from chatconform.measures.usage import identity, usage_honesty
from tests.builders import chunk, completion, exchange, sse_body

CHAT_URL = "https://llm.example.test/v1/chat/completions"
MESSAGES_URL = "https://llm.example.test/v1/messages"
SUBJECT = Subject("test", "m", {"openai-chat": CHAT_URL, "anthropic-messages": MESSAGES_URL})


def chat(text="alpha bravo", finish="stop", request=None, usage=(5, 2), model="m", **extra):
    sent = request or {"model": model, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 8}
    return exchange(
        sent, completion(model=model, content=text, finish=finish, usage=usage, **extra), url=CHAT_URL
    )


def message(text="alpha", stop="end_turn", request=None, usage=None, model="m"):
    sent = request or {"model": model, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 8}
    answer = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": model,
        "stop_reason": stop,
        "stop_sequence": None,
        "content": [{"type": "text", "text": text}],
        "usage": usage or {"input_tokens": 1, "cache_read_input_tokens": 4, "output_tokens": 2},
    }
    return exchange(sent, answer, url=MESSAGES_URL)


def score(measure, got, dialect="openai-chat"):
    spec = measures()[measure]
    probe = {**PARAMETER_PROBES, **ORACLE_PROBES}[measure]
    return probe.score(spec, dialect, got)


def test_temperature_shows_an_effect_only_when_the_sampled_answer_differs_from_the_greedy_one():
    assert score("temperature", {"greedy": chat("a b"), "sampled": chat("c d")}).effect is True
    same = score("temperature", {"greedy": chat("a b"), "sampled": chat("a b")})
    assert same.effect is False and "answered as temperature 0 did" in same.note


def test_temperature_zero_needs_the_same_text_stop_and_tool_calls():
    assert score("temperature-zero", {"a": chat("x"), "b": chat("x")}).effect is True
    assert score("temperature-zero", {"a": chat("x"), "b": chat("y")}).effect is False
    assert score("temperature-zero", {"a": chat("x"), "b": chat("x", finish="length")}).effect is False


def test_seed_counts_a_trial_only_when_another_seed_changed_the_answer():
    assert score("seed", {"a": chat("x"), "b": chat("x"), "other": chat("y")}).effect is True
    assert score("seed", {"a": chat("x"), "b": chat("z"), "other": chat("y")}).effect is False
    assert score("seed", {"a": chat("x"), "b": chat("x"), "other": chat("x")}).effect is None


def test_max_tokens_reads_the_reported_output_against_the_limit_sent():
    capped = {"model": "m", "messages": [], "max_tokens": 3}
    assert score("max-tokens", {"capped": chat(finish="length", usage=(5, 3), request=capped)}).effect is True
    over = score("max-tokens", {"capped": chat(finish="length", usage=(5, 9), request=capped)})
    assert over.effect is False and "9 output tokens for max_tokens 3" in over.note
    assert score("max-tokens", {"capped": chat(finish="stop", usage=(5, 2), request=capped)}).effect is None
    assert (
        score(
            "max-tokens",
            {
                "capped": message(
                    stop="max_tokens",
                    usage={"input_tokens": 3, "output_tokens": 3},
                    request={**capped, "max_tokens": 3},
                )
            },
            "anthropic-messages",
        ).effect
        is True
    )


def test_stop_takes_a_word_of_the_greedy_answer_and_wants_the_answer_cut_before_it():
    free = "The weather is beautiful and calm today"
    assert stop_word(free, 0) == "beautiful" and stop_word(free, 2) == "and" and stop_word("a b", 0) is None
    assert (
        stop_word("x concat y cat", 0) is None
    )  # 'cat' first shows inside 'concat': the cut would come early
    stopped = {"model": "m", "messages": [], "max_tokens": 8, "stop": ["beautiful"]}
    got = {"free": chat(free), "stopped": chat("The weather is", request=stopped)}
    assert score("stop", got).effect is True
    got["stopped"] = chat(free, request=stopped)
    assert score("stop", got).effect is False
    assert score("stop", {"free": chat("a b")}).effect is None


def test_n_logprobs_and_json_schema():
    two = completion(content="x")
    two["choices"].append({**two["choices"][0], "index": 1})
    assert (
        score("n", {"two": exchange({"model": "m", "messages": [], "n": 2}, two, url=CHAT_URL)}).effect
        is True
    )
    assert score("n", {"two": chat()}).effect is False
    alternatives = [{"token": "a", "logprob": -0.1}, {"token": "b", "logprob": -2.0}]
    with_logprobs = completion(content="a")
    with_logprobs["choices"][0]["logprobs"] = {
        "content": [{"token": "a", "logprob": -0.1, "top_logprobs": alternatives}]
    }
    logprobs = exchange({"model": "m", "messages": []}, with_logprobs, url=CHAT_URL)
    assert score("logprobs", {"logprobs": logprobs}).effect is True
    assert score("logprobs", {"logprobs": chat()}).effect is False
    assert score("json-schema", {"json": chat('{"colour": "red"}')}).effect is True
    assert score("json-schema", {"json": chat('{"colour": "pink"}')}).effect is False
    assert score("json-schema", {"json": chat("Hello reader")}).effect is False
    assert score("json-schema", {"json": chat('{"colo', finish="length")}).effect is None


def test_top_k_is_judged_only_when_the_sampled_control_varied():
    assert score("top-k", {"greedy": chat("g"), "top1": chat("g"), "sampled": chat("s")}).effect is True
    assert score("top-k", {"greedy": chat("g"), "top1": chat("t"), "sampled": chat("s")}).effect is False
    assert score("top-k", {"greedy": chat("g"), "top1": chat("t"), "sampled": chat("g")}).effect is None


def test_stream_parity_compares_text_stop_model_and_usage_and_wants_a_real_stream():
    sent = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    stream = sse_body(
        chunk(role="assistant", content="alpha"),
        chunk(content=" bravo"),
        chunk(finish="stop"),
        chunk(choices=[], usage={"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}),
    )
    streamed = exchange(sent, stream, url=CHAT_URL)
    assert score("stream-parity", {"plain": chat("alpha bravo"), "streamed": streamed}).effect is True
    differ = score("stream-parity", {"plain": chat("alpha bravo", usage=(9, 2)), "streamed": streamed})
    assert differ.effect is False and "prompt tokens 9 unstreamed, 5 streamed" in differ.note
    one_body = score(
        "stream-parity", {"plain": chat("alpha bravo"), "streamed": chat("alpha bravo", request=sent)}
    )
    assert one_body.effect is False and "one JSON body" in one_body.note


def test_dialect_parity_maps_stop_reasons_and_counts_anthropic_cache_reads_in_the_prompt():
    got = {"chat": chat("alpha", usage=(5, 2)), "messages": message("alpha")}
    assert score("dialect-parity", got).effect is True
    assert reported_prompt(got["messages"]) == 5
    got["messages"] = message("alpha", stop="max_tokens")
    broken = score("dialect-parity", got)
    assert broken.effect is False and "stop 'stop' in chat, 'max_tokens' in messages" in broken.note
    got = {"chat": chat("alpha", finish="stop"), "messages": message("alpha", stop="stop_sequence")}
    assert score("dialect-parity", got).effect is True


def record(trial, *made):
    return TrialRecord(trial, list(made))


def test_a_400_to_the_parameter_is_a_rejection_and_a_404_or_an_outage_a_failed_trial():
    spec, probe = selected(["n"], 5)[0], PARAMETER_PROBES["n"]
    refused = exchange(
        {"model": "m", "n": 2}, {"error": {"message": "n must be 1"}}, status=400, url=CHAT_URL
    )
    result, final = conclude(spec, probe, "openai-chat", [record(0, Made("two", True, refused))], "s", "m")
    assert final and result.verdict == "rejected" and "n must be 1" in result.reason
    other = exchange(
        {"model": "m", "n": 2}, {"error": {"message": "max_tokens must be >= 16"}}, status=400, url=CHAT_URL
    )
    result, final = conclude(spec, probe, "openai-chat", [record(0, Made("two", True, other))], "s", "m")
    assert not final and result.failed == 1  # a refusal of something else is no rejection of n
    missing = exchange({"model": "m"}, {"error": {"message": "no route"}}, status=404, url=CHAT_URL)
    result, final = conclude(spec, probe, "openai-chat", [record(0, Made("two", True, missing))], "s", "m")
    assert not final and result.failed == 1 and result.verdict == "inconclusive"
    lost = [record(t, Made("two", True, None, detail="4 attempts, last: HTTP 503")) for t in range(2)]
    result, final = conclude(spec, probe, "openai-chat", lost, "s", "m")
    assert final and result.verdict == "inconclusive" and "flaky: 2 of 2" in result.reason


def test_five_trials_decide_and_a_split_ends_inconclusive_never_a_pass():
    spec, probe = selected(["n"], 5)[0], PARAMETER_PROBES["n"]
    two = completion(content="x")
    two["choices"].append({**two["choices"][0], "index": 1})
    good = exchange({"model": "m", "messages": [], "n": 2}, two, url=CHAT_URL)
    records = [record(t, Made("two", True, good)) for t in range(5)]
    assert conclude(spec, probe, "openai-chat", records[:4], "s", "m")[1] is False
    result, final = conclude(spec, probe, "openai-chat", records, "s", "m", finished=True)
    assert final and result.verdict == "honoured" and result.low > 0.5
    records[2] = record(2, Made("two", True, chat()))
    result, _ = conclude(spec, probe, "openai-chat", records, "s", "m", finished=True)
    assert result.verdict == "inconclusive" and result.successes == 4


def test_usage_honesty_keeps_both_numbers_and_identity_follows_the_model_id_rules():
    spec = measures()["usage-honesty"]
    # "hi": one word and one message by the reference's arithmetic; "alpha bravo": two output tokens
    exchanges = [chat(usage=(2, 2))] * 5
    assert usage_honesty(spec, "openai-chat", SUBJECT, exchanges, Reference()).verdict == "holds"
    inflated = usage_honesty(spec, "openai-chat", SUBJECT, [chat(usage=(9, 2))] * 5, Reference())
    assert inflated.verdict == "broken" and inflated.numbers["pairs"][0] == [9, 2]
    assert (
        inflated.numbers["ratio"] == 4.5 and "9 prompt tokens reported, 2 counted locally" in inflated.notes
    )
    billed = usage_honesty(spec, "openai-chat", SUBJECT, [chat(usage=(2, 6))] * 5, Reference())
    assert billed.verdict == "broken" and billed.notes[0] == "6 output tokens reported, 2 counted locally"
    assert billed.numbers["reported_output_tokens"] == 30 and billed.numbers["local_output_tokens"] == 10
    prompt = json.dumps([{"role": "user", "content": "hi"}], sort_keys=True)
    kept = Recorded("x", {prompt: 2})  # a prompt count, no rule for output tokens
    unruled = usage_honesty(spec, "openai-chat", SUBJECT, [chat(usage=(2, 6))] * 5, kept)
    assert unruled.verdict == "holds" and "reported_output_tokens" not in unruled.numbers
    none = usage_honesty(spec, "openai-chat", SUBJECT, [chat()] * 5, OpenAI())
    assert none.verdict == "inconclusive" and "no published encoding" in none.reason
    same = [chat(model="gpt-4o-2024-08-06", request={"model": "gpt-4o", "messages": []})] * 5
    assert identity(measures()["identity"], "openai-chat", SUBJECT, same).verdict == "holds"
    swapped = [chat(model="gpt-4o-mini", request={"model": "gpt-4o", "messages": []})] * 5
    assert identity(measures()["identity"], "openai-chat", SUBJECT, swapped).verdict == "broken"


@pytest.mark.parametrize("dialect", ["openai-chat", "anthropic-messages", "openai-responses"])
def test_one_ask_in_each_dialect_and_its_prompt_read_back_for_a_count(dialect):
    sent = body(
        dialect,
        "m",
        Ask(
            "Say hi",
            4,
            temperature=0,
            stop=("x",) if dialect != "openai-responses" else (),
            json_schema=COLOUR_SCHEMA if dialect != "anthropic-messages" else None,
        ),
    )
    assert sent["model"] == "m" and sent["temperature"] == 0 and "stream" not in sent
    plain = body(dialect, "m", Ask("Say hi", 4))
    assert messages_of(dialect, plain) == [{"role": "user", "content": "Say hi"}]
    assert (
        dialect == "anthropic-messages" or messages_of(dialect, sent) is None
    )  # a schema: no published rule
