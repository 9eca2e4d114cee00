"""From trial records to a verdict: the same function for a live run (after each trial) and for rescoring."""

from __future__ import annotations

from chatconform.measures.catalog import PARAMETER, MeasureSpec
from chatconform.measures.results import (
    BROKEN,
    HOLDS,
    HONOURED,
    IGNORED,
    INCONCLUSIVE,
    REJECTED,
    MeasureResult,
)
from chatconform.measures.stats import decide
from chatconform.measures.trials import NOTES, Outcome, Probe, TrialRecord, fate, refusal


def conclude(
    spec: MeasureSpec,
    probe: Probe,
    dialect: str,
    records: list[TrialRecord],
    subject: str,
    model: str,
    finished: bool = False,
) -> tuple[MeasureResult, bool]:
    """(the result so far, whether it is final): decided at a planned look, a rejection, too flaky, or the
    repeat budget spent (`finished`)."""
    result = MeasureResult(
        spec.id,
        dialect,
        subject,
        model,
        INCONCLUSIVE,
        threshold=spec.rule.threshold,
        confidence=spec.rule.confidence,
    )
    for record in records:
        for made in record.made:
            result.cost.add(made.attempts, made.tokens, made.usd)
    for record in records:
        result.attempted += 1
        fates = [(m, fate(m, spec.fields)) for m in record.made]
        refused = next((m for m, f in fates if f == "rejected"), None)
        if refused is not None:
            result.verdict, result.reason = REJECTED, f"{refused.role}: {refusal(refused)}"
            return result, True
        lost = next((m for m, f in fates if f == "failed"), None)
        if lost is not None or not record.made:
            result.failed += 1
            _note(result, f"trial {record.trial + 1} failed: {refusal(lost) if lost else 'nothing sent'}")
            continue
        outcome = probe.score(spec, dialect, record.exchanges())
        _count(result, record.trial, outcome)
    return _decide(spec, result, finished)


def _count(result: MeasureResult, trial: int, outcome: Outcome) -> None:
    if outcome.effect is not None:
        result.trials += 1
        result.successes += int(outcome.effect)
    if outcome.note:
        _note(result, f"trial {trial + 1}: {outcome.note}")


def _note(result: MeasureResult, text: str) -> None:
    if len(result.notes) < NOTES:
        result.notes.append(text)


def _decide(spec: MeasureSpec, result: MeasureResult, finished: bool) -> tuple[MeasureResult, bool]:
    if result.attempted and result.failed / result.attempted > spec.max_flaky and result.failed >= 2:
        result.reason = f"flaky: {result.failed} of {result.attempted} trials failed"
        return result, True
    decided, interval = decide(result.successes, result.trials, spec.rule, last=finished)
    result.low, result.high = interval.low, interval.high
    good, bad = (HONOURED, IGNORED) if spec.kind == PARAMETER else (HOLDS, BROKEN)
    if decided is not None and result.trials:
        result.verdict = good if decided else bad
        return result, True
    if finished:
        result.reason = f"undecided after {result.trials} informative of {result.attempted} trials" + (
            f" ({result.failed} failed)" if result.failed else ""
        )
    return result, finished
