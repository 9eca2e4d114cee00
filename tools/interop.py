"""Judging a server we did not write: its deviations are findings to report, never failures to raise.

`fuzz()` runs Hypothesis over the request strategies of chatconform.live.strategies, but an example that shows
a deviation is recorded (each distinct deviation with the shrunk request that shows it) instead of failing the
run, so one bounded run can list every deviation a server has.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from hypothesis import HealthCheck, given, settings

from chatconform.dialects import load_dialects
from chatconform.judging.validators import validate
from chatconform.live.calls import Target
from chatconform.live.client import CallResult, RetryPolicy, call
from chatconform.model.errors import UsageError
from chatconform.model.finding import Finding
from chatconform.model.pointer import resolve

# What the server did (not: gaps of the spec, defects of the spec, problems of our own request).
SERVER_KINDS = ("schema", "claim", "transport")
ERROR_SHAPE = "error.documented_shape"
VALID_ACCEPTED = "request.valid_accepted"
FLAT = "x-chatconform-flat-request"


def server_findings(findings: list[Finding]) -> list[Finding]:
    """The violations and warnings that are the server's own doing."""
    return [f for f in findings if f.severity in ("violation", "warning") and f.kind in SERVER_KINDS]


def documented_error_schema(spec, op) -> str | None:
    """The pointer of the JSON body the spec documents for an error status of this operation, if any."""
    responses = resolve(spec.doc, op.pointer).get("responses") or {}
    for key in sorted(k for k in responses if str(k)[:1] == "4"):
        pointer = f"{op.pointer}/responses/{key}"
        node = responses[key]
        if isinstance(node, dict) and str(node.get("$ref", "")).startswith("#/"):
            pointer = node["$ref"][
                1:
            ]  # OpenAI's 429 is a shared response object: {"$ref": ".../TooManyRequests"}
            node = resolve(spec.doc, pointer)
        if isinstance(node, dict) and "schema" in (node.get("content") or {}).get("application/json", {}):
            return f"{pointer}/content/application~1json/schema"
    return None


def error_shape_findings(ex, store) -> list[Finding]:
    """A 4xx JSON body against the error object the spec documents (OpenAI documents one, for its 429)."""
    if ex.response is None or not 400 <= ex.response.status < 500 or not ex.body_is_json:
        return []  # a body that is not JSON at all is request.invalid_rejected's finding
    spec = store.spec_or_none(ex.provider, ex.model)
    op = spec.find_operation(ex.request.method, ex.request.path) if spec else None
    pointer = documented_error_schema(spec, op) if op else None
    if pointer is None:
        return []
    found = validate(spec, pointer, ex.json, check=ERROR_SHAPE, kind="claim", severity="warning")
    for finding in found:
        finding.says = (
            "(implied by OpenAI compatibility) every error answer carries the one error object "
            "the spec documents"
        )
        finding.source = f"specs/{spec.source.relpath}#{pointer}"
    return found


def refusal(ex) -> list[Finding]:
    """A request inside the request schema that did not get a 2xx (the fuzzer's positive rule)."""
    if ex.ok:
        return []
    return [
        Finding(
            VALID_ACCEPTED,
            "violation",
            "claim",
            message=f"a valid request got {ex.response.status}",
            received=str(ex.response.status),
            expected="2xx",
            says="(implied by OpenAI compatibility) a request inside the request schema is answered",
        )
    ]


def flattened(spec, op):
    """(spec, op) views whose request schema has its allOf parts merged into one object's properties.

    The strategies read top-level `properties` of the request schema; OpenAI's request schema keeps
    temperature and top_p two allOf levels down, where they would otherwise never be drawn or broken.
    """
    merged = _merge(spec.doc, {"$ref": "#" + op.request_schema}, 0)
    return replace(spec, doc={**spec.doc, FLAT: merged}), replace(op, request_schema="/" + FLAT)


def _merge(doc: dict, schema, depth: int) -> dict:
    """One object schema with the properties and required names of every allOf part ($refs followed)."""
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#"):
        schema = resolve(doc, schema["$ref"][1:])
    out = {"type": "object", "properties": {}, "required": []}
    if not isinstance(schema, dict) or depth > 8:
        return out
    for part in schema.get("allOf", []):
        inner = _merge(doc, part, depth + 1)
        out["properties"].update(inner["properties"])
        out["required"] += [r for r in inner["required"] if r not in out["required"]]
    out["properties"].update(schema.get("properties") or {})
    out["required"] += [r for r in schema.get("required") or [] if r not in out["required"]]
    return out


@dataclass
class Deviation:
    """One distinct deviation: its key, the check, and the smallest request Hypothesis found showing it."""

    key: str
    check: str
    request: dict
    status: int | None
    findings: list[dict]


@dataclass
class FuzzRun:
    """What a bounded fuzz run sent and found."""

    sent: int = 0
    seconds: float = 0.0
    cut_short: str | None = None  # why examples went unsent: out of time, or out of requests
    deviations: dict[str, Deviation] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """For the report."""
        return {
            "sent": self.sent,
            "seconds": round(self.seconds, 1),
            "cut_short": self.cut_short,
            "deviations": {k: vars(d) for k, d in sorted(self.deviations.items())},
        }


# probe(body) -> (status, {deviation key: [findings]}); one request per distinct body.
Probe = Callable[[dict], tuple[int | None, dict[str, list[Finding]]]]


class _Shows(Exception):
    """Raised for an example that shows deviations; one subclass per set of keys, so each shrinks apart."""

    def __init__(self, body: dict, status, found: dict):
        super().__init__(", ".join(sorted(found)))
        self.body, self.status, self.found = body, status, found


_CLASSES: dict[frozenset, type] = {}


class _Sender:
    """Sends each distinct body once, within the request and time limits; remembers what it answered."""

    def __init__(self, probe: Probe, run: FuzzRun, sends: int, seconds: float):
        self.probe, self.run, self.sends, self.seen, self.error = probe, run, sends, {}, None
        self.deadline = time.monotonic() + seconds

    def __call__(self, body: dict):
        key = json.dumps(body, sort_keys=True)
        if key not in self.seen:
            over = (
                "out of time"
                if time.monotonic() > self.deadline
                else "out of requests"
                if self.run.sent >= self.sends
                else None
            )
            if over or self.error is not None:
                self.run.cut_short = self.run.cut_short or over  # unsent: shows nothing
                return None, {}
            self.run.sent += 1
            try:
                self.seen[key] = self.probe(body)
            except Exception as err:  # our machinery failed: stop sending, raise it after Hypothesis
                self.error = self.seen[key] = err
        if isinstance(self.seen[key], Exception):
            raise self.seen[key]
        return self.seen[key]  # a replayed example answers as it first did: never flaky


def fuzz(
    strategy,
    probe: Probe,
    *,
    examples: int = 25,
    seconds: float = 30.0,
    sends: int | None = None,
    keep: tuple[str, ...] = ("model", "messages"),
) -> FuzzRun:
    """Run `probe` on `examples` derandomised examples and Hypothesis' shrinking of them (at most `sends`
    requests, default three per example), then tidy each deviation's request; all within `seconds`."""
    run, started = FuzzRun(), time.monotonic()
    sender = _Sender(probe, run, sends or 3 * examples, seconds)

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        report_multiple_bugs=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=strategy)
    def check(body):
        status, found = sender(body)
        if found:
            cls = _CLASSES.setdefault(frozenset(found), type("Shows", (_Shows,), {}))
            raise cls(body, status, found)

    try:
        check()
    except BaseException as err:  # noqa: BLE001 - unwrapped below; anything not ours is raised again
        if sender.error is not None:
            raise sender.error from None
        _collect(err, run)
    for deviation in run.deviations.values():
        _tidy(deviation, sender, keep)
    run.seconds = time.monotonic() - started
    return run


def _tidy(deviation: Deviation, sender: _Sender, keep: tuple[str, ...]) -> None:
    """What shrinking left within its budget: drop each field not kept, then keep one short message.

    A few requests per deviation on top of the budget; a candidate that no longer shows the deviation is
    dropped, so the request recorded still shows it.
    """
    dropped = sorted(set(deviation.request) - set(keep))
    steps = [lambda b, k=k: {n: v for n, v in b.items() if n != k} for k in dropped]
    steps.append(
        lambda b: (
            {**b, "messages": [{"role": "user", "content": "a"}]}
            if isinstance(b.get("messages"), list)
            else b
        )
    )
    sender.sends += len(steps)
    for step in steps:
        candidate = step(deviation.request)
        if candidate == deviation.request:
            continue
        status, found = sender(candidate)
        if deviation.key in found:
            deviation.request, deviation.status = candidate, status
            deviation.findings = [f.brief() for f in found[deviation.key]]


def _collect(err: BaseException, run: FuzzRun) -> None:
    """Each deviation key keeps the smallest request among the shrunk examples that show it."""
    shown = [e for e in _leaves(err) if isinstance(e, _Shows)]
    if len(shown) != len(_leaves(err)):
        raise err
    for example in sorted(shown, key=lambda e: len(json.dumps(e.body, sort_keys=True))):
        for key, findings in sorted(example.found.items()):
            if key not in run.deviations:
                run.deviations[key] = Deviation(
                    key,
                    findings[0].check if findings else key,
                    example.body,
                    example.status,
                    [f.brief() for f in findings],
                )


def _leaves(err: BaseException) -> list[BaseException]:
    if isinstance(err, BaseExceptionGroup):
        return [leaf for inner in err.exceptions for leaf in _leaves(inner)]
    return [err]


def send_in_dialect(target: Target, path: str, body: dict, policy: RetryPolicy | None = None) -> CallResult:
    """POST a body to a path below the target's base URL as the path's dialect sends it (its auth headers).

    For a server judged in every dialect it serves (llama-server's /v1/messages beside its chat): no budget,
    so only for servers that cost nothing (loopback, the reference provider).
    """
    dialect = next((d for d in load_dialects().values() if d.serves(path)), None)
    if dialect is None:
        raise UsageError(
            f"no dialect serves {path!r}; known: "
            + ", ".join(p for d in load_dialects().values() for p in d.facts.paths)
        )
    headers = {"content-type": "application/json", **dialect.auth_headers(target.key), **dict(target.headers)}
    if not target.base_url:  # a server on loopback: its base URL, not a provider's from the data
        raise UsageError(f"{target.id}: sending in a dialect needs the server's base URL")
    url = target.base_url.rstrip("/") + path
    return call(
        "POST",
        url,
        headers,
        json.dumps(body).encode(),
        policy=policy,
        origin=target.origin,
        provider=target.provider,
        model=target.model,
        label=f"{target.id}{path}",
    )
