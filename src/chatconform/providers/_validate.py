"""Provider data checked against its JSON Schema, and for written keys; every problem is one line.

The line names the file, the key path (`providers.mine.deviations[0].reason`) and, for a misspelt key, the
closest valid one. Values are never echoed except enum choices, so a key pasted by mistake is not printed.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from fnmatch import fnmatchcase
from functools import lru_cache
from importlib import resources

from jsonschema import Draft202012Validator

from chatconform.model.inputs import InputError

# Names that would hold a key's value: the file may only name a variable (key_env).
SECRET_KEYS = {
    "api_key",
    "apikey",
    "key",
    "token",
    "secret",
    "password",
    "authorization",
    "bearer",
    "access_token",
    "client_secret",
    "api-key",
    "x-api-key",
}


@lru_cache(maxsize=1)
def schema() -> dict:
    """The provider-data JSON Schema shipped with the package."""
    return json.loads(resources.files("chatconform.providers").joinpath("schema.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def key_path(parts) -> str:
    """`providers.mine.deviations[0].reason` from a jsonschema path."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else json.dumps(part)
            out += ("." if out else "") + name
    return out or "(top level)"


def validate(data: dict, where: str) -> None:
    """Raise one InputError for the first schema violation (in document order), else return."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        error = min(errors, key=lambda e: len(e.absolute_path))  # the outermost: a typo before its fallout
        raise InputError(f"{where}: {describe(error)}")


def describe(error) -> str:
    """One line for one jsonschema error: path, what is wrong, and the fix when one is evident."""
    path = list(error.absolute_path)
    kind, expected = error.validator, error.validator_value
    if kind == "additionalProperties":
        known = sorted(error.schema.get("properties") or {})
        extra = [k for k in error.instance if k not in known]
        return _unknown_key(path, extra[0], known)
    if kind == "type":
        names = expected if isinstance(expected, list) else [expected]
        return (
            f"{key_path(path)}: must be {' or '.join(_TYPES.get(n) or n for n in names)}, "
            f"not {_kind(error.instance)}"
        )
    if kind == "enum":
        shown = (
            error.instance if isinstance(error.instance, str) and len(error.instance) < 40 else "this value"
        )
        return f"{key_path(path)}: {shown!r} is not one of {', '.join(map(str, expected))}"
    if kind == "required":
        missing = next((k for k in expected if k not in error.instance), expected[0])
        return f"{key_path(path)}: missing {missing!r}"
    if kind == "pattern" or "x-message" in error.schema:
        where = key_path(path)
        if "propertyNames" in error.schema_path:  # the error is about a table's key, not a value
            where += f" {error.instance!r}"
        return f"{where}: {error.schema.get('x-message') or 'does not match ' + str(expected)}"
    if kind in ("minimum", "minItems", "minLength"):
        return f"{key_path(path)}: {_MINIMA[kind]} {expected}"
    return f"{key_path(path)}: {error.message[:120]}"


_TYPES = {
    "object": "a table",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
}
_MINIMA = {
    "minimum": "must be at least",
    "minItems": "needs at least this many items:",
    "minLength": "must not be shorter than",
}


def _kind(value) -> str:
    """The TOML name of a value's type."""
    for kind, name in (
        (bool, "true/false"),
        (dict, "a table"),
        (list, "a list"),
        (str, "a string"),
        (int, "an integer"),
        (float, "a number"),
    ):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _unknown_key(path, key: str, known) -> str:
    """'unknown key' with the closest valid one, or the list of valid ones."""
    where = key_path([*path, key])
    if str(key).lower() in SECRET_KEYS:
        return f'{where}: a key is never written here; name its environment variable with key_env = "..."'
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"valid keys: {', '.join(known)}"
    return f"{where}: unknown key; {hint}"


def refuse_unbounded(data: dict, where: str) -> None:
    """Every number finite (TOML reads nan and inf), and no deviation silently covering everything."""
    stack: list[tuple[tuple[object, ...], object]] = [((), data)]  # (path of keys and indices, value)
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            stack += [((*path, k), v) for k, v in item.items()]
        elif isinstance(item, list):
            stack += [((*path, i), v) for i, v in enumerate(item)]
        elif isinstance(item, float) and not math.isfinite(item):
            raise InputError(f"{where}: {key_path(path)}: must be a finite number, not {item}")
    for name, provider in (data.get("providers") or {}).items():
        for index, deviation in enumerate(provider.get("deviations") or []):
            _refuse_everywhere(deviation, f"{where}: {key_path(['providers', name, 'deviations', index])}")


# model ids of every shape: a pattern matching all of them covers every model ("*", "?*", "**")
_PROBES = ("a", "Z", "0", "x/y", "gpt-4o", "m:free", "a.b_c", "vendor/model-2.5-flash-lite-preview-06-17")


def covers_everything(deviation: dict) -> bool:
    """True when a deviation's models, origins and endpoints leave out no model, no origin and no endpoint."""
    models = deviation.get("models") or ["*"]
    origins = set(deviation.get("origins") or ["*"])
    every_model = all(any(fnmatchcase(probe, p) for p in models) for probe in _PROBES)
    every_origin = set(schema()["$defs"]["origins"]["items"]["enum"]) - {"*"}
    every_path = "*" in (deviation.get("paths") or ["*"])
    return every_model and every_path and ("*" in origins or origins >= every_origin)


def _refuse_everywhere(deviation: dict, where: str) -> None:
    """A deviation for every model and origin turns each failure of its check into a pass without a word:
    it must say so (`everywhere = true`, then its reason is shown in every report), or be narrowed."""
    every, said = covers_everything(deviation), deviation.get("everywhere") is True
    if every and not said:
        raise InputError(
            f"{where}: covers every model and every origin, so each failure of "
            f"{deviation.get('check')!r} would pass unseen; narrow it with models, origins or "
            "paths = [...], or write everywhere = true (its reason is then shown in every "
            "report)"
        )
    if said and not every:
        raise InputError(
            f"{where}: everywhere = true, yet models, origins or paths narrow it; remove one of them"
        )
