"""The scrubber against a known key in other encodings and split over stream events, and files read back.

A key the run knows is removed as sent, base64-encoded alone or after any text (HTTP Basic's `user:key`),
URL-encoded and JSON-escaped, and when a server spells it over several `data:` events; a clean stream stays
byte for byte. Keys that arrive in files (a results.json, a history copy, a docs page) are removed from what
`merge`, `report`, `gate` and `specs pull` write.
"""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatconform.cli import main
from chatconform.recording import scrub
from chatconform.recording.scrub import known_secrets, scrub_body, scrub_text
from tests.adversarial.canaries import canary, encodings, files_below, leaks

KEY = "cc-canary-fixed-5e1f0a9b7c3d2e4f+k/x9"
around = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
inline = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 6), around, around, st.sampled_from(["user:", "", ":", "Basic ", "x"]))
def test_a_known_key_inside_any_base64_text_is_removed(lead, before, after, joiner):
    # HTTP Basic puts `user:key` in base64; the key's characters then depend on how many bytes come first
    hidden = base64.b64encode(("u" * lead + joiner + KEY + after).encode()).decode()
    for form in (hidden, hidden.replace("+", "-").replace("/", "_")):  # standard and URL-safe alphabets
        out = scrub_text(f"{before} {form} {after}", known_secrets([KEY]))
        assert KEY not in _decoded(out)


def _decoded(text: str) -> str:
    """Every base64 run in a text decoded (what a reader of the file could recover)."""
    import re

    out = []
    for run in re.findall(r"[A-Za-z0-9+/_-]{8,}={0,2}", text):
        for shift in range(4):
            chunk = run[shift:]
            chunk = chunk[: len(chunk) // 4 * 4]
            try:
                out.append(base64.b64decode(chunk.replace("-", "+").replace("_", "/")).decode("latin-1"))
            except ValueError:
                pass
    return " ".join(out)


@pytest.mark.parametrize("name", ["base64", "basic", "url", "json", "json-slash"])
def test_each_encoding_of_a_known_key_is_removed_from_json_sse_and_text(name):
    form = encodings(KEY)[name]
    for body in (json.dumps({"note": form}), f"data: {json.dumps({'x': form})}\n\n", f"echo {form}"):
        assert form not in scrub_body(body.encode(), known_secrets([KEY])).decode()


def test_a_key_or_a_key_name_written_as_json_unicode_escapes_is_removed_too():
    # a parser reads `\u0063\u0063-...` back as the key: the text nets alone would see no key and no name
    hidden, name = encodings(KEY)["json-unicode"], encodings("api_key")["json-unicode"]
    pair = f'"{name}": "zq-not-a-known-key-1234"'
    chunk = f'data: {{"choices": [{{"delta": {{"content": "{hidden}"}}, {pair}}}]}}'
    for text in (f'{{"note": "{hidden}", {pair}}}', chunk):
        out = scrub_body(text.encode(), known_secrets([KEY])).decode()
        read = json.dumps(json.loads(out.removeprefix("data: ")), ensure_ascii=False)  # as a parser reads it
        assert KEY not in read and "zq-not-a-known-key" not in read


NAMES = ["api_key", "token", "x-Auth-Token", "client_secret", "content", "model", "max_tokens", "note", "sig"]
leaf = st.one_of(st.sampled_from([KEY, f"sent {KEY}", "hello", "Bearer abcdef0123456789", ""]), st.integers())


def _escaped(text: str, which: list[bool]) -> str:
    """A JSON text with some of its ASCII letters written as \\u escapes (inside strings only)."""
    out, inside, flags = [], False, iter(which * (len(text) // max(len(which), 1) + 1))
    for i, char in enumerate(text):
        if char == '"' and (i == 0 or text[i - 1] != "\\"):
            inside = not inside
        hide = inside and char.isalpha() and char.isascii() and next(flags)
        out.append(f"\\u{ord(char):04x}" if hide else char)
    return "".join(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        st.dictionaries(st.sampled_from(NAMES), leaf, max_size=3),
        lambda inner: st.dictionaries(st.sampled_from(NAMES), inner, max_size=3),
        max_leaves=8,
    ),
    st.lists(st.booleans(), min_size=1, max_size=7),
    st.booleans(),
)
def test_the_fast_path_never_spares_a_json_text_the_tree_walk_would_change(value, which, known):
    # report, gate and merge (and every body) skip the tree walk when the text looks clean: with ASCII letters
    # written as \u escapes anywhere, that must still mean the parsed value holds nothing to remove
    text = _escaped(json.dumps(value), which)
    secrets = known_secrets([KEY]) if known else []
    parsed = json.loads(text)
    if scrub.is_clean(text, secrets):
        assert scrub.scrub_tree(parsed, secrets) == parsed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(1, len(KEY) - 1), min_size=1, max_size=4, unique=True), st.booleans(), inline)
def test_a_key_split_over_stream_events_is_removed_from_what_they_add_up_to(cuts, raw_lines, lead):
    cuts = sorted(cuts)
    pieces = [KEY[a:b] for a, b in zip([0, *cuts], [*cuts, len(KEY)], strict=True)]
    pieces[0], pieces[-1] = lead + pieces[0], pieces[-1] + " bye"
    if raw_lines:  # non-JSON data lines, as some servers send text
        body = "".join(f"data: {p}\n\n" for p in pieces)
    else:
        body = "".join(
            f"data: {json.dumps({'choices': [{'index': 0, 'delta': {'content': p}}]})}\n\n" for p in pieces
        )
    out = scrub_body((body + "data: [DONE]\n\n").encode(), known_secrets([KEY])).decode()
    assert KEY not in _assembled(out) and "<redacted>" in _assembled(out)
    assert _assembled(out).endswith(" bye")  # what is not the key stays


def _assembled(stream: str) -> str:
    out = []
    for line in stream.splitlines():
        if line.startswith("data: ") and line != "data: [DONE]":
            try:
                out += [c["delta"]["content"] for c in json.loads(line[6:])["choices"]]
            except (ValueError, KeyError, TypeError):
                out.append(line[6:])
    return "".join(out)


def test_a_clean_stream_and_a_stream_without_known_keys_stay_byte_for_byte():
    body = (
        "".join(
            f"data: {json.dumps({'choices': [{'index': 0, 'delta': {'content': p}}]})}\n\n"
            for p in ("Hel", "lo", " there")
        )
        + "data: [DONE]\n\n"
    )
    assert scrub_body(body, known_secrets([KEY])) == body and scrub_body(body, []) == body
    other = f"id {base64.b64encode(b'nothing secret here').decode()}"
    assert scrub.scrub_text(other, known_secrets([KEY])) == other


def _results(rows) -> dict:
    return {
        "schema": "chatconform-results/1",
        "mode": "live",
        "started_at": "2026-01-01T00:00:00+00:00",
        "results": rows,
        "specs": {},
        "spend": {"usd": 0.0},
    }


def _row(i: int, verdict: str, text: str, **extra) -> dict:
    finding = {
        "severity": "violation",
        "message": text,
        "check": "c",
        "extra": {"api_key": extra.pop("named", "")},
    }
    return {
        "provider": "p",
        "model": "m",
        "check": f"c{i}",
        "verdict": verdict,
        "origin": "live",
        "exchange": f"https://h.example/v1?key={extra.pop('param', 'x')}",
        "test_id": f"t{i}",
        "reason": text if verdict != "fail" else None,
        "findings": [finding] if verdict == "fail" else [],
    }


def test_keys_in_results_and_history_files_are_not_copied_out_by_merge_report_or_gate(
    tmp_path, monkeypatch, capsys
):
    known, named, bearer, param = canary("env"), canary("named"), canary("bearer"), canary("param")
    monkeypatch.setenv("OPENAI_API_KEY", known)  # the run knows this one; the others only the name nets catch
    told = " ".join(encodings(known).values())
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shard = [
        _row(1, "fail", f"echoed {told} Bearer {bearer}", named=named, param=param),
        _row(2, "pass", told),
    ]
    (inputs / "a.json").write_text(json.dumps(_results(shard[:1])))
    (inputs / "b.json").write_text(json.dumps(_results(shard[1:])))
    (inputs / "base.json").write_text(json.dumps(_results([_row(1, "pass", told), _row(2, "pass", told)])))
    history = tmp_path / "out" / "history"
    history.mkdir(parents=True)
    (history / "results-2025.json").write_text(json.dumps({**_results(shard), "started_at": "2025"}))
    out = tmp_path / "out"
    codes = [
        main(["merge", str(inputs / "a.json"), str(inputs / "b.json"), "--output", str(out / "merged.json")]),
        main(
            [
                "report",
                "--results",
                str(out / "merged.json"),
                "--history",
                str(history),
                "--out",
                str(out / "summary.html"),
            ]
        ),
        main(
            [
                "gate",
                "--baseline",
                str(inputs / "base.json"),
                "--candidate",
                str(inputs / "a.json"),
                "--output",
                str(out / "gate.md"),
            ]
        ),
    ]
    printed = "".join(capsys.readouterr())
    assert codes == [0, 0, 1] and {"merged.json", "summary.html", "gate.md"} <= files_below(out)
    assert leaks(inputs, {"env": known}) != {}  # the inputs do hold them: the test can fail
    keys = {"env": known, "named": named, "bearer": bearer, "param": param}
    assert leaks(out, keys, printed, skip=[history / "results-2025.json"]) == {}


def test_a_docs_page_holding_a_key_is_pinned_redacted(tmp_path, monkeypatch, capsys):
    key = canary("page")
    monkeypatch.setenv("ACME_API_KEY", key)  # named like a key: the run knows it
    specs, mirror = tmp_path / "specs", tmp_path / "mirror"
    specs.mkdir()
    (specs / "sources.toml").write_text(
        '[[source]]\nid = "acme/page"\nkind = "doc"\nprovider = "acme"\n'
        'url = "https://docs.acme.example/chat.md"\n'
    )
    page = mirror / "docs.acme.example" / "chat.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        "# Chat\n\n"
        + "\n".join(f"- {name}: `{form}`" for name, form in encodings(key).items())
        + "\n\ncurl -H 'Authorization: Bearer <YOUR_KEY>' https://api.acme.example\n"
    )
    monkeypatch.setenv("CHATCONFORM_ROOT", str(tmp_path))
    monkeypatch.setenv("CHATCONFORM_CACHE", str(tmp_path / ".cache"))
    assert main(["specs", "pull", "--mirror", str(mirror), "--update"]) == 0
    printed = "".join(capsys.readouterr())
    stored = [p for p in specs.rglob("*.md")]
    assert len(stored) == 1 and "Bearer <YOUR_KEY>" in stored[0].read_text()  # placeholders stay
    assert leaks(specs, {"page": key}, printed) == {} and leaks(mirror, {"page": key}) != {}
