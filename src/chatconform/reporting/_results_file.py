"""A results.json (or a history copy of one) read and type-checked once, for the summary and the gate.

Everything past this point may index the fields it uses: a wrong type, a missing field, a null entry or
an unknown key is one InputError (exit 2) naming the file and the place, never a traceback later.
Unknown verdict words are not a shape error: they are listed by `unknown_verdicts` so each command can
show them and fail in its own way. A verdict better than its own findings (a `pass` holding a violation) is
an error: chatconform never writes one, so the file was edited, and no command may take it at its word.
"""

from __future__ import annotations

import inspect
from functools import lru_cache

from chatconform.model.inputs import InputError, expect, load_json, parse_json, read_text
from chatconform.model.verdict import CONFLICT, FAIL, KNOWN, VERDICTS

_STR, _OPT_STR, _NUM = (str,), (str, type(None)), (int, float, type(None))
# field: (allowed types, required)
ENTRY = {
    "provider": (_STR, True),
    "check": (_STR, True),
    "verdict": (_STR, True),
    "model": (_OPT_STR, False),
    "origin": (_OPT_STR, False),
    "exchange": (_OPT_STR, False),
    "test_id": (_OPT_STR, False),
    "reason": (_OPT_STR, False),
    "spec": (_OPT_STR, False),
    "duration_s": (_NUM, False),
    "findings": ((list,), False),
    "dialect": (_OPT_STR, False),
    "observations": ((dict, type(None)), False),
    "excerpt": ((dict, type(None)), False),
    "acknowledged": ((dict, type(None)), False),
}
TOP = {
    "results": ((list,), True),
    "schema": (_OPT_STR, False),
    "tool_version": (_OPT_STR, False),
    "mode": (_OPT_STR, False),
    "started_at": (_OPT_STR, False),
    "finished_at": (_OPT_STR, False),
    "python": (_OPT_STR, False),
    "counts": ((dict,), False),
    "specs": ((dict, type(None)), False),
    "spend": ((dict, type(None)), False),
}
FINDING = {
    "message": (_OPT_STR, False),
    "severity": (_OPT_STR, False),
    "check": (_OPT_STR, False),
    "says": (_OPT_STR, False),
    "source": (_OPT_STR, False),
    "extra": ((dict,), False),
}
SPEC = {
    "path": (_OPT_STR, False),
    "sha256": (_OPT_STR, False),
    "openapi": (_OPT_STR, False),
    "url": (_OPT_STR, False),
    "lint": ((list,), False),
}
OBSERVATIONS = {
    "finish_reasons": ((list,), False),
    "completion_tokens": ((int, type(None)), False),
    "no_limit_sent": ((bool, type(None)), False),
    "status": ((int, type(None)), False),
    "model": (_OPT_STR, False),
    "prompt_tokens": ((int, type(None)), False),
    "usd": (_NUM, False),
}
EXCERPT = {"request": (_OPT_STR, False), "response": (_OPT_STR, False)}
ACKNOWLEDGED = {"reason": (_STR, True), "link": (_STR, True), "declared_in": (_OPT_STR, False)}
SIDE = {"source": (_STR, True), "says": (_STR, True)}
SCHEMA = "chatconform-results/1"


@lru_cache(maxsize=1)
def written_keys() -> tuple[frozenset, frozenset]:
    """The keys ResultsLog writes (top level, entry), taken from the writer so the two never drift apart."""
    from chatconform.reporting.results import ResultsLog

    log = ResultsLog()
    params = [p for p in inspect.signature(log.add).parameters.values() if p.kind is p.KEYWORD_ONLY]
    sample = {"findings": [], "verdict": VERDICTS[0]}  # plausible values, should add() ever check them
    log.add(**{p.name: sample.get(p.name, "x") for p in params if p.default is p.empty})
    return frozenset(log.to_dict()), frozenset(log.entries[0])


def load_results(path, what: str = "results.json") -> dict:
    """A results.json whose shape the summary and the gate can rely on, or a one-line InputError."""
    return _checked(load_json(path, what), str(path))


def load_scrubbed(path, what: str = "results.json") -> dict:
    """load_results with every key value the run knows (any form) and every secret-named field redacted: what
    a file holds is copied into what a command writes, and the file may come from anywhere."""
    from chatconform.recording.scrub import is_clean, known_secrets, scrub_tree

    text = read_text(path, what)
    data, secrets = _checked(parse_json(text, str(path)), str(path)), known_secrets()
    # the text checked at C speed first: most files (history copies above all) hold nothing to remove
    return data if is_clean(text, secrets) else scrub_tree(data, secrets, {})


def _checked(data, where: str) -> dict:
    """The parsed file, its shape and its verdicts checked."""
    if not isinstance(data, dict) or "results" not in data:
        raise InputError(f"{where}: not a chatconform results.json (no `results`)")
    top_keys, entry_keys = written_keys()
    _fields(data, TOP, f"{where}: $", top_keys)
    if data.get("schema") not in (None, SCHEMA):
        raise InputError(f"{where}: $.schema is {data['schema']!r}; this chatconform reads {SCHEMA!r}")
    for i, entry in enumerate(data["results"]):
        _entry(entry, f"{where}: $.results[{i}]", entry_keys)
    for key, value in (data.get("spend") or {}).items():
        _typed(value, _NUM, f"{where}: $.spend.{key}", "a spend figure")
    for sid, spec in (data.get("specs") or {}).items():
        _fields(
            expect(spec, dict, f"{where}: $.specs[{sid!r}]", "a spec entry"),
            SPEC,
            f"{where}: $.specs[{sid!r}]",
        )
    return data


def _entry(entry, place: str, known: frozenset) -> None:
    """One results entry: the fields the reports use, of the types they use."""
    expect(entry, dict, place, "a result entry")
    _fields(entry, ENTRY, place, known)
    for j, finding in enumerate(entry.get("findings") or []):
        at = f"{place}.findings[{j}]"
        _fields(expect(finding, dict, at, "a finding"), FINDING, at)
        sides = (finding.get("extra") or {}).get("sides", [])
        for k, side in enumerate(expect(sides, list, f"{at}.extra.sides", "the sides of a conflict")):
            _fields(expect(side, dict, f"{at}.extra.sides[{k}]", "a side"), SIDE, f"{at}.extra.sides[{k}]")
        for name in ("subject", "consequence"):
            _typed((finding.get("extra") or {}).get(name), _OPT_STR, f"{at}.extra.{name}", name)
    if entry.get("acknowledged") is not None:
        _fields(entry["acknowledged"], ACKNOWLEDGED, f"{place}.acknowledged")
    _verdict_follows(entry, place)
    observations = entry.get("observations") or {}
    _fields(observations, OBSERVATIONS, f"{place}.observations")
    _fields(entry.get("excerpt") or {}, EXCERPT, f"{place}.excerpt")
    for k, reason in enumerate(observations.get("finish_reasons") or []):
        _typed(reason, _OPT_STR, f"{place}.observations.finish_reasons[{k}]", "a finish_reason")


# the verdicts a row holding a violation finding can have: failed, failed as declared, or a documented
# example breaking its provider's own rules (judge() gives no other)
_VIOLATED = frozenset({FAIL, KNOWN, CONFLICT})


def _verdict_follows(entry: dict, place: str) -> None:
    """A row's verdict recomputed from its findings: one that claims better than they show is an error."""
    if entry["verdict"] in _VIOLATED or entry["verdict"] not in VERDICTS:  # unknown words: unknown_verdicts
        return
    for j, finding in enumerate(entry.get("findings") or ()):
        if finding.get("severity") == "violation":
            raise InputError(
                f"{place}.verdict: {entry['verdict']!r}, yet findings[{j}] is a violation (a "
                f"row with a violation is {FAIL!r}, or {KNOWN!r} as a declared deviation); the "
                "file was edited, and is not taken at its word"
            )


def _fields(obj: dict, spec: dict, place: str, known: frozenset | None = None) -> None:
    """Required fields present, each field of its type, and (when `known` is given) no unknown key."""
    if _plainly_fine(obj, spec, known):
        return  # most objects (a catalog run's history is tens of thousands of rows): nothing to say
    for name, (kinds, required) in spec.items():
        if name not in obj:
            if required:
                raise InputError(f"{place}: the field `{name}` is missing")
            continue
        _typed(obj[name], kinds, f"{place}.{name}", f"`{name}`")
    extra = sorted(str(k) for k in obj if k not in known) if known is not None else []
    if extra:
        raise InputError(
            f"{place}: unknown key(s) {', '.join(map(repr, extra[:5]))}. "
            f"Known: {', '.join(sorted(known or ()))}."
        )


def _plainly_fine(obj: dict, spec: dict, known: frozenset | None) -> bool:
    """True when every field is of an allowed type exactly, none is missing and none is unknown: what the
    checks below would pass without a word, found in one loop (anything else goes through them)."""
    exact, required = _exact(spec)
    for name, value in obj.items():
        kinds = exact.get(name)
        if kinds is None:
            if known is not None and name not in known:
                return False
        elif type(value) not in kinds:
            return False
    return required <= obj.keys()


_EXACT: dict[int, tuple[dict, frozenset]] = {}  # id of a field table above -> what _exact makes of it


def _exact(spec: dict) -> tuple[dict, frozenset]:
    """(field -> the exact types it may hold, the required fields) of one of the field tables above."""
    if id(spec) not in _EXACT:
        _EXACT[id(spec)] = (
            {name: frozenset(kinds) for name, (kinds, _) in spec.items()},
            frozenset(name for name, (_, required) in spec.items() if required),
        )
    return _EXACT[id(spec)]


def _typed(value, kinds: tuple, place: str, what: str):
    """value when it is one of `kinds` (a boolean is never a number), else a one-line InputError."""
    if isinstance(value, bool) and bool not in kinds:
        wanted = " or ".join(_NAMES.get(k, k.__name__) for k in kinds)
        raise InputError(f"{place}: {what} must be {wanted}, not a boolean")
    return expect(value, kinds, place, what)


_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    type(None): "null",
    list: "a list",
    dict: "an object",
}


def unknown_verdicts(data: dict, where: str) -> list[str]:
    """'word' at file: $.results[i].verdict, for every verdict word outside the vocabulary (first 5)."""
    bad = [(e["verdict"], i) for i, e in enumerate(data["results"]) if e["verdict"] not in VERDICTS]
    shown = [f"{word!r} at {where}: $.results[{i}].verdict" for word, i in bad[:5]]
    return shown + ([f"and {len(bad) - 5} more"] if len(bad) > 5 else [])


def known_words() -> str:
    """The vocabulary, for messages."""
    return ", ".join(VERDICTS)
