"""The scrubber against generated hostile input: a canary planted anywhere never survives, clean data is
untouched."""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatconform.recording import keys, scrub
from chatconform.recording.recorder import Scrubber
from chatconform.recording.scrub import (
    REDACTED,
    find_leaks,
    is_secret_name,
    request_secrets,
    scrub_body,
    scrub_headers,
)

ROOT = Path(__file__).resolve().parents[2]
CANARY = "cc-canary-hyp-5e1f0a9b7c3d"
PREFIXES = ["", "x-", "X-Upstream-", "my_", "client.", "proxy-"]
SUFFIXES = [
    "key",
    "api-key",
    "Api-Key",
    "api_key",
    "apikey",
    "apiKey",
    "token",
    "access_token",
    "Access-Token",
    "accessToken",
    "secret",
    "client_secret",
    "password",
    "signature",
    "sig",
    "credentials",
]
SCHEMES = ["", "Bearer ", "bearer  ", "Token ", "Custom-Scheme ", "Digest "]
NEUTRAL = ["model", "content", "max_tokens", "total_tokens", "role", "finish_reason", "id", "index", "tokens"]

# a bare `signature` is an integrity value the model wrote (Anthropic's thinking blocks), not a credential
secret_names = st.builds(lambda p, s: p + s, st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES)).filter(
    lambda name: name.lower() not in keys.INTEGRITY_FIELDS
)
json_leaf = st.one_of(st.integers(-9, 9), st.booleans(), st.none(), st.text(max_size=8))


@st.composite
def planted_json(draw):
    """A JSON value with the canary under a secret-looking name at a random depth and place."""
    value = {draw(secret_names): CANARY}
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.booleans()):
            value = [*draw(st.lists(json_leaf, max_size=2)), value]
        else:
            value = {
                **draw(st.dictionaries(st.sampled_from(NEUTRAL), json_leaf, max_size=3)),
                draw(st.sampled_from(["choices", "delta", "debug", "meta", "0"])): value,
            }
    return value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planted_json(), st.booleans())
def test_a_secret_named_field_at_any_depth_is_redacted_in_json_and_sse(value, as_sse):
    body = json.dumps(value)
    if as_sse:
        body = f": ping\n\nevent: x\ndata: {body}\n\ndata: [DONE]\n\n"
    out = scrub_body(body.encode())
    assert CANARY not in out.decode() and REDACTED in out.decode()


@settings(max_examples=150, deadline=None)
@given(secret_names, st.sampled_from(SCHEMES), st.sampled_from(["json", "sse-comment", "header", "text"]))
def test_a_credential_header_of_any_name_and_scheme_is_redacted_and_its_echo_too(name, scheme, echo_in):
    scrubber = Scrubber()
    request = type(
        "Req", (), {"headers": {name: scheme + CANARY}, "uri": "http://127.0.0.1/v1/x", "body": b"{}"}
    )()
    scrubber.request(request)
    assert find_leaks(json.dumps(request.headers), [CANARY]) == []
    body = {
        "json": json.dumps({"note": f"you sent {CANARY}"}),
        "sse-comment": f": {CANARY}\n\ndata: {{}}\n\n",
        "text": f"echo {CANARY}",
        "header": "{}",
    }[echo_in]
    response = scrubber.response(
        {
            "status": {"code": 200, "message": f"OK {CANARY}"},
            "headers": {"x-echo": [f"{scheme}{CANARY}"]},
            "body": {"string": body.encode()},
        }
    )
    assert find_leaks(repr(response), [CANARY]) == []


@settings(max_examples=100, deadline=None)
@given(secret_names, st.booleans(), st.sampled_from(["?", "?a=1&", "?a=b%20c;"]))
def test_a_key_named_query_parameter_is_redacted_on_any_request(name, streamed, lead):
    url = f"http://127.0.0.1:9/v1/chat/completions{lead}{name}={CANARY}&stream={str(streamed).lower()}"
    assert CANARY in request_secrets({}, url, None)
    assert CANARY not in scrub.scrub_url(url) and "stream=" in scrub.scrub_url(url)
    assert CANARY not in scrub.scrub_text(f"GET {url} failed")  # an error message quoting the URL


@pytest.mark.parametrize(
    "header,value",
    [
        ("Authorization", f"Basic {base64.b64encode(f'user:{CANARY}'.encode()).decode()}"),
        ("Cookie", f"a=1; session={CANARY}"),
        ("Proxy-Authorization", f"Token {CANARY}"),
    ],
)
def test_a_password_inside_basic_or_a_cookie_is_learned_so_its_echo_goes(header, value):
    assert CANARY in request_secrets({header: value})
    assert CANARY not in scrub.scrub_text(
        f"welcome {CANARY}", scrub.known_secrets(request_secrets({header: value}))
    )


def test_every_key_variable_the_run_knows_is_scrubbed(monkeypatch):
    from chatconform.providers import ProviderData

    data = ProviderData.load()
    names = {
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "CHATCONFORM_API_KEY",
        "MY_KEY_VAR",
        "LATER_VAR",
        "X_TOKEN",
        *data.key_env_names(),
    }
    for index, name in enumerate(sorted(names)):
        monkeypatch.setenv(name, f"{CANARY}-{index}")
    monkeypatch.setenv("CHATCONFORM_API_KEY_ENV", "LATER_VAR")
    # the run's own key variables: its data's and --api-key-env MY_KEY_VAR, as the plugin's run holds them
    known = scrub.run_secrets((*data.key_env_names(), "MY_KEY_VAR"))
    assert all(f"{CANARY}-{i}" in known for i in range(len(names)))
    text = " ".join(f"{CANARY}-{i}" for i in range(len(names)))
    assert CANARY not in scrub.scrub_text(text, known)


def test_a_short_or_redacted_value_is_never_a_secret(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "abc")
    assert "abc" not in scrub.run_secrets() and REDACTED not in scrub.known_secrets([REDACTED])


def test_a_body_nested_far_too_deep_is_scrubbed_without_a_traceback_and_fast():
    deep = ('{"a":' * 100_000) + f'"{CANARY}"' + "}" * 100_000
    start = time.perf_counter()
    out = scrub_body(deep.encode(), [CANARY])
    assert CANARY not in out.decode() and time.perf_counter() - start < 2
    tree = value = {}
    for _ in range(50_000):  # built in Python (no parser limit): the walk is iterative
        value["k"] = value = {}
    value["api_key"] = CANARY
    clean = scrub.scrub_tree(tree)
    while "k" in clean:
        clean = clean["k"]
    assert clean == {"api_key": REDACTED}


def test_a_known_value_leaves_keys_and_leaves_of_a_tree_with_or_without_a_memo():
    """verify prints through a memo: a remembered text is scrubbed as a fresh one is, a key as a value."""
    tree = {f"note {CANARY}": [f"said {CANARY}", (CANARY, 3, None, True, 1.5)], "api_key": "abc0123456789"}
    tree["n"] = {CANARY: CANARY}
    expected = {
        f"note {REDACTED}": [f"said {REDACTED}", [REDACTED, 3, None, True, 1.5]],
        "api_key": REDACTED,
        "n": {REDACTED: REDACTED},
    }
    memo: dict = {}
    for remembered in (None, memo, memo):  # no memo, a memo filled, the same memo read back
        assert scrub.scrub_tree(tree, [CANARY], remembered) == expected
    assert memo[CANARY] == REDACTED


def test_binary_and_odd_bodies_keep_their_type_and_lose_the_value():
    blob = b"\x1f\x8b\x08\x00\xff" + CANARY.encode() + b"\x00\xfe"
    assert scrub_body(blob, [CANARY]) == b"\x1f\x8b\x08\x00\xff" + REDACTED.encode() + b"\x00\xfe"
    assert scrub_body(None) is None and scrub_body(b"") == b""
    assert scrub_headers([("x-api-key", CANARY), ("x-ok", "1")]) == {"x-api-key": REDACTED, "x-ok": "1"}
    assert CANARY not in scrub.scrub_url(f"http://[::1/v1?key={CANARY}", [CANARY])  # not a valid URL


@pytest.mark.parametrize(
    "name",
    NEUTRAL
    + [
        "prompt_tokens",
        "completion_tokens_details",
        "x-ratelimit-remaining-tokens",
        "monkey",
        "keyboard",
        "tokenizer",
        "logprobs",
        "system_fingerprint",
    ],
)
def test_ordinary_field_names_are_not_credentials(name):
    assert not is_secret_name(name)


def _response_bodies(folder: Path) -> list[bytes]:
    bodies = []
    for path in sorted(folder.rglob("*.yaml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("interactions") or []:
            body = ((item.get("response") or {}).get("body") or {}).get("string")
            if isinstance(body, str) and body:
                bodies.append(body.encode())
    return bodies


def test_clean_recorded_bodies_stay_byte_for_byte():
    """A false alarm is a bug: real answers (logprob tokens, usage, fingerprints) pass through untouched."""
    real = Path(os.environ.get("CHATCONFORM_REALTRAFFIC") or ROOT.parent / "shared" / "realtraffic")
    bodies = _response_bodies(ROOT / "cassettes") + (_response_bodies(real) if real.is_dir() else [])
    assert len(bodies) >= 5
    changed = [b[:120] for b in bodies if scrub_body(b, []) != b]
    assert changed == []
    logprobs = {"content": [{"token": "Hello", "logprob": -0.1, "bytes": [72], "top_logprobs": []}]}
    assert scrub.scrub_tree(logprobs) == logprobs


# fragments that each net reacts to, in every case, with the separators around them and the four non-ASCII
# letters IGNORECASE matches to ASCII ones
_TEXT_PARTS = [
    "Authorization",
    "AUTHORIZATION: ",
    "proxy-authorization=",
    "Cookie: a=b",
    "set-cookie:",
    "api-key",
    "X-Api-KEY: ",
    "x-my-Token = ",
    "secret",
    "Bearer ",
    "bearer ",
    "BASIC ",
    "dXNlcjpwYXNz",
    "sk-live-0123456789abcdef",
    "api_key=",
    "apiKey=",
    "%6Bey=",
    "access_token=abc",
    "sig=1",
    "?",
    "&",
    ";",
    "=",
    '"',
    '\\"',
    '"token": "',
    '"client_secret":"',
    '"max_tokens": 12',
    ": ",
    "\n",
    " ",
    "\t",
    "<",
    "'",
    "x",
    "Key",
    "passwd",
    "PassPhrase=",
    "credentials",
    "value",
    "0",
    "\u0130",
    "\u0131",
    "\u017f",
    "\u212a",
    "ſecret",
    "x-İkey: ",
    "\u212aey=",
    "é",
    "ß",
    "·",
    "X-",
    "-",
    "x-app-SECRET: ",
    "Set-Cookie= ",
    "Basic dXNlcjpwYXNzd29yZA== ",
    '"password" : "',
    '\\\\"',
    "abcd1234",
    "Bearer abcd1234",
    "Signature=",
    "x_sig=",
]


def _every_pattern(text: str) -> str:
    """What scrub_text's patterns do to a text when each is applied, with no pre-check at all."""
    text = scrub._AUTH_LINE.sub(scrub._auth, text)
    text = scrub._SCHEME_TEXT.sub(scrub._scheme, text)
    text = scrub.PARAM.sub(scrub._params, text)
    return scrub._JSON_FIELD.sub(scrub._json_field, text)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_TEXT_PARTS), max_size=14).map("".join))
def test_the_pre_checks_never_skip_a_pattern_that_would_remove_something(text):
    # scrub_text looks for literal words and each pattern's lower-case twin in a folded text first: they must
    # never miss a match the case-insensitive patterns find in the text itself (nor change what they remove)
    assert scrub.scrub_text(text) == _every_pattern(text)


def test_folding_keeps_every_character_one_for_one_and_makes_ignorecase_twins_of_ascii_letters_ascii():
    import re
    import sys

    word, space, letter = re.compile(r"\w"), re.compile(r"\s"), re.compile("[a-z]", re.IGNORECASE)
    for point in range(sys.maxunicode + 1):
        if 0xD800 <= point <= 0xDFFF:
            continue
        char = chr(point)
        folded = scrub._folded(char)
        assert len(folded) == 1, hex(point)
        assert (word.match(char) is None) == (word.match(folded) is None), hex(point)
        assert (space.match(char) is None) == (space.match(folded) is None), hex(point)
        # a pattern's lower-case letter matches the folded character exactly when IGNORECASE matches the
        # original
        if letter.match(char):
            assert "a" <= folded <= "z" and re.match(folded, char, re.IGNORECASE), hex(point)
        else:
            assert not "a" <= folded <= "z", hex(point)


def test_a_thinking_signature_is_not_a_credential_but_a_query_signature_is():
    # Anthropic requires a thinking block's signature back byte for byte on the next turn: redacting it in a
    # cassette breaks every replayed conversation; a presigned URL's Signature= still grants access
    block = {
        "type": "thinking",
        "thinking": "Let me see.",
        "signature": "EqQBCkgIARABGAIiQL0c4nary+abc/def==",
    }
    delta = {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "signature_delta", "signature": "EqQBCkgIARABGAIiQL0c4nary+abc/def=="},
    }
    for value in (block, delta):
        text = json.dumps(value)
        assert scrub_body(text, []) == text
        assert scrub_body(f"event: x\ndata: {text}\n\n", []) == f"event: x\ndata: {text}\n\n"
        assert scrub.scrub_tree(value) == value
    assert (
        scrub.scrub_url("https://b.example/f?X-Amz-Signature=abcdef0123456789")
        == "https://b.example/f?X-Amz-Signature=<redacted>"
    )
    assert scrub.scrub_tree({"client_secret": "abcdef0123456789"}) == {"client_secret": "<redacted>"}


_NAME_ENDS = ["password", "Passwd", "passphrase", "apiKey", "api-key", "key", "token", "secret", "pwd"]
_NAME_ENDS += ["signature", "sig", "credentials", "credential", "Authorization", "cookie", "Cookie2"]


@settings(max_examples=500, deadline=None)
@given(
    st.text("abcxyzABC_-.", max_size=6),
    st.sampled_from(["", "_", "-", ".", "db_", "x-"]),
    st.sampled_from(_NAME_ENDS),
)
def test_every_name_is_secret_name_takes_passes_the_gates_built_from_its_words(start, separator, end):
    name = start + separator + end
    if not scrub.is_secret_name(name):
        return
    # the gates are built from keys.SECRET_NAME_ENDS, the words is_secret_name reads: none spares such a name
    assert scrub._NAMED_GATE.passes(scrub._folded(f'{{"{name}": 1}}'))
    assert scrub._PARAM_GATE.passes(scrub._folded(f"?{name}=v"))
    assert scrub._JSON_FIELD_GATE.passes(scrub._folded(f'"{name}": "v"'))


@pytest.mark.parametrize("name", ["password", "passwd", "userPassword", "db_passwd", "x-signature"])
def test_a_secret_named_field_with_a_number_is_redacted_in_a_body_as_in_a_tree(name):
    # the fast path once looked for `passw"` only, so a password given as a number went out as it was
    body = json.dumps({name: 12345678901, "user": "a"})
    assert json.loads(scrub.scrub_body(body, [])) == {name: REDACTED, "user": "a"}
