"""Silently ignored parameters: per documented parameter, the calls of one trial and what the trial showed."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from chatconform.dialects import dialect_named
from chatconform.measures.bodies import COLOUR_SCHEMA, Ask
from chatconform.measures.trials import Call, Outcome, Probe, answer, clip, first, signature, text

SEED_BASE = 1000  # trial n sends seeds 1000 + 2n and 1000 + 2n + 1


def _ask(spec, trial: int, **more) -> Ask:
    return Ask(prompt=spec.prompt_for(trial), max_tokens=spec.max_tokens, **more)


def _temperature_zero_calls(spec, dialect, trial, got):
    yield Call("a", _ask(spec, trial, temperature=0))
    yield Call("b", _ask(spec, trial, temperature=0))


def _temperature_zero(spec, dialect, got) -> Outcome:
    a, b = signature(got.get("a")), signature(got.get("b"))
    if a == b:
        return Outcome(True)
    return Outcome(False, f"two answers at temperature 0 differ: {clip(a and a[0])} / {clip(b and b[0])}")


def _temperature_calls(spec, dialect, trial, got):
    yield Call("greedy", _ask(spec, trial, temperature=0))
    yield Call("sampled", _ask(spec, trial, temperature=spec.high[dialect]))


def _temperature(spec, dialect, got) -> Outcome:
    greedy, sampled = text(got.get("greedy")), text(got.get("sampled"))
    if greedy != sampled:
        return Outcome(True)
    return Outcome(False, f"temperature {spec.high[dialect]} answered as temperature 0 did: {clip(greedy)}")


def _seed_calls(spec, dialect, trial, got):
    high, seed = spec.high[dialect], SEED_BASE + 2 * trial
    yield Call("a", _ask(spec, trial, temperature=high, seed=seed))
    yield Call("b", _ask(spec, trial, temperature=high, seed=seed))
    yield Call("other", _ask(spec, trial, temperature=high, seed=seed + 1))


def _seed(spec, dialect, got) -> Outcome:
    a, b, other = (text(got.get(r)) for r in ("a", "b", "other"))
    if a != b:
        return Outcome(False, f"the same seed gave two answers: {clip(a)} / {clip(b)}")
    if a == other:
        return Outcome(None, "another seed gave the same answer: nothing varied to tell by")
    return Outcome(True)


def _max_tokens_calls(spec, dialect, trial, got):
    limit = spec.max_tokens + trial % 3  # Responses raises it to its documented minimum (bodies.py)
    yield Call("capped", Ask(prompt=spec.prompt_for(trial), max_tokens=limit, temperature=0))


def _max_tokens(spec, dialect, got) -> Outcome:
    ex = got.get("capped")
    found, out = answer(ex), first(ex)
    limit = dialect_named(dialect).limit_sent(ex.request_json) if ex is not None else None
    if found is None or out is None or limit is None or found.usage is None or found.usage.output is None:
        return Outcome(None, "the answer reports no output tokens")
    if found.usage.output > limit[1]:
        return Outcome(False, f"{found.usage.output} output tokens for {limit[0]} {limit[1]}")
    if out.stop == "length":
        return Outcome(True)
    if found.usage.output == limit[1]:  # cut at the limit, whatever reason it gives
        return Outcome(True, f"cut at the limit, its stop reason says {out.stop_raw!r}, not the limit's")
    return Outcome(None, f"the answer ended by itself ({out.stop_raw}) within the limit")


def _stop_calls(spec, dialect, trial, got):
    yield Call("free", _ask(spec, trial, temperature=0), probed=False)
    word = stop_word(text(got.get("free")) or "", trial)
    if word:
        yield Call("stopped", _ask(spec, trial, temperature=0, stop=(word,)))


def stop_word(said: str, trial: int) -> str | None:
    """A word of the greedy answer, from its third word on, whose first occurrence is its own place."""
    words = said.split()
    for word in words[2 + trial % 3 :] + words[2 : 2 + trial % 3]:
        if len(word) >= 3 and said.find(word) == said.find(f" {word}") + 1 > 0:
            return word
    return None


def _stop(spec, dialect, got) -> Outcome:
    free, stopped = text(got.get("free")), got.get("stopped")
    if stopped is None:
        return Outcome(None, "the greedy answer had no word to stop at")
    sent = dialect_named(dialect).stops_sent(stopped.request_json)
    said = text(stopped) or ""
    if any(s in said for s in sent):
        return Outcome(False, f"stop {clip(sent[0])} is in the answer: {clip(said)}")
    if free is not None and len(said) < len(free):
        return Outcome(True)
    return Outcome(None, "the answer with the stop was no shorter than the greedy one")


def _n_calls(spec, dialect, trial, got):
    yield Call("two", _ask(spec, trial, temperature=0, n=2))


def _n(spec, dialect, got) -> Outcome:
    found = answer(got.get("two"))
    count = len(found.outputs) if found else 0
    return Outcome(True) if count == 2 else Outcome(False, f"{count} choice(s) for n=2")


def _logprobs_calls(spec, dialect, trial, got):
    yield Call("logprobs", _ask(spec, trial, temperature=0, top_logprobs=2))


def _logprobs(spec, dialect, got) -> Outcome:
    ex = got.get("logprobs")
    view = dialect_named(dialect).assembled(ex) if ex is not None else None
    choices = view.get("choices") if isinstance(view, dict) else None
    choice = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else {}
    content = (
        (choice.get("logprobs") or {}).get("content") if isinstance(choice.get("logprobs"), dict) else None
    )
    if not isinstance(content, list) or not content:
        return Outcome(False, "no logprobs.content in the answer")
    counts = {len(t.get("top_logprobs") or []) for t in content if isinstance(t, dict)}
    if counts != {2}:
        return Outcome(False, f"top_logprobs of {sorted(counts)} alternatives for top_logprobs=2")
    return Outcome(True)


def _json_calls(spec, dialect, trial, got):
    yield Call("json", _ask(spec, trial, temperature=0, json_schema=COLOUR_SCHEMA))


def _json(spec, dialect, got) -> Outcome:
    out = first(got.get("json"))
    said = (out.text or "") if out else ""
    try:
        value = json.loads(said)
    except ValueError:
        if out is not None and out.stop == "length" and said.lstrip().startswith("{"):
            return Outcome(None, "the JSON was cut by the limit")
        return Outcome(False, f"not JSON: {clip(said)}")
    errors = list(Draft202012Validator(COLOUR_SCHEMA).iter_errors(value))
    return Outcome(False, f"JSON off the schema: {errors[0].message[:80]}") if errors else Outcome(True)


def _top_k_calls(spec, dialect, trial, got):
    high = spec.high[dialect]
    yield Call("greedy", _ask(spec, trial, temperature=0), probed=False)
    yield Call("top1", _ask(spec, trial, temperature=high, top_k=1))
    yield Call("sampled", _ask(spec, trial, temperature=high), probed=False)


def _top_k(spec, dialect, got) -> Outcome:
    greedy, top1, sampled = (text(got.get(r)) for r in ("greedy", "top1", "sampled"))
    if sampled == greedy:
        return Outcome(None, "the sampled control equalled the greedy answer: nothing varied to tell by")
    if top1 == greedy:
        return Outcome(True)
    return Outcome(False, f"top_k=1 sampled {clip(top1)} where greedy said {clip(greedy)}")


PARAMETER_PROBES = {
    "temperature-zero": Probe(_temperature_zero_calls, _temperature_zero, 2),
    "temperature": Probe(_temperature_calls, _temperature, 2),
    "seed": Probe(_seed_calls, _seed, 3),
    "max-tokens": Probe(_max_tokens_calls, _max_tokens, 1),
    "stop": Probe(_stop_calls, _stop, 2),
    "n": Probe(_n_calls, _n, 1),
    "logprobs": Probe(_logprobs_calls, _logprobs, 1),
    "json-schema": Probe(_json_calls, _json, 1),
    "top-k": Probe(_top_k_calls, _top_k, 3),
}
