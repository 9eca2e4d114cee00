"""A schema's closure: the parts of a document one schema reaches through `$ref`s, as a document of its own.

Why: hundreds of catalog specs repeat the same request and response schemas. A validator compiled from the
closure (every reached part at its own place, nothing else) judges exactly as one compiled from the whole
document, reports the same schema locations, and is the same for every spec whose closure hashes the same:
it is compiled once per run. A 3 MB document is also not handed to the compiler once per schema.
"""

from __future__ import annotations

import hashlib
import json
import re

from chatconform.model.pointer import PointerError, resolve, unescape
from chatconform.specs._problem import Budget
from chatconform.specs._refs import reach

# Keys that change how a validator resolves or reads a document beyond local `#/...` pointers: a document
# holding any of them (anywhere, as text) is compiled whole, as before.
_SPECIAL = ('"$id"', '"$anchor"', '"$dynamicAnchor"', '"$recursiveAnchor"', '"$schema"', '"$vocabulary"')
# ...except a recursive or dynamic ref to "#" (OpenAI's filters): the root, which a closure keeps as it is
_TO_ROOT = re.compile(r'"\$(?:recursive|dynamic)Ref"\s*:\s*"#"')
# JSON Schema 2020-12 keywords: the validator applies these at the root of the document (a document has none
# there normally); kept whole so a closure's root says what the document's root says.
_KEYWORDS = {
    "$ref",
    "$defs",
    "$comment",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "prefixItems",
    "items",
    "contains",
    "properties",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    "format",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "definitions",
    "dependencies",
    "additionalItems",
}


def plain_text(text: str) -> bool:
    """True when a document's JSON text holds no key that closures cannot stand for (see _SPECIAL)."""
    if any(key in text for key in _SPECIAL):
        return False
    return text.count('"$recursiveRef"') + text.count('"$dynamicRef"') == len(_TO_ROOT.findall(text))


def closure_of(doc: dict, pointer: str, where: str) -> tuple[str, list[str]]:
    """(content hash, reached pointers) of the schema at `pointer`; InputError when its refs run past the
    budget (as reach's)."""
    reached = reach(doc, pointer, Budget(where))
    # key order kept: a validator reports errors in the order its schema lists keywords
    text = json.dumps([pointer, build(doc, reached)], ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), reached


def build(doc: dict, reached: list[str]) -> dict:
    """A document holding only the reached parts (each at its own pointer) and the root's schema keywords."""
    if "" in reached:
        return doc
    out = {k: v for k, v in doc.items() if k in _KEYWORDS}
    for pointer in sorted(reached, key=len):  # a part inside one already copied is there already
        _copy(doc, out, pointer)
    return out


def _copy(doc: dict, out: dict, pointer: str) -> None:
    """Put the value at `pointer` into `out` at the same place (lists on the way are copied whole)."""
    tokens = [unescape(t) for t in pointer.split("/")[1:]]
    source, target = doc, out
    for depth, token in enumerate(tokens):
        if not isinstance(source, dict):
            return  # a list on the way: copied whole one step up
        if token not in source:
            return  # reach keeps a ref to nothing; the validator never resolves it either
        source = source[token]
        last = depth == len(tokens) - 1
        if last or isinstance(source, list) or not isinstance(source, dict):
            target[token] = source
            return
        if target.get(token) is source:
            return  # copied whole already
        target = target.setdefault(token, {})


def operation_pointers(doc: dict, operations) -> list[str]:
    """The request and response schema pointers of a document's operations (what verify compiles)."""
    out: list[str] = []
    for op in operations:
        out += [op.request_schema] if op.request_schema else []
        out += [p for media in op.responses.values() for p in media.values() if p]
    return list(dict.fromkeys(p for p in out if _exists(doc, p)))


def _exists(doc: dict, pointer: str) -> bool:
    try:
        resolve(doc, pointer)
    except PointerError:
        return False
    return True
