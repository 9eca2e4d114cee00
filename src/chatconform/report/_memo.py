"""What the reports derive from one exchange (its secrets, redacted evidence, excerpt), worked out once.

An exchange has a test per check and they run one after another, so each derived value is kept for the
last few exchanges, keyed by identity (an Exchange is a mutable dataclass, so it cannot be a dict key).
"""

from __future__ import annotations

LIMIT = 64  # values kept; more than the checks of one exchange, so a run of its tests always hits
_kept: dict[tuple[str, int], tuple[object, object]] = {}


def once(what: str, ex, compute):
    """compute() for this exchange the first time `what` is asked for it, the kept value afterwards."""
    key = (what, id(ex))
    hit = _kept.get(key)
    if hit is not None and hit[0] is ex:  # holding ex keeps its id from being reused while it is kept
        return hit[1]
    value = compute()
    if len(_kept) >= LIMIT:
        _kept.clear()
    _kept[key] = (ex, value)
    return value
