"""`$ref`s in a spec document: each resolves inside it or is replaced and reported; loops are cut.

Why: published documents hold refs that point at nothing (AIML's generator wrote refs relative to the
schema they sit in), refs to other files or URLs (a validator would fetch them: jsonschema-rs over the
network, outside any guard), and ref cycles that never descend into the value (`A: anyOf [A, A, B]`),
which jsonschema-rs reads as "always valid". Every walk here is iterative and counted by a Budget.
"""

from __future__ import annotations

from chatconform.model.errors import ChatconformError
from chatconform.model.pointer import PointerError, apply_fixes, extend, from_ref, resolve, step, to_fragment
from chatconform.specs._problem import Budget, Problem

# keys whose value maps names to objects: under them, `$ref` or `example` is a name, not a keyword
NAME_MAPS = {
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "schemas",
    "paths",
    "responses",
    "content",
    "headers",
    "requestBodies",
    "securitySchemes",
    "links",
    "callbacks",
    "encoding",
    "variables",
    "webhooks",
    "pathItems",
    "parameters",
}
VALUE_KEYWORDS = {"example", "examples", "default", "enum", "const"}  # data, never schemas
ALTERNATIVES = ("anyOf", "oneOf")
UNRESOLVED = "x-chatconform-unresolved"  # marks a replaced ref: the validator ignores x- keywords
CYCLE = "x-chatconform-cycle"
INLINE_NODES = 200_000  # an inlined schema larger than this is compared by $ref name instead
INLINE_DEPTH = 200  # nesting of an inlined schema; keeps every recursive walk far from Python's limit


class TooLarge(ChatconformError):
    """A schema that grows past the inlining limits once its $refs are replaced."""


def _skipped(key) -> bool:
    """True for a keyword whose value is data (an example), or an extension, never a schema."""
    return key in VALUE_KEYWORDS or (isinstance(key, str) and key.startswith("x-"))


def ref_sites(node, pointer: str, budget: Budget, names: bool = False) -> list[tuple[str, dict]]:
    """Every (pointer, object) below `node` that holds a `$ref`, in document order."""
    out, stack = [], [(node, pointer, names)]
    while stack:
        item, at, is_map = stack.pop()
        budget.spend()
        if isinstance(item, dict):
            if "$ref" in item and not is_map:
                out.append((at, item))
            for key, value in reversed(item.items()):
                if isinstance(value, (dict, list)) and (is_map or not _skipped(key)):
                    stack.append((value, step(at, key), not is_map and key in NAME_MAPS))
        elif isinstance(item, list):
            stack.extend(
                (v, f"{at}/{i}", False)
                for i, v in reversed(list(enumerate(item)))
                if isinstance(v, (dict, list))
            )
    return out


def check_refs(doc: dict, where: str, own: bool = False) -> tuple[dict, list[Problem]]:
    """The document with every `$ref` resolvable inside it (changed in place when the caller owns it, else
    in a copy), and the problems."""
    budget = Budget(where)
    fixes, problems = [], []
    for pointer, site in ref_sites(doc, "", budget):
        problem, fix = _check(doc, pointer, site["$ref"])
        if problem:
            problems.append(problem)
        if fix:
            fixes.append((pointer, fix))
    return apply_fixes(doc, fixes, own), problems


def _check(doc: dict, pointer: str, ref):
    """(problem or None, fix or None) for one `$ref`."""
    if not isinstance(ref, str):
        return Problem(
            pointer,
            "spec-lint.ref",
            f"`$ref` is {_short(ref)}, not a string; that part is not checked",
            unchecked=True,
        ), _unresolved(ref)
    target = from_ref(ref)
    if target is None:
        return Problem(
            pointer,
            "spec-lint.ref-external",
            f"`$ref` {_short(ref)} names another document or "
            "URL, which chatconform never fetches (the pinned document is the whole contract); "
            "that part is not checked",
            unchecked=True,
        ), _unresolved(ref)
    try:
        found = resolve(doc, target)
    except PointerError as err:
        return _relative(doc, pointer, ref, target) or (
            Problem(
                pointer,
                "spec-lint.ref-dangling",
                f"`$ref` {_short(ref)} points at nothing ({err}); that part is not checked",
                unchecked=True,
            ),
            _unresolved(ref),
        )
    if not isinstance(found, (dict, bool)):
        return Problem(
            pointer,
            "spec-lint.ref-dangling",
            f"`$ref` {_short(ref)} points at {_short(found)}, "
            "not at a schema or object; that part is not checked",
            unchecked=True,
        ), _unresolved(ref)
    canonical = to_fragment(target)
    # `#/paths/~1a~1{id}` is no URI (a validator refuses it); the encoded form means the same
    return None, (_rewrite(canonical) if ref != canonical else None)


def _relative(doc: dict, pointer: str, ref: str, target: str):
    """A dangling ref that resolves inside the schema it sits in (AIML's generator): read that way."""
    tokens = pointer.split("/")
    for n in range(len(tokens) - 1, 1, -1):
        if tokens[n - 1] != "schema" and tokens[n - 2] not in ("schemas", "$defs", "definitions"):
            continue
        base = "/".join(tokens[:n])
        try:
            found = resolve(doc, base + target)
        except PointerError:
            continue
        if isinstance(found, (dict, bool)):
            return Problem(
                pointer,
                "spec-lint.ref-relative",
                f"`$ref` {_short(ref)} points at nothing in "
                f"the document but at a schema inside its own schema {to_fragment(base)}; read "
                "that way (the evident intent)",
            ), _rewrite(to_fragment(base + target))
    return None


def cut_cycles(doc: dict, where: str, own: bool = False) -> tuple[dict, list[Problem]]:
    """Cut each `$ref` that closes a loop never descending into the value: it adds no constraint."""
    budget = Budget(where)
    targets = {}
    for pointer, site in ref_sites(doc, "", budget):
        targets[pointer] = from_ref(site["$ref"]) if isinstance(site["$ref"], str) else None
    memo: dict[str, list[str]] = {}

    def edges(schema_at: str) -> list[str]:
        if schema_at not in memo:
            memo[schema_at] = [s for s in _in_place(doc, schema_at, budget) if targets.get(s) is not None]
        return memo[schema_at]

    cuts = _back_edges(sorted({t for t in targets.values() if t is not None}), edges, targets, budget)
    fixes, problems = [], []
    for cut_at, loop in sorted(cuts.items()):
        problem, fix = _cut(doc, cut_at, loop)
        problems.append(problem)
        fixes.append((cut_at, fix))
    return apply_fixes(doc, fixes, own), problems


def _back_edges(starts: list[str], edges, targets: dict, budget: Budget) -> dict[str, list[str]]:
    """Depth-first over ref targets; each ref reaching a target still open closes a loop."""
    state: dict[str, int] = {}  # 1 open, 2 done
    cuts: dict[str, list[str]] = {}
    for start in starts:
        if start in state:
            continue
        state[start], path, stack = 1, [start], [(start, iter(edges(start)))]
        while stack:
            for site in stack[-1][1]:
                budget.spend()
                nxt = targets[site]
                if state.get(nxt) == 1:
                    cuts.setdefault(site, path[path.index(nxt) :] + [nxt])
                elif nxt not in state:
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append((nxt, iter(edges(nxt))))
                    break
            else:
                state[stack.pop()[0]] = 2
                path.pop()
    return cuts


def _in_place(doc: dict, schema_at: str, budget: Budget) -> list[str]:
    """Pointers of the refs a schema applies to the same value (through allOf/anyOf/oneOf/not/if...)."""
    try:
        start = resolve(doc, schema_at)
    except PointerError:
        return []
    out, stack = [], [(start, schema_at)]
    while stack:
        node, at = stack.pop()
        budget.spend()
        if not isinstance(node, dict):
            continue
        if "$ref" in node:
            out.append(at)
        for key in ("allOf", "anyOf", "oneOf"):
            if isinstance(node.get(key), list):
                stack.extend((v, extend(at, key, i)) for i, v in enumerate(node[key]))
        for key in ("not", "if", "then", "else"):
            stack.append((node.get(key), extend(at, key)))
        if isinstance(node.get("dependentSchemas"), dict):
            stack.extend((v, extend(at, "dependentSchemas", k)) for k, v in node["dependentSchemas"].items())
    return out


def _cut(doc: dict, site: str, loop: list[str]):
    """The problem and the fix for a ref that closes a loop."""
    ref = resolve(doc, site)["$ref"]
    shown = " -> ".join(to_fragment(p) for p in loop[:5]) + (" -> ..." if len(loop) > 5 else "")
    alternative = site.split("/")[-2] in ALTERNATIVES
    rest = {k for k in resolve(doc, site) if k != "$ref" and not _skipped(k) and k not in _DOC_ONLY}
    empty = not alternative and not rest
    effect = (
        "an alternative that adds nothing"
        if alternative
        else "no constraint; that schema checks nothing"
        if empty
        else "no constraint"
    )
    problem = Problem(
        site,
        "spec-lint.ref-cycle",
        f"`$ref` {_short(ref)} closes a loop that never descends into the value ({shown}); read as {effect}",
        unchecked=empty,
    )
    if alternative:
        return problem, lambda node: {"not": {}, CYCLE: ref}
    return problem, lambda node: {**{k: v for k, v in node.items() if k != "$ref"}, CYCLE: ref}


_DOC_ONLY = {"description", "title", "deprecated", "externalDocs", "xml", "readOnly", "writeOnly"}


def reach(doc: dict, pointer: str, budget: Budget) -> list[str]:
    """The pointer and every part of the document the schema there can reach through `$ref`s."""
    seen: dict[str, None] = {}  # insertion-ordered set
    todo = [pointer]
    while todo:
        at = todo.pop()
        if at in seen:
            continue
        seen[at] = None
        try:
            node = resolve(doc, at)
        except PointerError:
            continue
        todo.extend(t for _, site in ref_sites(node, at, budget) if (t := from_ref(site["$ref"])) is not None)
    return list(seen)


def inline(doc: dict, schema, limit: int = INLINE_NODES, once: bool = False):
    """A copy of a schema with local `$ref`s replaced by their targets; a ref inside its own expansion
    (and with `once`, any target already expanded) stays a `$ref`, compared by name; past `limit` nodes
    or INLINE_DEPTH levels, TooLarge."""
    left = [limit]
    done: set[str] = set()

    def go(node, active: frozenset, depth: int, names: bool):
        left[0] -= 1
        if left[0] < 0 or depth > INLINE_DEPTH:
            raise TooLarge(f"over {limit:,} values or {INLINE_DEPTH} levels once its $refs are inlined")
        if isinstance(node, list):
            return [go(v, active, depth + 1, False) for v in node]
        if not isinstance(node, dict):
            return node
        target = from_ref(node.get("$ref")) if not names else None
        if target is not None and target not in active and target not in done:
            if once:
                done.add(target)
            try:
                found = resolve(doc, target)
            except PointerError:
                found = None
            if isinstance(found, dict):
                merged = {**found, **{k: v for k, v in node.items() if k != "$ref"}}
                return go(merged, active | {target}, depth + 1, False)
        out = {}
        for key, value in node.items():
            keep = not names and _skipped(key)
            out[key] = value if keep else go(value, active, depth + 1, not names and key in NAME_MAPS)
        return out

    return go(schema, frozenset(), 0, False)


def _unresolved(ref):
    """A fix replacing a ref that cannot be followed by a schema that accepts anything, marked."""
    return lambda node: {**{k: v for k, v in node.items() if k != "$ref"}, UNRESOLVED: _short(ref, 200)}


def _rewrite(ref: str):
    """A fix pointing a ref elsewhere."""
    return lambda node: {**node, "$ref": ref}


def _short(value, limit: int = 120) -> str:
    """A value as a short quoted text for a message."""
    text = repr(value) if isinstance(value, str) else f"{type(value).__name__} {value!r}"
    return text if len(text) <= limit else text[: limit - 3] + "..."
