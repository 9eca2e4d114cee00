"""Failure text (exception messages, tracebacks, captured output) scrubbed before anything writes it.

A failing check's message quotes what the server sent, and a server may echo the key. pytest prints that
message, junit.xml and Allure's result files store it, and the CI log keeps it, so the plugin passes every
report through here: the exception first (Allure reads its message), then the finished report.
"""

from __future__ import annotations

from chatconform.recording.scrub import known_secrets, scrub_text


def _carries(text: str, secrets) -> bool:
    return bool(text) and scrub_text(text, secrets) != text


def scrub_exception(excinfo, secrets=None) -> None:
    """Remove secrets from an exception's message in place (pytest.fail/skip messages and plain args)."""
    if excinfo is None:
        return
    secrets = known_secrets() if secrets is None else secrets
    value = excinfo.value
    msg = getattr(value, "msg", None)
    if isinstance(msg, str) and _carries(msg, secrets):
        value.msg = scrub_text(msg, secrets)
    if any(isinstance(a, str) and _carries(a, secrets) for a in getattr(value, "args", ())):
        try:
            value.args = tuple(scrub_text(a, secrets) if isinstance(a, str) else a for a in value.args)
        except (AttributeError, TypeError):  # an exception type that refuses new args keeps them
            pass


def scrub_report(report, secrets=None) -> None:
    """Remove secrets from a test report's traceback text, xfail reason and captured output, in place."""
    if report.longrepr is None and not getattr(report, "wasxfail", None) and not report.sections:
        return  # a quiet pass: no text to scrub (and a catalog run makes thousands of these reports)
    secrets = known_secrets() if secrets is None else secrets
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason), a shape pytest relies on
        report.longrepr = tuple(scrub_text(x, secrets) if isinstance(x, str) else x for x in report.longrepr)
    elif report.longrepr is not None and _carries(str(report.longrepr), secrets):
        # the structured traceback is replaced by its text: its structure is worth less than the key
        report.longrepr = scrub_text(str(report.longrepr), secrets)
    reason = getattr(report, "wasxfail", None)
    if isinstance(reason, str) and _carries(reason, secrets):
        report.wasxfail = scrub_text(reason, secrets)
    report.sections = [
        (title, scrub_text(content, secrets) if _carries(content, secrets) else content)
        for title, content in report.sections
    ]
