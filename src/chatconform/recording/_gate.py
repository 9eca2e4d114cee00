"""A pattern's gate: what every match must hold, looked for cheaply before the pattern runs (see scrub.py)."""

from __future__ import annotations

import re
from os.path import commonprefix


class Gate:
    """What a match of a pattern must hold, looked for in the folded text (_folded) before the pattern runs:
    one of the words its name ends with (a literal search), then that word with what follows it (a search
    without IGNORECASE or a leading \\b). Built from the pattern's own parts; most text passes no gate."""

    def __init__(self, ends: tuple[str, ...], after: str) -> None:
        alternatives = _factored(ends)
        self.words = tuple(_literal(alternative) for alternative in alternatives)
        self.need = re.compile(f"(?:{'|'.join(alternatives)}){after}")

    def passes(self, low: str) -> bool:
        return any(word in low for word in self.words) and self.need.search(low) is not None


def _factored(ends: tuple[str, ...]) -> list[str]:
    """The ends as fewer alternatives matching at least the same text: one ending in another that is plain
    text is left out (`apikey`: `key`), and plain ones sharing their first three letters become their common
    start and \\w* (`password`, `passwd`, `passphrase`: `pass\\w*`)."""
    plain = [end for end in ends if end.isalnum()]
    kept = [end for end in ends if not any(p != end and end.endswith(p) for p in plain)]
    groups: dict[str, list[str]] = {}
    for end in kept:
        groups.setdefault(end[:3] if end.isalnum() else end, []).append(end)
    return [group[0] if len(group) == 1 else commonprefix(group) + r"\w*" for group in groups.values()]


def _literal(alternative: str) -> str:
    """The last letters every match of a regex alternative holds (`credentials?`: `credential`)."""
    plain = re.sub(r"\[[^\]]*\][?*]?|\\.[?*]?|.[?*]|[()|]", " ", alternative)
    return plain.split()[-1]
