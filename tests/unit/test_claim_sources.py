"""Every quoted sentence is really where its source says: in the pinned doc page or spec value."""

import inspect
import json
from functools import cache
from importlib import import_module
from pathlib import Path

import pytest

from chatconform.dialects import load_dialects
from chatconform.judging.claims import load_claims
from chatconform.judging.claims._registry import declared
from chatconform.judging.claims.catalog import MODULES
from chatconform.judging.claims.conflicts import docs_conflicts
from chatconform.model.inputs import parse_document
from chatconform.model.pointer import resolve
from tests.builders import default_data, run_of

ROOT = Path(__file__).resolve().parents[2]


def squash(text: str) -> str:
    return " ".join(text.split())


@cache
def _document(path: str):
    """A pinned spec parsed once per worker: a hundred quotes point into the same few large specs."""
    text = (ROOT / path).read_text(encoding="utf-8")
    return parse_document(text.encode("utf-8"), path, path)  # Mistral's spec is YAML


def quoted_at(source: str):
    """The text a `specs/...` source points at (a whole doc page, or a JSON value in a spec)."""
    path, _, pointer = source.partition("#")
    if not pointer:
        return (ROOT / path).read_text(encoding="utf-8")
    value = resolve(_document(path), pointer)
    return value if isinstance(value, str) else json.dumps(value)


CLAIMS = load_claims()
PINNED = [c for c in CLAIMS.values() if c.source.startswith("specs/")]


@pytest.mark.parametrize("claim", PINNED, ids=[c.id for c in PINNED])
def test_claim_source_resolves_and_quote_is_verbatim(claim):
    text = quoted_at(claim.source)
    if not claim.implied:
        assert squash(claim.says) in squash(text), f"{claim.id}: quote not found at {claim.source}"


def test_unpinned_sources_are_marked_as_snapshots():
    for claim in CLAIMS.values():
        if claim.source.startswith("documented "):  # each provider's own sentence: see the test below
            assert claim.documented and claim.documented in claim.source
            continue
        if claim.quoted_by_dialect:  # each dialect's own sentence: see the test below
            assert claim.source == "quoted by each dialect (dialect.toml)"
            continue
        if claim.source.startswith("src/chatconform/data/"):  # the suite's own shipped data (tool scenarios)
            assert (ROOT / claim.source).is_file(), claim.source
            continue
        assert (
            claim.source.startswith("specs/") or "(as seeded)" in claim.source or "generated" in claim.source
        )


DIALECT_QUOTED = [
    (c, d)
    for c in CLAIMS.values()
    if c.quoted_by_dialect
    for d in load_dialects().values()
    if c.id in d.facts.data.get("quotes", {})
]


@pytest.mark.parametrize(
    ("claim", "dialect"), DIALECT_QUOTED, ids=[f"{c.id}-{d.name}" for c, d in DIALECT_QUOTED]
)
def test_a_claim_quoting_each_dialects_own_words_has_them_verbatim_in_the_pinned_spec(claim, dialect):
    quote = dialect.facts.data["quotes"][claim.id]
    text = quoted_at(quote["source"])
    if not quote.get("implied"):
        assert squash(quote["says"]) in squash(text), f"{dialect.name}: not found at {quote['source']}"


def test_every_dialect_quotes_each_shared_claim_that_applies_to_it():
    # stream.grammar judges the dialects with a grammar of their own; error.envelope every dialect but chat's
    quoted = {(c.id, d.name) for c, d in DIALECT_QUOTED}
    assert {
        ("stream.grammar", "anthropic-messages"),
        ("stream.grammar", "openai-responses"),
        ("error.envelope", "anthropic-messages"),
        ("error.envelope", "openai-responses"),
    } <= quoted
    tools = [c.id for c in CLAIMS.values() if c.id.startswith("tools.") and c.quoted_by_dialect]
    assert len(tools) >= 4 and {(t, d) for t in tools for d in load_dialects()} <= quoted


# A dialect that words one rule several ways (OpenAI's `strict`, each tool_choice mode) quotes each variant.
VARIANTS = [
    (c, d, name)
    for c, d in DIALECT_QUOTED
    for name, q in d.facts.data["quotes"][c.id].items()
    if isinstance(q, dict)
]


@pytest.mark.parametrize(
    ("claim", "dialect", "variant"), VARIANTS, ids=[f"{c.id}-{d.name}-{v}" for c, d, v in VARIANTS]
)
def test_each_variant_of_a_dialects_quote_is_verbatim_in_the_pinned_spec(claim, dialect, variant):
    quote = dialect.facts.data["quotes"][claim.id][variant]
    assert squash(quote["says"]) in squash(quoted_at(quote["source"])), f"{dialect.name} {variant}"
    assert quote.get("severity", "violation") in ("violation", "warning", "info")


DOCUMENTED = [c for c in CLAIMS.values() if c.documented]


@pytest.mark.parametrize("claim", DOCUMENTED, ids=[c.id for c in DOCUMENTED])
def test_a_claim_quoting_each_providers_own_words_has_them_verbatim_in_the_data(claim):
    quotes = claim.quotes(default_data())
    assert quotes, f"{claim.id}: no provider documents {claim.documented}"
    for q in quotes:
        if q.source.startswith("specs/"):
            assert squash(q.says) in squash(quoted_at(q.source)), f"{q.provider}: not found at {q.source}"
        else:
            assert "(as seeded)" in q.source or "(generated" in q.source, q.source


def test_one_loader_collects_each_module_s_claims_in_order_and_claims_take_one_context():
    listed = [c.id for name in MODULES for c in declared(import_module(f"chatconform.judging.claims.{name}"))]
    assert listed == list(CLAIMS) and len(set(listed)) == len(listed) > 20
    for claim in CLAIMS.values():
        assert list(inspect.signature(claim.check).parameters) == ["ctx"], claim.id
        assert len(inspect.signature(claim.applies_to).parameters) == 1, claim.id


def test_claims_are_loaded_explicitly_and_any_claim_module_imports_first_without_a_cycle():
    import subprocess
    import sys

    script = (
        "import sys, chatconform.judging.claims as c, chatconform.judging.schema\n"
        "loaded = sorted(m for m in sys.modules\n"
        "                if m.removeprefix('chatconform.judging.claims.') in c.catalog.MODULES)\n"
        "assert loaded == [], loaded\n"
        "import chatconform.judging.claims.finish\n"
        "print(len(c.load_claims()))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) == len(CLAIMS)


SIDES = [
    (c.id, s)
    for c in docs_conflicts(run_of(__import__("chatconform.specs", fromlist=["SpecStore"]).SpecStore()))
    for s in c.sides
    if s.source.startswith("specs/") and ("#" not in s.source or "description" in s.source)
]


@pytest.mark.parametrize("conflict_id, side", SIDES, ids=[f"{i}-{n}" for n, (i, _) in enumerate(SIDES)])
def test_conflict_quotes_are_verbatim(conflict_id, side):
    assert squash(side.says) in squash(quoted_at(side.source))


def test_every_claim_has_a_docstring_saying_what_it_checks():
    assert all(c.doc for c in CLAIMS.values())


def _defect_sides():
    from chatconform.judging.specdefects import defects

    for d in defects():
        yield d.name + "-spec", d.spec_pointer, d.spec_quote
        if d.evidence.startswith("specs/"):
            yield d.name + "-practice", d.evidence, d.evidence_quote


DEFECT_SIDES = list(_defect_sides())


@pytest.mark.parametrize("name, source, quote", DEFECT_SIDES, ids=[s[0] for s in DEFECT_SIDES])
def test_both_sides_of_each_spec_defect_are_in_the_pinned_specs(name, source, quote):
    """The spec side (and a practice side that is OpenAI's spec) still holds the JSON the defect quotes."""
    assert quote, f"{name}: a pointer into a spec needs the JSON it quotes"
    assert quote in quoted_at(source)
