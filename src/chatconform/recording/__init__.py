"""Cassettes in and out: reading, recording with scrubbing, SSE, the replay network guard."""

__all__ = ["page_redaction"]


def page_redaction() -> dict:
    """What `specs.pull` needs to store doc pages redacted: the run's key values and the page redaction."""
    from chatconform.recording.scrub import known_secrets, redact_page_credentials

    return {"secrets": known_secrets(), "redact_page": redact_page_credentials}
