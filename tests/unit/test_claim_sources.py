"""Every quoted sentence is really where its source says: in the pinned doc page or spec value."""

import json
from pathlib import Path

import pytest

from chatconform.claims import CLAIMS
from chatconform.claims import catalog  # noqa: F401
from chatconform.claims.conflicts import docs_conflicts
from chatconform.specs._pointer import resolve

ROOT = Path(__file__).resolve().parents[2]


def squash(text: str) -> str:
    return " ".join(text.split())


def quoted_at(source: str):
    """The text a `specs/...` source points at (a whole doc page, or a JSON value in a spec)."""
    path, _, pointer = source.partition("#")
    text = (ROOT / path).read_text(encoding="utf-8")
    if not pointer:
        return text
    value = resolve(json.loads(text), pointer)
    return value if isinstance(value, str) else json.dumps(value)


PINNED = [c for c in CLAIMS.values() if c.source.startswith("specs/")]


@pytest.mark.parametrize("claim", PINNED, ids=[c.id for c in PINNED])
def test_claim_source_resolves_and_quote_is_verbatim(claim):
    text = quoted_at(claim.source)
    if not claim.implied:
        assert squash(claim.says) in squash(text), f"{claim.id}: quote not found at {claim.source}"


def test_unpinned_sources_are_marked_as_snapshots():
    for claim in CLAIMS.values():
        assert claim.source.startswith("specs/") or "(as seeded)" in claim.source or "generated" in claim.source


SIDES = [(c.id, s) for c in docs_conflicts(__import__("chatconform.specs", fromlist=["SpecStore"]).SpecStore())
         for s in c.sides if s.source.startswith("specs/") and ("#" not in s.source or "description" in s.source)]


@pytest.mark.parametrize("conflict_id, side", SIDES, ids=[f"{i}-{n}" for n, (i, _) in enumerate(SIDES)])
def test_conflict_quotes_are_verbatim(conflict_id, side):
    assert squash(side.says) in squash(quoted_at(side.source))


def test_every_claim_has_a_docstring_saying_what_it_checks():
    assert all(c.doc for c in CLAIMS.values())


def _defect_sides():
    from chatconform.specdefects import defects

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
