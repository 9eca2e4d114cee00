"""Live calls: timeouts, retries that honour Retry-After, and outage vs contract kept apart.

Retries happen only for 429/502/503/504/529 and connection errors (jittered exponential backoff, capped).
A 4xx contract answer is never retried: it is the answer being judged. When retries run out, the result
is `provider-unavailable`, an infrastructure outcome that never reads as a pass or a regression.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

import httpx

from chatconform.exchange import Exchange, Request, Response

RETRY_STATUSES = (429, 502, 503, 504, 529)  # 529: Anthropic's overloaded_error


@dataclass
class RetryPolicy:
    """How hard to try before calling a provider unavailable."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 20.0
    retry_after_cap: float = 60.0
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    sleep: object = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before the next attempt: Retry-After when given, else jittered backoff."""
        if retry_after:
            try:
                return min(max(float(retry_after), 0.0), self.retry_after_cap)
            except ValueError:
                pass  # an HTTP-date: fall back to backoff
        return min(self.max_delay, self.base_delay * 2 ** attempt) * (0.5 + self.rng.random() / 2)


@dataclass
class CallResult:
    """An exchange, or why there is none; `attempts` counts what was sent."""

    exchange: Exchange | None
    outcome: str  # "answered" | "provider-unavailable"
    attempts: int
    detail: str = ""


def call(method: str, url: str, headers: dict, body: bytes, *, policy: RetryPolicy | None = None,
         client: httpx.Client | None = None, **tags) -> CallResult:
    """Send a request, retrying only what is retryable, and return the exchange with its tags."""
    policy = policy or RetryPolicy()
    own = client is None
    client = client or httpx.Client(timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout))
    try:
        return _attempts(client, policy, method, url, headers, body, tags)
    finally:
        if own:
            client.close()


def _attempts(client, policy, method, url, headers, body, tags) -> CallResult:
    detail = ""
    for attempt in range(policy.attempts):
        try:
            response = _send(client, method, url, headers, body)
        except httpx.HTTPError as err:  # connect errors, timeouts, resets mid-body
            detail = f"{type(err).__name__}: {err}"
            retry_after = None
        else:
            if response.status not in RETRY_STATUSES:
                return CallResult(_exchange(method, url, headers, body, response, tags), "answered", attempt + 1)
            detail = f"HTTP {response.status}"
            retry_after = response.headers.get("retry-after")
            last = response
        if attempt + 1 < policy.attempts:
            policy.sleep(policy.delay(attempt, retry_after))
    exchange = _exchange(method, url, headers, body, last, tags) if detail.startswith("HTTP") else None
    return CallResult(exchange, "provider-unavailable", policy.attempts, f"{policy.attempts} attempts, last: {detail}")


def _send(client: httpx.Client, method: str, url: str, headers: dict, body: bytes) -> Response:
    """One request; the body is read whole (a stream too: SSE is parsed from the bytes afterwards)."""
    with client.stream(method, url, headers=headers, content=body or None) as reply:
        data = reply.read()
        return Response(status=reply.status_code, headers=dict(reply.headers), body=data)


def _exchange(method, url, headers, body, response: Response, tags) -> Exchange:
    return Exchange(request=Request(method, url, headers, body), response=response, **tags)
