"""When a claim applies: predicates on the Context, so no check hides an `if` inside.

A predicate may say which facts of an exchange it needs (`@needs`, and `both()` adds up its parts'): the
catalog asks a claim's predicate only of an exchange that has them all, so most of the 41 claims are never
asked of an exchange they cannot judge. A predicate that says nothing is asked of every exchange.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from chatconform.judging.claims._context import Context
from chatconform.judging.claims._view import stream_failed

LIMIT_FIELDS = ("max_tokens", "max_completion_tokens")
NEEDS = "__chatconform_needs__"
# The facts of an exchange (see facts()): cheap to tell, and each a condition some predicates cannot hold
# without.
ANSWERED = "2xx"
REFUSED = "4xx or 5xx"
STREAM = "event stream"
CHAT_PATH = "chat completions path"
DOCS = "documentation example"
F = TypeVar("F", bound=Callable[..., bool])


def dialect_fact(name: str) -> str:
    """The fact that an exchange speaks this dialect."""
    return f"dialect {name}"


def needs(*wanted: str) -> Callable[[F], F]:
    """Mark a predicate: it cannot hold for an exchange that lacks any of these facts."""

    def mark(func: F) -> F:
        setattr(func, NEEDS, frozenset(wanted) | needs_of(func))
        return func

    return mark


def within(*blocks: Callable[..., bool]) -> Callable[[F], F]:
    """Mark a predicate that asks these predicates first and holds only where they do: it needs their
    facts."""
    return needs(*(fact for block in blocks for fact in needs_of(block)))


def needs_of(predicate: Callable[..., object]) -> frozenset[str]:
    """The facts a predicate needs (none said: asked of every exchange)."""
    found: object = getattr(predicate, NEEDS, frozenset())
    return found if isinstance(found, frozenset) else frozenset()


def facts(ctx: Context) -> frozenset[str]:
    """What holds of this exchange among the facts predicates need."""
    ex, response = ctx.ex, ctx.ex.response
    found = {
        ANSWERED: ex.ok,
        REFUSED: response is not None and response.status >= 400,
        STREAM: ex.stream is not None,
        CHAT_PATH: is_chat_request(ctx),
        DOCS: ex.origin == "docs",
    }
    named = {dialect_fact(ctx.dialect.name)} if ctx.dialect is not None else set()
    return frozenset(name for name, holds in found.items() if holds) | named


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
@needs(CHAT_PATH)
def is_chat_request(ctx: Context) -> bool:
    """A chat-completions call (the OpenAI-compatible endpoint)."""
    return ctx.ex.request.path.rstrip("/").endswith("/chat/completions")


@per_exchange
@needs(ANSWERED, CHAT_PATH)
def answered_completion(ctx: Context) -> bool:
    """A 2xx chat-completions answer with a completion in it (whole, or streamed without an in-band error)."""
    ex = ctx.ex
    view = ctx.completion if ex.ok and is_chat_request(ctx) and not stream_failed(ex) else None
    return bool(view and isinstance(view.get("choices"), list))


@per_exchange
@needs(ANSWERED, CHAT_PATH)
def has_usage(ctx: Context) -> bool:
    """A completion that reports usage."""
    return answered_completion(ctx) and isinstance((ctx.completion or {}).get("usage"), dict)


def sent(*names: str):
    """A predicate: the request set any of these fields (to something other than null)."""

    def predicate(ctx: Context) -> bool:
        sent = ctx.sent
        for name in names:  # a loop, not any(): asked of nearly every exchange, a generator costs more
            if sent.get(name) is not None:
                return True
        return False

    predicate.__name__ = f"sent_{'_or_'.join(names)}"
    return predicate


def both(*predicates):
    """A predicate: all of them hold."""

    def predicate(ctx: Context) -> bool:
        for p in predicates:  # a loop, not all(): asked of nearly every exchange, a generator costs more
            if not p(ctx):
                return False
        return True

    return within(*predicates)(predicate)


@per_exchange
def no_limit_sent(ctx: Context) -> bool:
    """The request set neither max_tokens nor max_completion_tokens."""
    return not sent(*LIMIT_FIELDS)(ctx)


@per_exchange
@needs(ANSWERED, STREAM, CHAT_PATH)
def streamed(ctx: Context) -> bool:
    """A 2xx answer delivered as text/event-stream to a chat request, with no error reported in-band."""
    ex = ctx.ex
    return ex.ok and ex.stream is not None and is_chat_request(ctx) and not stream_failed(ex)


@per_exchange
@needs(ANSWERED, STREAM, CHAT_PATH)
def whole_stream(ctx: Context) -> bool:
    """A stream as a server sent it: a documentation page prints an excerpt, whose end proves nothing."""
    return streamed(ctx) and ctx.ex.origin != "docs"


@per_exchange
@needs(ANSWERED, STREAM)
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
    return needs(dialect_fact(name))(predicate)


def answered_in(name: str):
    """A predicate: a successful answer (whole, or a stream that reported no error) in this dialect."""
    speaking = speaks(name)

    def predicate(ctx: Context) -> bool:
        return speaking(ctx) and ctx.answer is not None

    predicate.__name__ = f"answered_in_{name.replace('-', '_')}"
    return needs(dialect_fact(name), ANSWERED)(predicate)


@per_exchange
@needs(ANSWERED, STREAM)
def event_stream(ctx: Context) -> bool:
    """A whole 2xx event stream (a documentation page prints an excerpt, whose end proves nothing)."""
    ex = ctx.ex
    return ex.ok and ex.stream is not None and ex.origin != "docs"


@per_exchange
@needs(REFUSED)
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
