"""Behaviour faults: each breaks one behaviour a measure claims to see, in every dialect alike, as field
reports describe gateways breaking it (a parameter dropped on the way upstream, usage rebuilt for a stream or
inflated, another model answering), and names the measure and verdict that must catch it.

An upstream_* function rewrites the request before the server reads it, as a gateway in front of it would; any
other rewrites the whole answer, before a stream is cut from it, so a stream carries what it changed.
"""

from __future__ import annotations

from chatconform.refserver._fault import EVERY, FaultSet
from chatconform.refserver._sampler import WORDS

BEHAVIOUR = FaultSet(EVERY)
fault = BEHAVIOUR.fault
CHEAPER = "reference/some-cheaper-model"
HIDDEN_PROMPT = 12  # the tokens of a system prompt the client never sent, billed all the same
MESSAGES = "anthropic-messages"


def _drop(*fields):
    def upstream_drop(dialect: str, body: dict) -> dict:
        return {k: v for k, v in body.items() if k not in fields}

    return upstream_drop


def _kind(answer: dict) -> str:
    """The dialect an answer is written in, by its shape."""
    if answer.get("object") == "chat.completion":
        return "openai-chat"
    return MESSAGES if answer.get("type") == "message" else "openai-responses"


def _usage_keys(answer: dict) -> tuple[str, str]:
    """(prompt, output) token fields of the answer's usage."""
    return (
        ("prompt_tokens", "completion_tokens")
        if _kind(answer) == "openai-chat"
        else ("input_tokens", "output_tokens")
    )


def _bill(answer: dict, field: str, extra: int) -> None:
    usage = answer["usage"]
    usage[field] += extra
    if "total_tokens" in usage:
        usage["total_tokens"] += extra


def _streamed(body: dict) -> bool:
    return body.get("stream") is True


def upstream_greedy(dialect: str, body: dict) -> dict:
    return {**body, "temperature": 0}


def upstream_own_limit(dialect: str, body: dict) -> dict:
    # Anthropic requires max_tokens: a gateway that ignores it answers with its own (4096)
    kept = _drop("max_tokens", "max_completion_tokens", "max_output_tokens")(dialect, body)
    return {**kept, "max_tokens": 4096} if dialect == MESSAGES else kept


fault(
    "temperature-pinned",
    "every answer is the greedy one, whatever temperature asks",
    "measures",
    measures=["temperature=ignored"],
)(upstream_greedy)
fault(
    "temperature-dropped",
    "temperature is dropped upstream: temperature 0 is sampled at the default 1",
    "measures",
    measures=["temperature-zero=ignored"],
)(_drop("temperature"))
fault(
    "seed-dropped",
    "seed is dropped upstream: every sampled answer is a draw of its own",
    "measures",
    measures=["seed=ignored"],
)(_drop("seed"))
fault(
    "top-k-dropped",
    "top_k is dropped upstream: every candidate word may be drawn",
    "measures",
    measures=["top-k=ignored"],
)(_drop("top_k"))
fault(
    "stop-dropped",
    "stop and stop_sequences are dropped upstream: the answer runs past them",
    "measures",
    measures=["stop=ignored"],
)(_drop("stop", "stop_sequences"))
fault(
    "max-tokens-dropped",
    "the output limit is dropped upstream: the answer runs to its own end",
    "measures",
    measures=["max-tokens=ignored"],
)(upstream_own_limit)
fault("n-dropped", "n is dropped upstream: one choice", "measures", measures=["n=ignored"])(_drop("n"))
fault(
    "logprobs-dropped",
    "logprobs and top_logprobs are dropped upstream",
    "measures",
    measures=["logprobs=ignored"],
)(_drop("logprobs", "top_logprobs"))
fault(
    "json-schema-dropped",
    "response_format and text.format are dropped upstream: the answer is prose",
    "measures",
    measures=["json-schema=ignored"],
)(_drop("response_format", "text"))


@fault(
    "stream-usage-differs",
    "a streamed answer's usage is rebuilt: prompt tokens counted twice",
    "measures",
    measures=["stream-parity=broken"],
)
def stream_usage(body, answer):
    if _streamed(body):
        field = _usage_keys(answer)[0]
        _bill(answer, field, answer["usage"][field])


@fault(
    "stream-stop-differs",
    "a streamed answer gives the other stop reason (a limit for an end, or back)",
    "measures",
    measures=["stream-parity=broken"],
)
def stream_stop(body, answer):
    if not _streamed(body):
        return
    kind = _kind(answer)
    if kind == "openai-chat":
        choice = answer["choices"][0]
        choice["finish_reason"] = "stop" if choice["finish_reason"] == "length" else "length"
    elif kind == MESSAGES:
        answer["stop_reason"] = "end_turn" if answer["stop_reason"] == "max_tokens" else "max_tokens"
    else:
        cut = answer["status"] == "incomplete"
        answer.update(
            status="completed" if cut else "incomplete",
            incomplete_details=None if cut else {"reason": "max_output_tokens"},
        )
        answer["output"][0]["status"] = "completed" if cut else "incomplete"


@fault(
    "stream-text-differs",
    "a streamed answer loses its last word",
    "measures",
    measures=["stream-parity=broken"],
)
def stream_text(body, answer):
    if _streamed(body):
        _rewrite_text(answer, lambda words: words[:-1])


@fault(
    "usage-prompt-inflated",
    f"every answer bills {HIDDEN_PROMPT} prompt tokens more than it was sent",
    "measures",
    measures=["usage-honesty=broken"],
    carriers=["max-tokens"],
)
def inflate_prompt(body, answer):
    _bill(answer, _usage_keys(answer)[0], HIDDEN_PROMPT)


@fault(
    "usage-completion-inflated",
    "every answer bills its output tokens twice",
    "measures",
    measures=["usage-honesty=broken"],
    carriers=["temperature-zero"],
)
def inflate_completion(body, answer):
    field = _usage_keys(answer)[1]
    _bill(answer, field, answer["usage"][field])


@fault(
    "model-substituted",
    f"another model answers, and says so: {CHEAPER}",
    "measures",
    measures=["identity=broken"],
    carriers=["max-tokens"],
)
def substituted(body, answer):
    answer["model"] = CHEAPER


@fault(
    "messages-substituted",
    "the Anthropic route serves another model's words under the requested name",
    "measures",
    measures=["dialect-parity=broken"],
)
def messages_substituted(body, answer):
    if _kind(answer) == MESSAGES:
        _rewrite_text(
            answer,
            lambda words: [WORDS[(WORDS.index(w) + 1) % len(WORDS)] if w in WORDS else w for w in words],
        )


def _rewrite_text(answer: dict, change) -> None:
    """The first text of an answer, its words changed (usage left as it was)."""
    kind = _kind(answer)
    if kind == "openai-chat":
        holder, key = answer["choices"][0]["message"], "content"
    elif kind == MESSAGES:
        holder, key = next(b for b in answer["content"] if b["type"] == "text"), "text"
    else:
        holder, key = answer["output"][0]["content"][0], "text"
    holder[key] = " ".join(change((holder[key] or "").split(" ")))
