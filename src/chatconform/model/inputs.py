"""The one validated loader for every file a command reads: bounded, typed, one-line errors.

Every failure is an InputError (a UsageError: exit 2) naming the file and, where it helps, the place.
Limits are generous for real material and fail loudly past it: a document is never silently cut.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar, overload

import yaml

from chatconform.model import _yaml_events
from chatconform.model.errors import UsageError
from chatconform.model.paths import read_regular

MAX_FILE_BYTES = 64 * 1024 * 1024  # a 100 MB spec or cassette is refused, not linted for 20 minutes
MAX_DEPTH = 200  # deeper than any real spec or body; every recursive walk below stays far from Python's limit
MAX_NODES = 1_000_000  # containers + scalars visited, aliases counted each time they are reached

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C loader when present
T = TypeVar("T")
PathLike = str | os.PathLike[str]


class InputError(UsageError):
    """A file (or a value inside one) that cannot be taken as what it should be."""


def read_bytes(path: PathLike, what: str = "file", limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, at most `limit` of them; absent, a folder or a FIFO is one line."""
    path = Path(path)
    try:
        data = read_regular(path, what)
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what}") from None
    except UsageError:
        raise
    except Exception as err:  # ChatconformError from read_regular, or an OSError it did not map
        raise InputError(str(err) if str(path) in str(err) else f"{path}: {err}") from None
    if len(data) > limit:
        raise InputError(f"{path}: {len(data):,} bytes is over the {limit:,}-byte limit for a {what}")
    return data


def read_text(path: PathLike, what: str = "file", limit: int = MAX_FILE_BYTES) -> str:
    """A regular file as UTF-8 text (lone surrogates and invalid bytes are one line, not a traceback)."""
    data = read_bytes(path, what, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 ({err.reason} at byte {err.start})") from None


def parse_json(text: str | bytes, where: str, max_depth: int = MAX_DEPTH) -> Any:
    """JSON from text; too deep, too large or malformed is one InputError naming `where`."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply (over Python's recursion limit)") from None
    except (ValueError, UnicodeDecodeError) as err:
        raise InputError(f"{where}: not valid JSON ({_first_line(err)})") from None
    check_bounds(value, where, max_depth)
    return value


def load_json(path: PathLike, what: str = "JSON file", max_depth: int = MAX_DEPTH) -> Any:
    """A JSON file, read through read_text and parse_json."""
    return parse_json(read_text(path, what), str(path), max_depth)


def parse_yaml(text: str, where: str, max_depth: int = MAX_DEPTH) -> Any:
    """YAML (safe, C loader when present) whose expanded size and depth are bounded."""
    value = _yaml_events.load(text, max_depth, MAX_NODES)  # SafeLoader's value, built from libyaml's events
    if value is not _yaml_events.FALLBACK:
        return value  # within the bounds already, and libyaml lets no lone surrogate through
    try:
        value = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader)
    except RecursionError:
        raise InputError(f"{where}: YAML nested too deeply") from None
    except yaml.YAMLError as err:
        raise InputError(f"{where}: not valid YAML ({_first_line(err)})") from None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as err:
        # a typed value SafeLoader cannot build (`!!int x`, the date 2001-13-45) raises these, not YAMLError
        raise InputError(
            f"{where}: not valid YAML (a value that cannot be read as its type: {_first_line(err)[:120]})"
        ) from None
    check_bounds(value, where, max_depth)
    return value


YAML_SUFFIXES = (".yaml", ".yml")


class _Yaml12(_YAML_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, reading plain numbers as YAML 1.2 does (OpenAPI documents are YAML 1.2): `1e-08` is a
    number there, a string in PyYAML's YAML 1.1 (Mistral's learning_rate bounds would stop being numbers)."""


_Yaml12.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def parse_document(data: bytes | str, where: str, name: str = "") -> Any:
    """A published spec: YAML when its file name says so (Mistral publishes openapi.yaml), else JSON; either
    way the JSON data model (keys as strings, dates as text), so every later step reads one form."""
    if not str(name).lower().endswith(YAML_SUFFIXES):
        return parse_json(data, where)
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as err:
        raise InputError(f"{where}: not UTF-8 ({err.reason} at byte {err.start})") from None
    try:
        value = yaml.load(text, Loader=_Yaml12)  # noqa: S506 (a safe loader)
    except RecursionError:
        raise InputError(f"{where}: YAML nested too deeply") from None
    except (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError, OverflowError) as err:
        raise InputError(f"{where}: not valid YAML ({_first_line(err)[:160]})") from None
    check_bounds(value, where)
    try:
        return json.loads(json.dumps(value, default=str))
    except (ValueError, RecursionError) as err:
        raise InputError(f"{where}: YAML that has no JSON form ({_first_line(err)})") from None


# A TOML file a user writes (chatconform.toml, specs/sources.toml) is checked as text before tomllib reads it:
# tomllib recurses once per nested array or inline table (RecursionError), and a dotted key or table header of
# many parts costs it quadratic time (100,000 parts: 12 s; as a dotted key, memory until killed)
MAX_TOML_BYTES = 1024 * 1024
MAX_TOML_NESTING = 16  # arrays and inline tables open at once (a project file needs 3)
MAX_TOML_DOTS = 32  # dots outside strings on one line: the parts of a dotted key or header, a float's point
_TOML_TOKENS = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
    r"|[\[\]{}.\n]",
    re.S,
)


def parse_toml(text: str, where: str, max_depth: int = 32, max_nodes: int = 100_000) -> dict[str, Any]:
    """TOML whose nesting, dotted keys and size are bounded before it is parsed; one InputError otherwise."""
    if len(text) > MAX_TOML_BYTES:
        raise InputError(
            f"{where}: {len(text):,} characters is over the {MAX_TOML_BYTES:,} a TOML file may hold"
        )
    depth = dots = 0
    for token in _TOML_TOKENS.finditer(text):  # a string or a comment is one token: its brackets are text
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > MAX_TOML_NESTING:
                raise InputError(
                    f"{where}: arrays or inline tables nested deeper than {MAX_TOML_NESTING}; refused"
                )
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == ".":
            dots += 1
            if dots > MAX_TOML_DOTS:
                raise InputError(f"{where}: a line with over {MAX_TOML_DOTS} dotted parts; refused")
        elif char == "\n":
            dots = 0
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{where}: not valid TOML ({_first_line(err)})") from None
    except RecursionError:  # the nesting bound above keeps tomllib far from this: a last line of defence
        raise InputError(f"{where}: TOML nested too deeply") from None
    check_bounds(data, where, max_depth, max_nodes)
    return data


def check_bounds(value: object, where: str, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> None:
    """Refuse a value nested deeper than max_depth or larger than max_nodes once aliases are expanded."""
    # level by level, each level's values counted as they are listed (so a level of aliases never grows
    # past the bound), every string checked at once at the end: ~3x faster than one value at a time
    level, depth, seen = [value], 0, 0
    texts: list[str] = []
    while level:
        seen += len(level)
        if seen > max_nodes:
            raise InputError(f"{where}: over {max_nodes:,} values once expanded (YAML aliases?); refused")
        if depth > max_depth:
            raise InputError(f"{where}: nested deeper than {max_depth} levels; refused")
        below: list[object] = []
        for item in level:
            if isinstance(item, dict):
                below += item.values()
                below += [k for k in item if isinstance(k, (tuple, frozenset))]
            elif isinstance(item, (list, tuple)):
                below += item
            else:
                if isinstance(item, str):
                    texts.append(item)
                continue
            if seen + len(below) > max_nodes:
                raise InputError(f"{where}: over {max_nodes:,} values once expanded (YAML aliases?); refused")
        level, depth = below, depth + 1
    if texts and _has_lone_surrogate("".join(texts)):
        raise InputError(f"{where}: a string holds a lone UTF-16 surrogate (not valid Unicode text)")


def _has_lone_surrogate(text: str) -> bool:
    """True when text cannot be encoded as UTF-8 (a lone surrogate from a JSON \\ud800 escape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


@overload
def expect(value: object, kind: type[T], where: str, what: str) -> T: ...
@overload
def expect(value: object, kind: tuple[type, ...], where: str, what: str) -> Any: ...
def expect(value: object, kind: type | tuple[type, ...], where: str, what: str) -> Any:
    """value when it is of `kind`, else an InputError naming where and what was found."""
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    names = kind if isinstance(kind, tuple) else (kind,)
    wanted = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in names)
    raise InputError(
        f"{where}: {what} must be {wanted}, not {_TYPE_NAMES.get(type(value), type(value).__name__)}"
    )


_TYPE_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
    bytes: "bytes",
}


def _first_line(err: Exception) -> str:
    """The first line of an error's message."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
