"""`chatconform specs diff`: every change between two versions of a spec, classified for a client.

In the spirit of oasdiff. Requests and responses are judged in opposite directions: a client must still be
able to send what it sent, and must still understand what it receives. Both sides are normalised first,
so equivalent rewrites (property order, `nullable` vs a null alternative, $ref vs inline) are no change.
Each side is first prepared as a pinned spec is (shape, refs, keywords, loops): what that sets aside is a
Note naming the side and the JSON pointer, and the rest is still compared.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass

from chatconform.model.pointer import extend, to_fragment
from chatconform.specs._normalise import operations
from chatconform.specs._prepare import prepare
from chatconform.specs._refs import TooLarge, inline

DOC_KEYS = {"description", "title", "example", "examples", "deprecated", "externalDocs", "x-stainless-const"}
TIGHTER = {
    "minimum": 1,
    "exclusiveMinimum": 1,
    "minLength": 1,
    "minItems": 1,
    "minProperties": 1,
    "maximum": -1,
    "exclusiveMaximum": -1,
    "maxLength": -1,
    "maxItems": -1,
    "maxProperties": -1,
}


@dataclass(frozen=True)
class Change:
    """One difference: where, what kind, whether it breaks a client, and the detail."""

    path: str
    kind: str
    breaking: bool
    detail: str


@dataclass(frozen=True)
class Note:
    """Something about one side's document that the comparison had to set aside, at a JSON pointer."""

    side: str
    pointer: str
    message: str

    def line(self, name: str) -> str:
        """One line naming the file (or side) and the place."""
        return f"{name}{to_fragment(self.pointer)}: {self.message}"


def diff_documents(
    old: dict, new: dict, notes: list[Note] | None = None, names: tuple[str, str] = ("old", "new")
) -> list[Change]:
    """Every classified change between two OpenAPI documents; what was set aside is added to `notes`."""
    notes = notes if notes is not None else []
    sides = []
    for side, doc, name in (("old", old, names[0]), ("new", new, names[1])):
        ready = prepare(doc, name)
        notes += [Note(side, p.pointer, p.message) for p in ready.problems]
        sides.append(_Side(side, ready.doc, notes))
    old_s, new_s = sides
    old_ops, new_ops = _operations(old_s.doc), _operations(new_s.doc)
    out = [
        Change(key, "operation-removed", True, "the operation is gone")
        for key in old_ops.keys() - new_ops.keys()
    ]
    out += [
        Change(key, "operation-added", False, "a new operation") for key in new_ops.keys() - old_ops.keys()
    ]
    for key in sorted(old_ops.keys() & new_ops.keys()):
        out += _operation(key, old_s, new_s, old_ops[key], new_ops[key])
    return sorted(out, key=lambda c: (not c.breaking, c.path, c.kind))


MAX_NOTES = 20  # per side; a document with hundreds of broken refs is not a screenful of them


def print_notes(notes: list[Note], names: dict[str, str], stream=None) -> None:
    """Each note as one line on stderr naming the file and the JSON pointer (a note both sides share, once,
    naming both); past MAX_NOTES per side, a count."""
    stream = stream or sys.stderr
    old_keys = {(n.pointer, n.message) for n in notes if n.side == "old"}
    shared = old_keys & {(n.pointer, n.message) for n in notes if n.side == "new"}
    for side, name in names.items():
        mine = [
            n for n in notes if n.side == side and (side == "old" or (n.pointer, n.message) not in shared)
        ]
        for note in mine[:MAX_NOTES]:
            also = (
                f" (and {names['new']})" if side == "old" and (note.pointer, note.message) in shared else ""
            )
            print(f"note: {name}{to_fragment(note.pointer)}{also}: {note.message}", file=stream)
        if len(mine) > MAX_NOTES:
            print(f"note: {name}: {len(mine) - MAX_NOTES} more like these", file=stream)


@dataclass
class _Side:
    """One prepared document and where its notes go."""

    name: str
    doc: dict
    notes: list

    def canon(self, at: str, schema):
        """A schema with refs inlined and null alternatives folded into `type`, for comparison."""
        if schema is None:
            return None
        try:
            return _fold(inline(self.doc, schema))
        except TooLarge as err:
            why = str(err)
        try:
            found = _fold(inline(self.doc, schema, once=True))
            self.notes.append(
                Note(
                    self.name, at, f"schema {why}: each $ref target inlined once, later uses compared by name"
                )
            )
            return found
        except TooLarge:
            self.notes.append(Note(self.name, at, f"schema {why}: compared with its $refs by name"))
            return _fold(schema)


def _operations(doc: dict) -> dict:
    return {f"{method.upper()} {path}": (at, op) for at, path, method, op in operations(doc)}


def _operation(key: str, old_s: _Side, new_s: _Side, old, new) -> list[Change]:
    (old_at, old), (new_at, new) = old, new
    out = []
    old_body = _map(_map(_map(old.get("requestBody")).get("content")).get("application/json")).get("schema")
    new_body = _map(_map(_map(new.get("requestBody")).get("content")).get("application/json")).get("schema")
    if old_body is not None or new_body is not None:
        body = ("requestBody", "content", "application/json", "schema")
        out += _schema(
            f"{key} request",
            old_s.canon(extend(old_at, *body), old_body),
            new_s.canon(extend(new_at, *body), new_body),
            "request",
        )
    old_resp, new_resp = _map(old.get("responses")), _map(new.get("responses"))
    for status in sorted(set(old_resp) | set(new_resp), key=str):
        where = f"{key} response {status}"
        if status not in new_resp:
            out.append(Change(where, "status-removed", True, f"status {status} is no longer documented"))
        elif status not in old_resp:
            out.append(Change(where, "status-added", False, f"status {status} is now documented"))
        else:
            out += _media(
                where,
                (old_s, extend(old_at, "responses", status), _map(old_resp[status])),
                (new_s, extend(new_at, "responses", status), _map(new_resp[status])),
            )
    return out


def _media(where, old_side, new_side) -> list[Change]:
    (old_s, old_at, old), (new_s, new_at, new) = old_side, new_side
    old_c, new_c = _map(old.get("content")), _map(new.get("content"))
    out = [
        Change(f"{where} {m}", "media-type-removed", True, f"{m} is no longer documented")
        for m in old_c.keys() - new_c.keys()
    ]
    out += [
        Change(f"{where} {m}", "media-type-added", False, f"{m} is now documented")
        for m in new_c.keys() - old_c.keys()
    ]
    for media in sorted(old_c.keys() & new_c.keys()):
        out += _schema(
            f"{where} {media}",
            old_s.canon(extend(old_at, "content", media, "schema"), _map(old_c[media]).get("schema")),
            new_s.canon(extend(new_at, "content", media, "schema"), _map(new_c[media]).get("schema")),
            "response",
        )
    return out


def _map(value) -> dict:
    """value when it is an object, else {} (preparing the document noted it)."""
    return value if isinstance(value, dict) else {}


def _fold(schema):
    if isinstance(schema, list):
        return [_fold(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _fold(v) for k, v in schema.items()}
    for key in ("anyOf", "oneOf"):
        alts = out.get(key)
        if isinstance(alts, list) and any(a == {"type": "null"} for a in alts):
            rest = [a for a in alts if a != {"type": "null"}]
            if len(rest) == 1 and isinstance(rest[0], dict):
                out.pop(key)
                merged = {**rest[0], **out}
                merged["type"] = sorted(_as_set(merged.get("type")) | {"null"})
                out = merged
    if isinstance(out.get("type"), list):
        out["type"] = sorted(out["type"], key=str)
        if len(out["type"]) == 1:
            out["type"] = out["type"][0]
    return out


def _schema(where: str, old, new, direction: str) -> list[Change]:
    """Changes between two canonical schemas; `direction` is request (client sends) or response."""
    if old == new:
        return []
    if old is None or new is None:
        return [Change(where, "schema-removed" if new is None else "schema-added", new is None, "")]
    if not isinstance(old, dict) or not isinstance(new, dict):  # a boolean schema: true or false
        return [Change(where, "schema-replaced", True, f"{_brief(old)} -> {_brief(new)}")]
    out: list[Change] = []
    out += _types(where, old, new, direction)
    out += _enum(where, old, new, direction)
    out += _bounds(where, old, new, direction)
    out += _defaults(where, old, new)
    out += _properties(where, old, new, direction)
    if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
        out += _schema(f"{where}[]", old["items"], new["items"], direction)
    for key in ("anyOf", "oneOf", "allOf"):
        if old.get(key) != new.get(key) and (old.get(key) or new.get(key)):
            out.append(Change(f"{where}.{key}", f"{key}-changed", True, "the alternatives changed"))
    if not out and {k: v for k, v in old.items() if k not in DOC_KEYS} == {
        k: v for k, v in new.items() if k not in DOC_KEYS
    }:
        out.append(Change(where, "documentation-changed", False, "descriptions or examples changed"))
    return out


def _types(where, old, new, direction) -> list[Change]:
    if old.get("type") == new.get("type"):
        return []
    a, b = _as_set(old.get("type")), _as_set(new.get("type"))
    widened, narrowed = b - a, a - b
    if not narrowed and direction == "request":
        return [Change(where, "type-widened", False, f"now also accepts {sorted(widened)}")]
    if not widened and direction == "response":
        return [Change(where, "type-narrowed", False, f"no longer returns {sorted(narrowed)}")]
    return [Change(where, "type-changed", True, f"type {old.get('type')} -> {new.get('type')}")]


def _as_set(value) -> set:
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return {value} if isinstance(value, str) else set()


def _as_list(value) -> list:
    return value if isinstance(value, list) else []


def _brief(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _enum(where, old, new, direction) -> list[Change]:
    if "enum" not in old and "enum" not in new or old.get("enum") == new.get("enum"):
        return []
    a, b = set(map(repr, _as_list(old.get("enum")))), set(map(repr, _as_list(new.get("enum"))))
    added, removed = sorted(b - a), sorted(a - b)
    out = []
    if added:  # a response may now carry a value the client does not know; a request may send more
        out.append(Change(where, "enum-widened", direction == "response", f"added {', '.join(added)}"))
    if removed:
        out.append(Change(where, "enum-narrowed", direction == "request", f"removed {', '.join(removed)}"))
    return out


def _bounds(where, old, new, direction) -> list[Change]:
    out = []
    for key, sign in TIGHTER.items():
        if old.get(key) == new.get(key):
            continue
        a, b = old.get(key), new.get(key)
        if not all(_number(v) for v in (a, b) if v is not None):
            out.append(
                Change(
                    f"{where}.{key}",
                    "bound-unreadable",
                    True,
                    f"{key} {_brief(a)} -> {_brief(b)}: not a number, so whether it tightened cannot be said",
                )
            )
            continue
        tightened = b is not None and (a is None or (b - a) * sign > 0)
        breaking = tightened if direction == "request" else not tightened
        out.append(
            Change(
                f"{where}.{key}",
                "bound-tightened" if tightened else "bound-loosened",
                breaking,
                f"{key} {a} -> {b}",
            )
        )
    return out


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _defaults(where, old, new) -> list[Change]:
    if old.get("default") == new.get("default") or ("default" not in old and "default" not in new):
        return []
    if "default" not in new:
        return [
            Change(
                f"{where}.default",
                "default-removed",
                False,
                f"default {old['default']!r} removed: what a client gets when it sends nothing may change",
            )
        ]
    if "default" not in old:
        return [
            Change(f"{where}.default", "default-added", False, f"default {new['default']!r} now documented")
        ]
    return [
        Change(
            f"{where}.default",
            "default-changed",
            False,
            f"default {old.get('default')!r} -> {new['default']!r}",
        )
    ]


def _properties(where, old, new, direction) -> list[Change]:
    out = []
    a, b = _map(old.get("properties")), _map(new.get("properties"))
    ra, rb = _as_set(old.get("required")), _as_set(new.get("required"))
    for name in sorted(a.keys() - b.keys()):
        out.append(Change(f"{where}.{name}", "property-removed", True, f"{direction} property removed"))
    for name in sorted(b.keys() - a.keys()):
        needed = name in rb and direction == "request"
        out.append(
            Change(f"{where}.{name}", "required-property-added" if needed else "property-added", needed, "")
        )
    for name in sorted(a.keys() & b.keys()):
        out += _schema(f"{where}.{name}", a[name], b[name], direction)
    for name in sorted((rb - ra) & a.keys()):
        out.append(Change(f"{where}.{name}", "became-required", direction == "request", "now required"))
    for name in sorted((ra - rb) & b.keys()):
        out.append(
            Change(f"{where}.{name}", "became-optional", direction == "response", "no longer required")
        )
    return out


def to_json(changes: list[Change]) -> dict:
    """The `--json` shape."""
    return {"changes": [asdict(c) for c in changes], "breaking": any(c.breaking for c in changes)}
