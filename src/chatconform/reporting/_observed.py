"""What each model was seen to do, summed over its exchanges (each once, however many checks judged it).

The gate compares these between two runs of a model, or between a baseline model and its candidate:
the default limit (largest completion with no limit sent), the finish_reason mix, completion tokens,
the answering model, tokens and the spend the provider reported.
"""

from __future__ import annotations

from collections import Counter

# a live model never answers with the same number of tokens twice: a smaller change is noise, not news
RELATIVE = 0.25
MIX, DEFAULT, MEAN, ANSWERING, TOKENS, USD = (
    "finish_reason mix",
    "largest completion with no limit sent",
    "completion tokens per exchange (mean)",
    "answering model",
    "tokens (prompt + completion)",
    "spend reported by the provider",
)
LABELS = (MIX, DEFAULT, MEAN, ANSWERING, TOKENS, USD)
NUMERIC = {MEAN, TOKENS, USD}


def exchanges(rows) -> dict:
    """{(provider, model): {exchange: observations}}: one observation per exchange, rows without one
    skipped."""
    out: dict = {}
    for row in rows:
        obs = row.get("observations") or {}
        if not obs:
            continue
        exchange = (row.get("origin"), row.get("exchange") or row.get("test_id") or id(row))
        out.setdefault((row["provider"], row.get("model")), {}).setdefault(exchange, obs)
    return out


def summary(observed: dict) -> dict:
    """The figures of one model's exchanges, by label (a label with nothing observed is left out)."""
    values = list(observed.values())
    mix = Counter(str(r) for obs in values for r in obs.get("finish_reasons") or [])
    completions = [
        obs["completion_tokens"] for obs in values if isinstance(obs.get("completion_tokens"), int)
    ]
    unlimited = [
        obs["completion_tokens"]
        for obs in values
        if obs.get("no_limit_sent") and isinstance(obs.get("completion_tokens"), int)
    ]
    prompts = [obs["prompt_tokens"] for obs in values if isinstance(obs.get("prompt_tokens"), int)]
    answering = sorted({obs["model"] for obs in values if isinstance(obs.get("model"), str)})
    usd = [obs["usd"] for obs in values if isinstance(obs.get("usd"), (int, float))]
    out = {
        MIX: dict(sorted(mix.items())) if mix else None,
        DEFAULT: max(unlimited) if unlimited else None,
        MEAN: round(sum(completions) / len(completions), 1) if completions else None,
        ANSWERING: ", ".join(answering) or None,
        TOKENS: sum(completions) + sum(prompts) if completions or prompts else None,
        USD: round(sum(usd), 6) if usd else None,
    }
    return {label: value for label, value in out.items() if value is not None}


def changes(before: dict, after: dict) -> list[str]:
    """'provider model: label old -> new' for every figure that changed (numbers: by a quarter or more)."""
    lines = []
    for key in sorted(set(before) | set(after), key=lambda k: tuple(map(str, k))):
        old, new = summary(before.get(key, {})), summary(after.get(key, {}))
        name = f"{key[0]} {key[1]}"
        for label in LABELS:
            a, b = old.get(label), new.get(label)
            if a != b and not (label in NUMERIC and _close(a, b)):
                lines.append(f"{name}: {label} {_shown(label, a)} -> {_shown(label, b)}")
    return lines


def _close(a, b) -> bool:
    """True when both are numbers within RELATIVE of each other."""
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return False
    return abs(a - b) <= RELATIVE * max(abs(a), abs(b))


def _shown(label: str, value) -> str:
    if value is None:
        return "-"
    return f"${value:.6f}" if label == USD else str(value)
