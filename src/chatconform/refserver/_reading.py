"""The reference provider's own reading of the documented rules, never the claims it is judged by.

Values come from the provider data in force (chatconform/providers/*.toml and the project file): a value a
provider does not document falls back to the generic contract's (OpenAI's), then to a fixed default. The
request schema is the pulled spec's, read here independently of the request claims.
"""

from __future__ import annotations

from dataclasses import dataclass

import jsonschema_rs

from chatconform.judging.validators import validator_for
from chatconform.providers import ProviderData, covers
from chatconform.specs import LoadedSpec, Operation

UNDOCUMENTED_LIMIT = (
    1000  # no document states a default max_tokens: any limit above the longest answer will do
)
MAX_REFUSALS = 3
_UNLISTED = {"additionalProperties", "unevaluatedProperties"}  # a field the spec does not list: served
_VOCABULARY = {"enum", "const"}  # a string the spec does not list (a vendor's value): served
_ALTERNATIVES = {"anyOf", "oneOf"}


@dataclass(frozen=True)
class Rules:
    """What the data says about one provider's model: the default limit, whether it reasons, the stop
    limit."""

    default_limit: int = UNDOCUMENTED_LIMIT
    reasoning: bool = False
    max_stop: int | None = None


def _number(data: ProviderData, provider: str, name: str, model: str | None) -> int | None:
    found = data.contract_value(provider, name, model)  # the provider's own, else the generic contract's
    value = found.value if found else None
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def rules_for(data: ProviderData, provider: str, model: str | None) -> Rules:
    """The rules the reference follows for a provider's model, as the server's data states them."""
    profile = data.get(provider)
    # an empty pattern list would read as "every model": no reasoning model is declared then
    reasoning = bool(profile and profile.reasoning_models and covers(profile.reasoning_models, model))
    limit = _number(data, provider, "default_max_tokens", model)
    return Rules(
        limit if limit is not None else UNDOCUMENTED_LIMIT,
        reasoning,
        _number(data, provider, "max_stop_sequences", model),
    )


def limit_refusals(body: dict, rules: Rules) -> list[str]:
    """Documented limits the request breaks that its schema does not state (e.g. "Up to 4 sequences")."""
    stop = body.get("stop")
    if rules.max_stop is not None and isinstance(stop, list) and len(stop) > rules.max_stop:
        return [f"{len(stop)} stop sequences (documented: up to {rules.max_stop})"]
    return []


def schema_refusals(spec, pointer: str, body) -> list[str]:
    """Where the body breaks the spec's request schema in type, bounds or a required field.

    What the spec merely does not list (an unknown field, a vendor's value of a listed vocabulary) is served,
    as an OpenAI-compatible server that accepts extensions would.
    """
    validator = validator_for(spec, pointer)
    if validator.is_valid(body):
        return []
    out = []
    for error in validator.iter_errors(body):
        if _refused(error):
            where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.instance_path)
            out.append(f"{where}: {error.message}"[:200])
        if len(out) >= MAX_REFUSALS:
            break
    return out


def _refused(error) -> bool:
    """True when a schema error is a reason to refuse; failed alternatives refuse only when every one does."""
    keyword = str(error.schema_path[-1]) if len(error.schema_path) else ""
    if keyword in _UNLISTED or (keyword in _VOCABULARY and isinstance(error.instance, str)):
        return False
    branches = (getattr(error.kind, "context", None) or []) if keyword in _ALTERNATIVES else []
    if any(branches):  # (a value matching several alternatives of a oneOf has none failing: refused)
        # an object whose `type` one alternative names is judged by that alternative alone: a json_schema
        # format without its schema is refused, not taken for another alternative's vendor value
        typed = [b for b in branches if b and not any(_type_mismatch(e, error) for e in b)]
        if typed and isinstance(error.instance, dict) and isinstance(error.instance.get("type"), str):
            return all(all(_refused(e) for e in branch) for branch in typed)
        return all(branch and all(_refused(e) for e in branch) for branch in branches)
    return True


def _type_mismatch(inner, outer) -> bool:
    """True for an alternative's error saying the object's own `type` is not the one it names."""
    path = list(inner.instance_path)
    keyword = str(inner.schema_path[-1]) if len(inner.schema_path) else ""
    return path == [*outer.instance_path, "type"] and keyword in ("const", "enum")


def answer_schema(op, media: str = "application/json") -> str | None:
    """The pointer of the schema an operation documents for its 200 answer of a media type."""
    return (op.responses.get("200") or {}).get(media) if op is not None else None


def fits(spec, op, answer) -> bool:
    """True when an answer is valid against the 200 schema its judging spec documents (or none is)."""
    pointer = answer_schema(op)
    return pointer is None or validator_for(spec, pointer).is_valid(answer)


def trim(spec: LoadedSpec | None, op: Operation | None, answer: dict, rounds: int = 4) -> dict:
    """The answer less the fields its 200 schema does not allow (`additionalProperties: false`), in place.

    The reference answers in every provider's own contract: what OpenAI's carries and Mistral's forbids (a
    message's `refusal`, usage details) is left out where that contract judges.
    """
    pointer = answer_schema(op)
    if spec is None or not pointer:
        return answer  # no spec judges the call (then there is no op either), or no 200 schema to trim by
    for _ in range(rounds):
        extra = [
            (list(e.instance_path), e.kind.unexpected)
            for e in validator_for(spec, pointer).iter_errors(answer)
            if isinstance(e.kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties)
        ]
        if not extra:
            break
        for path, names in extra:
            node = answer
            for step in path:
                node = node[step]
            for name in names:
                node.pop(name, None)
    return answer
