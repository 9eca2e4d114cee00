"""A chunk schema derived from a non-streamed response schema, for specs that document no stream.

ModelsLab's prose documents streaming (`"stream": true`, `chat.completion.chunk` events) while its spec
gives the 200 response only as application/json. We judge chunks against the completion schema turned
into a chunk schema: object is "chat.completion.chunk", `message` becomes an optional `delta`, and
finish_reason and usage may be null. Documented as derived wherever it is used.
"""

from __future__ import annotations

import copy

from chatconform.model.pointer import resolve


def inline_refs(doc: dict, schema, depth: int = 0):
    """A copy of a schema with local $refs replaced by their targets (a loop stays a $ref; bounded)."""
    from chatconform.specs import inline  # one bounded inliner: a ref loop with fan-out never hangs

    return inline(doc, schema)


def chunk_schema_from(doc: dict, pointer: str) -> dict:
    """The derived chunk schema for the completion schema at `pointer`."""
    schema = copy.deepcopy(inline_refs(doc, resolve(doc, pointer)))
    props = schema.setdefault("properties", {})
    props["object"] = {"enum": ["chat.completion.chunk"]}
    if "usage" in props:
        props["usage"] = {"anyOf": [props["usage"], {"type": "null"}]}
    choice = ((props.get("choices") or {}).get("items")) or {}
    choice_props = choice.setdefault("properties", {})
    message = choice_props.pop("message", {"type": "object"})
    delta = copy.deepcopy(message)
    delta.pop("required", None)
    for name, sub in list((delta.get("properties") or {}).items()):
        delta["properties"][name] = {"anyOf": [sub, {"type": "null"}]}
    choice_props["delta"] = delta
    if "finish_reason" in choice_props:
        choice_props["finish_reason"] = {"anyOf": [choice_props["finish_reason"], {"type": "null"}]}
    choice["required"] = [r for r in choice.get("required", []) if r != "message"]
    return schema
