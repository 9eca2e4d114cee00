"""What a request's rejection or acceptance says: invalid in shape, invalid in content, or a vendor extension.

A negative test is a request that every OpenAI-compatible server must refuse: a field the spec defines given a
value of the wrong type or out of its bounds, or a required field missing. Two things look alike in a
schema check and are not negative tests:
- a vendor extension: a field, a tool or content-part kind, or a vocabulary value the spec does not list
  (OpenRouter's routing options, Groq's `browser_search` tool, vLLM's `video_url` part, Mistral's
  `tool_choice: "any"`); a server that documents it rightly accepts it;
- a request valid in shape but not in content (an unknown model, an image URL the server cannot fetch): its
  4xx is the right answer, and says nothing about whether a minimal request is accepted.
"""

from __future__ import annotations

from itertools import islice

from chatconform.judging.validators import validator_for
from chatconform.model.pointer import from_ref, join, resolve

MAX_PROBLEMS = 3
# OpenAI's error codes for a request whose values, not its shape, cannot be served.
CONTENT_CODES = {
    "model_not_found": "the model does not exist or is not available to this key",
    "invalid_image_url": "an image URL could not be fetched",
    "invalid_image": "an image could not be read",
    "image_parse_error": "an image could not be read",
    "context_length_exceeded": "the messages exceed the model's context",
    "content_policy_violation": "the content was refused by policy",
}


def schema_problems(spec, pointer: str, body) -> list[str]:
    """The ways `body` breaks the request schema that make it a negative test (vendor extensions left out)."""
    validator = validator_for(spec, pointer)
    if validator.is_valid(body):
        return []
    vocabulary = _vocabulary(spec, pointer)
    errors = list(islice(validator.iter_errors(body), MAX_SEEN))
    # an object with fields the schema does not define is another kind of thing (Anthropic's server tools
    # are {type, name}): its missing "required" fields are part of the same extension
    other_kinds = {
        tuple(e.instance_path)
        for e in errors
        if _keyword(e) in ("additionalProperties", "unevaluatedProperties")
    }
    problems = []
    for error in errors:
        if is_extension(spec, error, vocabulary) or (
            _keyword(error) == "required" and tuple(error.instance_path) in other_kinds
        ):
            continue
        where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.instance_path)
        problems.append(f"{where}: {error.message}"[:200])
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


MAX_SEEN = 50  # failures read per request: enough to tell extensions from breaches


def _keyword(error) -> str:
    return str(error.schema_path[-1]) if len(error.schema_path) else ""


def is_extension(spec, error, vocabulary: tuple[frozenset, frozenset]) -> bool:
    """True when a schema failure is only something the spec does not list (a field, a kind, a value)."""
    keyword = str(error.schema_path[-1]) if len(error.schema_path) else ""
    instance = error.instance
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        return True
    if isinstance(instance, str) and keyword in ("enum", "const", "anyOf", "oneOf"):
        return _offers_strings(spec.doc, _schema_at(spec.doc, error.schema_path))
    if isinstance(instance, dict) and keyword in ("anyOf", "oneOf"):
        kinds, names = vocabulary
        return _unknown_kind(instance, kinds) or not (set(instance) & names)
    if isinstance(instance, list) and keyword in ("anyOf", "oneOf"):
        return _unknown_kind(instance, vocabulary[0])  # a list of parts one of which is a kind the spec lacks
    return False


def _schema_at(doc, schema_path) -> dict:
    """The schema holding the failing keyword (the path is a location in the document itself)."""
    try:
        node = resolve(doc, join(*schema_path[:-1]))
    except KeyError:
        return {}
    return node if isinstance(node, dict) else {}


def _offers_strings(doc, schema: dict, depth: int = 0) -> bool:
    """True when the schema (or one of its alternatives) is a vocabulary of string values."""
    if depth > 5 or not isinstance(schema, dict):
        return False
    target = from_ref(schema["$ref"]) if isinstance(schema.get("$ref"), str) else None
    if target is not None:
        try:
            return _offers_strings(doc, resolve(doc, target), depth + 1)
        except KeyError:
            return False
    if any(isinstance(v, str) for v in schema.get("enum") or []) or isinstance(schema.get("const"), str):
        return True
    return any(
        _offers_strings(doc, alt, depth + 1) for key in ("anyOf", "oneOf") for alt in schema.get(key) or []
    )


def _unknown_kind(value, kinds: frozenset, depth: int = 0) -> bool:
    """True when the value, or anything inside it, is an object whose `type` the spec never lists."""
    if depth > 8:
        return False
    if isinstance(value, dict):
        if isinstance(value.get("type"), str) and value["type"] not in kinds:
            return True
        return any(_unknown_kind(v, kinds, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_unknown_kind(v, kinds, depth + 1) for v in value)
    return False


_VOCABULARY: dict[tuple[str, str], tuple[frozenset, frozenset]] = {}


def _vocabulary(spec, pointer: str) -> tuple[frozenset, frozenset]:
    """(every `type` value, every property name) the request schema lists, following its $refs; once per
    spec."""
    key = (spec.sha256, pointer)
    if key not in _VOCABULARY:
        _VOCABULARY[key] = _collect(spec.doc, pointer)
    return _VOCABULARY[key]


def _collect(doc, pointer: str) -> tuple[frozenset, frozenset]:
    kinds: set[str] = set()
    names: set[str] = set()
    seen: set[int] = set()
    stack = [resolve(doc, pointer)]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        ref = from_ref(node.get("$ref")) if isinstance(node.get("$ref"), str) else None
        if ref is not None:
            try:
                stack.append(resolve(doc, ref))
            except KeyError:
                pass
        props = node["properties"] if isinstance(node.get("properties"), dict) else {}
        names.update(props)
        kind = props["type"] if isinstance(props.get("type"), dict) else {}
        kinds.update(v for v in [*(kind.get("enum") or []), kind.get("const")] if isinstance(v, str))
        stack.extend(v for k, v in node.items() if k != "$ref")
    return frozenset(kinds), frozenset(names)


def error_fields(ex) -> dict:
    """The error object of an error answer ({} when there is none): {"error": {...}}, or the first of an
    array."""
    body = ex.json
    if isinstance(body, list) and body and isinstance(body[0], dict):
        body = body[0]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str):
        return {"message": error}
    return error if isinstance(error, dict) else {}


def content_rejection(ex) -> str | None:
    """Why a 4xx refused the request for its content (an unknown model, an unusable URL), if the error says
    so."""
    error, status = error_fields(ex), ex.response.status
    code = str(error.get("code") or "")
    if code in CONTENT_CODES:
        return f"{CONTENT_CODES[code]} ({status} {code})"
    text = " ".join(str(error.get(k) or "") for k in ("message", "param"))
    model = ex.request_json.get("model")
    if error.get("param") == "model" or (
        status == 404 and isinstance(model, str) and model and model in text
    ):
        return f"the model {model!r} was refused ({status})"
    url = next((u for u in _urls(ex.request_json.get("messages")) if u in text), None)
    return f"the URL {url[:80]} could not be used ({status})" if url else None


def _urls(value, depth: int = 0) -> list[str]:
    """Every http(s) URL a request's messages carry (image and file parts)."""
    if depth > 8:
        return []
    if isinstance(value, str):
        return [value] if value.startswith(("http://", "https://")) else []
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [url for item in items for url in _urls(item, depth + 1)]
