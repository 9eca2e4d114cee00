"""A synthetic results.json at scale: ~300 models of several providers and vendors x ~20 checks.

Deterministic (a seeded generator), with every verdict, replay and live rows of the same model and check,
findings carrying JSON paths, quotes, sources and spec locations, excerpts and observations, docs
conflicts, and an earlier run whose failures differ, so "new failures" has something to say.
"""

from __future__ import annotations

import json
import random

PROVIDERS = {
    "aimlapi": ["google", "openai", "anthropic", "alibaba", "deepseek", "mistralai", "x-ai", "meta-llama"],
    "openrouter": ["google", "openai", "anthropic", "qwen", "nousresearch"],
    "modelslab": [None],
}
CHECKS = [
    "schema",
    "usage.total_is_sum",
    "usage.prompt_counted",
    "usage.reasoning_within_completion",
    "limits.completion_within_max_tokens",
    "limits.default_max_tokens",
    "stream.ends_with_done",
    "stream.chunk_object",
    "stream.one_finish_reason_per_choice",
    "stream.usage_in_last_chunk",
    "n.choices_match",
    "model.answered_as_requested",
    "request.minimal_accepted",
    "request.invalid_rejected",
    "finish.reason_documented",
    "finish.length_when_limit_spent",
    "tools.call_has_index",
    "messages.content_not_null",
    "docs.example_sends_listed_model",
    "docs.tabs_send_one_model",
]
SPEC = "specs/aimlapi/gemini-2.5-flash.json#/paths/~1v1~1chat~1completions/post/responses/200/content"
WEIGHTS = {"pass": 80, "fail": 6, "xfail": 3, "gap": 3, "unavailable": 2, "not-run": 2, "warn": 4}


def models(count: int = 300) -> list[tuple[str, str]]:
    """(provider, model id) pairs: model ids `vendor/model-NNN`, or bare ids where the provider has no
    vendor."""
    out, i = [], 0
    while len(out) < count:
        for provider, vendors in PROVIDERS.items():
            for vendor in vendors:
                out.append((provider, f"{vendor}/model-{i:03d}" if vendor else f"model-{i:03d}"))
                i += 1
    return out[:count]


def finding(check: str, severity: str, i: int) -> dict:
    return {
        "check": check,
        "severity": severity,
        "kind": "claim",
        "at": "$.usage.completion_tokens",
        "message": f"completion_tokens {4000 + i} is over the request's max_tokens 1500",
        "expected": "<= 1500 (request max_tokens)",
        "received": str(4000 + i),
        "says": "An upper bound for the number of tokens that can be generated for a completion.",
        "source": "https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_completion_tokens",
        "schema_at": f"{SPEC}/application~1json/schema/properties/usage",
    }


def row(provider: str, model: str, check: str, verdict: str, i: int, origin: str = "cassette") -> dict:
    """One judged row, shaped as ResultsLog.add writes it."""
    shown = "pass" if verdict == "warn" else verdict
    folder = model.replace("/", "-")
    label = (
        f"cassettes/{provider}/{folder}/basic.yaml#0"
        if origin == "cassette"
        else f"{provider}-{folder}/basic"
    )
    findings = {
        "fail": [finding(check, "violation", i)],
        "xfail": [finding(check, "violation", i)],
        "warn": [
            {
                **finding(check, "warning", i),
                "message": "prompt_tokens is 0 for a non-empty prompt",
                "at": "$.usage.prompt_tokens",
            }
        ],
        "gap": [
            {
                "check": "spec-gap.no-body-schema",
                "severity": "warning",
                "kind": "gap",
                "at": "$",
                "message": "the spec documents only 201 with no body schema: the body cannot be validated",
            }
        ],
    }.get(verdict, [])
    reason = {
        "xfail": "known deviation: the gateway counts reasoning tokens outside completion_tokens "
        "(https://docs.aimlapi.com/faq/reasoning)",
        "gap": "the spec documents only 201 with no body schema",
        "unavailable": "HTTP 503 after 3 retries",
        "not-run": "budget spent",
    }.get(verdict)
    request = (
        f'POST /v1/chat/completions {{"model":"{model}","messages":[{{"role":"user","content":"Say hi"}}],'
        f'"max_tokens":1500,"stream":false}}'
    )
    response = (
        f'200 application/json {{"id":"chatcmpl-{i}","object":"chat.completion","model":"{model}",'
        '"choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"length"}],'
        f'"usage":{{"prompt_tokens":4,"completion_tokens":{4000 + i},"total_tokens":{4004 + i}}}}}'
    )
    return {
        "provider": provider,
        "model": model,
        "check": check,
        "verdict": shown,
        "origin": origin,
        "exchange": label,
        "findings": findings,
        "duration_s": 0.01,
        "reason": reason,
        "test_id": f"tests/conformance/test_recorded.py::test_exchange_conforms[{provider}-{folder}-{check}]",
        "observations": {
            "status": 200,
            "finish_reasons": ["length"],
            "completion_tokens": 4000 + i,
            "model": model,
            "no_limit_sent": False,
            "prompt_tokens": 4,
            "usd": None,
        },
        "excerpt": {"request": request, "response": response}
        if verdict not in ("unavailable", "not-run")
        else {},
    }


def conflict(provider: str, n: int) -> dict:
    sides = [
        {
            "source": f"specs/{provider}/docs/page-{n}.md",
            "says": "Keep in mind that the default is only 512 tokens.",
        },
        {
            "source": f"{SPEC}/application~1json/schema/properties/max_tokens",
            "says": "max_tokens has no default",
        },
    ]
    return {
        "provider": provider,
        "model": None,
        "check": f"docs-conflict.{provider}.default_max_tokens.{n}",
        "verdict": "conflict",
        "origin": "docs",
        "exchange": f"default max_tokens ({n})",
        "findings": [
            {
                "check": f"docs-conflict.{provider}.{n}",
                "severity": "warning",
                "kind": "docs-conflict",
                "at": "$",
                "message": "the prose and the spec disagree on the default max_tokens",
                "extra": {
                    "subject": f"default max_tokens of model {n}",
                    "sides": sides,
                    "consequence": "a request without max_tokens is judged against the prose's 512",
                },
            }
        ],
        "duration_s": 0.0,
        "reason": None,
        "test_id": f"conflict-{n}",
        "observations": {},
    }


def results(count: int = 300, seed: int = 11, started: str = "2026-02-02T02:00:00+00:00") -> dict:
    """The whole results.json: every model x every check, a few live rows beside replay rows, conflicts."""
    rng = random.Random(seed)
    rows = []
    for i, (provider, model) in enumerate(models(count)):
        for check in CHECKS:
            verdict = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
            rows.append(row(provider, model, check, verdict, i))
            if i % 25 == 0 and check == "usage.total_is_sum":  # a live call of the same model and check
                rows.append(row(provider, model, check, "fail" if i % 50 == 0 else "pass", i, origin="live"))
    rows += [conflict(p, n) for n, p in enumerate(["aimlapi", "aimlapi", "modelslab"])]
    counts: dict = {}
    for r in rows:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    return {
        "schema": "chatconform-results/1",
        "tool_version": "0.0.0",
        "mode": "replay",
        "started_at": started,
        "finished_at": started,
        "python": "3",
        "counts": counts,
        "specs": {
            "aimlapi/gemini-2.5-flash": {
                "path": "specs/aimlapi/gemini-2.5-flash.json",
                "sha256": "a" * 64,
                "openapi": "3.0.0",
                "url": "https://docs.aimlapi.com/openapi.json",
                "lint": [],
            }
        },
        "spend": {"spent_usd": 0.0421, "limit_usd": 1.0, "requests": 24, "tokens": 96000, "refused": 0},
        "results": rows,
    }


def write(folder, count: int = 300) -> tuple:
    """results.json and a history holding the run before it (a few of today's failures new) in a folder."""
    history = folder / "history"
    history.mkdir(parents=True, exist_ok=True)
    current = results(count)
    earlier = json.loads(json.dumps(current))  # the run before: the same, but a few of today's failures held
    earlier["started_at"] = "2026-02-01T02:00:00+00:00"
    for r in [r for r in earlier["results"] if r["verdict"] == "fail"][::40]:
        r.update(verdict="pass", findings=[])
    (history / "results-2026-02-01T020000Z0000.json").write_text(json.dumps(earlier))
    (folder / "results.json").write_text(json.dumps(current))
    return folder / "results.json", history, current, earlier
