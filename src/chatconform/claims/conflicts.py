"""Where the providers' own documents disagree: prose vs spec vs model page. Reported, never resolved."""

from __future__ import annotations

from dataclasses import dataclass

from chatconform.claims._documented import AIML_512, ML_1000, prose_default, request_property
from chatconform.claims._sources import AIML_FLASH_DOC, AIML_PRO_DOC, ML_CHAT_DOC, ML_MODEL_PAGE, ML_PARAMS_DOC


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

    def to_dict(self) -> dict:
        return {"id": self.id, "provider": self.provider, "subject": self.subject, "consequence": self.consequence,
                "sides": [{"source": s.source, "says": s.says} for s in self.sides]}


def docs_conflicts(store) -> list[Conflict]:
    """Every disagreement found in the pinned documents (recomputed from them on each run)."""
    return [*_aiml_default(store), *_aiml_stop_limit(store), *_modelslab_required_model(store),
            _modelslab_body_shape(), _modelslab_price()]


def _aiml_default(store):
    """AIML's pages say the default is 512; their current specs give max_tokens no default."""
    for model, page in (("google/gemini-2.5-flash", AIML_FLASH_DOC), ("google/gemini-2.5-pro", AIML_PRO_DOC)):
        spec = store.spec_or_none("aimlapi", model)
        op = spec.find_operation("post", "/v1/chat/completions") if spec else None
        prop, pointer = request_property(spec, op, "max_tokens") if op else (None, None)
        if prop is None or prop.get("default") == prose_default("aimlapi", model).value:
            continue
        spec_side = f"max_tokens default: {prop['default']}" if "default" in prop else "max_tokens has no default"
        yield Conflict(f"aimlapi.default_max_tokens.{model.split('/')[-1]}", "aimlapi",
                       f"default max_tokens of {model}", (Side(page, AIML_512),
                                                          Side(f"specs/{spec.source.relpath}#{pointer}", spec_side)),
                       "a request without max_tokens is judged against the prose's 512")


def _aiml_stop_limit(store):
    """The stop description says "Up to 4"; the schema sets no maxItems, so 5 pass schema validation."""
    for model in ("google/gemini-2.5-flash", "google/gemini-2.5-pro", "google/gemini-2.5-flash-lite-preview"):
        spec = store.spec_or_none("aimlapi", model)
        op = spec.find_operation("post", "/v1/chat/completions") if spec else None
        prop, pointer = request_property(spec, op, "stop") if op else (None, None)
        if not prop or "Up to 4" not in prop.get("description", ""):
            continue
        arrays = [alt for alt in prop.get("anyOf", []) if isinstance(alt, dict) and alt.get("type") == "array"]
        if arrays and all("maxItems" not in alt for alt in arrays):
            where = f"specs/{spec.source.relpath}#{pointer}"
            yield Conflict(f"aimlapi.stop_limit.{model.split('/')[-1]}", "aimlapi", f"number of stop sequences ({model})",
                           (Side(where + "/description", prop["description"]),
                            Side(where, "the array alternative has no maxItems")),
                           "negative tests expect a 4xx for 5 stop sequences, from the description")


def _modelslab_required_model(store):
    """The parameters page marks `model` required; the spec requires only `messages`."""
    spec = store.spec_or_none("modelslab", None)
    op = spec.find_operation("post", "/chat/completions") if spec else None
    if not op:
        return
    from chatconform.specs._pointer import resolve

    schema = resolve(spec.doc, op.request_schema)
    pointer = schema["$ref"][1:] if "$ref" in schema else op.request_schema
    required = resolve(spec.doc, pointer).get("required", [])
    if "model" not in required:
        yield Conflict("modelslab.model_required", "modelslab", "is `model` required?",
                       (Side(ML_PARAMS_DOC, "| `model` | string | Yes | — |"),
                        Side(f"specs/{spec.source.relpath}#{pointer}/required", f"required: {required}")),
                       "requests always send `model`; a request without it is not judged invalid")


def _modelslab_body_shape() -> Conflict:
    return Conflict("modelslab.body_shape", "modelslab", "how the model and the key are sent",
                    (Side(ML_MODEL_PAGE, '"model_id": "gemini-2.5-flash", ... "key": "YOUR_API_KEY"'),
                     Side(ML_CHAT_DOC, "Pass your API key as a Bearer token in the `Authorization` header.")),
                    "the modelslab profile supports both shapes; the spec's is the default")


def _modelslab_price() -> Conflict:
    return Conflict("modelslab.price", "modelslab", "price of gemini-2.5-flash",
                    (Side(ML_MODEL_PAGE, "Input $0.30 / 1M tokens … Output $2.50 / 1M tokens"),
                     Side(ML_MODEL_PAGE, "Gemini 2.5 Flash API costs $1.400000 per million tokens.")),
                    "live budgets estimate with $0.30 / $2.50 per 1M tokens (input / output)")


__all__ = ["Conflict", "Side", "docs_conflicts", "ML_1000"]
