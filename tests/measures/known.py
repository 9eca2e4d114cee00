"""What the measures show for each subject in CI (CI_TRIALS trials a measure), each with why. A run must show
exactly these: a changed verdict fails the test until this file says why."""

from chatconform.refserver.measured import CI_TRIALS

__all__ = ["CI_TRIALS", "LLAMA", "REFERENCE", "difference", "shown"]

LLAMA = {
    **{
        key: ("honoured", "llama.cpp's server honours it in every trial")
        for key in [
            "temperature-zero/openai-chat",
            "temperature-zero/anthropic-messages",
            "temperature-zero/openai-responses",
            "temperature/openai-chat",
            "temperature/anthropic-messages",
            "temperature/openai-responses",
            "seed/openai-chat",
            "max-tokens/openai-chat",
            "max-tokens/anthropic-messages",
            "stop/openai-chat",
            "stop/anthropic-messages",
            "n/openai-chat",
            "logprobs/openai-chat",
            "json-schema/openai-chat",
            "top-k/anthropic-messages",
        ]
    },
    "max-tokens/openai-responses": (
        "honoured",
        "every answer stops at max_output_tokens, though its status says "
        "`completed` where OpenAI's says `incomplete` (reason max_output_tokens)",
    ),
    "json-schema/openai-responses": (
        "ignored",
        "server-chat.cpp's server_chat_convert_responses_to_chatcmpl maps "
        "max_output_tokens, tools and reasoning to chat but never `text.format`: "
        "the schema is dropped and the model answers in prose",
    ),
    **{
        key: ("holds", "llama.cpp's server agrees with itself and with its own tokenizer in every trial")
        for key in [
            "stream-parity/openai-chat",
            "stream-parity/anthropic-messages",
            "stream-parity/openai-responses",
            "dialect-parity/openai-chat+anthropic-messages",
            "usage-honesty/openai-chat",
            "usage-honesty/anthropic-messages",
            "usage-honesty/openai-responses",
        ]
    },
    **{
        key: (
            "documented-ignored",
            "every answer names the .gguf file loaded; its README says `model` is ignored "
            "in single model mode (tests/measures/llama-server.toml quotes it)",
        )
        for key in ["identity/openai-chat", "identity/anthropic-messages", "identity/openai-responses"]
    },
}

# The reference provider honours every measure (refserver/_sampler.py draws its words; its arithmetic counts
# them): any other verdict is a false alarm of the measure or a bug of the reference. The self-test proves
# that each measure turns under a fault of its own (refserver/_behaviour_faults.py).
ALL = ("openai-chat", "anthropic-messages", "openai-responses")
SAMPLER = "its sampler draws over candidate words, spread by temperature, seeded by seed, bounded by top_k"
REFERENCE = {
    **{f"temperature-zero/{d}": ("honoured", "temperature 0 writes the greedy words") for d in ALL},
    **{f"temperature/{d}": ("honoured", SAMPLER) for d in ALL},
    "seed/openai-chat": ("honoured", SAMPLER),
    "top-k/anthropic-messages": ("honoured", SAMPLER),
    **{f"max-tokens/{d}": ("honoured", "documented arithmetic") for d in ALL},
    "stop/openai-chat": ("honoured", "documented arithmetic"),
    "stop/anthropic-messages": ("honoured", "documented arithmetic"),
    "n/openai-chat": ("honoured", "documented arithmetic"),
    "logprobs/openai-chat": ("honoured", "the sampler's own log probabilities, with the top alternatives"),
    "json-schema/openai-chat": ("honoured", "a JSON format makes the whole answer the schema's JSON"),
    "json-schema/openai-responses": ("honoured", "a JSON text.format makes the whole answer its JSON"),
    **{f"stream-parity/{d}": ("holds", "the stream is the whole answer cut into events") for d in ALL},
    "dialect-parity/openai-chat+anthropic-messages": ("holds", "both dialects share the answer words"),
    **{f"usage-honesty/{d}": ("holds", "the reference counts as its documented arithmetic") for d in ALL},
    **{f"identity/{d}": ("holds", "the reference answers as the model asked") for d in ALL},
}


def shown(results) -> dict[str, str]:
    """{measure/dialect: verdict} of a run."""
    return {r.key: r.verdict for r in results}


def difference(results, known: dict) -> str:
    """The cells whose verdict is not the known one, with what the run saw."""
    lines = [
        f"  {r.key}: {r.verdict} (known: {known.get(r.key, ('-',))[0]}) {r.reason} {r.notes[:2]}"
        for r in results
        if known.get(r.key, (None,))[0] != r.verdict
    ]
    missing = sorted(set(known) - {r.key for r in results})
    return "verdicts changed:\n" + "\n".join(lines + [f"  missing: {m}" for m in missing])
