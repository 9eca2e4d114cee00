"""Proof that checks and measures bite: every fault of the reference provider must be caught by exactly its
check, or turn exactly the measures it names to the verdict it names (refserver/measured.py)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from chatconform.judging.judge import judge
from chatconform.judging.run import RunContext
from chatconform.live.calls import Target, run
from chatconform.live.client import CallResult, RetryPolicy
from chatconform.live.scenarios import BY_ID, SCENARIOS
from chatconform.model.errors import ChatconformError
from chatconform.providers import BASE_SHAPE, GENERIC, ProviderData, covers
from chatconform.refserver import FAULTS, ReferenceServer
from chatconform.refserver._dialect_calls import BY_ID as DIALECT_BY_ID
from chatconform.refserver._dialect_calls import DIALECT_SCENARIOS, send
from chatconform.refserver._http import FAULT_HEADER
from chatconform.refserver.measured import clean_measures, measure_fault

# Kinds of finding that speak of the documents or of our own request, not of the server (info findings are
# observations, e.g. the documented empty-content pitfall shown correctly, and are left out too).
DOCUMENT_KINDS = {"gap", "spec-lint", "docs-conflict", "spec-defect", "request"}
# Stream faults go to the generic contract: a provider's own chunk schema may carry a declared spec defect.
STREAM_TARGET = (GENERIC, "reference-model")
STREAMED = ("stream", "tools-stream")
GENERIC_MODEL = "ref"  # the generic provider lists no models: the reference answers any


@dataclass
class Kill:
    """One fault: what was expected to catch it, what did, and whether it was killed."""

    fault: str
    expected: tuple[str, ...]
    caught: tuple[str, ...]

    @property
    def killed(self) -> bool:
        return (
            bool(self.caught)
            and all(_matches(c, self.expected) for c in self.caught)
            and all(any(_matches(c, (e,)) for c in self.caught) for e in self.expected)
        )


def _matches(check: str, expected) -> bool:
    return any(check == e or (e.endswith(".*") and check.startswith(e[:-2])) for e in expected)


def policy() -> RetryPolicy:
    """Fast retries and a short read timeout, so outage faults end quickly."""
    return RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.05, read_timeout=1.0, connect_timeout=1.0)


def target_for(server: ReferenceServer, provider: str, model: str, shape: str = BASE_SHAPE) -> Target:
    return Target(
        provider,
        model,
        base_url=server.base_url(provider),
        key_env="CHATCONFORM_REFERENCE_KEY",
        origin="reference",
        shape=shape,
    )


def fault_target(data: ProviderData) -> tuple[str, str]:
    """(provider, model) the chat faults go to: the data's first reasoning model with a documented default."""
    # (the default-limit fault needs a documented default, the empty-content fault a model that reasons)
    found = next(
        (
            (p.name, m)
            for p in data.profiles.values()
            for m in p.models
            if p.reasoning_models
            and covers(p.reasoning_models, m)
            and data.documented_value(p.name, "default_max_tokens", m)
        ),
        None,
    )
    if found is None:
        raise ChatconformError(
            "the provider data has no reasoning model with a documented default max_tokens: "
            "the self-test needs one to aim its faults at"
        )
    return found


def behaviour_findings(result, run: RunContext) -> list:
    """Findings about the server's behaviour (document findings left out), or the outage marker."""
    if result.outcome == "provider-unavailable":
        return ["provider-unavailable"]
    return [
        f
        for f in judge(result.exchange, run).findings
        if f.kind not in DOCUMENT_KINDS and f.severity != "info"
    ]


def run_fault(server: ReferenceServer, name: str, run_ctx: RunContext) -> Kill:
    """Inject one fault through the request header and see which checks catch it (or which measures turn)."""
    fault, header = FAULTS[name], {FAULT_HEADER: name}
    result: CallResult | None
    if fault.measures:
        return Kill(name, *measure_fault(server, fault))
    if fault.scenario in DIALECT_BY_ID:
        result = send(server, DIALECT_BY_ID[fault.scenario], policy(), header)
    else:
        provider, model = STREAM_TARGET if fault.scenario in STREAMED else fault_target(run_ctx.data)
        target = target_for(server, provider, model)
        result = run(target, BY_ID[fault.scenario], None, policy(), header, data=run_ctx.data).result
    found = behaviour_findings(result, run_ctx)
    caught = tuple(sorted({f if isinstance(f, str) else f.check for f in found}))
    return Kill(name, fault.expected, caught)


def clean_targets(server: ReferenceServer) -> list[Target]:
    """Every provider and model of the data (the reference serves them all), in each live request shape."""
    return [
        target_for(server, p.name, model, shape)
        for p in server.data.profiles.values()
        for model in (p.models or (GENERIC_MODEL,))
        for shape in p.live_shapes
    ]


def run_clean(server: ReferenceServer, run_ctx: RunContext) -> list[tuple[str, list]]:
    """(target/scenario, behaviour findings) for every scenario of every target, and every scenario of the
    other dialects, with no fault."""
    out = []
    for target in clean_targets(server):
        for scenario in (s for s in SCENARIOS if s.for_provider(target.provider, run_ctx)):
            outcome = run(target, scenario, None, policy(), data=run_ctx.data)
            out.append((f"{target.id}/{scenario.id}", behaviour_findings(outcome.result, run_ctx)))
    for dialect_scenario in DIALECT_SCENARIOS:
        result = send(server, dialect_scenario, policy())
        out.append((f"{dialect_scenario.dialect}/{dialect_scenario.id}", behaviour_findings(result, run_ctx)))
    return out


def brief(found) -> str:
    """Checks, or measure rows (`measure/dialect=verdict`), one measure and verdict's dialects together."""
    grouped: dict[str, list[str]] = {}
    for item in found:
        row, _, verdict = item.partition("=")
        measure, _, dialect = row.partition("/")
        grouped.setdefault(f"{measure}={verdict}" if verdict else item, []).append(dialect)
    return ", ".join(
        f"{key} ({', '.join(d for d in ds if d)})" if any(ds) else key for key, ds in grouped.items()
    )


def main(data: ProviderData | None = None) -> int:
    """`make selftest`: the kill ratio, the survivors, and the clean run (with the command's provider
    data)."""
    import os

    from chatconform.specs import SpecStore

    os.environ.setdefault("CHATCONFORM_REFERENCE_KEY", "reference-key")
    run_ctx = RunContext(data if data is not None else ProviderData.load(), SpecStore())
    with ReferenceServer(run_ctx.store, slow_seconds=2.0, data=run_ctx.data) as server:
        kills = [run_fault(server, name, run_ctx) for name in sorted(FAULTS)]
        clean, measured = run_clean(server, run_ctx), clean_measures(server)
    width = max(len(k.fault) for k in kills)
    for k in kills:
        print(
            f"{'killed  ' if k.killed else 'SURVIVED'} {k.fault:{width}} expected {brief(k.expected):45} "
            f"caught {brief(k.caught) or '-'}"
        )
    dirty = [(where, found) for where, found in clean + measured if found]
    print(
        f"\nclean server: {len(clean)} exchanges and {len(measured)} measure rows, {len(dirty)} with findings"
    )
    for where, found in dirty:
        print(f"  {where}: {[getattr(f, 'check', f) for f in found]}")
    killed, by_measure = sum(k.killed for k in kills), [k for k in kills if FAULTS[k.fault].measures]
    print(
        f"kill ratio: {killed}/{len(kills)} = {100 * killed / len(kills):.0f}% (checks "
        f"{killed - sum(k.killed for k in by_measure)}/{len(kills) - len(by_measure)}, measures "
        f"{sum(k.killed for k in by_measure)}/{len(by_measure)})"
    )
    survivors = [k.fault for k in kills if not k.killed]
    print(f"survivors: {', '.join(survivors) or 'none'}")
    return 0 if not survivors and not dirty else 1


if __name__ == "__main__":
    sys.exit(main())
