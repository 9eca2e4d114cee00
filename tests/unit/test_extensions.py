"""A user's own claims and dialects come in through the documented entry point groups, and judge exchanges."""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import pytest

from chatconform.dialects import load_dialects
from chatconform.judging.claims import load_claims
from chatconform.judging.claims.catalog import candidates, claims_for
from chatconform.judging.judge import judge
from chatconform.model.errors import UsageError
from tests.builders import completion, exchange, run_of

URL = "http://127.0.0.1:9/v1/chat/completions"
REQUEST = {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}

ROOT = Path(__file__).resolve().parents[2]
# what a user's package holds: README's own example ("Your own claims"), so the documentation cannot drift
ACME_CLAIMS = re.search(r"### Your own claims.*?```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)[
    1
]


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """Install a distribution (its module and its entry points) the way pip would, for this test only."""

    names = []

    def install(name: str, module: str, entry_points: str) -> None:
        names.append(name)
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(module))
        info = tmp_path / f"{name}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
        (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
        monkeypatch.delitem(sys.modules, name, raising=False)  # a module of that name imported before
        _forget()

    monkeypatch.syspath_prepend(str(tmp_path))
    yield install
    monkeypatch.undo()  # the distribution gone before the registries are read again
    for name in names:
        sys.modules.pop(name, None)
    _forget()


def _forget() -> None:
    load_claims.cache_clear()
    claims_for.cache_clear()
    candidates.cache_clear()
    load_dialects.cache_clear()


def test_a_user_claim_from_an_entry_point_judges_an_exchange(installed, store):
    installed("acme_claims", ACME_CLAIMS, "[chatconform.claims]\nacme = acme_claims\n")
    assert load_claims()["acme.greets_back"].source == "https://acme.example/gateway#greeting"
    rude = judge(exchange(REQUEST, completion(content="Whatever."), url=URL), run_of(store))
    polite = judge(exchange(REQUEST, completion(content="Hello there!"), url=URL), run_of(store))
    found = [f for f in rude.findings if f.check == "acme.greets_back"]
    assert [(f.severity, f.at, f.says) for f in found] == [
        (
            "violation",
            "$.choices[0].message.content",
            "Our gateway's assistant opens every answer with a greeting.",
        )
    ]
    assert "acme.greets_back" in polite.rows
    assert not [f for f in polite.findings if f.check == "acme.greets_back"]


def test_without_the_distribution_the_claim_is_not_there(installed):
    assert "acme.greets_back" not in load_claims()


@pytest.mark.parametrize(
    ("module", "points", "error"),
    [
        ("x = 1\n", "[chatconform.claims]\nbad = acme_bad\n", "'bad' names no @claim function"),
        ("raise RuntimeError('boom')\n", "[chatconform.claims]\nbad = acme_bad\n", "RuntimeError: boom"),
        (
            ACME_CLAIMS.replace("acme.greets_back", "usage.total_is_sum"),
            "[chatconform.claims]\nbad = acme_bad\n",
            "claim 'usage.total_is_sum' declared twice",
        ),
        ("x = 1\n", "[chatconform.dialects]\nbad = acme_bad:x\n", "'bad' names no Dialect object"),
        (
            "from chatconform.dialects.openai_chat import DIALECT\n",
            "[chatconform.dialects]\nbad = acme_bad:DIALECT\n",
            "dialect 'openai-chat' declared twice",
        ),
    ],
)
def test_a_broken_extension_is_one_line_naming_it(installed, module, points, error):
    installed("acme_bad", module, points)
    with pytest.raises(UsageError, match=error) as raised:
        load_dialects() if "dialects" in points else load_claims()
    assert "\n" not in str(raised.value)
