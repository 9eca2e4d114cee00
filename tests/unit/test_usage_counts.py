"""Local prompt counts for usage honesty: OpenAI's encodings on OpenAI's own recorded answers, and what cannot
be counted is said, never guessed."""

import sys
from pathlib import Path

from chatconform.measures.counters import OpenAI, Reference
from chatconform.measures.recorded import measure_recorded
from chatconform.refserver._generate import prompt_tokens
from tests.builders import default_data

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "realtraffic" / "otel-contrib"


def test_openais_own_answers_report_exactly_the_local_count():
    """39 real chat answers of api.openai.com (2024-2025): every plain-text prompt counts the same locally."""
    _, results = measure_recorded([REAL], "openai (recorded)", default_data(), "openai")
    usage = {r.model: r for r in results if r.measure == "usage-honesty"}
    assert set(usage) == {"gpt-4", "gpt-4o-mini"}
    mini = usage["gpt-4o-mini"]
    assert mini.verdict == "holds" and mini.trials == 18 and mini.numbers["ratio"] == 1.0
    assert all(reported == local for reported, local in mini.numbers["pairs"])
    assert usage["gpt-4"].numbers["pairs"] == [[12, 12]] * 3  # cl100k_base
    identity = {r.model: r.verdict for r in results if r.measure == "identity"}
    assert identity == {"gpt-4": "holds", "gpt-4o-mini": "holds"}  # dated snapshots of the ids asked


def test_a_prompt_with_tools_or_an_unknown_model_is_not_counted():
    plain = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Say this is a test"}]}
    count, why = OpenAI().count("openai-chat", plain)
    assert count == 12 and why == ""
    assert OpenAI().count("openai-chat", {**plain, "tools": [{"type": "function"}]})[0] is None
    assert "no published encoding" in OpenAI().count("openai-chat", {**plain, "model": "llama-3"})[1]
    with_system = {"system": "be brief", "messages": plain["messages"]}
    assert Reference().count("anthropic-messages", with_system)[0] == prompt_tokens(with_system) == 8


def test_without_the_encodings_installed_the_count_is_unavailable_not_guessed(monkeypatch):
    monkeypatch.setitem(sys.modules, "bpe_openai", None)
    count, why = OpenAI().count(
        "openai-chat", {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}
    )
    assert count is None and "pip install bpe-openai" in why
