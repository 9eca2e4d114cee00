"""Errors that end in one clear line for the user."""


class ChatconformError(Exception):
    """A problem the user can act on; its message is one line."""


class UsageError(ChatconformError):
    """Bad arguments or configuration (exit code 2)."""


def unknown(kind: str, value: str, known) -> UsageError:
    """A usage error naming the bad value and the valid ones."""
    return UsageError(f"Unknown {kind} {value!r}. Known: {', '.join(sorted(known))}.")
