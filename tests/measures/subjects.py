"""The subjects the measures tests measure: the reference provider and llama.cpp's server, as Subjects."""

from pathlib import Path

from chatconform.measures import Subject
from chatconform.providers import ProviderData
from chatconform.refserver.measured import MODEL, reference_subject

LLAMA_DATA = Path(__file__).with_name("llama-server.toml")


def llama(
    root: str, data: ProviderData, key_env: str = "LLAMA_SERVER_KEY", name: str = "llama.cpp server"
) -> Subject:
    """llama-server at `root` (its chat and Anthropic messages routes, its own tokenizer), declared in the
    run's provider `data` (LLAMA_DATA read as a project file)."""
    return Subject(
        name,
        MODEL,
        {
            "openai-chat": f"{root}/v1/chat/completions",
            "anthropic-messages": f"{root}/v1/messages",
            "openai-responses": f"{root}/v1/responses",
        },
        provider="llama-server",
        key_env=key_env,
        tokenizer="llama-server",
        tokenizer_url=root,
        data=data,
    )


def reference(server, root: str | None = None) -> Subject:
    """The reference provider in its three dialects (refserver/measured.py), through a proxy at `root`."""
    return reference_subject(server, root=root)
