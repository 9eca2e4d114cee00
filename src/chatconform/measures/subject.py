"""What is measured: a server (one provider, one model) reachable in one or more dialects, and how its
answers are sent, counted against the budget and kept as evidence."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import httpx

from chatconform.dialects import dialect_named
from chatconform.live.budget import BudgetExhausted, Estimate, Ledger
from chatconform.live.client import RetryPolicy, call
from chatconform.model.exchange import Exchange
from chatconform.providers import ProviderData

TOKENIZERS = ("llama-server", "openai", "reference", "none")


@dataclass(frozen=True)
class Subject:
    """One server and model: the URL of each dialect's generation endpoint, the key's variable, the tokenizer
    that counts its prompts locally, and the provider whose data (prices, documented values) applies."""

    name: str
    model: str
    urls: dict = field(default_factory=dict)  # dialect name -> URL
    provider: str = "openai-compatible"
    key_env: str | None = None
    tokenizer: str = "none"
    tokenizer_url: str | None = None  # llama-server: the server root serving /tokenize and /apply-template
    data: ProviderData | None = field(default=None, compare=False, repr=False)  # the run's (None: no data)

    @property
    def dialects(self) -> tuple[str, ...]:
        return tuple(self.urls)

    @property
    def price(self) -> tuple[float, float] | None:
        """(input, output) USD per token from the provider's data (None: undocumented)."""
        profile = self.data.get(self.provider) if self.data is not None else None
        return profile.price_per_token(self.model) if profile else None

    def headers(self, dialect: str) -> dict:
        key = os.environ.get(self.key_env) if self.key_env else None
        return {"content-type": "application/json", **dialect_named(dialect).auth_headers(key)}

    def describe(self) -> dict:
        """The subject as results and evidence name it (never its key)."""
        return {
            "name": self.name,
            "model": self.model,
            "provider": self.provider,
            "urls": dict(self.urls),
            "key_env": self.key_env,
            "tokenizer": self.tokenizer,
        }


@dataclass
class Sent:
    """One request's fate: its exchange (None: unavailable or refused by the budget), and what it cost."""

    exchange: Exchange | None
    attempts: int
    detail: str = ""
    tokens: int = 0
    usd: float = 0.0


class Sender:
    """Sends bodies for a subject through the live client (retries, budget), keeping every exchange."""

    def __init__(self, subject: Subject, ledger: Ledger | None = None, policy: RetryPolicy | None = None):
        self.subject, self.ledger = subject, ledger
        self.policy = policy or RetryPolicy(attempts=2, base_delay=0.2)
        # a connection per request: a server may close one after a stream, and a pooled one reused then fails
        # once and counts as a retried request (llama.cpp's server did, after every streamed answer)
        self.client = httpx.Client(
            timeout=httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout),
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def close(self) -> None:
        self.client.close()

    def send(self, dialect: str, body: dict, label: str) -> Sent:
        """Send one body in a dialect; never sends once the budget is spent."""
        est = _estimate(body, self.subject.price)
        if self.ledger is not None:
            try:
                self.ledger.reserve(est)
            except BudgetExhausted as err:
                return Sent(None, 0, f"not sent: {err}")
        result = call(
            "POST",
            self.subject.urls[dialect],
            self.subject.headers(dialect),
            json.dumps(body).encode(),
            policy=self.policy,
            client=self.client,
            origin="live",
            provider=self.subject.provider,
            model=self.subject.model,
            label=label,
        )
        tokens, usd = spent(result.exchange, self.subject.price)
        if self.ledger is not None:
            self.ledger.settle(est, usd, tokens)
        return Sent(
            result.exchange if result.outcome == "answered" else None,
            result.attempts,
            result.detail,
            tokens,
            usd,
        )


def _estimate(body: dict, price) -> Estimate:
    from chatconform.live.budget import estimate

    limit = body.get("max_tokens") or body.get("max_output_tokens") or 16
    return estimate({**body, "max_tokens": limit}, price)


def spent(ex: Exchange | None, price) -> tuple[int, float]:
    """(tokens, USD) an answer reports: input (all of it, cached or not) and output, at the provider's
    price."""
    if ex is None or not ex.ok:
        return 0, 0.0
    from chatconform.dialects import recognise

    dialect = recognise(ex.request)
    answer = dialect.answer(ex) if dialect else None
    usage = answer.usage if answer else None
    if usage is None:
        return 0, 0.0
    prompt = reported_prompt(ex) or 0
    output = usage.output or 0
    price = price or (0.0, 0.0)
    return prompt + output, prompt * price[0] + output * price[1]


def reported_prompt(ex: Exchange) -> int | None:
    """The prompt tokens an answer reports in all: Anthropic's input_tokens leave out cache reads and
    writes."""
    from chatconform.dialects import recognise

    dialect = recognise(ex.request)
    answer = dialect.answer(ex) if dialect else None
    if answer is None or answer.usage is None or answer.usage.input is None:
        return None
    assert dialect is not None  # it read the answer
    if dialect.name != "anthropic-messages":
        return answer.usage.input
    raw = (dialect.assembled(ex) or {}).get("usage") or {}
    extra = [raw.get(k) for k in ("cache_read_input_tokens", "cache_creation_input_tokens")]
    return answer.usage.input + sum(v for v in extra if isinstance(v, int) and not isinstance(v, bool))
