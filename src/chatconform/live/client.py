"""Live calls: a total deadline, a bounded body, retries that honour Retry-After, outage and contract apart.

Retries happen only for 429/502/503/504/529 and transient transport errors (a reset, a timeout before the
deadline: jittered exponential backoff, capped); each attempt has a total deadline and a body bound.
Nothing that cannot get better by waiting is retried: a refused connection, a failed DNS lookup or TLS
handshake, a passed deadline, an oversized body each end the call at once, the URL and the cause in the
first words of its detail. A 4xx contract answer is never retried: it is the answer being judged. When
the call gives up, the result is `provider-unavailable`, an infrastructure outcome that never reads as a
pass or a regression.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

import httpx

from chatconform.live.deadline import BodyTooLarge, Deadline, DeadlineExceeded, bounded_transport
from chatconform.model.exchange import Exchange, Request, Response

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
    deadline: float = 300.0  # one attempt, whole: connect, headers, the body or stream to its end
    max_body_bytes: int = 64 * 1024 * 1024  # the decompressed body; past it the answer is refused
    sleep: object = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before the next attempt: Retry-After when given, else jittered backoff."""
        if retry_after:
            try:
                return min(max(float(retry_after), 0.0), self.retry_after_cap)
            except ValueError:
                pass  # an HTTP-date: fall back to backoff
        return min(self.max_delay, self.base_delay * 2**attempt) * (0.5 + self.rng.random() / 2)


@dataclass
class CallResult:
    """An exchange, or why there is none; `attempts` counts what was sent."""

    exchange: Exchange | None
    outcome: str  # "answered" | "provider-unavailable"
    attempts: int
    detail: str = ""


def call(
    method: str,
    url: str,
    headers: dict,
    body: bytes,
    *,
    policy: RetryPolicy | None = None,
    client: httpx.Client | None = None,
    **tags,
) -> CallResult:
    """Send a request, retrying only what is retryable, and return the exchange with its tags."""
    policy = policy or RetryPolicy()
    deadline = Deadline(policy.deadline)
    own = client is None
    if own:
        client = httpx.Client(
            timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout),
            transport=bounded_transport(deadline),
        )
    try:
        return _attempts(client, policy, deadline, method, url, headers, body, tags)
    finally:
        if own and client is not None:  # (it is: made above)
            client.close()


def _attempts(client, policy, deadline, method, url, headers, body, tags) -> CallResult:
    detail, last = "", None
    for attempt in range(policy.attempts):
        deadline.start()
        try:
            response = _send(client, method, url, headers, body, policy, deadline)
        except (httpx.HTTPError, DeadlineExceeded, BodyTooLarge) as err:
            final, detail = _cause(err, deadline)
            if final:
                return CallResult(None, "provider-unavailable", attempt + 1, f"{url}: {detail}; not retried")
            retry_after = None
        else:
            if response.status not in RETRY_STATUSES:
                return CallResult(
                    _exchange(method, url, headers, body, response, tags), "answered", attempt + 1
                )
            detail = f"HTTP {response.status}"
            retry_after = response.headers.get("retry-after")
            last = response
        if attempt + 1 < policy.attempts:
            policy.sleep(policy.delay(attempt, retry_after))
    # an HTTP detail comes with the response that gave it
    exchange = (
        _exchange(method, url, headers, body, last, tags)
        if last is not None and detail.startswith("HTTP")
        else None
    )
    return CallResult(
        exchange,
        "provider-unavailable",
        policy.attempts,
        f"{url}: {policy.attempts} attempts, last: {detail}",
    )


# what an error's text says about a connection that could not be made (it cannot get better by waiting)
_CONNECT_CAUSES = (
    ("refused", "connection refused (nothing listens there)"),
    ("name or service not known", "DNS lookup failed"),
    ("name resolution", "DNS lookup failed"),
    ("nodename nor servname", "DNS lookup failed"),
    ("no address associated", "DNS lookup failed"),
    ("certificate", "TLS handshake failed"),
    ("ssl", "TLS handshake failed"),
    ("tls", "TLS handshake failed"),
    ("unreachable", "network unreachable"),
)


def _cause(err: Exception, deadline: Deadline) -> tuple[bool, str]:
    """(give up at once?, the cause in words) for an error of one attempt."""
    text = " ".join(str(err).split())[:300] or type(err).__name__
    if isinstance(err, (DeadlineExceeded, BodyTooLarge)):
        return True, text
    if isinstance(err, httpx.TimeoutException) and deadline.passed():
        return True, f"no complete answer within the call's deadline of {deadline.seconds:g} s ({text})"
    if isinstance(err, httpx.ConnectError):
        cause = next((c for word, c in _CONNECT_CAUSES if word in text.lower()), "cannot connect")
        return True, f"{cause} ({type(err).__name__}: {text})"
    if isinstance(err, (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError)):
        return True, f"cannot send this request ({type(err).__name__}: {text})"
    return False, f"{type(err).__name__}: {text}"


def _send(
    client: httpx.Client,
    method: str,
    url: str,
    headers: dict,
    body: bytes,
    policy: RetryPolicy,
    deadline: Deadline,
) -> Response:
    """One request; the body is read whole within the deadline and the size bound (a stream too: SSE is
    parsed from the bytes afterwards). Decompression goes a network read at a time, so a gzip bomb stops
    at the bound plus one read's worth, never in the memory of a whole inflated body."""
    with client.stream(method, url, headers=headers, content=body or None) as reply:
        parts, size = [], 0
        for piece in reply.iter_bytes():
            size += len(piece)
            if size > policy.max_body_bytes:
                raise BodyTooLarge(f"the body passed {policy.max_body_bytes:,} bytes (decompressed); refused")
            parts.append(piece)
            if deadline.passed():
                raise DeadlineExceeded(
                    f"the answer was still arriving at the call's deadline of "
                    f"{deadline.seconds:g} s ({size:,} bytes so far)"
                )
        return Response(status=reply.status_code, headers=dict(reply.headers), body=b"".join(parts))


def _exchange(method, url, headers, body, response: Response, tags) -> Exchange:
    return Exchange(request=Request(method, url, headers, body), response=response, **tags)
