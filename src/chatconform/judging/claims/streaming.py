"""Streaming: chunk objects, termination by [DONE], one finish_reason per choice, the usage chunk."""

from __future__ import annotations

from chatconform.judging.claims._context import Context
from chatconform.judging.claims._predicates import stream_with_error, streamed, whole_stream, within
from chatconform.judging.claims._registry import claim
from chatconform.judging.claims._sources import ML_CHAT_DOC, OPENAI_SPEC
from chatconform.judging.claims._view import chunks, chunks_before_done
from chatconform.model.exchange import NOT_JSON
from chatconform.model.finding import Finding, excerpt

DONE_SAYS = "with the stream terminated by a `data: [DONE]` message."
USAGE_SAYS = (
    "If set, an additional chunk will be streamed before the `data: [DONE]` message. The `usage` "
    "field on this chunk shows the token usage statistics for the entire request, and the `choices` "
    "field will always be an empty array."
)
ERROR_SAYS = (
    "Occurs when an [error](/docs/guides/error-codes#api-errors) occurs. This can happen due to an internal "
    "server error or a timeout."
)
OUTAGE_STATUS = (429, 502, 503, 504)
OUTAGE_WORDS = ("rate_limit", "overloaded", "unavailable", "timeout", "capacity")
SERVER_WORDS = ("server_error", "internal")


@claim(
    id="stream.chunk_object",
    says="Each SSE event contains a `chat.completion.chunk` object:",
    source=ML_CHAT_DOC,
    applies_to=streamed,
)
def every_event_is_a_chat_completion_chunk(ctx: Context):
    """Every data event other than [DONE] is a JSON object with object "chat.completion.chunk"."""
    ex = ctx.ex
    if not ex.payloads:  # nothing judged is never a pass: a 200 stream of only [DONE] answered nothing
        yield Finding.at_path(
            "$events",
            "the stream holds no chunk (only data: [DONE], or no data at all)",
            check="stream.no_chunks",
            expected="at least one chat.completion.chunk",
        )
    for index, _, value in ex.payloads:
        if value is NOT_JSON:
            continue  # not JSON at all: the schema check reports stream.chunk-json
        if not isinstance(value, dict) or value.get("object") != "chat.completion.chunk":
            got = value.get("object") if isinstance(value, dict) else type(value).__name__
            yield Finding.at_path(
                f"$events[{index}].object",
                "event is not a chat.completion.chunk",
                received=excerpt(got),
                expected="chat.completion.chunk",
            )


@claim(
    id="stream.ends_with_done",
    says=DONE_SAYS,
    implied=True,
    applies_to=whole_stream,
    # OpenAI says it of its completions stream; the chat stream's include_usage text presumes it
    source=OPENAI_SPEC + "#/components/schemas/CreateCompletionRequest/properties/stream/description",
)
def stream_ends_with_done(ctx: Context):
    """The last event is `data: [DONE]`, nothing follows it, and no event was cut off."""
    parsed = ctx.ex.stream
    assert parsed is not None  # applies to whole streams only
    if parsed.incomplete is not None:
        yield Finding.at_path(
            "$events",
            "the stream was cut off in the middle of an event",
            received=excerpt(parsed.incomplete),
            expected="a complete event",
        )
    if parsed.invalid_utf8:
        yield Finding.at_path("$events", "the stream holds bytes that are not UTF-8")
    data = [e.data.strip() for e in parsed.events]
    if "[DONE]" not in data:
        yield Finding.at_path(
            "$events",
            "the stream never sent data: [DONE]",
            expected="data: [DONE]",
            received=excerpt(data[-1] if data else "(no events)"),
        )
    elif data.index("[DONE]") != len(data) - 1:
        yield Finding.at_path(f"$events[{data.index('[DONE]') + 1}]", "events follow data: [DONE]")


@claim(
    id="stream.one_finish_reason_per_choice",
    implied=True,
    says="The reason the model stopped generating tokens.",
    source=OPENAI_SPEC + "#/components/schemas/CreateChatCompletionStreamResponse/properties/choices/items/"
    "properties/finish_reason/description",
    applies_to=streamed,
)
def each_choice_finishes_once_on_its_last_chunk(ctx: Context):
    """Each choice has exactly one non-null finish_reason, and no later chunk adds to that choice."""
    seen: dict[int, list[tuple[int, object, bool]]] = {}
    for position, chunk in enumerate(chunks(ctx.ex)):
        for choice in chunk.get("choices") or []:
            if isinstance(choice, dict):
                seen.setdefault(choice.get("index", 0), []).append(
                    (position, choice.get("finish_reason"), _adds_something(choice))
                )
    for index, entries in sorted(seen.items(), key=lambda kv: str(kv[0])):
        finishes = [pos for pos, reason, _ in entries if reason is not None]
        if len(finishes) != 1:
            yield Finding.at_path(
                f"$choices[{index}]",
                f"choice {index} has {len(finishes)} chunks with a finish_reason",
                received=str(len(finishes)),
                expected="1",
            )
        elif any(pos > finishes[0] and adds for pos, _, adds in entries):
            yield Finding.at_path(f"$choices[{index}]", f"choice {index} goes on after its finish_reason")


def _adds_something(choice: dict) -> bool:
    """True when a chunk's choice carries content (an empty delta, e.g. Azure's late filter results, adds
    none)."""
    delta = choice["delta"] if isinstance(choice.get("delta"), dict) else {}
    return any(value not in (None, "", [], {}) for value in delta.values())


@within(streamed)
def _usage_requested(ctx: Context) -> bool:
    options = ctx.sent.get("stream_options")
    return streamed(ctx) and isinstance(options, dict) and options.get("include_usage") is True


@claim(
    id="stream.usage_chunk",
    says=USAGE_SAYS,
    applies_to=_usage_requested,
    source=OPENAI_SPEC + "#/components/schemas/ChatCompletionStreamOptions/anyOf/0/properties/include_usage/"
    "description",
)
def include_usage_adds_a_usage_chunk_before_done(ctx: Context):
    """With include_usage, a chunk before [DONE] carries usage (not necessarily the last; info if it has
    choices)."""
    before = chunks_before_done(ctx.ex)
    carrying = [c for c in before if isinstance(c.get("usage"), dict)]
    if not carrying:
        last = before[-1] if before else {}
        yield Finding.at_path(
            "$events",
            "no chunk before data: [DONE] carries a usage object",
            received=excerpt({k: last.get(k) for k in ("choices", "usage")}),
            expected='a chunk {"choices": [], "usage": {...}} before data: [DONE]',
        )
    elif carrying[-1].get("choices") != []:
        yield Finding.at_path(
            "$events",
            "the usage came on a chunk that still has choices (documented: an empty "
            "array); clients read it all the same",
            severity="info",
            received=excerpt(carrying[-1].get("choices")),
            expected="[]",
        )


# OpenAI says it of its Assistants stream; the openai SDKs read the same two forms on a chat stream.
@claim(
    id="stream.error_event",
    says=ERROR_SAYS,
    implied=True,
    severity="warning",
    source=OPENAI_SPEC + "#/components/schemas/ErrorEvent/description",
    applies_to=stream_with_error,
)
def an_error_inside_a_200_stream_is_one_finding(ctx: Context):
    """An error inside a 200 stream is one finding: a server failure a violation, an outage or a refusal a
    gap."""
    assert ctx.dialect is not None  # applies_to: an in-band error, which a known dialect found
    index, error = ctx.dialect.in_band_errors(ctx.ex)[0]
    severity, kind, what = _classify(error)
    yield Finding.at_path(
        f"$events[{index}]",
        f"the stream failed after status 200 ({what}): {_describe(error)}",
        severity=severity,
        kind=kind,
        received=excerpt(error),
    )


def _classify(error) -> tuple[str, str, str]:
    """(severity, kind, what) of an in-band error, read the way the status of a whole answer would be."""
    fields = error if isinstance(error, dict) else {}
    words = " ".join(str(fields.get(k) or "") for k in ("type", "code", "status")).lower()
    status = next(
        (
            int(v)
            for v in (fields.get(k) for k in ("status", "status_code", "code"))
            if isinstance(v, int) or (isinstance(v, str) and v.isdigit())
        ),
        None,
    )
    if status in OUTAGE_STATUS or any(w in words for w in OUTAGE_WORDS):
        return "warning", "gap", "the provider was unavailable; not judged"
    if (status or 0) >= 500 or any(w in words for w in SERVER_WORDS):
        return "violation", "transport", "a server error"
    return "warning", "gap", "an error about the request or the model's output; the answer is not judged"


def _describe(error) -> str:
    if not isinstance(error, dict):
        return excerpt(error)
    parts = [str(error[k]) for k in ("type", "code") if error.get(k) not in (None, "")]
    return f"{' '.join(parts)}: {error.get('message', '')}".strip(": ")[:200]
