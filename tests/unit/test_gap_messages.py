"""A gap says why in a line a reviewer reads: a catalog pins hundreds of models, the message names a few."""

from chatconform.judging.judge import judge
from chatconform.judging.schema import SHOWN_MODELS, _pinned
from tests.builders import completion, exchange, run_of

URL = "http://127.0.0.1:8080/v1/chat/completions"  # a loopback host: the OpenAI-compatible contract


def test_a_few_pinned_models_are_all_named():
    assert _pinned(["a/x", "b/y", "a/x"], "c/z") == "pinned models: a/x, b/y"
    assert _pinned([], "c/z") == "pinned models: none"


def test_hundreds_of_pinned_models_are_counted_and_the_closest_named():
    models = [f"vendor/model-{n}" for n in range(300)] + ["acme/chat-large-2"]
    said = _pinned(models * 2, "acme/chat-large")  # each named twice (spec and page): counted once
    assert said.startswith("301 models pinned, none of them this one; the closest: acme/chat-large-2")
    assert said.count(",") < SHOWN_MODELS and len(said) < 400


def test_an_undocumented_status_names_the_operation_as_method_and_path(store):
    sent = {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
    [gap] = judge(exchange(sent, completion(), url=URL, status=201), run_of(store)).rows["schema"].findings
    assert gap.check == "spec-gap.status.201"
    assert " does not document status 201 for POST /chat/completions (documented: 200, 429" in gap.message
