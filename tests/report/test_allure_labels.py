"""What allure_attach tells Allure about one test (fast: the calls are recorded, no Allure run)."""

from __future__ import annotations

import allure_commons
import pytest

from chatconform.judging.claims.conflicts import Conflict, Side
from chatconform.judging.judge import Row
from chatconform.model.finding import Finding
from chatconform.model.verdict import CONFLICT, GAP, KNOWN, NOT_RUN, PASS
from chatconform.providers.profiles import Deviation
from chatconform.reporting import allure_attach
from tests.builders import completion, exchange

SECRET = "sk-allure-canary-0123456789abcdef"


class Recorder:
    """An allure_commons plugin that keeps what the dynamic API was told."""

    def __init__(self):
        self.labels, self.links, self.params, self.attachments = [], [], {}, {}
        self.title = self.description = None

    @allure_commons.hookimpl
    def add_title(self, test_title):
        self.title = test_title

    @allure_commons.hookimpl
    def add_description(self, test_description):
        self.description = test_description

    @allure_commons.hookimpl
    def add_label(self, label_type, labels):
        self.labels += [(str(label_type), value) for value in labels]

    @allure_commons.hookimpl
    def add_link(self, url, link_type, name):
        self.links.append((str(link_type), url, name))

    @allure_commons.hookimpl
    def add_parameter(self, name, value, excluded, mode):
        self.params[name] = value

    @allure_commons.hookimpl
    def attach_data(self, body, name, attachment_type, extension):
        self.attachments[name] = body

    def label(self, name: str) -> list[str]:
        return [value for kind, value in self.labels if kind == name]


@pytest.fixture
def told(monkeypatch):
    monkeypatch.setenv("AIMLAPI_API_KEY", SECRET)
    recorder = Recorder()
    allure_commons.plugin_manager.register(recorder)
    yield recorder
    allure_commons.plugin_manager.unregister(recorder)


def gemini(
    model="google/gemini-2.5-pro", label="/somewhere/cassettes/aimlapi/gemini-2.5-pro/docs-example-1.yaml#0"
):
    ex = exchange(
        {"model": model, "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 10},
        completion(model=model, usage=(5, 44730)),
        origin="docs",
    )
    ex.model, ex.label = model, label
    return ex


def violation() -> Finding:
    return Finding(
        "limits.completion_within_max_tokens",
        "violation",
        "claim",
        at="$.usage.completion_tokens",
        message="completion_tokens 44730 exceed the max_tokens 10 the request sent",
    )


def known_row(reason="the documented example spends more than it was allowed") -> Row:
    deviation = Deviation(
        "limits.completion_within_max_tokens",
        reason,
        "https://docs.example.test/limits",
        declared_in="chatconform/providers/aimlapi.toml",
    )
    return Row(
        "limits.completion_within_max_tokens",
        [violation()],
        verdict=KNOWN,
        reason=f"known deviation: {reason} ({deviation.link})",
        deviation=deviation,
    )


def test_a_test_sits_under_provider_vendor_model_and_check(told):
    row = Row("limits.completion_within_max_tokens", [], verdict=PASS)
    allure_attach.annotate(gemini(), row.check, [], rows=[row])
    assert told.label("parentSuite") == told.label("epic") == ["aimlapi"]
    assert told.label("vendor") == ["google"]
    assert told.label("suite") == told.label("feature") == ["google/gemini-2.5-pro"]
    assert told.label("subSuite") == told.label("story") == ["limits.completion_within_max_tokens"]
    assert told.label("verdict") == ["pass"] and told.label("tag") == []
    assert told.title == "docs-example-1.yaml#0 · docs"
    assert "request and response (redacted)" in told.attachments


def test_a_model_id_without_a_vendor_has_no_vendor_level(told):
    allure_attach.annotate(gemini(model="gemini-2.5-pro"), "schema", [], rows=[Row("schema", [])])
    assert told.label("vendor") == [] and told.label("suite") == ["gemini-2.5-pro"]
    assert "pinned spec" in told.description


def test_a_known_deviation_says_so_with_its_reason_and_link(told):
    row = known_row()
    allure_attach.annotate(gemini(), row.check, row.findings, rows=[row])
    assert told.label("verdict") == ["xfail"] and told.label("tag") == ["known deviation"]
    assert told.title.endswith("· known deviation")
    assert told.description.startswith("**Known deviation**")
    assert "the documented example spends more than it was allowed" in told.description
    assert "<https://docs.example.test/limits>" in told.description and "aimlapi.toml" in told.description
    assert (
        "issue",
        "https://docs.example.test/limits",
        "known deviation: the documented example spends more than it was allowed",
    ) in told.links
    assert "findings (with JSON paths)" in told.attachments


def test_a_deviation_no_longer_shown_is_called_stale(told):
    deviation = known_row().deviation
    row = Row(deviation.check, [], verdict=PASS, stale=deviation)
    allure_attach.annotate(gemini(), row.check, [], rows=[row])
    assert "stale known deviation" in told.label("tag") and "**Stale known deviation**" in told.description
    assert any(kind == "issue" for kind, _, _ in told.links)


def test_a_gap_gives_its_reason_cut_short(told):
    reason = (
        "no spec for this model (pinned models: " + ", ".join(f"vendor/model-{i}" for i in range(300)) + ")"
    )
    row = Row("schema", [], verdict=GAP, reason=reason)
    allure_attach.annotate(gemini(), "schema", [], rows=[row])
    assert told.label("verdict") == ["gap"] and told.label("tag") == ["gap"] and told.title.endswith("· gap")
    first = told.description.split("\n\n")[0]
    assert first.startswith("**Gap**") and "no spec for this model" in first and first.endswith(" …")
    assert len(first) < allure_attach.LONG + 100


def test_a_documented_example_breaking_a_rule_is_a_docs_conflict(told):
    row = Row(
        "usage.total_is_sum",
        [],
        verdict=CONFLICT,
        reason="the provider's documented example breaks this rule",
    )
    allure_attach.annotate(gemini(), row.check, [], rows=[row])
    assert told.label("verdict") == ["conflict"] and told.label("tag") == ["docs conflict"]
    assert told.description.startswith("**Docs conflict**")


def test_a_conflict_between_documents_sits_under_its_provider(told):
    conflict = Conflict(
        "aimlapi.default_max_tokens",
        "aimlapi",
        "default max_tokens",
        (Side("https://docs.example.test/a page", "512"), Side("specs/aimlapi/x.json#/y", "1024")),
        "the spec's value is used",
    )
    allure_attach.annotate_conflict(conflict)
    assert told.label("parentSuite") == ["aimlapi"] and told.label("suite") == [allure_attach.DOCS_CONFLICTS]
    assert told.label("subSuite") == ["docs-conflict.aimlapi.default_max_tokens"]  # results.json's check
    assert told.label("verdict") == ["conflict"] and told.title == "default max_tokens"
    assert 'says: "512"' in told.description and 'says: "1024"' in told.description
    assert ("link", "https://docs.example.test/a", "conflicting document") in told.links


def test_quoted_documents_read_as_written_not_as_markdown(told):
    table = "| `model` | string | Yes | See [List Models](/llm-api/list-models) for *available* models. |"
    conflict = Conflict(
        "modelslab.model_required",
        "modelslab",
        "is `model` required?",
        (Side("specs/modelslab/docs/a.mdx", table), Side("specs/modelslab/llm-api.json#/x", "no")),
        "requests always send `model`",
    )
    allure_attach.annotate_conflict(conflict)
    assert "\\[List Models\\]\\(/llm-api/list-models\\)" in told.description
    assert "\\| \\`model\\` \\|" in told.description and "\\*available\\*" in told.description
    assert "[List" not in told.description.replace("\\[", "")  # no bracket left unescaped


def test_a_live_scenario_without_an_answer_is_placed_and_explained(told):
    allure_attach.annotate_unjudged(
        "aimlapi", "google/gemini-2.5-flash", "live.basic", NOT_RUN, "budget spent"
    )
    assert told.label("parentSuite") == ["aimlapi"] and told.label("vendor") == ["google"]
    assert told.label("subSuite") == ["live.basic"] and told.label("verdict") == ["not-run"]
    assert told.description == "**Not run**: budget spent"


def test_secrets_never_reach_allure(told):
    row = known_row(reason=f"the gateway echoed {SECRET}")
    ex = gemini(label=f"/x/cassettes/{SECRET}.yaml#0")
    allure_attach.annotate(ex, row.check, row.findings, rows=[row])
    told_text = repr((told.labels, told.links, told.params, told.attachments, told.title, told.description))
    assert SECRET not in told_text and "the gateway echoed" in told.description
