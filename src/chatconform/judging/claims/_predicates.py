"""When a claim applies: predicates on the Context, so no check hides an `if` inside."""

from __future__ import annotations

from functools import wraps

from chatconform.judging.claims._context import Context
from chatconform.judging.claims._view import stream_failed

LIMIT_FIELDS = ("max_tokens", "max_completion_tokens")


def per_exchange(func):
    """A predicate worked out once per exchange and kept on its Context: many claims ask it the same
    question."""
    key = ("predicate", func.__module__, func.__qualname__)

    @wraps(func)
    def predicate(ctx: Context) -> bool:
        kept = ctx._kept  # Context.once, inlined: a predicate is asked some twenty times per exchange
        if key not in kept:
            kept[key] = func(ctx)
        return kept[key]

    return predicate


@per_exchange
def is_chat_request(ctx: Context) -> bool:
    """A chat-completions call (the OpenAI-compatible endpoint)."""
    return ctx.ex.request.path.rstrip("/").endswith("/chat/completions")


@per_exchange
def answered_completion(ctx: Context) -> bool:
    """A 2xx chat-completions answer with a completion in it (whole, or streamed without an in-band error)."""
    ex = ctx.ex
    view = ctx.completion if ex.ok and is_chat_request(ctx) and not stream_failed(ex) else None
    return bool(view and isinstance(view.get("choices"), list))


@per_exchange
def has_usage(ctx: Context) -> bool:
    """A completion that reports usage."""
    return answered_completion(ctx) and isinstance((ctx.completion or {}).get("usage"), dict)


def sent(*names: str):
    """A predicate: the request set any of these fields (to something other than null)."""

    def predicate(ctx: Context) -> bool:
        return any(ctx.sent.get(name) is not None for name in names)

    predicate.__name__ = f"sent_{'_or_'.join(names)}"
    return predicate


def both(*predicates):
    """A predicate: all of them hold."""

    def predicate(ctx: Context) -> bool:
        return all(p(ctx) for p in predicates)

    return predicate


@per_exchange
def no_limit_sent(ctx: Context) -> bool:
    """The request set neither max_tokens nor max_completion_tokens."""
    return not sent(*LIMIT_FIELDS)(ctx)


@per_exchange
def streamed(ctx: Context) -> bool:
    """A 2xx answer delivered as text/event-stream to a chat request, with no error reported in-band."""
    ex = ctx.ex
    return ex.ok and ex.stream is not None and is_chat_request(ctx) and not stream_failed(ex)


@per_exchange
def whole_stream(ctx: Context) -> bool:
    """A stream as a server sent it: a documentation page prints an excerpt, whose end proves nothing."""
    return streamed(ctx) and ctx.ex.origin != "docs"


@per_exchange
def stream_with_error(ctx: Context) -> bool:
    """A 2xx event stream, in any dialect, that reports an error in-band (judged once, as that error)."""
    ex = ctx.ex
    return (
        ex.ok and ex.stream is not None and ctx.dialect is not None and bool(ctx.dialect.in_band_errors(ex))
    )


def response_format_is(kind: str):
    """A predicate: the request asked for this response_format type."""

    def predicate(ctx: Context) -> bool:
        fmt = ctx.sent.get("response_format")
        return isinstance(fmt, dict) and fmt.get("type") == kind

    return predicate


def speaks(name: str):
    """A predicate: the exchange is in this dialect (`openai-chat`, `anthropic-messages`,
    `openai-responses`)."""

    def predicate(ctx: Context) -> bool:
        return ctx.dialect is not None and ctx.dialect.name == name

    predicate.__name__ = f"speaks_{name.replace('-', '_')}"
    return predicate


def answered_in(name: str):
    """A predicate: a successful answer (whole, or a stream that reported no error) in this dialect."""
    speaking = speaks(name)

    def predicate(ctx: Context) -> bool:
        return speaking(ctx) and ctx.answer is not None

    predicate.__name__ = f"answered_in_{name.replace('-', '_')}"
    return predicate


@per_exchange
def event_stream(ctx: Context) -> bool:
    """A whole 2xx event stream (a documentation page prints an excerpt, whose end proves nothing)."""
    ex = ctx.ex
    return ex.ok and ex.stream is not None and ex.origin != "docs"


@per_exchange
def refused(ctx: Context) -> bool:
    """A 4xx or 5xx answer with a body, in a dialect that documents its error envelope."""
    ex = ctx.ex
    return (
        ex.response is not None
        and ex.response.status >= 400
        and bool(ex.response.body)
        and ctx.dialect is not None
        and ctx.dialect.is_generation(ex.request.path)
    )
