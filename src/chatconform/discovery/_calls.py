"""The HTTP call an example's code makes: URL, headers and JSON body, read from Python, JavaScript or cURL."""

from __future__ import annotations

import ast
import json
import re
import shlex
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise

from chatconform.discovery._literals import NotLiteral, js_value, printed_value, python_node, python_value

_POSTS = ("post", "request")


@dataclass
class Call:
    """What one tab sends; `problem` says why a part could not be read (the tab is then not used)."""

    url: str = ""
    headers: dict = field(default_factory=dict)
    body: object = None  # the JSON value sent (an object when the tab is usable)
    problem: str = ""
    notes: list[str] = field(default_factory=list)


def read_call(language: str, code: str) -> Call:
    """The call a tab's code makes, whatever its language; never raises for a page's code."""
    reader = {"python": _python, "javascript": _javascript, "js": _javascript}.get(language, _curl)
    if code.lstrip().startswith("curl"):  # cURL tabs are often fenced as another language
        reader = _curl
    try:
        return reader(code)
    except (NotLiteral, RecursionError, MemoryError, ValueError) as err:
        return Call(problem=f"{type(err).__name__}: {err}" if not isinstance(err, NotLiteral) else str(err))


def _python(code: str) -> Call:
    """requests.post(URL, headers={...}, json={...}) (or data=json.dumps({...})), literals only."""
    try:
        tree = ast.parse(code)
    except SyntaxError as err:
        return _python_fragments(code, f"the Python code does not parse (line {err.lineno}: {err.msg})")
    names = _literal_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _POSTS:
            return _python_call(node, names)
    return Call(problem="no requests.post(...) call in the Python code")


def _python_call(node: ast.Call, names: dict) -> Call:
    """The URL, headers and body of one requests.post call."""
    # _python passes only attribute calls (requests.post, session.request...)
    args = list(
        node.args[1:] if isinstance(node.func, ast.Attribute) and node.func.attr == "request" else node.args
    )
    call = Call()
    url = args[0] if args else next((k.value for k in node.keywords if k.arg == "url"), None)
    call.url = _str_or_problem(url, names, call)
    for kw in node.keywords:
        if kw.arg == "headers":
            call.headers = _headers(partial(python_node, kw.value, names), call)
        elif kw.arg == "json":
            call.body = python_node(kw.value, names)
        elif kw.arg == "data" and isinstance(kw.value, ast.Call) and kw.value.args:
            call.body = python_node(kw.value.args[0], names)  # data=json.dumps({...})
    if call.body is None and not call.problem:
        call.problem = "the call sends no json= body"
    return call


def _headers(read, call: Call) -> dict:
    """The headers literal, or {} with a note (headers built from variables do not stop the body being
    read)."""
    try:
        value = read()
    except NotLiteral as err:
        call.notes.append(f"headers not read ({err})")
        return {}
    return value if isinstance(value, dict) else {}


def _str_or_problem(node, names: dict, call: Call) -> str:
    try:
        value = python_node(node, names) if node is not None else None
    except NotLiteral as err:
        value, call.problem = None, f"URL: {err}"
    return value if isinstance(value, str) else ""


def _literal_names(tree: ast.Module) -> dict:
    """Module-level `NAME = <literal>` assignments, so a body built from them can still be read."""
    names: dict = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                names[node.targets[0].id] = python_node(node.value, names)
            except NotLiteral:
                continue
    return names


def _python_fragments(code: str, problem: str) -> Call:
    """Code that does not parse: the URL and the json= argument read on their own, said in a note."""
    url = re.search(r"""\.post\(\s*(?:url\s*=\s*)?["']([^"']+)["']""", code)
    start = re.search(r"\bjson\s*=\s*(?=\{)", code)
    call = Call(url=url.group(1) if url else "", notes=[problem])
    if not start:
        call.problem = problem
        return call
    end = _balanced_end(code, start.end())
    try:
        call.body = python_value(code[start.end() : end])
    except NotLiteral as err:
        call.problem = f"{problem}; its json= argument cannot be read either ({err})"
    return call


def _balanced_end(code: str, start: int) -> int:
    """Where the bracketed Python expression starting at `start` ends (strings and comments skipped)."""
    depth, i = 0, start
    pattern = re.compile(
        r"'''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|#[^\n]*|[\[\]{}()]", re.S
    )
    for match in pattern.finditer(code, start):
        token = match.group(0)
        if token in "([{":
            depth += 1
        elif token in ")]}":
            depth -= 1
            if depth == 0:
                return match.end()
        i = match.end()
    return max(i, start)


_FETCH = re.compile(r"""\bfetch\(\s*(?P<q>['"`])(?P<url>[^'"`]+)(?P=q)""")
_STRINGIFY = re.compile(r"\bbody\s*:\s*JSON\.stringify\(\s*")


def _javascript(code: str) -> Call:
    """fetch(URL, {headers: {...}, body: JSON.stringify({...})}), literals (or one named const) only."""
    fetch = _FETCH.search(code)
    if not fetch:
        return Call(problem="no fetch('...') call in the JavaScript code")
    call = Call(url=fetch.group("url"))
    headers = re.compile(r"\bheaders\s*:\s*(?=\{)").search(code, fetch.end())
    if headers:
        call.headers = _headers(lambda: js_value(code, headers.end())[0], call)
    body = _STRINGIFY.search(code, fetch.end())
    if not body:
        call.problem = "the fetch call sends no JSON.stringify(...) body"
        return call
    named = re.match(r"([A-Za-z_$][\w$]*)\s*\)", code[body.end() :])
    if named:  # JSON.stringify(payload): the literal assigned to that name earlier
        assigned = re.search(rf"\b(?:const|let|var)\s+{re.escape(named.group(1))}\s*=\s*(?=[{{\[])", code)
        if not assigned:
            raise NotLiteral(f"the body is the variable {named.group(1)!r}, assigned no literal")
        call.body = js_value(code, assigned.end())[0]
    else:
        call.body = js_value(code, body.end())[0]
    return call


def _curl(code: str) -> Call:
    """curl URL -H 'Name: value' -d '{json}'."""
    try:
        words = shlex.split(code.replace("\\\n", " "), comments=False)
    except ValueError as err:
        return Call(problem=f"the shell command cannot be split ({err})")
    call = Call()
    for word, value in pairwise([*words, ""]):
        if word.startswith(("http://", "https://")) and not call.url:
            call.url = word
        elif word in ("-H", "--header") and ":" in value:
            name, _, text = value.partition(":")
            call.headers[name.strip()] = text.strip()
        elif word in ("-d", "--data", "--data-raw", "--json"):
            call.body = printed_value(value)[0]
    if call.body is None:
        call.problem = "the command sends no -d body"
    return call


def as_json(value) -> str:
    """A body as the old generator wrote it: compact JSON, non-ASCII kept."""
    return json.dumps(value, ensure_ascii=False)
