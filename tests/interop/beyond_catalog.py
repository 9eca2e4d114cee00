"""Requests the live catalog does not send, for the interop run only (the catalog is what providers pay for).

Each reaches a rule of OpenAI's published contract the catalog leaves untried; chatconform's judge decides.
"""

from chatconform.live.scenarios import Scenario

EXTRA = [
    # OpenAI: top_p "minimum": 0, "maximum": 1 (the fuzzer's strategies break only the lower bound).
    Scenario("invalid-top-p-above", {"top_p": 1.5, "max_tokens": 8}, negative=True),
    Scenario("invalid-top-p-below", {"top_p": -0.1, "max_tokens": 8}, negative=True),
    # OpenAI: n "minimum": 1.
    Scenario("invalid-n-zero", {"n": 0, "max_tokens": 8}, negative=True),
    # Not an array of messages: an error body to judge for its shape.
    Scenario("invalid-messages-type", {"max_tokens": 8}, messages="hello", negative=True),
    # A negative limit beside the catalog's max_tokens 0 (OpenAI's spec gives max_tokens no minimum).
    Scenario("max-tokens-negative", {"max_tokens": -1}),
    # Two choices streamed, with the usage chunk: one finish_reason per choice, usage before [DONE].
    Scenario(
        "n2-stream-usage",
        {"n": 2, "stream": True, "stream_options": {"include_usage": True}, "max_tokens": 16},
    ),
    # A field OpenAI's schema does not name (the schema allows other properties).
    Scenario("unknown-field", {"max_tokens": 8, "chatconform_unknown_field": True}),
]
