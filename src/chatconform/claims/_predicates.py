"""When a claim applies: predicates on the Exchange, so no check hides an `if` inside."""

from __future__ import annotations

from chatconform.claims._view import assembled, stream_failed
from chatconform.exchange import Exchange

LIMIT_FIELDS = ("max_tokens", "max_completion_tokens")


def is_chat_request(ex: Exchange) -> bool:
    """A chat-completions call (the OpenAI-compatible endpoint)."""
    return ex.request.path.rstrip("/").endswith("/chat/completions")


def answered_completion(ex: Exchange) -> bool:
    """A 2xx chat-completions answer with a completion in it (whole, or streamed without an in-band error)."""
    view = assembled(ex) if ex.ok and is_chat_request(ex) and not stream_failed(ex) else None
    return bool(view) and isinstance(view.get("choices"), list)


def has_usage(ex: Exchange) -> bool:
    """A completion that reports usage."""
    return answered_completion(ex) and isinstance(assembled(ex).get("usage"), dict)


def sent(*names: str):
    """A predicate: the request set any of these fields (to something other than null)."""
    def predicate(ex: Exchange) -> bool:
        return any(ex.request_json.get(name) is not None for name in names)
    predicate.__name__ = f"sent_{'_or_'.join(names)}"
    return predicate


def both(*predicates):
    """A predicate: all of them hold."""
    def predicate(ex: Exchange) -> bool:
        return all(p(ex) for p in predicates)
    return predicate


def no_limit_sent(ex: Exchange) -> bool:
    """The request set neither max_tokens nor max_completion_tokens."""
    return not sent(*LIMIT_FIELDS)(ex)


def streamed(ex: Exchange) -> bool:
    """A 2xx answer delivered as text/event-stream to a chat request, with no error reported in-band."""
    return ex.ok and ex.stream is not None and is_chat_request(ex) and not stream_failed(ex)


def stream_with_error(ex: Exchange) -> bool:
    """A 2xx event stream to a chat request that reports an error in-band (judged once, as that error)."""
    return ex.ok and ex.stream is not None and is_chat_request(ex) and stream_failed(ex)


def response_format_is(kind: str):
    """A predicate: the request asked for this response_format type."""
    def predicate(ex: Exchange) -> bool:
        fmt = ex.request_json.get("response_format")
        return isinstance(fmt, dict) and fmt.get("type") == kind
    return predicate


def is_messages_call(ex: Exchange) -> bool:
    """An Anthropic-compatible /v1/messages call (not count_tokens) that was answered."""
    return ex.ok and ex.request.path.rstrip("/").endswith("/v1/messages") and isinstance(ex.json, dict)
