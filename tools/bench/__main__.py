"""`make bench`: our compiled validators vs openapi-core on the same 2,000 responses, in one run; then
verify's throughput beside its minimal baseline (verifybench) and the whole catalog's scale, cold and warm
(scalebench).

The spec is the one of the first model of the provider data that has a pulled spec of its own.
"""

from __future__ import annotations

import json
import random
import sys
import time

from chatconform.judging.validators import validate
from chatconform.model.errors import ChatconformError
from chatconform.providers import ProviderData
from chatconform.specs import SpecStore
from tools.bench import scale as scalebench
from tools.bench import verify as verifybench  # (the module is bench/verify.py)

COUNT = 2000


def bench_target(store: SpecStore) -> tuple[object, str, str]:
    """(profile, model, spec source) to measure with: the first model the data lists whose spec is its own."""
    for profile in ProviderData.load().profiles.values():
        for model in profile.models:
            source = store.catalog.spec_for(profile.name, model)
            if source is not None and model in source.models:
                return profile, model, source
    raise ChatconformError("no model of the provider data has a spec of its own to measure with")


def make_responses(count: int = COUNT, seed: int = 7, model: str = "bench-model") -> list[tuple[bytes, bool]]:
    """(body, meant_valid) pairs: valid completions and ones broken in one place each."""
    rng = random.Random(seed)
    breakers = [
        lambda r: r["choices"][0].update(finish_reason="exploded"),
        lambda r: r.pop("usage"),
        lambda r: r["choices"][0]["message"].update(content=None),
        lambda r: r.update(created="yesterday"),
        lambda r: r["usage"].update(total_tokens="many"),
        lambda r: r.update(object="chat.completion.chunk"),
    ]
    out = []
    for index in range(count):
        body = _completion(rng, index, model)
        valid = rng.random() < 0.7
        if not valid:
            rng.choice(breakers)(body)
        out.append((json.dumps(body).encode(), valid))
    return out


def _completion(rng: random.Random, index: int, model: str) -> dict:
    n = rng.choice((1, 1, 1, 2, 3))
    words = " ".join(rng.choice(("alpha", "beta", "gamma", "delta")) for _ in range(rng.randint(5, 400)))
    prompt, completion = rng.randint(1, 50), rng.randint(1, 900)
    return {
        "id": f"bench-{index}",
        "object": "chat.completion",
        "created": 1753456585,
        "model": model,
        "choices": [
            {
                "index": i,
                "finish_reason": "stop",
                "logprobs": None,
                "message": {"role": "assistant", "content": words, "refusal": None},
            }
            for i in range(n)
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "completion_tokens_details": {"reasoning_tokens": rng.randint(0, completion)},
        },
    }


def run_ours(spec, pointer: str, bodies) -> tuple[float, list[bool]]:
    """Seconds taken and per-body validity, parsing JSON and building findings as verify does."""
    start = time.perf_counter()
    verdicts = [not validate(spec, pointer, json.loads(body), check="response.schema") for body, _ in bodies]
    return time.perf_counter() - start, verdicts


def run_openapi_core(raw: dict, bodies, base_url: str, path: str) -> tuple[float, list[bool]]:
    """Seconds taken and per-body validity with openapi-core's response validator."""
    from openapi_core import Config, OpenAPI
    from openapi_core.testing import MockRequest, MockResponse

    # A spec may lack response descriptions (AIML's do); skip spec validation so openapi-core will load it.
    api = OpenAPI.from_dict(raw, config=Config(spec_validator_cls=None))
    request = MockRequest(base_url, "post", path, data=b"{}")
    start = time.perf_counter()
    verdicts = []
    for body, _ in bodies:
        try:
            api.validate_response(request, MockResponse(body, status_code=200))
            verdicts.append(True)
        except Exception:  # openapi-core raises one of several error classes for an invalid response
            verdicts.append(False)
    return time.perf_counter() - start, verdicts


def main() -> int:
    store = SpecStore()
    profile, model, source = bench_target(store)
    spec = store.load(source)
    op = spec.find_operation("post", profile.chat_path)
    pointer = op.responses["200"]["application/json"]
    bodies = make_responses(model=model)
    run_ours(spec, pointer, bodies[:50])  # compile and warm the caches, as a long run would be
    ours_s, ours = run_ours(spec, pointer, bodies)
    core_s, core = run_openapi_core(spec.raw, bodies, profile.base_url, profile.chat_path)
    meant = [valid for _, valid in bodies]
    print(
        f"responses: {len(bodies)} ({sum(meant)} valid, {len(bodies) - sum(meant)} broken), "
        f"spec {spec.display}"
    )
    print(f"chatconform  : {len(bodies) / ours_s:10.0f} responses/s  ({ours_s:.3f} s)")
    print(f"openapi-core : {len(bodies) / core_s:10.0f} responses/s  ({core_s:.3f} s)")
    print(f"ratio        : {core_s / ours_s:10.1f}x  (chatconform vs openapi-core, same run, same bodies)")
    print(
        f"agreement    : chatconform {sum(a == b for a, b in zip(ours, meant, strict=True))}/{len(meant)} "
        f"with the intended verdicts, "
        f"openapi-core {sum(a == b for a, b in zip(core, meant, strict=True))}/{len(meant)}"
    )
    print()
    verifybench.main()  # prints its targets as holds/MISSED; a bench informs, it does not fail the build
    print()
    scalebench.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
