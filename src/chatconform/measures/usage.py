"""Usage honesty and identity, read off every answer the other measures got (no request of their own)."""

from __future__ import annotations

from dataclasses import replace

from chatconform.judging.claims import relate
from chatconform.measures.catalog import MeasureSpec, defaults
from chatconform.measures.counters import Counter
from chatconform.measures.results import BROKEN, DOCUMENTED, HOLDS, INCONCLUSIVE, MeasureResult
from chatconform.measures.stats import decide
from chatconform.measures.subject import Subject, reported_prompt
from chatconform.measures.trials import NOTES, answer
from chatconform.providers import Documented

PAIRS = 20  # (reported, local) pairs kept in a result


def usage_honesty(
    spec: MeasureSpec, dialect: str, subject: Subject, exchanges, counter: Counter
) -> MeasureResult:
    """Reported prompt tokens (and output tokens, where the tokenizer has a rule for them) against the local
    count, per answer that both sides can give."""
    slack = int(defaults()["prompt_tokens_slack"])
    pairs, outputs, honest, skipped = [], [], [], set()
    notes: list[str] = []
    for ex in exchanges:
        reported = reported_prompt(ex) if answer(ex) else None
        local, why = counter.count(dialect, ex.request_json) if reported is not None else (None, "")
        if reported is None or local is None:
            skipped.add(why or "the answer reports no prompt tokens")
            continue
        pairs.append((reported, local))
        counted = [((reported, local), f"{reported} prompt tokens reported, {local} counted locally")]
        out = _output_pair(ex, counter)
        if out is not None:
            outputs.append(out)
            counted.append((out, f"{out[0]} output tokens reported, {out[1]} counted locally"))
        wrong = [said for (r, c), said in counted if not c <= r <= c + slack]
        honest.append(not wrong)
        notes += wrong[: max(0, NOTES - len(notes))]
    result = _result(spec, dialect, subject, sum(honest), len(pairs), HOLDS, BROKEN)
    result.notes = notes
    result.numbers = _figures(pairs, subject, counter, slack)
    if outputs:
        result.numbers.update(
            reported_output_tokens=sum(r for r, _ in outputs), local_output_tokens=sum(c for _, c in outputs)
        )
    if not pairs:
        result.reason = "; ".join(sorted(skipped)) or "no answer to count"
    return result


def _output_pair(ex, counter: Counter) -> tuple[int, int] | None:
    """(reported, local) output tokens of an answer, when it reports them and the tokenizer has a rule."""
    found = answer(ex)
    reported = found.usage.output if found is not None and found.usage is not None else None
    local = counter.count_output(found) if isinstance(reported, int) else None
    return None if local is None or reported is None else (reported, local)  # local only with reported


def _figures(pairs, subject: Subject, counter: Counter, slack: int) -> dict:
    """Both numbers of each pair, the ratio of the sums, and what the difference costs at the data's price."""
    reported, local = sum(r for r, _ in pairs), sum(c for _, c in pairs)
    out = {
        "pairs": [list(p) for p in pairs[:PAIRS]],
        "slack": slack,
        "tokenizer": counter.name,
        "reported_tokens": reported,
        "local_tokens": local,
        "ratio": round(reported / local, 4) if local else None,
        "local_counts": len(counter.counts),
    }
    price = subject.price
    if price and pairs:
        out["extra_usd_per_1k_requests"] = round((reported - local) / len(pairs) * price[0] * 1000, 6)
    return out


def identity(
    spec: MeasureSpec, dialect: str, subject: Subject, exchanges, documented: Documented | None = None
) -> MeasureResult:
    """The answering model against the one asked for (claims/_modelid's rules for spellings of one id)."""
    seen = []
    notes: list[str] = []
    for ex in exchanges:
        found, asked = answer(ex), ex.request_json.get("model")
        if found is None or not isinstance(asked, str):
            continue
        same = found.model is not None and relate(asked, found.model).same_model
        seen.append(same)
        if not same and len(notes) < 1:
            notes.append(f"{found.model!r} answered for {asked!r}")
    result = _result(spec, dialect, subject, sum(seen), len(seen), HOLDS, BROKEN)
    result.notes = notes
    if documented is not None and result.verdict != HOLDS:
        result.verdict, result.quote = DOCUMENTED, {"says": documented.says, "source": documented.source}
        result.reason = "the provider documents that the model asked for is not used"
    return result


def _result(
    spec: MeasureSpec, dialect: str, subject: Subject, successes: int, trials: int, good: str, bad: str
) -> MeasureResult:
    # every observation is in hand before the one look: no error to split over looks
    decided, interval = decide(successes, trials, replace(spec.rule, max_trials=1), last=True)
    verdict = INCONCLUSIVE if decided is None or trials == 0 else (good if decided else bad)
    return MeasureResult(
        spec.id,
        dialect,
        subject.name,
        subject.model,
        verdict,
        successes=successes,
        trials=trials,
        attempted=trials,
        low=interval.low,
        high=interval.high,
        threshold=spec.rule.threshold,
        confidence=spec.rule.confidence,
    )
