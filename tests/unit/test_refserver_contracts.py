"""The reference provider answers each contract in that contract's own terms (no server needed here)."""

from chatconform.dialects import dialect_named
from chatconform.refserver import _anthropic, _chat
from chatconform.refserver._contract import contract_named, judging_operation
from chatconform.refserver._reading import fits, trim
from tests.builders import default_data

CHAT = dialect_named("openai-chat")
MESSAGES = dialect_named("anthropic-messages")
DATA = default_data()  # the provider data the server serves: the built-in files
TOOLS = [
    {
        "name": "get_weather",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    }
]


def test_what_mistral_s_spec_forbids_is_left_out_of_a_chat_answer_and_openai_s_keeps_it(store):
    body = {"model": "ref", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 8}
    for name, path, kept in (
        ("mistral", "/mistral/v1/chat/completions", False),
        ("openai", "/openai/v1/chat/completions", True),
    ):
        contract = contract_named(name, DATA)
        answer = _chat.completion(body, "ref", contract.rules("ref"))
        assert "refusal" in answer["choices"][0]["message"]  # OpenAI's shape, before the contract is applied
        trim(*judging_operation(contract, CHAT, path, "ref", store), answer)
        assert ("refusal" in answer["choices"][0]["message"]) is kept
        assert ("completion_tokens_details" in answer["usage"]) is kept
        assert answer["choices"][0]["message"]["content"] and answer["usage"]["total_tokens"] > 0


def test_a_tool_use_block_is_answered_only_where_the_contract_documents_one(store):
    body = {
        "model": "gemini-2.5-flash",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Hi"}],
        "tools": TOOLS,
    }
    answer = _anthropic.message(body)
    assert answer["content"][0]["type"] == "tool_use" and answer["stop_reason"] == "tool_use"
    anthropic = judging_operation(contract_named("openai", DATA), MESSAGES, "/openai/v1/messages", "m", store)
    modelslab = judging_operation(
        contract_named("modelslab", DATA),
        MESSAGES,
        "/modelslab/api/v7/llm/v1/messages",
        "gemini-2.5-flash",
        store,
    )
    assert fits(*anthropic, answer) and not fits(*modelslab, answer)  # ModelsLab's answers are text only
    assert fits(*modelslab, _anthropic.message(body, tools=False))


def test_a_client_of_each_dialect_gets_the_base_url_its_sdk_adds_its_own_path_to():
    generic, modelslab = contract_named("openai", DATA), contract_named("modelslab", DATA)
    assert generic.client_base("anthropic-messages") + "/v1/messages" == "/openai/v1/messages"
    assert generic.client_base("openai-responses") + "/responses" == "/openai/v1/responses"
    assert modelslab.client_base("anthropic-messages") + "/v1/messages" == "/modelslab/api/v7/llm/v1/messages"
    assert (
        contract_named("aimlapi", DATA).client_base("openai-chat") == "/aimlapi/v1"
    )  # its chat path has /v1
