"""From a parsed spec document to what validators use: shape, refs, normalisation, keywords, loops.

Each step reports what it set aside as a Problem at a JSON pointer; none of them raises for a defect of
the document (only a Budget spent, or a document that is not a JSON object, is one line).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from chatconform.model.inputs import InputError
from chatconform.specs._cache import entry_path, read_entry, write_entry
from chatconform.specs._normalise import normalise_document
from chatconform.specs._problem import Problem
from chatconform.specs._refs import check_refs, cut_cycles
from chatconform.specs._shape import check_keywords, check_shape


@dataclass
class Prepared:
    """A document as read (`checked`: shape and refs fixed) and as validators see it (`doc`)."""

    checked: dict | None  # None: a prepared document read back from the cache (see read_prepared)
    doc: dict
    rewrites: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)


def prepare(raw, where: str) -> Prepared:
    """Every step, in order; `where` names the document in messages."""
    if not isinstance(raw, dict):
        raise InputError(f"{where}: an OpenAPI document is a JSON object, not {type(raw).__name__}")
    checked, problems = check_shape(raw, where)
    checked, found = check_refs(checked, where, own=checked is not raw)
    problems += found
    # cut in the document as read: openapi-spec-validator recurses without end on such a loop too
    checked, found = cut_cycles(checked, where, own=checked is not raw)
    problems += found
    doc, rewrites = normalise_document(checked)  # a copy: from here on the document is ours to change
    doc, found = check_keywords(doc, where, own=True)
    problems += found
    # normalising can move a ref's target (a nullable schema wrapped in anyOf), and a removed keyword can
    # have been one: the validator must never meet a ref it cannot follow (neither adds a loop)
    doc, found = check_refs(doc, where, own=True)
    seen = {(p.pointer, p.check) for p in problems}
    problems += [p for p in found if (p.pointer, p.check) not in seen]
    return Prepared(checked=checked, doc=doc, rewrites=rewrites, problems=problems)


def unchecked_parts(problems: list[Problem], reached: list[str]) -> list[Problem]:
    """The problems that leave part of a schema unchecked, among the parts a validator reaches."""
    out = []
    for problem in problems:
        if problem.unchecked and any(
            problem.pointer == r or problem.pointer.startswith(r + "/") for r in reached
        ):
            out.append(problem)
    return out


def read_prepared(sha: str) -> tuple[Prepared, bool, dict] | None:
    """(prepared without `checked`, plain, closures) as written for this spec by this code, or None."""
    payload = read_entry(entry_path("prepared", sha))
    if not isinstance(payload, dict) or payload.get("spec") != sha or set(payload) != _PAYLOAD:
        return None
    doc, rewrites, problems = payload["doc"], payload["rewrites"], payload["problems"]
    if not isinstance(doc, dict) or not isinstance(rewrites, dict) or not isinstance(problems, list):
        return None
    if not all(type(n) is int and n > 0 for n in rewrites.values()) or type(payload["plain"]) is not bool:
        return None
    if not all(isinstance(p, list) and len(p) == 5 and [type(v) for v in p] == _PROBLEM for p in problems):
        return None
    closures = _closures(payload["closures"])
    if closures is None:
        return None
    ready = Prepared(
        checked=None,
        doc=doc,
        rewrites=Counter(rewrites),
        problems=[
            Problem(pointer, check, message, unchecked, severity)
            for pointer, check, message, unchecked, severity in problems
        ],
    )
    return ready, payload["plain"], closures


def write_prepared(sha: str, ready: Prepared, plain: bool, closures: dict) -> None:
    """Keep what prepare() made of this spec (and its schemas' closures) for the next run."""
    write_entry(
        entry_path("prepared", sha),
        {
            "spec": sha,
            "doc": ready.doc,
            "rewrites": dict(ready.rewrites),
            "plain": plain,
            "problems": [[p.pointer, p.check, p.message, p.unchecked, p.severity] for p in ready.problems],
            "closures": {pointer: [digest, reached] for pointer, (digest, reached) in closures.items()},
        },
    )


def _closures(found) -> dict | None:
    """pointer -> (sha256, reached pointers) from an entry, or None when any of it is not that."""
    if not isinstance(found, dict):
        return None
    out = {}
    for pointer, item in found.items():
        if not (
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], str)
            and len(item[0]) == 64
            and isinstance(item[1], list)
            and all(isinstance(r, str) for r in item[1])
        ):
            return None
        out[pointer] = (item[0], item[1])
    return out


_PAYLOAD = {"spec", "doc", "rewrites", "plain", "problems", "closures"}
_PROBLEM = [str, str, str, bool, str]
