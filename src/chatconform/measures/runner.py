"""Running the measures against a subject: the plan before any traffic, then each measure's trials until its
interval decides, then usage honesty and identity off the answers; and the same conclusions from evidence."""

from __future__ import annotations

import json
from dataclasses import dataclass

from chatconform.measures.bodies import CHAT, MESSAGES, body
from chatconform.measures.catalog import MeasureSpec, measures
from chatconform.measures.conclude import conclude
from chatconform.measures.counters import Counter, Recorded, counter_for
from chatconform.measures.evidence import Evidence
from chatconform.measures.oracles import DIALECT_PARITY, ORACLE_PROBES
from chatconform.measures.params import PARAMETER_PROBES
from chatconform.measures.results import DOCUMENTED, MeasureResult
from chatconform.measures.subject import Sender, Subject
from chatconform.measures.trials import Made, TrialRecord, fate
from chatconform.measures.usage import identity, usage_honesty
from chatconform.providers import ProviderData

PROBES = {**PARAMETER_PROBES, **ORACLE_PROBES}
FREE = ("usage-honesty", "identity")  # read off the others' answers: no request of their own


def rows(spec: MeasureSpec, subject: Subject) -> list[str]:
    """The dialects (rows) a measure has for a subject: those it and the subject both speak."""
    if spec.id == "dialect-parity":
        return [DIALECT_PARITY] if {CHAT, MESSAGES} <= set(subject.dialects) else []
    return [d for d in spec.dialects if d in subject.dialects]


def documented_ignore(subject: Subject, parameter: str | None):
    """The provider's own words saying it ignores a parameter for this model (data: ignored_parameters)."""
    from chatconform.providers import covers

    found = subject.data.documented_values(subject.provider, "ignored_parameters") if subject.data else []
    for doc in found:
        if parameter in (doc.value or []) and covers(doc.models, subject.model):
            return doc
    return None


@dataclass(frozen=True)
class PlanLine:
    """The most one measure may spend on a subject in one dialect: requests and output tokens are ceilings;
    prompt tokens an estimate (characters / 3 of what is sent: a server's chat template adds its own)."""

    measure: str
    dialect: str
    requests: int
    output: int
    prompt: int
    usd: float | None


def plan(subject: Subject, specs: list[MeasureSpec]) -> list[PlanLine]:
    """The request and token ceiling of each measure (retries aside), before any traffic."""
    out = []
    for spec in specs:
        if spec.id in FREE:
            out += [PlanLine(spec.id, d, 0, 0, 0, 0.0) for d in rows(spec, subject)]
            continue
        for dialect in rows(spec, subject):
            if documented_ignore(subject, spec.parameter):
                out.append(PlanLine(spec.id, dialect, 0, 0, 0, 0.0))
                continue
            prompt, output = max(_ceiling(spec, dialect, t, subject) for t in range(spec.rule.max_trials))
            calls = PROBES[spec.id].most * spec.rule.max_trials
            price = subject.price
            usd = None if price is None else calls * (prompt * price[0] + output * price[1])
            out.append(PlanLine(spec.id, dialect, calls, calls * output, calls * prompt, usd))
    return out


def _ceiling(spec, dialect: str, trial: int, subject: Subject) -> tuple[int, int]:
    """(prompt, output) tokens at most of one call of a trial (prompt: characters / 3, as the budget does)."""
    calls = list(PROBES[spec.id].calls(spec, dialect, trial, {}))
    worst = (0, 0)
    for call in calls:
        sent = body(call.dialect or dialect, subject.model, call.ask)
        prompt = len(json.dumps(sent.get("messages") or sent.get("input"))) // 3 + 1
        worst = max(worst, (prompt, call.ask.max_tokens * (call.ask.n or 1)), key=sum)
    return worst


def run(
    subject: Subject,
    specs: list[MeasureSpec],
    sender: Sender,
    counter: Counter | None = None,
    evidence: Evidence | None = None,
) -> tuple[list[MeasureResult], Evidence]:
    """Every measure selected, against a live subject; the evidence keeps every exchange used."""
    evidence = evidence or Evidence(subject.describe())
    results = []
    for spec in specs:
        if spec.id in FREE:
            continue
        for dialect in rows(spec, subject):
            results.append(_one(spec, dialect, subject, sender, evidence))
    counter = counter or counter_for(subject.tokenizer, subject.tokenizer_url)
    results += free_measures(subject, specs, evidence, counter)
    evidence.local_counts, evidence.free = dict(counter.counts), [s.id for s in specs if s.id in FREE]
    return results, evidence


def _one(
    spec: MeasureSpec, dialect: str, subject: Subject, sender: Sender, evidence: Evidence
) -> MeasureResult:
    """One measure in one dialect: trials until the interval decides or the repeat budget is spent."""
    documented = documented_ignore(subject, spec.parameter)
    if documented is not None:
        return MeasureResult(
            spec.id,
            dialect,
            subject.name,
            subject.model,
            DOCUMENTED,
            threshold=spec.rule.threshold,
            confidence=spec.rule.confidence,
            quote={"says": documented.says, "source": documented.source},
            reason="not sent: the provider documents that it ignores " + str(spec.parameter),
        )
    probe, records = PROBES[spec.id], []
    result = None
    for trial in range(spec.rule.max_trials):
        records.append(_trial(spec, dialect, trial, subject, sender))
        result, final = conclude(
            spec,
            probe,
            dialect,
            records,
            subject.name,
            subject.model,
            finished=trial + 1 == spec.rule.max_trials,
        )
        if final:
            break
    evidence.keep(spec, dialect, records)
    assert result is not None  # a rule allows at least one trial
    return result


def _trial(spec: MeasureSpec, dialect: str, trial: int, subject: Subject, sender: Sender) -> TrialRecord:
    record = TrialRecord(trial)
    got: dict = {}
    for call in PROBES[spec.id].calls(spec, dialect, trial, got):
        where = call.dialect or dialect
        sent = sender.send(
            where, body(where, subject.model, call.ask), f"{subject.name}/{spec.id}/{trial}/{call.role}"
        )
        made = Made(call.role, call.probed, sent.exchange, sent.attempts, sent.detail, sent.tokens, sent.usd)
        record.made.append(made)
        if fate(made, spec.fields) is not None:
            break
        got[call.role] = sent.exchange
    return record


def free_measures(subject: Subject, specs: list[MeasureSpec], evidence: Evidence, counter: Counter) -> list:
    """Usage honesty and identity of each dialect, from the answers the evidence holds."""
    out = []
    chosen = {s.id for s in specs}
    for dialect in subject.dialects:
        answers = evidence.answers(dialect)
        if "usage-honesty" in chosen:
            out.append(usage_honesty(measures()["usage-honesty"], dialect, subject, answers, counter))
        if "identity" in chosen:
            out.append(
                identity(
                    measures()["identity"], dialect, subject, answers, documented_ignore(subject, "model")
                )
            )
    return out


def rescore(
    subject: dict,
    runs: list[dict],
    specs: dict[str, MeasureSpec] | None = None,
    data: ProviderData | None = None,
) -> list[MeasureResult]:
    """The verdicts again, from evidence alone (with this suite's scoring and the run's own rules; its prices
    and documented ignores from the run's provider `data`)."""
    from dataclasses import replace

    specs = specs or dict(measures())
    who = Subject(
        subject["name"],
        subject["model"],
        dict(subject.get("urls") or {}),
        subject.get("provider", ""),
        tokenizer=subject.get("tokenizer", "none"),
        data=data,
    )
    evidence, results = Evidence(subject), []
    for run in runs:
        spec = replace(specs[run["measure"]], rule=run["rule"])
        result, _ = conclude(
            spec, PROBES[spec.id], run["dialect"], run["records"], who.name, who.model, finished=True
        )
        evidence.keep(spec, run["dialect"], run["records"])
        results.append(result)
    counter: Counter = Recorded(who.tokenizer, subject.get("local_counts") or {})
    if who.tokenizer in ("openai", "reference"):
        counter = counter_for(who.tokenizer)  # a rule of data: counted again, not read back
    free = [specs[name] for name in subject.get("free") or [] if name in specs]
    return results + free_measures(who, free, evidence, counter)
