"""Cassettes in and out: reading, recording with scrubbing, SSE, the replay network guard."""

__all__ = ["page_redaction"]


def page_redaction(key_envs=()) -> dict:
    """What `specs.pull` needs to store doc pages redacted: the run's key values (its own key variables,
    `key_envs`, besides every key-like one) and the page redaction."""
    from chatconform.recording.scrub import redact_page_credentials, run_secrets

    return {"secrets": run_secrets(key_envs), "redact_page": redact_page_credentials}
