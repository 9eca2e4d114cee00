"""Documented values a claim compares against: prose defaults and the pinned spec's own defaults."""

from __future__ import annotations

from dataclasses import dataclass

from chatconform.claims._sources import AIML_FLASH_DOC, AIML_PRO_DOC, ML_PARAMS_DOC
from chatconform.specs._pointer import resolve

AIML_512 = "Keep in mind that the default is only 512 tokens, while reasoning models often require _thousands_."
ML_1000 = "| `max_tokens` | integer | No | 1000 | Maximum tokens to generate. Range: 1 to model's max context. |"


@dataclass(frozen=True)
class Documented:
    """A value a document states, with the sentence and where it is."""

    value: object
    says: str
    source: str


PROSE_DEFAULT_MAX_TOKENS = {
    ("aimlapi", "google/gemini-2.5-flash"): Documented(512, AIML_512, AIML_FLASH_DOC),
    ("aimlapi", "google/gemini-2.5-pro"): Documented(512, AIML_512, AIML_PRO_DOC),
    ("modelslab", "*"): Documented(1000, ML_1000, ML_PARAMS_DOC),
}


def prose_default(provider: str, model: str | None) -> Documented | None:
    """The default max_tokens the provider's prose states for this model."""
    return PROSE_DEFAULT_MAX_TOKENS.get((provider, model)) or PROSE_DEFAULT_MAX_TOKENS.get((provider, "*"))


def request_property(spec, op, name: str) -> tuple[dict | None, str | None]:
    """(schema, pointer) of a top-level request property, following one $ref to a component."""
    if op is None or op.request_schema is None:
        return None, None
    pointer = op.request_schema
    schema = resolve(spec.doc, pointer)
    if "$ref" in schema and str(schema["$ref"]).startswith("#"):
        pointer = schema["$ref"][1:]
        schema = resolve(spec.doc, pointer)
    prop = (schema.get("properties") or {}).get(name)
    return (prop, f"{pointer}/properties/{name}") if isinstance(prop, dict) else (None, None)


def spec_default(store, provider: str, model: str | None, path: str) -> Documented | None:
    """The `default` the pinned spec gives max_tokens for this model's chat operation, if any."""
    spec = store.spec_or_none(provider, model)
    if spec is None:
        return None
    prop, pointer = request_property(spec, spec.find_operation("post", path), "max_tokens")
    if not prop or "default" not in prop:
        return None
    return Documented(prop["default"], f"max_tokens default: {prop['default']}",
                      f"specs/{spec.source.relpath}#{pointer}/default")

