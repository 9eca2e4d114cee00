"""Local prompt-token counts with the model's own tokenizer, where it is public (tokenizers.toml).

A count that cannot be made (no tokenizer, a request with tools or images) is None with the reason: the
usage-honesty measure then leaves that answer out, and with none left it is inconclusive, never guessed.
"""

from __future__ import annotations

import json
import tomllib
import warnings
from functools import lru_cache
from importlib import resources

import httpx

from chatconform.measures.bodies import messages_of


@lru_cache(maxsize=1)
def _data() -> dict:
    return tomllib.loads(resources.files(__package__).joinpath("tokenizers.toml").read_text("utf-8"))


class Counter:
    """Counts the prompt of a request body in a dialect; `counts` keeps what it found, for the evidence."""

    name = "none"

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def count(self, dialect: str, body: dict) -> tuple[int | None, str]:
        """(tokens, '') or (None, why not)."""
        messages = messages_of(dialect, body)
        if messages is None:
            return None, "the prompt holds more than plain text (tools, names, images): no published rule"
        key = json.dumps(messages, sort_keys=True)
        if key not in self.counts:
            found, why = self._count(messages, body)
            if found is None:
                return None, why
            self.counts[key] = found
        return self.counts[key], ""

    def _count(self, messages: list[dict], body: dict) -> tuple[int | None, str]:
        return None, "no local tokenizer for this subject"

    def count_output(self, found) -> int | None:
        """The output tokens of an answer (dialects.Answer) by a published rule (None: no rule here)."""
        return None


class Recorded(Counter):
    """The counts a run kept in its evidence (rescoring offline, where the tokenizer may be out of reach)."""

    def __init__(self, name: str, counts: dict):
        super().__init__()
        self.name, self.counts = name, dict(counts)

    def _count(self, messages, body):
        return None, f"no count of this prompt was kept by the {self.name} tokenizer"


class LlamaServer(Counter):
    """llama.cpp's server: its chat template (/apply-template) then its tokenizer (/tokenize), the GGUF's
    own."""

    name = "llama-server"

    def __init__(self, root: str, key: str | None = None):
        super().__init__()
        self.root, self.headers = root.rstrip("/"), ({"authorization": f"Bearer {key}"} if key else {})

    def _count(self, messages, body):
        try:
            with httpx.Client(timeout=30, headers=self.headers) as client:
                prompt = client.post(f"{self.root}/apply-template", json={"messages": messages}).json()[
                    "prompt"
                ]
                tokens = client.post(
                    f"{self.root}/tokenize",
                    json={"content": prompt, "add_special": True, "parse_special": True},
                ).json()["tokens"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as err:
            return None, f"llama-server's tokenizer did not answer ({type(err).__name__})"
        return len(tokens), ""


class OpenAI(Counter):
    """OpenAI's published encodings (shipped by the bpe-openai package) and the cookbook's message framing."""

    name = "openai"

    def _count(self, messages, body):
        data = _data()["openai"]
        model = str(body.get("model") or "").rpartition("/")[2]
        encoding = next(
            (
                e["encoding"]
                for e in sorted(data["encodings"], key=lambda e: -len(e["prefix"]))
                if model.startswith(e["prefix"])
            ),
            None,
        )
        if encoding is None:
            return None, f"no published encoding is known for {model!r}"
        framing = data["tokens_per_message"]
        with warnings.catch_warnings():  # the package reads its data with a deprecated importlib call
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                import bpe_openai
            except ImportError:
                return (
                    None,
                    "the encodings are not installed (pip install bpe-openai; tiktoken downloads them)",
                )
            enc = bpe_openai.get_encoding(encoding)
            return data["reply_priming"] + sum(
                framing + len(enc.encode(m["role"])) + len(enc.encode(m["content"])) for m in messages
            ), ""


class Reference(Counter):
    """The reference provider's documented arithmetic."""

    name = "reference"

    def _count(self, messages, body):
        per = _data()["reference"]["per_message"]
        system = body.get("system") if isinstance(body.get("system"), str) else ""
        sent = [m for m in messages if not (m["role"] == "system" and m["content"] == system)]
        return sum(len(m["content"].split()) + per for m in sent) + len(system.split()), ""

    def count_output(self, found) -> int | None:
        """One token per word of every output's text, and the reasoning it reports (it writes none to count);
        tool calls have no rule."""
        if any(out.tool_calls for out in found.outputs):
            return None
        reasoning = found.usage.reasoning if found.usage and isinstance(found.usage.reasoning, int) else 0
        return sum(len((out.text or "").split()) for out in found.outputs) + reasoning


def counter_for(kind: str, url: str | None = None, key: str | None = None) -> Counter:
    """The counter of a subject's tokenizer kind."""
    if kind == "llama-server" and url:
        return LlamaServer(url, key)
    return {"openai": OpenAI, "reference": Reference}.get(kind, Counter)()
