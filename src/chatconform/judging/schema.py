"""The spec's own rules for an exchange: request body, status, content type, response body, chunks."""

from __future__ import annotations

import difflib

from chatconform.dialects import contracts
from chatconform.judging import specdefects
from chatconform.judging.events import branches
from chatconform.judging.route import Route, contract_named, route
from chatconform.judging.run import RunContext
from chatconform.judging.validators import unchecked_findings, validate, validate_derived_chunk
from chatconform.model.exchange import NOT_JSON, Exchange
from chatconform.model.finding import GAP_KIND, Finding, excerpt
from chatconform.model.pointer import to_fragment
from chatconform.specs import LoadedSpec, Operation, SpecStore

MAX_STREAM_FINDINGS = 20
SHOWN_MODELS = 8  # pinned models named in a gap: a catalog pins hundreds


def schema_findings(ex: Exchange, run: RunContext) -> list[Finding]:
    """Everything the spec alone says about this exchange (the spec its Route names)."""
    way, store = route(ex, run), run.store
    if way.problem:
        return [_gap("spec-gap.no-spec", f"{way.why}, but {way.problem}")]
    if way.source is None:
        return [
            _gap(
                "spec-gap.no-spec",
                f"no spec in specs/sources.toml for {ex.provider} model "
                f"{ex.model!r} ({_pinned(store.catalog.models_of(ex.provider), ex.model)})",
            )
        ]
    spec = store.load(way.source)
    op = spec.find_operation(ex.request.method, ex.request.path)
    if op is None:
        return [
            _gap(
                "spec-gap.no-operation",
                f"{spec.display} documents no {ex.request.method} operation matching {ex.request.path}",
            )
        ]
    found = request_findings(ex, spec, op)
    if ex.response is None:
        found.append(_gap("gap.no-response", "no response recorded: the source shows the request only"))
        return found
    return found + response_findings(ex, spec, op, way, store)


def _pinned(models: list[str], model: str | None) -> str:
    """The models pinned for the provider, as a reader can take them in: all of a few, else the closest."""
    models = list(dict.fromkeys(models))  # a model is named by its spec's entry and its page's
    if len(models) <= SHOWN_MODELS:
        return f"pinned models: {', '.join(models) or 'none'}"
    close = difflib.get_close_matches(str(model or ""), models, n=SHOWN_MODELS, cutoff=0.5)
    shown = f"; the closest: {', '.join(close)}" if close else ""
    return f"{len(models)} models pinned, none of them this one{shown}"


def request_findings(ex: Exchange, spec: LoadedSpec, op: Operation) -> list[Finding]:
    """The request body against the request schema (a docs example that breaks it is a docs-conflict)."""
    if op.request_schema is None or not ex.request.body:
        return []
    kind = "docs-conflict" if ex.origin == "docs" else "request"
    # An invalid request that got a 4xx is a negative test answered as documented: info, not a warning.
    severity = "info" if ex.response is not None and 400 <= ex.response.status < 500 else "warning"
    if ex.request.json is None:
        return [
            Finding(
                "request.json",
                severity,
                kind,
                message="request body is not JSON",
                excerpt=excerpt(ex.request.body[:60].decode("utf-8", "replace")),
            )
        ]
    return specdefects.fold(
        validate(
            spec, op.request_schema, ex.request.json, check="request.schema", kind=kind, severity=severity
        )
    ) + unchecked_findings(spec, op.request_schema)


def response_findings(
    ex: Exchange, spec: LoadedSpec, op: Operation, way: Route, store: SpecStore
) -> list[Finding]:
    """Status documented, content type documented, body valid against the documented schema."""
    assert ex.response is not None  # schema_findings judges a response only where there is one
    status = ex.response.status
    outage = availability_findings(status)
    if outage:
        return outage
    key, media = op.response_for(status)
    if key is None:
        where = _where(op)
        refused = _refusal_findings(ex, spec, where)
        if refused is not None:
            return refused
        # the status in the id: a project can acknowledge exactly one undocumented status
        return [
            _gap(
                f"spec-gap.status.{status}",
                f"{spec.display} does not document status {status} for {where} "
                f"(documented: {_documented(op)})",
            )
        ]
    if not media:
        if not ex.response.body:
            return []
        only = "only " if len(op.responses) == 1 else ""
        return [
            _gap(
                "spec-gap.no-body-schema",
                f"{spec.display} documents {only}{key} for {_where(op)}, with no "
                f"body schema (documented: {_documented(op)}): the body cannot be validated",
            )
        ]
    media_type = ex.response.media_type
    if media_type == "text/event-stream" and media_type not in media:
        events = stream_schema(ex, spec, way, store)
        if events is not None:
            return events
        json_schema = media.get("application/json")
        if json_schema:
            return derived_stream_findings(ex, spec, json_schema, key, way)
    if media_type not in media:
        return [
            Finding(
                "response.content-type",
                "violation",
                "schema",
                message=(
                    f"content type {media_type or '(none)'} is not documented for {key} "
                    f"(documented: {', '.join(media)})"
                ),
                excerpt=_body_excerpt(ex),
            )
        ]
    pointer = media[media_type]
    if media_type == "text/event-stream":
        return chunk_findings(ex, spec, pointer, way)
    if not ex.body_is_json:
        return [
            Finding(
                "response.json",
                "violation",
                "schema",
                message="response body is not JSON",
                excerpt=_body_excerpt(ex),
            )
        ]
    if pointer is None:
        return [_gap("spec-gap.no-body-schema", f"{spec.display} gives {key} {media_type} no schema")]
    found = specdefects.fold(validate(spec, pointer, ex.json, check="response.schema"))
    return found + unchecked_findings(spec, pointer)


UNAVAILABLE = (429, 502, 503, 504)


def availability_findings(status: int) -> list[Finding]:
    """429/502/503/504 are outages (never a pass, never a regression); any other 5xx is a server error."""
    if status in UNAVAILABLE:
        return [_gap("provider-unavailable", f"status {status}: the provider was unavailable; not judged")]
    if status >= 500:
        return [
            Finding(
                "response.server-error",
                "violation",
                "transport",
                message=f"status {status}: the provider failed to answer a request",
            )
        ]
    return []


def derived_stream_findings(
    ex: Exchange, spec: LoadedSpec, pointer: str, key: str, way: Route
) -> list[Finding]:
    """A stream where the spec documents only JSON: judged against a chunk schema derived from it."""
    note = Finding(
        "spec-gap.derived-chunk-schema",
        "info",
        "spec-lint",
        message=(
            f"{spec.display} documents {key} only as application/json; the stream's chunks are judged "
            "against a chunk schema derived from that completion schema (see chatconform/derived.py)"
        ),
    )
    return [note] + chunk_findings(ex, spec, pointer, way, derived=True)


def stream_schema(ex: Exchange, spec: LoadedSpec, way: Route, store: SpecStore) -> list[Finding] | None:
    """A stream where the operation documents none, judged by the event schema a contract keeps elsewhere: the
    spec's own (Anthropic's lists its events under components), else the dialect's contract's (noted)."""
    if way.dialect is None:
        return None
    path = way.dialect.facts.paths[0]
    own = next((c for c in contracts().values() if c.source == spec.source.id and path in c.streams), None)
    if own is not None:
        return chunk_findings(ex, spec, own.streams[path].lstrip("#"), way)
    fallback = contract_named(way.dialect.facts.contract)
    if fallback is None or path not in fallback.streams:
        return None
    source = next((s for s in store.catalog.sources if s.id == fallback.source), None)
    if source is None:
        return None
    other = store.load(source)
    note = Finding(
        "spec-gap.stream-from-contract",
        "info",
        "spec-lint",
        message=(
            f"{spec.display} documents no event stream for {ex.request.path}; its events are judged against "
            f"{fallback.title} ({other.display}), the {way.dialect.name} contract"
        ),
    )
    return [note] + chunk_findings(ex, other, fallback.streams[path].lstrip("#"), way)


def chunk_findings(
    ex: Exchange, spec: LoadedSpec, pointer: str | None, way: Route | None, derived: bool = False
) -> list[Finding]:
    """Every streamed data event parses as JSON and fits its schema (picked by its type in a union of
    them)."""
    found: list[Finding] = []
    dialect = way.dialect if way is not None else None
    errors = (
        {index for index, _ in dialect.in_band_errors(ex)} if dialect else set()
    )  # judged once, by a claim
    typed = branches(spec, pointer) if pointer is not None and not derived else None
    for index, data, chunk in ex.payloads:
        if index in errors:
            continue
        if chunk is NOT_JSON:
            found.append(
                Finding(
                    "stream.chunk-json",
                    "violation",
                    "schema",
                    at=f"$events[{index}]",
                    message="event data is not JSON",
                    excerpt=excerpt(data),
                )
            )
            continue
        prefix = f"$events[{index}]"
        if derived and pointer is not None:  # a derived schema is always asked for at a pointer
            found += validate_derived_chunk(spec, pointer, chunk, prefix=prefix)
        elif typed is not None and pointer is not None and isinstance(chunk, dict):  # typed only at one
            found += _typed_event(spec, pointer, typed, chunk, prefix)
        elif pointer is not None:
            found += validate(spec, pointer, chunk, check="stream.chunk-schema", prefix=prefix)
    folded = specdefects.fold(found)
    unchecked = unchecked_findings(spec, pointer) if pointer is not None else []
    return unchecked + folded[:MAX_STREAM_FINDINGS]


def _typed_event(spec: LoadedSpec, pointer: str, typed: dict, event: dict, prefix: str) -> list[Finding]:
    """An event against the schema of its own type; a type the spec does not list is a finding of its own."""
    target = typed.get(event.get("type"))
    if target is not None:
        return validate(spec, target, event, check="stream.chunk-schema", prefix=prefix)
    return [
        Finding(
            "stream.chunk-schema",
            "violation",
            "schema",
            at=f"{prefix}.type",
            keyword="oneOf",
            message=f"event type {event.get('type')!r} is not one the spec documents "
            f"({len(typed)} types: {', '.join(sorted(typed)[:8])}{'...' if len(typed) > 8 else ''})",
            excerpt=excerpt(event),
            schema_at=f"specs/{spec.relpath}{to_fragment(pointer)}",
        )
    ]


def _refusal_findings(ex: Exchange, spec: LoadedSpec, where: str) -> list[Finding] | None:
    """A 4xx the operation does not list, judged against the error object the same spec gives elsewhere (its
    contracts.toml `errors`): OpenAI documents only 200 and 429 for chat, yet its ErrorResponse is every
    error's shape. None when the spec names no such schema (then the status is a gap)."""
    contract = next((c for c in contracts().values() if c.source == spec.source.id and c.errors), None)
    assert ex.response is not None  # a status the operation does not list: there is a response
    if contract is None or not 400 <= ex.response.status < 500 or not ex.body_is_json:
        return None
    note = Finding(
        "spec-gap.status",
        "info",
        "spec-lint",
        message=(
            f"{spec.display} does not document status {ex.response.status} for {where}; "
            "the body is judged against "
            f"the error schema the spec gives its errors ({contract.errors})"
        ),
    )
    found = validate(spec, contract.errors.lstrip("#"), ex.json, check="response.schema")
    return [note, *specdefects.fold(found)]


def _where(op: Operation) -> str:
    return f"{op.method.upper()} {op.path}"  # said only in a finding: not worked out for every response


def _documented(op: Operation) -> str:
    parts = [
        f"{key}{'' if any(media.values()) else ' with no body schema'}" for key, media in op.responses.items()
    ]
    return ", ".join(parts) or "nothing"


def _body_excerpt(ex: Exchange) -> str:
    assert ex.response is not None  # asked only about a response body
    return excerpt(ex.response.body[:80].decode("utf-8", "replace"))


def _gap(check: str, message: str) -> Finding:
    return Finding(check, "warning", GAP_KIND, message=message)
