"""The subjects the measures tests measure: the reference provider and llama.cpp's server, as Subjects."""

from pathlib import Path

from chatconform.measures import Subject

MODEL = "SmolLM2-135M-Instruct"
LLAMA_DATA = Path(__file__).with_name("llama-server.toml")


def llama(root: str, key_env: str = "LLAMA_SERVER_KEY", name: str = "llama.cpp server") -> Subject:
    """llama-server at `root` (its chat and Anthropic messages routes, its own tokenizer)."""
    return Subject(name, MODEL, {"openai-chat": f"{root}/v1/chat/completions",
                                 "anthropic-messages": f"{root}/v1/messages",
                                 "openai-responses": f"{root}/v1/responses"},
                   provider="llama-server", key_env=key_env, tokenizer="llama-server", tokenizer_url=root)


def reference(server, key_env: str = "CHATCONFORM_REFERENCE_KEY", root: str | None = None) -> Subject:
    """The reference provider: chat under OpenAI's contract, Anthropic messages under ModelsLab's."""
    chat = f"{server.base_url('openai')}/chat/completions"
    messages = f"{server.base_url('modelslab')}/v1/messages"
    if root:  # through a proxy on another port: the same paths
        here = f"http://127.0.0.1:{server.port}"
        chat, messages = chat.replace(here, root), messages.replace(here, root)
    return Subject("reference", MODEL, {"openai-chat": chat, "anthropic-messages": messages},
                   key_env=key_env, tokenizer="reference")
