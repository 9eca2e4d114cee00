"""What the measures show for each subject in CI (4 trials a measure), each with why. A run must show exactly
these: a changed verdict fails the test until this file says why."""

CI_TRIALS = 5

LLAMA = {
    **{key: ("honoured", "llama.cpp's server honours it in every trial")
       for key in ["temperature-zero/openai-chat", "temperature-zero/anthropic-messages",
                   "temperature-zero/openai-responses", "temperature/openai-chat", "temperature/anthropic-messages",
                   "temperature/openai-responses", "seed/openai-chat", "max-tokens/openai-chat",
                   "max-tokens/anthropic-messages", "stop/openai-chat", "stop/anthropic-messages", "n/openai-chat",
                   "logprobs/openai-chat", "json-schema/openai-chat", "top-k/anthropic-messages"]},
    "max-tokens/openai-responses": ("honoured", "every answer stops at max_output_tokens, though its status says "
                                    "`completed` where OpenAI's says `incomplete` (reason max_output_tokens)"),
    "json-schema/openai-responses": ("ignored", "server-chat.cpp's server_chat_convert_responses_to_chatcmpl maps "
                                     "max_output_tokens, tools and reasoning to chat but never `text.format`: "
                                     "the schema is dropped and the model answers in prose"),
    **{key: ("holds", "llama.cpp's server agrees with itself and with its own tokenizer in every trial")
       for key in ["stream-parity/openai-chat", "stream-parity/anthropic-messages",
                   "stream-parity/openai-responses", "dialect-parity/openai-chat+anthropic-messages",
                   "usage-honesty/openai-chat", "usage-honesty/anthropic-messages",
                   "usage-honesty/openai-responses"]},
    **{key: ("documented-ignored", "every answer names the .gguf file loaded; its README says `model` is ignored "
             "in single model mode (tests/measures/llama-server.toml quotes it)")
       for key in ["identity/openai-chat", "identity/anthropic-messages", "identity/openai-responses"]},
}

# The reference provider (deterministic text by design): where it does not do what a measure asks, the measure
# says so, and this list says why. Issue 22 part 6 (a sampler, then faults for each measure) would change the
# temperature, seed and top_k rows.
NO_SAMPLING = "the reference answers deterministically by design: it has no sampler for temperature to change"
SAME = "the same request gets the same answer"
REFERENCE = {
    **{f"temperature-zero/{d}": ("honoured", SAME) for d in ("openai-chat", "anthropic-messages", "openai-responses")},
    **{f"temperature/{d}": ("ignored", NO_SAMPLING) for d in ("openai-chat", "anthropic-messages", "openai-responses")},
    "seed/openai-chat": ("inconclusive", NO_SAMPLING + ", so no seed changes anything (no trial can tell)"),
    **{f"max-tokens/{d}": ("honoured", "documented arithmetic")
       for d in ("openai-chat", "anthropic-messages", "openai-responses")},
    "stop/openai-chat": ("honoured", "documented arithmetic"),
    "stop/anthropic-messages": ("honoured", "documented arithmetic"),
    "n/openai-chat": ("honoured", "documented arithmetic"),
    "logprobs/openai-chat": ("ignored", "the reference answers logprobs: null whatever is asked"),
    "json-schema/openai-chat": ("inconclusive", "the reference writes JSON only when the answer ends within the "
                                "limit; two of five trials hit it and answer in prose"),
    "json-schema/openai-responses": ("ignored", "the reference's Responses answers prose whatever text.format asks"),
    "top-k/anthropic-messages": ("inconclusive", NO_SAMPLING + ", so the control never varies"),
    **{f"stream-parity/{d}": ("holds", "the stream is the whole answer cut into events")
       for d in ("openai-chat", "anthropic-messages", "openai-responses")},
    "dialect-parity/openai-chat+anthropic-messages": ("holds", "both dialects share the answer words"),
    **{f"usage-honesty/{d}": ("holds", "the reference counts as its documented arithmetic says")
       for d in ("openai-chat", "anthropic-messages", "openai-responses")},
    **{f"identity/{d}": ("holds", "the reference answers as the model asked")
       for d in ("openai-chat", "anthropic-messages", "openai-responses")},
}


def shown(results) -> dict[str, str]:
    """{measure/dialect: verdict} of a run."""
    return {r.key: r.verdict for r in results}


def difference(results, known: dict) -> str:
    """The cells whose verdict is not the known one, with what the run saw."""
    lines = [f"  {r.key}: {r.verdict} (known: {known.get(r.key, ('-',))[0]}) {r.reason} {r.notes[:2]}"
             for r in results if known.get(r.key, (None,))[0] != r.verdict]
    missing = sorted(set(known) - {r.key for r in results})
    return "verdicts changed:\n" + "\n".join(lines + [f"  missing: {m}" for m in missing])
