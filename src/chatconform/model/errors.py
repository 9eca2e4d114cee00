"""Errors that end in one clear line for the user."""

from __future__ import annotations

from collections.abc import Collection


class ChatconformError(Exception):
    """A problem the user can act on; its message is one line."""


class UsageError(ChatconformError):
    """Bad arguments or configuration (exit code 2)."""


def unknown(kind: str, value: str, known: Collection[str]) -> UsageError:
    """A usage error naming the bad value, the closest valid one, and the valid ones."""
    return UsageError(
        f"Unknown {kind} {value!r}.{did_you_mean(value, known)} Known: {', '.join(sorted(known))}."
    )


def did_you_mean(value: object, known: Collection[object]) -> str:
    """` Did you mean 'x'?` for the closest known name (a misspelling), else nothing."""
    import difflib

    close = difflib.get_close_matches(str(value), sorted(map(str, known)), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""
