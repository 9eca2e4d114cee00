"""Where the providers' own documents disagree: prose vs spec vs model page. Reported, never resolved.

Recomputed on each run from the provider data in force (its documented values, request shapes and prices,
each with its sentence and source) and the pinned specs: a new provider or model in the data is checked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from chatconform.judging.claims._documented import request_property, request_schema
from chatconform.judging.run import RunContext
from chatconform.providers import Documented, ProviderData, covers
from chatconform.specs import LoadedSpec, Operation, SpecStore


@dataclass(frozen=True)
class Side:
    """What one document says, and where."""

    source: str
    says: str


@dataclass(frozen=True)
class Conflict:
    """Two (or more) documents that cannot both be right."""

    id: str
    provider: str
    subject: str
    sides: tuple[Side, ...]
    consequence: str
    model: str | None = None  # the model it is about, when it is about one (None: the provider's documents)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "provider": self.provider,
            "subject": self.subject,
            "consequence": self.consequence,
            "sides": [{"source": s.source, "says": s.says} for s in self.sides],
        }


def docs_conflicts(run: RunContext) -> list[Conflict]:
    """Every disagreement found between the documents the run's data quotes and its pinned specs."""
    data, store = run.data, run.store
    found = [
        *_default_vs_spec(data, store),
        *_stop_limit_vs_spec(data, store),
        *_required_vs_spec(data, store),
        *_shape_vs_auth(data),
        *_price_vs_price(data),
    ]
    first: dict[str, Conflict] = {}
    for conflict in found:
        first.setdefault(conflict.id, conflict)
    return list(first.values())


def _models(data: ProviderData, d: Documented) -> list[str | None]:
    """The models a documented value covers: the ids it lists, then the provider's models its patterns
    match."""
    profile = data.get(d.provider)
    listed = [m for m in d.models if not any(c in m for c in "*?[")]
    known = list(profile.models) if profile else []
    return [m for m in dict.fromkeys([*listed, *known]) if covers(d.models, m)] or [None]


def _operations(
    data: ProviderData, store: SpecStore, d: Documented
) -> Iterator[tuple[str | None, LoadedSpec, Operation, str]]:
    """(model, spec, chat operation, spec file stem) once per pinned spec the documented value's models
    use."""
    profile, seen = data.get(d.provider), set()
    for model in _models(data, d):
        spec = store.spec_or_none(d.provider, model)
        if spec is None or spec.source.relpath in seen or profile is None:
            continue
        seen.add(spec.source.relpath)
        op = spec.find_operation("post", profile.chat_path)
        if op is not None:
            yield model, spec, op, PurePosixPath(spec.source.relpath).stem


def _default_vs_spec(data: ProviderData, store: SpecStore) -> Iterator[Conflict]:
    """The prose states a default max_tokens; the spec gives max_tokens another default, or none."""
    for d in data.documented_values(name="default_max_tokens"):
        for model, spec, op, stem in _operations(data, store, d):
            prop, pointer = request_property(spec, op, "max_tokens")
            if prop is None or prop.get("default") == d.value:
                continue
            spec_side = (
                f"max_tokens default: {prop['default']}" if "default" in prop else "max_tokens has no default"
            )
            yield Conflict(
                f"{d.provider}.default_max_tokens.{stem}",
                d.provider,
                f"default max_tokens of {model or d.provider}",
                (Side(d.source, d.says), Side(f"specs/{spec.source.relpath}#{pointer}", spec_side)),
                f"a request without max_tokens is judged against the prose's {d.value}",
                model,
            )


def _stop_limit_vs_spec(data: ProviderData, store: SpecStore) -> Iterator[Conflict]:
    """A document says "Up to N" stop sequences; the spec's array alternative sets no such maxItems."""
    for d in (d for d in data.documented_values(name="max_stop_sequences") if type(d.value) is int):
        for model, spec, op, stem in _operations(data, store, d):
            prop, pointer = request_property(spec, op, "stop")
            arrays = [
                alt
                for key in ("anyOf", "oneOf")
                for alt in (prop or {}).get(key, [])
                if isinstance(alt, dict) and alt.get("type") == "array"
            ]
            if not arrays or any(alt.get("maxItems") == d.value for alt in arrays):
                continue
            bounds = {alt["maxItems"] for alt in arrays if alt.get("maxItems") is not None}
            where = f"specs/{spec.source.relpath}#{pointer}"
            spec_side = (
                f"the array alternative allows maxItems {max(bounds)}"
                if bounds
                else "the array alternative has no maxItems"
            )
            origin = "the description" if d.source.endswith("/description") else "the documented limit"
            yield Conflict(
                f"{d.provider}.stop_limit.{stem}",
                d.provider,
                f"number of stop sequences ({model or d.provider})",
                (Side(d.source, d.says), Side(where, spec_side)),
                f"negative tests expect a 4xx for {d.value + 1} stop sequences, from {origin}",
                model,
            )


def _required_vs_spec(data: ProviderData, store: SpecStore) -> Iterator[Conflict]:
    """A document marks parameters required that the spec's request schema does not require."""
    for d in (d for d in data.documented_values(name="required_params") if isinstance(d.value, list)):
        for _, spec, op, _ in _operations(data, store, d):
            schema, pointer = request_schema(spec, op)
            required = (schema or {}).get("required", [])
            for name in (p for p in d.value if p not in required):
                yield Conflict(
                    f"{d.provider}.{name}_required",
                    d.provider,
                    f"is `{name}` required?",
                    (
                        Side(d.source, d.says),
                        Side(f"specs/{spec.source.relpath}#{pointer}/required", f"required: {required}"),
                    ),
                    f"requests always send `{name}`; a request without it is not judged invalid",
                )


def _shape_vs_auth(data: ProviderData) -> Iterator[Conflict]:
    """A page shows another request shape (the key in the body) than the documented Authorization header."""
    for provider, table in data.tables.items():
        auth = next(iter(data.documented_values(provider, "auth_header")), None)
        shapes = [
            s
            for s in table.get("shapes", {}).values()
            if s.get("says") and s.get("source") and s.get("auth") not in (None, table.get("auth"))
        ]
        if auth and shapes:
            yield Conflict(
                f"{provider}.body_shape",
                provider,
                "how the model and the key are sent",
                (Side(shapes[0]["source"], shapes[0]["says"]), Side(auth.source, auth.says)),
                f"the {provider} profile supports both shapes; the spec's is the default",
            )


def _price_vs_price(data: ProviderData) -> Iterator[Conflict]:
    """A page states one price per million tokens that is neither of the input and output rates it also
    states."""
    for provider, table in data.tables.items():
        for price in (p for p in table.get("prices", []) if p.get("says")):
            rates = (price["input_per_mtok"], price["output_per_mtok"])
            for d in data.documented_values(provider, "price_per_mtok"):
                model = next((m for m in price["models"] if covers(d.models, m)), None)
                if model is not None and d.value not in rates:
                    yield Conflict(
                        f"{provider}.price",
                        provider,
                        f"price of {model}",
                        (Side(price["source"], price["says"]), Side(d.source, d.says)),
                        f"live budgets estimate with ${rates[0]:.2f} / ${rates[1]:.2f} per 1M tokens "
                        "(input / output)",
                        model,
                    )


__all__ = ["Conflict", "Side", "docs_conflicts"]
