"""The answering model: another spelling of the asked id is reported, another model is a violation."""

import pytest

from chatconform import providers
from chatconform.judging.claims._modelid import relate
from chatconform.judging.judge import judge
from tests.builders import chunk, completion, exchange, run_of, sse_body

LOCAL = "http://127.0.0.1:9/v1/chat/completions"
AZURE = (
    "https://example.openai.azure.com/openai/deployments/prod-chat/chat/completions?api-version=2024-10-21"
)
CHECK = "model.answered_as_requested"


@pytest.mark.parametrize(
    "asked, got, severity",
    [
        ("gpt-4o", "gpt-4o", None),
        ("gpt-4o-mini", "gpt-4o-mini-2024-07-18", "info"),  # a dated snapshot
        ("gpt-4", "gpt-4-0613", "info"),
        ("gpt-4-vision-preview", "gpt-4-1106-vision-preview", "info"),  # the date in the middle
        ("claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022", "info"),
        ("gemini-2.0-flash", "gemini-2.0-flash-exp", "info"),
        ("gemini-1.5-pro", "gemini-1.5-pro-002", "info"),
        ("command-r", "command-r-08-2024", "info"),
        ("anthropic/claude-3.5-sonnet", "claude-3-5-sonnet-20241022", "info"),  # prefix, punctuation, date
        ("gemini-1.5-flash", "google/gemini-1.5-flash", "info"),  # a vendor prefix added
        (
            "meta-llama/llama-3.1-8b-instruct:free",
            "meta-llama/llama-3.1-8b-instruct",
            "info",
        ),  # routing suffix
        ("Qwen/Qwen2.5-72B-Instruct", "qwen2.5-72b-instruct", "info"),  # case
        ("gpt-3.5-turbo", "gpt-35-turbo", "info"),  # Azure's spelling
        ("gpt-4o-2024-08-06", "gpt-4o", "warning"),  # a pinned snapshot answered by the undated id
        ("gpt-4o", "gpt-4o-mini-2024-07-18", "violation"),  # another model
        ("gpt-4", "gpt-4o", "violation"),
        ("gemini-2.5-flash", "gemini-2.5-flash-lite", "violation"),
        ("google/gemini-2.5-flash", "google/gemini-2.0-flash", "violation"),
        ("llama-3.1-8b", "llama-3.1-70b", "violation"),
        ("deepseek-v3", "deepseek-v2", "violation"),
        ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20240620", "violation"),  # another snapshot
        ("gpt-4-turbo-preview", "gpt-4-0125-preview", "violation"),  # an alias only data can declare
    ],
)
def test_relation_of_ids(asked, got, severity):
    assert relate(asked, got).severity == severity


def found(ex, store, data=None):
    return [f for f in judge(ex, run_of(store, data)).findings if f.check == CHECK]


def body(model):
    return {"model": model, "messages": [{"role": "user", "content": "Hi"}]}


def test_another_model_answering_is_still_a_violation(store):
    [f] = found(exchange(body("gpt-4o"), completion(model="gpt-4o-mini-2024-07-18"), url=LOCAL), store)
    assert f.severity == "violation" and "gpt-4o-mini-2024-07-18" in f.message


def test_each_spelling_difference_is_named(store):
    [f] = found(exchange(body("openai/gpt-4o:free"), completion(model="gpt-4o-2024-08-06"), url=LOCAL), store)
    assert f.severity == "info"
    assert f.extra["identity"] == [
        "a dated snapshot",
        "the vendor prefix 'openai/' dropped",
        "the routing suffix ':free' dropped",
    ]


def test_an_azure_deployment_decides_the_model(store):
    # The deployment name is not a model and the body's model is not used: whatever the deployment runs is
    # fine.
    [f] = found(exchange(body("gpt-4o"), completion(model="gpt-4o-mini-2024-07-18"), url=AZURE), store)
    assert f.severity == "info" and "prod-chat" in f.message
    # Without a deployment URL the same answer is another model.
    [f] = found(exchange(body("gpt-4o"), completion(model="gpt-4o-mini-2024-07-18"), url=LOCAL), store)
    assert f.severity == "violation"


def test_a_first_chunk_without_model_does_not_hide_the_answering_model(store):
    # Azure's first chunk carries prompt-filter results with empty id and model.
    first = {**chunk(choices=[], model=""), "id": "", "prompt_filter_results": []}
    stream = sse_body(
        first,
        chunk(role="assistant", content="Hi", model="gpt-4o-2024-08-06"),
        chunk(finish="stop", model="gpt-4o-2024-08-06"),
    )
    request = {**body("gpt-4o"), "stream": True}
    assert [f.severity for f in found(exchange(request, stream, url=LOCAL), store)] == ["info"]
    swapped = stream.replace(b"gpt-4o-2024-08-06", b"gpt-4o-mini")
    assert [f.severity for f in found(exchange(request, swapped, url=LOCAL), store)] == ["violation"]


def test_an_alias_the_provider_declares(store, tmp_path, monkeypatch):
    ex = exchange(body("gpt-4-turbo-preview"), completion(model="gpt-4-0125-preview"), url=LOCAL)
    assert [f.severity for f in found(ex, store)] == ["violation"]  # undeclared: another model
    # A project's chatconform.toml declares the alias (data, no code): alias id -> the model id it answers as.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(providers.CONFIG_ENV, raising=False)
    (tmp_path / "chatconform.toml").write_text(
        '[providers.openai-compatible]\naliases = {"gpt-4-turbo-preview" = "gpt-4-0125-preview"}\n'
    )
    data = providers.ProviderData.load()  # found walking up, as a run finds it
    ex = exchange(body("gpt-4-turbo-preview"), completion(model="gpt-4-0125-preview"), url=LOCAL, data=data)
    [f] = found(ex, store, data)
    assert f.severity == "info" and "alias" in f.message
    ex = exchange(body("gpt-4-turbo-preview"), completion(model="gpt-4o"), url=LOCAL, data=data)
    assert [f.severity for f in found(ex, store, data)] == [
        "violation"
    ]  # neither the alias's model nor the id
