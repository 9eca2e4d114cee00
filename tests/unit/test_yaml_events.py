"""The YAML reader built on libyaml's events gives exactly what yaml.load(CSafeLoader) gives, or steps aside.

`_yaml_events.load` returns a value or FALLBACK; a value must equal SafeLoader's in type, order and content
(NaN, -0.0, bytes, dates included), and whatever SafeLoader refuses must not be accepted here.
"""

import datetime
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatconform.model import _yaml_events
from chatconform.model.inputs import MAX_DEPTH, MAX_NODES, InputError, parse_yaml

pytestmark = pytest.mark.skipif(not _yaml_events.CParser is not None, reason="PyYAML without libyaml")

ROOT = Path(__file__).resolve().parents[2]
LOADER = yaml.CSafeLoader if _yaml_events.CParser is not None else yaml.SafeLoader
FALLBACK = _yaml_events.FALLBACK


def same(a, b) -> bool:
    """Equal in type, order and value (NaN equal to NaN, -0.0 not 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            same(ka, kb) and same(va, vb) for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    return a == b


def reference(text: str):
    """SafeLoader's value, or the exception it raises."""
    try:
        return yaml.load(text, Loader=LOADER)  # noqa: S506 (a safe loader)
    except Exception as err:  # noqa: BLE001
        return err


def assert_identical(text: str, must_be_fast: bool = False) -> None:
    """The fast reader gives SafeLoader's value, or FALLBACK (never a value SafeLoader refuses)."""
    expected, got = reference(text), _yaml_events.load(text, 10_000, MAX_NODES)
    if isinstance(expected, Exception):
        assert got is FALLBACK, (
            f"SafeLoader refuses {text[:200]!r} ({expected}) but the fast reader gave {got!r}"
        )
        return
    if must_be_fast:
        assert got is not FALLBACK, f"fell back on ordinary YAML: {text[:200]!r}"
    if got is not FALLBACK:
        assert same(got, expected), f"{text[:300]!r}: {got!r} != {expected!r}"


def test_same_helper_can_fail():
    assert (
        not same({"a": 1}, {"a": True})
        and not same([1.0], [1])
        and not same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    )
    assert not same(0.0, -0.0) and same(float("nan"), float("nan"))


EDGE_PLAIN = [
    "yes",
    "no",
    "on",
    "off",
    "Yes",
    "NO",
    "On",
    "OFF",
    "y",
    "n",
    "Y",
    "N",
    "true",
    "False",
    "TRUE",
    "~",
    "null",
    "Null",
    "NULL",
    "nULL",
    "",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "-0b1",
    "+0x_1f",
    "1_000",
    "-1_000",
    "+12",
    "-0",
    "00",
    "0",
    "08",
    "09",
    "190:20:30",
    "1:60",
    ".inf",
    "-.inf",
    "+.INF",
    ".NaN",
    "-.NaN",
    ".nan",
    "1e3",
    "1.0e+3",
    "1.5",
    "1.",
    ".5",
    "-.5",
    "1_0.5_0",
    "6.8523015e+5",
    "190:20:30.15",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "2001-12-15T02:59:43.1Z",
    "2002-1-1",
    "2001-12-14 21:59:43",
    "12345678901234567890123",
    "١٢",
    "²",
    "0.",
    "-",
    "+",
    ".",
    "=",
    "<<",
    "!",
    "OK",
    "POST",
    "http://x/y?a=b#c",
    "a: b",
    "key",
    "é",
    "日本",
    "😀",
]


@pytest.mark.parametrize("scalar", EDGE_PLAIN)
def test_edge_scalars_in_every_place(scalar):
    for style in ("plain", "single", "double"):
        text = (
            scalar
            if style == "plain"
            else yaml.safe_dump(scalar, default_style="'" if style == "single" else '"')
        )
        if style == "plain" and (scalar in ("", "-", "!", "a: b", "=", "<<")):
            text = repr(scalar) if scalar in ("-", "!", "a: b") else scalar
        for doc in (
            text,
            f"k: {text}\n",
            f"- {text}\n",
            f"{text}: v\n",
            f"[{text}, {text}]\n",
            f"{{a: {text}}}\n",
        ):
            assert_identical(doc)


HAND = [
    "",
    "---\n",
    "--- \n...\n",
    "# only a comment\n",
    "a: 1\n---\nb: 2\n",
    "a: &x [1, 2]\nb: *x\n",
    "<<: {a: 1}\nb: 2\n",
    "base: &b {a: 1}\nderived:\n  <<: *b\n  c: 2\n",
    "a: 1\na: 2\nb: 3\n",
    "a: {x: 1}\na: [2]\n",
    "1: a\n1.0: b\ntrue: c\n",
    ".nan: a\n.nan: b\n",
    "? [1, 2]\n: x\n",
    "? {a: 1}\n: x\n",
    "!!set {a, b}\n",
    "!!omap [a: 1]\n",
    "!!str 12\n",
    "!!int '12'\n",
    "!!int 'x'\n",
    "!!float 1\n",
    "!!bool yes\n",
    "!!null ''\n",
    "!custom 1\n",
    "! 12\n",
    "!!binary aGVsbG8=\n",
    "!!binary |\n  aGVsbG8g\n  d29ybGQ=\n",
    "!!binary '***'\n",
    "b: !!binary ''\n",
    "%TAG !e! tag:yaml.org,2002:\n---\n!e!str 1\n",
    "s: |\n  line 1\n  line 2\n",
    "s: >\n  folded\n  text\n\n  para\n",
    "s: |-\n  kept\n",
    "s: |+\n  kept\n\n",
    "'a\\b': \"\\t\\u00e9\\U0001F600\"\n",
    'a: "\\ud800"\n',
    "a: [1, {b: [2, {c: 3}]}]\n",
    "[]\n",
    "{}\n",
    "- - - []\n",
    "a:\n",
    "? a\n",
    "- \n- ~\n",
    "a: b: c\n",
    "a: [1, 2\n",
    "\t- tab\n",
    "key: 'unterminated\n",
    "a: 1\n  b: 2\n",
    "--- 1\n--- 2\n",
    "=: 1\n",
    "a: =\n",
    "x: !!timestamp 2001-12-14\n",
    "x: !!timestamp nope\n",
    "a: 2001-13-45\n",
    "a: 1" + "0" * 5000 + "\n",
    "é: ü\n",
    "\ufeffa: 1\n",
]


@pytest.mark.parametrize("text", HAND)
def test_hand_written_documents(text):
    assert_identical(text)


def test_the_common_shapes_never_fall_back():
    for text in (
        "a: 1\nb: [x, 'y', \"z\"]\nc: {d: null, e: true}\n",
        "!!binary aGVsbG8=\n",
        "- |\n  x\n",
        "a: &x 1\nb: &y [2]\n",  # anchors nothing refers to change no value
        "interactions:\n- request: {method: POST}\n  response: {status: {code: 200}}\n",
    ):
        assert_identical(text, must_be_fast=True)


def test_deep_nesting_and_the_bounds():
    deep = "[" * 5000 + "]" * 5000
    assert _yaml_events.load(deep, MAX_DEPTH, MAX_NODES) is FALLBACK  # the caller's bounds say no, their way
    with pytest.raises(InputError):
        parse_yaml(deep, "deep.yaml")
    ok = "a:\n" + "".join("  " * i + f"b{i}:\n" for i in range(1, 150)) + "  " * 150 + "c: 1\n"
    assert same(_yaml_events.load(ok, MAX_DEPTH, MAX_NODES), yaml.load(ok, Loader=LOADER))  # noqa: S506
    assert _yaml_events.load(ok, 100, MAX_NODES) is FALLBACK
    many = "[" + ", ".join("1" for _ in range(50)) + "]"
    assert _yaml_events.load(many, MAX_DEPTH, 51) == [1] * 50
    assert _yaml_events.load(many, MAX_DEPTH, 50) is FALLBACK
    with pytest.raises(InputError, match="over 50 values"):
        _old_bounds(many, 50)


def _old_bounds(text: str, max_nodes: int):
    from chatconform.model.inputs import check_bounds

    check_bounds(yaml.load(text, Loader=LOADER), "x", MAX_DEPTH, max_nodes)  # noqa: S506


def test_errors_stay_one_line_input_errors():
    for text in ("a: [1, 2\n", "a: 1\n---\nb: 2\n", "!!binary 'a'\n", "? [1]\n: 2\n", "a: *nope\n"):
        with pytest.raises(InputError) as err:
            parse_yaml(text, "bad.yaml")
        assert str(err.value).startswith("bad.yaml: ") and "\n" not in str(err.value)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.binary(max_size=20),
    st.sampled_from(EDGE_PLAIN),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, datetime.UTC])),
)
keys = st.one_of(
    st.text(max_size=12),
    st.sampled_from(EDGE_PLAIN),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25,
)
STYLES = [
    {},
    {"default_flow_style": True},
    {"default_flow_style": False},
    {"default_style": '"'},
    {"default_style": "'"},
    {"default_style": "|"},
    {"allow_unicode": True, "width": 20},
    {"explicit_start": True, "explicit_end": True},
    {"canonical": True},
    {"sort_keys": False, "indent": 4},
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values, st.sampled_from(STYLES))
def test_dumped_values_load_identically(value, style):
    assert_identical(yaml.safe_dump(value, **style), must_be_fast=not style)


plain_words = st.text(alphabet="01289abeflnortuxyEINOTY_.:-+~ ", min_size=0, max_size=12)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(plain_words, plain_words), max_size=6))
def test_hand_made_plain_scalars_load_identically(pairs):
    assert_identical("".join(f"{k}: {v}\n" for k, v in pairs))
    assert_identical("[" + ", ".join(v for _, v in pairs) + "]\n")


def corpus() -> list[Path]:
    folders = [ROOT / "cassettes", ROOT.parent / "shared" / "realtraffic", ROOT / "tests", ROOT / "src"]
    return sorted(p for f in folders if f.is_dir() for p in f.rglob("*") if p.suffix in (".yaml", ".yml"))


def test_every_real_cassette_loads_identically():
    files = corpus()
    assert len(files) > 50
    fast = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert_identical(text)
        fast += _yaml_events.load(text, MAX_DEPTH, MAX_NODES) is not FALLBACK
    assert fast >= len(files) * 0.9  # the reader is used on real cassettes, not stepped around


def test_without_libyaml_every_document_takes_the_loaders_own_path(monkeypatch):
    monkeypatch.setattr(_yaml_events, "CParser", None)
    assert _yaml_events.load("a: 1\n", MAX_DEPTH, MAX_NODES) is FALLBACK
    assert parse_yaml("a: [1, yes]\n", "x.yaml") == {"a": [1, True]}
