"""Streaming: chunk objects, termination by [DONE], one finish_reason per choice, the usage chunk."""

from __future__ import annotations

from chatconform.claims._predicates import streamed
from chatconform.claims._registry import claim
from chatconform.claims._sources import ML_CHAT_DOC, OPENAI_SPEC
from chatconform.claims._view import chunks
from chatconform.exchange import NOT_JSON
from chatconform.findings import Finding, excerpt

DONE_SAYS = "with the stream terminated by a `data: [DONE]` message."
USAGE_SAYS = ("If set, an additional chunk will be streamed before the `data: [DONE]` message. The `usage` "
              "field on this chunk shows the token usage statistics for the entire request, and the `choices` "
              "field will always be an empty array.")


@claim(id="stream.chunk_object", says="Each SSE event contains a `chat.completion.chunk` object:",
       source=ML_CHAT_DOC, applies_to=streamed)
def every_event_is_a_chat_completion_chunk(ex):
    """Every data event other than [DONE] is a JSON object with object "chat.completion.chunk"."""
    for index, _, value in ex.payloads:
        if value is NOT_JSON:
            continue  # not JSON at all: the schema check reports stream.chunk-json
        if not isinstance(value, dict) or value.get("object") != "chat.completion.chunk":
            got = value.get("object") if isinstance(value, dict) else type(value).__name__
            yield Finding.at_path(f"$events[{index}].object", "event is not a chat.completion.chunk",
                                  received=excerpt(got), expected="chat.completion.chunk")


@claim(id="stream.ends_with_done", says=DONE_SAYS, implied=True, applies_to=streamed,
       # OpenAI says it of its completions stream; the chat stream's include_usage text presumes it
       source=OPENAI_SPEC + "#/components/schemas/CreateCompletionRequest/properties/stream/description")
def stream_ends_with_done(ex):
    """The last event is `data: [DONE]`, nothing follows it, and no event was cut off."""
    parsed = ex.stream
    if parsed.incomplete is not None:
        yield Finding.at_path("$events", "the stream was cut off in the middle of an event",
                              received=excerpt(parsed.incomplete), expected="a complete event")
    if parsed.invalid_utf8:
        yield Finding.at_path("$events", "the stream holds bytes that are not UTF-8")
    data = [e.data.strip() for e in parsed.events]
    if "[DONE]" not in data:
        yield Finding.at_path("$events", "the stream never sent data: [DONE]", expected="data: [DONE]",
                              received=excerpt(data[-1] if data else "(no events)"))
    elif data.index("[DONE]") != len(data) - 1:
        yield Finding.at_path(f"$events[{data.index('[DONE]') + 1}]", "events follow data: [DONE]")


@claim(id="stream.one_finish_reason_per_choice", implied=True,
       says="The reason the model stopped generating tokens.",
       source=OPENAI_SPEC + "#/components/schemas/CreateChatCompletionStreamResponse/properties/choices/items/"
       "properties/finish_reason/description", applies_to=streamed)
def each_choice_finishes_once_on_its_last_chunk(ex):
    """Each choice has exactly one non-null finish_reason, on the last chunk that carries that choice."""
    seen: dict[int, list[tuple[int, object]]] = {}
    for position, chunk in enumerate(chunks(ex)):
        for choice in chunk.get("choices") or []:
            if isinstance(choice, dict):
                seen.setdefault(choice.get("index", 0), []).append((position, choice.get("finish_reason")))
    for index, entries in sorted(seen.items(), key=lambda kv: str(kv[0])):
        finishes = [pos for pos, reason in entries if reason is not None]
        if len(finishes) != 1:
            yield Finding.at_path(f"$choices[{index}]", f"choice {index} has {len(finishes)} chunks with a "
                                  "finish_reason", received=str(len(finishes)), expected="1")
        elif finishes[0] != entries[-1][0]:
            yield Finding.at_path(f"$choices[{index}]", f"choice {index} goes on after its finish_reason")


def _usage_requested(ex) -> bool:
    options = ex.request_json.get("stream_options")
    return streamed(ex) and isinstance(options, dict) and options.get("include_usage") is True


@claim(id="stream.usage_chunk", says=USAGE_SAYS, source=OPENAI_SPEC + "#/components/schemas/ChatCompletionStreamOptions/anyOf/0/properties/include_usage/description",
       applies_to=_usage_requested)
def include_usage_adds_a_final_usage_chunk(ex):
    """With stream_options.include_usage, the last chunk before [DONE] has empty choices and a usage object."""
    parts = chunks(ex)
    last = parts[-1] if parts else {}
    if last.get("choices") != [] or not isinstance(last.get("usage"), dict):
        yield Finding.at_path("$events[-2]", "no final chunk with empty choices and usage",
                              received=excerpt({k: last.get(k) for k in ("choices", "usage")}),
                              expected='{"choices": [], "usage": {...}}')
