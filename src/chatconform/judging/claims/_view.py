"""What the chat claims read: a chat completion, whole or streamed (the openai-chat dialect puts it
together)."""

from __future__ import annotations

from chatconform.dialects.openai_chat import assembled, chunks, chunks_before_done, error_events
from chatconform.model.exchange import Exchange, view

__all__ = [
    "assembled",
    "chunks",
    "chunks_before_done",
    "completion_choices",
    "content_of",
    "error_events",
    "stream_failed",
]


def stream_failed(ex: Exchange) -> bool:
    """True for a stream that reported an error in-band (its chunks are then not a completion to judge)."""
    return ex.stream is not None and bool(error_events(ex))


@view
def completion_choices(ex: Exchange) -> list[dict]:
    """The choices of the assembled completion ([] when there is none), picked out once."""
    view = assembled(ex)
    choices = view.get("choices") if view else None
    return [c for c in choices if isinstance(c, dict)] if isinstance(choices, list) else []


def content_of(choice: dict):
    """A choice's message content (None when absent)."""
    message = choice["message"] if isinstance(choice.get("message"), dict) else {}
    return message.get("content")
