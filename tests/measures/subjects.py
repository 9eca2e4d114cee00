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
    """The reference provider in its three dialects: chat and Responses under OpenAI's contract, messages under
    Anthropic's."""
    urls = {"openai-chat": f"{server.base_url('openai', 'openai-chat')}/chat/completions",
            "anthropic-messages": f"{server.base_url('anthropic', 'anthropic-messages')}/v1/messages",
            "openai-responses": f"{server.base_url('openai', 'openai-responses')}/responses"}
    if root:  # through a proxy on another port: the same paths
        here = f"http://127.0.0.1:{server.port}"
        urls = {d: url.replace(here, root) for d, url in urls.items()}
    return Subject("reference", MODEL, urls, key_env=key_env, tokenizer="reference")
