"""The reference provider measured: its subject in three dialects, what the behavioural measures say under a
behaviour fault (the kill: exactly the rows the fault names turn, to the verdict it names), and the clean
reference's verdicts (every one good: anything else is a false alarm of a measure or a bug of the server)."""

from __future__ import annotations

from dataclasses import dataclass, field

from chatconform.dialects import dialect_named
from chatconform.measures import MeasureResult, Sender, Subject, run, selected
from chatconform.measures.results import STANDING
from chatconform.refserver._fault import Fault
from chatconform.refserver._http import FAULT_HEADER

CI_TRIALS = 5  # the measures' repeat budget in CI: one look, where 5 of 5 decides and 4 of 5 does not
MODEL = "SmolLM2-135M-Instruct"  # the model llama.cpp's server runs in the tests: one compare table for both


@dataclass(frozen=True)
class ReferenceSubject(Subject):
    """The reference provider as a subject: the server's own key, and a fault asked of every request."""

    key: str = field(default="", repr=False)
    fault: str | None = None

    def headers(self, dialect: str) -> dict:
        asked = {FAULT_HEADER: self.fault} if self.fault else {}
        return {"content-type": "application/json", **dialect_named(dialect).auth_headers(self.key), **asked}


def reference_subject(server, root: str | None = None, fault: str | None = None) -> ReferenceSubject:
    """The reference in its three dialects: chat and Responses under OpenAI's contract, messages under
    Anthropic's; `root`: the same paths through a proxy on another port."""
    urls = {
        "openai-chat": f"{server.base_url('openai', 'openai-chat')}/chat/completions",
        "anthropic-messages": f"{server.base_url('anthropic', 'anthropic-messages')}/v1/messages",
        "openai-responses": f"{server.base_url('openai', 'openai-responses')}/responses",
    }
    if root:
        here = f"http://127.0.0.1:{server.port}"
        urls = {d: url.replace(here, root) for d, url in urls.items()}
    return ReferenceSubject(
        "reference",
        MODEL,
        urls,
        key_env="CHATCONFORM_REFERENCE_KEY",
        tokenizer="reference",
        key=server.key,
        fault=fault,
        data=server.data,
    )


def measure(subject: Subject, names=()) -> list[MeasureResult]:
    """The measures named (all when none) at the CI budget."""
    sender = Sender(subject)
    try:
        return run(subject, selected(list(names), CI_TRIALS), sender)[0]
    finally:
        sender.close()


def turned(results: list[MeasureResult]) -> tuple[str, ...]:
    """The rows whose verdict is not good, as `measure/dialect=verdict`."""
    return tuple(sorted(f"{r.key}={r.verdict}" for r in results if STANDING[r.verdict] != "good"))


def expected_rows(fault: Fault, results: list[MeasureResult]) -> tuple[str, ...]:
    """A fault's `measure=verdict` expectations, one per row of that measure the run has (kept whole when the
    run has no row of it, so that the fault cannot be killed then)."""
    out = []
    for wanted in fault.measures:
        name, verdict = wanted.split("=")
        rows = [f"{r.key}={verdict}" for r in results if r.measure == name]
        out += rows or [wanted]
    return tuple(sorted(out))


def measure_fault(server, fault: Fault) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(expected, caught) rows for a behaviour fault: only the measures it names and its carriers are sent."""
    names = dict.fromkeys([w.split("=")[0] for w in fault.measures] + list(fault.carriers))
    results = measure(reference_subject(server, fault=fault.name), names)
    return expected_rows(fault, results), turned(results)


def clean_measures(server) -> list[tuple[str, list]]:
    """(measure row, what is wrong with its verdict) for every measure of the clean reference."""
    results = measure(reference_subject(server))
    return [
        (
            f"measure {r.key}",
            [] if STANDING[r.verdict] == "good" else [f"{r.verdict}: {r.reason or '; '.join(r.notes[:2])}"],
        )
        for r in results
    ]
