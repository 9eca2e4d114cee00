"""What every dialect shares: a stream follows its dialect's grammar, an error body its dialect's envelope.

The quote of each comes from the dialect's own data (dialect.toml [quotes]): one claim, each dialect's words.
"""

from __future__ import annotations

from chatconform.judging.claims._context import Context
from chatconform.judging.claims._predicates import event_stream, refused, within
from chatconform.judging.claims._registry import claim

GRAMMAR_DIALECTS = (
    "anthropic-messages",
    "openai-responses",
)  # chat's stream is judged by the stream.* claims


@within(event_stream)
def _grammar_applies(ctx: Context) -> bool:
    return (
        event_stream(ctx)
        and ctx.dialect is not None
        and ctx.dialect.name in GRAMMAR_DIALECTS
        and ctx.dialect.is_generation(ctx.ex.request.path)
    )


@claim(
    id="stream.grammar",
    says="(each dialect's stream grammar, quoted from its data)",
    source="quoted by each dialect (dialect.toml)",
    applies_to=_grammar_applies,
    quoted_by_dialect=True,
)
def the_stream_follows_its_dialects_grammar(ctx: Context):
    """Events in their order (start, blocks or items opened before their deltas and closed after, the end),
    and what they assemble to agrees with what they say."""
    assert ctx.dialect is not None  # applies_to: a stream in a known dialect
    yield from ctx.dialect.grammar(ctx.ex)


@within(refused)
def _refused_outside_chat(ctx: Context) -> bool:
    # chat's error bodies are judged by the request.* claims, as before this claim was shared
    return refused(ctx) and ctx.dialect is not None and ctx.dialect.name != "openai-chat"  # (refused: known)


@claim(
    id="error.envelope",
    says="(each dialect's error envelope, quoted from its data)",
    source="quoted by each dialect (dialect.toml)",
    applies_to=_refused_outside_chat,
    quoted_by_dialect=True,
)
def an_error_body_has_its_dialects_envelope(ctx: Context):
    """A 4xx/5xx body is the dialect's error object, so a client can read why it was refused."""
    ex = ctx.ex
    assert ex.response is not None  # applies to refusals, which are responses
    if ex.response.status in (429, 502, 503, 504, 529) or not ex.body_is_json:
        return  # an outage is judged as one; a body that is not JSON is the schema check's
    assert ctx.dialect is not None  # applies_to: refused, in a known dialect
    yield from ctx.dialect.error_envelope(ex.json)
