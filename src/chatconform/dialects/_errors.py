"""Error envelopes: what a refusal's body must look like in each dialect, so a client can read why."""

from __future__ import annotations

from chatconform.model.finding import Finding, excerpt

CHECK = "error.envelope"


def openai_envelope(body: object) -> list[Finding]:
    """OpenAI's `{"error": {"message": str, "type": str, ...}}` (the openai SDKs read error.message)."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return [
            _finding("$", "the error body has no `error` object", body, '{"error": {"message": ..., ...}}')
        ]
    if not isinstance(error.get("message"), str):
        return [
            _finding(
                "$.error.message", "the error object has no message text", error.get("message"), "a string"
            )
        ]
    return []


def anthropic_envelope(body: object) -> list[Finding]:
    """Anthropic's `{"type": "error", "error": {"type": str, "message": str}}`."""
    if not isinstance(body, dict) or body.get("type") != "error":
        got = body.get("type") if isinstance(body, dict) else body
        return [_finding("$.type", 'the error body is not of type "error"', got, "error")]
    error = body.get("error")
    if not isinstance(error, dict):
        return [
            _finding(
                "$.error", "the error body has no `error` object", error, '{"type": ..., "message": ...}'
            )
        ]
    return [
        _finding(f"$.error.{key}", f"the error object has no {key} text", error.get(key), "a string")
        for key in ("type", "message")
        if not isinstance(error.get(key), str)
    ]


def _finding(at: str, message: str, received: object, expected: str) -> Finding:
    return Finding(
        CHECK, "violation", "claim", at=at, message=message, received=excerpt(received), expected=expected
    )
