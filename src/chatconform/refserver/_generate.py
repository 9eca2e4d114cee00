"""Text and token arithmetic every dialect's answers share: words (greedy, or drawn as _sampler says), prompt
counts, stops."""

from __future__ import annotations

import hashlib
import json

from chatconform.refserver._sampler import GREEDY, WORDS, Sampling, draw, token_logprobs

REASONING_TOKENS = 6  # what a reasoning model (the data's reasoning_models) spends before answering


def _seed(*parts) -> int:
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def text_of(content) -> str:
    """The text of a message content (a string or a list of text parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def prompt_tokens(body: dict, prompt: str = "messages", system: str = "system") -> int:
    """One token per word of every message (or input item), plus one per message, and the system prompt's."""
    messages = body.get(prompt)
    if isinstance(messages, str):  # (a Responses input may be one string)
        messages = [{"content": messages}]
    items = [m for m in messages if isinstance(m, dict)] if isinstance(messages, list) else []
    words = sum(len(text_of(m.get("content", m.get("output"))).split()) + 1 for m in items)
    return words + len(text_of(body.get(system)).split())


def _greedy(body: dict, index: int, prompt: str) -> tuple[list[str], int]:
    """(the greedy answer of choice `index`: 12 to 31 words chosen by the prompt, the answer's seed)."""
    seed = _seed(json.dumps(body.get(prompt), sort_keys=True), index)
    count = 12 + seed % 20
    return [
        WORDS[(seed >> (i % 40)) % len(WORDS) if i % 7 else (seed + i) % len(WORDS)] for i in range(count)
    ], seed


def answer_words(body: dict, index: int, prompt: str = "messages", how: Sampling = GREEDY) -> list[str]:
    """The whole answer of choice `index` to the body's `prompt` field: its greedy words, or drawn."""
    greedy, seed = _greedy(body, index, prompt)
    return draw(greedy, seed, how)


def logprobs_of(body: dict, index: int, words: list[str], top: int, prose: bool = True) -> list[dict]:
    """The log probabilities of the words a chat choice wrote (prose: of its candidates; JSON: certain)."""
    greedy, seed = _greedy(body, index, "messages")
    return token_logprobs(words, greedy if prose else [], seed, top)


def example_for(schema) -> object:
    """A small instance of a JSON schema (objects, arrays, scalars, enums): for json_schema and tools."""
    if not isinstance(schema, dict):
        return {}
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "object":
        props = schema.get("properties") or {}
        return {name: example_for(sub) for name, sub in props.items()}
    return {"array": [], "string": "alpha", "integer": 1, "number": 1.5, "boolean": True, "null": None}.get(
        kind, {}
    )


def cut(words: list[str], room: int, stops: list[str]) -> tuple[list[str], str, str | None]:
    """(the words that fit, why generation ended: "stop", "length" or "stop_sequence", what matched)."""
    text_so_far = ""
    for position, word in enumerate(words):
        if position >= room:  # the limit is spent first: a stop sequence can only end generated text
            return words[: max(room, 0)], "length", None
        candidate = (text_so_far + " " + word).strip()
        matched = next((s for s in stops if s and s in candidate), None)
        if matched is not None:
            return words[:position], "stop_sequence", matched
        text_so_far = candidate
    return words, "stop", None


def stops_of(value) -> list[str]:
    """The stop sequences a request field holds (a string or a list of strings)."""
    if isinstance(value, str):
        return [value]
    return [s for s in value if isinstance(s, str)] if isinstance(value, list) else []


def seed_id(prefix: str, body: dict) -> str:
    """A deterministic id for the answer to a body."""
    return f"{prefix}{_seed(json.dumps(body, sort_keys=True)) % 10**10}"
