"""Values written in a page's code: Python literals, JavaScript object literals, json5 and printed dicts."""

from __future__ import annotations

import ast
import json
import re

MAX_DEPTH = 64  # deeper than any request a page shows; a deeper literal is refused, never recursed into


class NotLiteral(ValueError):
    """The code holds no value we can read without running it (a variable, a call, a syntax error)."""


def python_value(text: str, names: dict | None = None):
    """The value of a Python expression made of literals (names resolved from `names` when given)."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as err:
        raise NotLiteral(f"Python syntax error at line {err.lineno}: {err.msg}") from None
    return python_node(node, names or {})


def python_node(node, names: dict, depth: int = 0):
    """A literal AST node's value; a Name is looked up in `names` (module-level literal assignments)."""
    if depth > MAX_DEPTH:
        raise NotLiteral("nested too deep")
    if isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise NotLiteral("a dict built with ** (not a literal)")
        return {
            python_node(k, names, depth + 1): python_node(v, names, depth + 1)
            for k, v in zip(node.keys, node.values, strict=True)
        }
    if isinstance(node, (ast.List, ast.Tuple)):
        return [python_node(item, names, depth + 1) for item in node.elts]
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        raise NotLiteral(f"not a literal: {ast.unparse(node)[:60]!r}") from None


# One JavaScript token: a comment, a string in any quote, a number, a word, or one punctuation mark.
_JS_TOKEN = re.compile(
    r"""\s+|//[^\n]*|/\*.*?\*/|(?P<str>'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`)"""
    r"""|(?P<num>-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(?P<word>[A-Za-z_$][\w$]*)"""
    r"""|(?P<punct>[{}\[\]:,])""",
    re.S,
)
_JS_WORDS = {"true": True, "false": False, "null": None}


def js_value(text: str, start: int = 0):
    """(value, end) of the JavaScript object or array literal starting at `start` in text."""
    tokens = _JsTokens(text, start)
    value = _js(tokens, 0)
    return value, tokens.pos


class _JsTokens:
    """A cursor over JavaScript tokens, comments and white space skipped."""

    def __init__(self, text: str, pos: int):
        self.text, self.pos = text, pos

    def next(self) -> tuple[str, str]:
        """(kind, text) of the next token; ('end', '') at the end."""
        while self.pos < len(self.text):
            match = _JS_TOKEN.match(self.text, self.pos)
            if not match:
                raise NotLiteral(f"not a literal at {self.text[self.pos : self.pos + 30]!r}")
            self.pos = match.end()
            if match.lastgroup:
                return match.lastgroup, match.group(match.lastgroup)
        return "end", ""

    def peek(self) -> tuple[str, str]:
        """The next token without consuming it."""
        saved = self.pos
        token = self.next()
        self.pos = saved
        return token


def _js(tokens: _JsTokens, depth: int):
    """One JavaScript value."""
    if depth > MAX_DEPTH:
        raise NotLiteral("nested too deep")
    kind, text = tokens.next()
    if kind == "punct" and text in "{[":
        return _js_object(tokens, depth) if text == "{" else _js_array(tokens, depth)
    if kind == "str":
        return _js_string(text)
    if kind == "num":
        return json.loads(text if not text.startswith((".", "-.")) else text.replace(".", "0.", 1))
    if kind == "word" and text in _JS_WORDS:
        return _JS_WORDS[text]
    raise NotLiteral(f"not a literal: {text[:40]!r}")


def _js_object(tokens: _JsTokens, depth: int) -> dict:
    out: dict = {}
    while True:
        kind, text = tokens.next()
        if (kind, text) == ("punct", "}"):
            return out
        if kind not in ("str", "word", "num"):
            raise NotLiteral(f"not an object key: {text[:40]!r}")
        key = _js_string(text) if kind == "str" else text
        if tokens.next() != ("punct", ":"):
            raise NotLiteral(f"no ':' after key {key!r} (shorthand or spread is not a literal)")
        out[key] = _js(tokens, depth + 1)
        kind, text = tokens.next()
        if (kind, text) == ("punct", "}"):
            return out
        if (kind, text) != ("punct", ","):
            raise NotLiteral(f"expected ',' or '}}' after {key!r}, found {text[:40]!r}")


def _js_array(tokens: _JsTokens, depth: int) -> list:
    out: list = []
    while True:
        if tokens.peek() == ("punct", "]"):
            tokens.next()
            return out
        out.append(_js(tokens, depth + 1))
        kind, text = tokens.next()
        if (kind, text) == ("punct", "]"):
            return out
        if (kind, text) != ("punct", ","):
            raise NotLiteral(f"expected ',' or ']' in an array, found {text[:40]!r}")


def _js_string(token: str) -> str:
    """A JavaScript string token's value (a template with ${...} is not a literal)."""
    body = token[1:-1]
    if token[0] == "`" and "${" in body:
        raise NotLiteral("a template string with ${...}")
    if token[0] != '"':
        # JSON knows only double quotes: \' and \` become the bare quote, a bare " is escaped
        body = re.sub(
            r'\\(.)|"',
            lambda m: '\\"' if m.group(0) == '"' else m.group(1) if m.group(1) in "'`" else m.group(0),
            body,
        )
    try:
        return json.loads(f'"{body}"', strict=False)
    except ValueError:
        raise NotLiteral(f"a string JSON cannot read: {token[:40]!r}") from None


def printed_value(text: str) -> tuple[object, str]:
    """(value, how) of a printed body: 'json' as is, 'json5' (comments, trailing commas), 'python' dict."""
    try:
        return json.loads(text), "json"
    except ValueError:
        pass
    try:
        value, end = js_value(text)
        if text[end:].strip():
            raise NotLiteral("text after the value")
        return value, "json5"
    except NotLiteral:
        pass
    try:
        return python_value(text), "python"
    except (NotLiteral, RecursionError, MemoryError) as err:
        raise NotLiteral(f"neither JSON, json5 nor a Python literal ({err})") from None
