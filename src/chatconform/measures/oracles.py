"""Oracles that need no spec: the same request streamed and not, and one model through two dialects."""

from __future__ import annotations

from dataclasses import replace

from chatconform.measures.bodies import CHAT, MESSAGES, Ask
from chatconform.measures.subject import reported_prompt
from chatconform.measures.trials import Call, Outcome, Probe, answer, clip

# a chat stop reason and the Anthropic ones it may stand for: chat says `stop` both for a natural end and for
# a stop sequence, Anthropic tells them apart
SAME_STOP = {"end": {"end", "stop_sequence"}, "stop_sequence": {"end", "stop_sequence"}}


def _stream_calls(spec, dialect, trial, got):
    ask = Ask(prompt=spec.prompt_for(trial), max_tokens=spec.max_tokens, temperature=0)
    yield Call("plain", ask)
    yield Call("streamed", replace(ask, stream=True))


def _stream(spec, dialect, got) -> Outcome:
    plain, streamed = answer(got.get("plain")), answer(got.get("streamed"))
    if plain is None or streamed is None:
        return Outcome(False, f"no readable {'streamed ' if plain else ''}answer")
    if not streamed.streamed:
        return Outcome(False, "asked to stream, it answered one JSON body")
    differ = _differences(plain, streamed, "unstreamed", "streamed")
    if plain.usage and streamed.usage:
        pairs = _usage_pairs(got["plain"], got["streamed"], plain.usage, streamed.usage)
        differ += [f"{k} {a} unstreamed, {b} streamed" for k, a, b in pairs]
    elif plain.usage != streamed.usage:
        differ.append(f"usage {'only unstreamed' if plain.usage else 'only streamed'}")
    return Outcome(not differ, "; ".join(differ))


def _usage_pairs(ex_a, ex_b, a, b) -> list[tuple[str, int | None, int | None]]:
    """The usage figures two answers do not share; the prompt counted in all (a cache may split it
    otherwise)."""
    pairs = [
        ("prompt tokens", reported_prompt(ex_a), reported_prompt(ex_b)),
        ("output tokens", a.output, b.output),
        ("total tokens", a.total, b.total),
    ]
    return [p for p in pairs if p[1] != p[2]]


def _differences(a, b, name_a: str, name_b: str, stops=None) -> list[str]:
    """What two answers of one deterministic request do not share (model, outputs, text, stop, tool calls)."""
    out = []
    if a.model != b.model:
        out.append(f"model {clip(a.model)} {name_a}, {clip(b.model)} {name_b}")
    if len(a.outputs) != len(b.outputs):
        out.append(f"{len(a.outputs)} outputs {name_a}, {len(b.outputs)} {name_b}")
    for x, y in zip(a.outputs, b.outputs, strict=False):  # the outputs both have
        if (x.text or "") != (y.text or ""):
            out.append(f"text {clip(x.text)} {name_a}, {clip(y.text)} {name_b}")
        same_stop = y.stop in (stops or {}).get(x.stop, {x.stop})
        if not same_stop:
            out.append(f"stop {x.stop_raw!r} {name_a}, {y.stop_raw!r} {name_b}")
        calls = [[(c.name, c.arguments) for c in o.tool_calls] for o in (x, y)]
        if calls[0] != calls[1]:
            out.append(f"tool calls {clip(calls[0])} {name_a}, {clip(calls[1])} {name_b}")
    return out


def _dialect_calls(spec, dialect, trial, got):
    room = 64 if trial % int(spec.data.get("long_every", 2)) else spec.max_tokens
    ask = Ask(prompt=spec.prompt_for(trial), max_tokens=room, temperature=0)
    yield Call("chat", ask, dialect=CHAT)
    yield Call("messages", ask, dialect=MESSAGES)


def _dialect(spec, dialect, got) -> Outcome:
    chat, messages = answer(got.get("chat")), answer(got.get("messages"))
    if chat is None or messages is None:
        return Outcome(False, "no readable answer in " + ("Anthropic messages" if chat else "chat"))
    differ = _differences(chat, messages, "in chat", "in messages", stops=SAME_STOP)
    prompts = [reported_prompt(got[r]) for r in ("chat", "messages")]
    if prompts[0] != prompts[1]:
        differ.append(f"prompt tokens {prompts[0]} in chat, {prompts[1]} in messages")
    outputs = [a.usage.output if a.usage else None for a in (chat, messages)]
    if outputs[0] != outputs[1]:
        differ.append(f"output tokens {outputs[0]} in chat, {outputs[1]} in messages")
    return Outcome(not differ, "; ".join(differ))


ORACLE_PROBES = {
    "stream-parity": Probe(_stream_calls, _stream, 2),
    "dialect-parity": Probe(_dialect_calls, _dialect, 2),
}
DIALECT_PARITY = f"{CHAT}+{MESSAGES}"  # the one row of dialect parity
