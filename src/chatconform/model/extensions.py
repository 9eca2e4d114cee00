"""What installed packages add to chatconform: the objects their entry points name, one group per registry.

A package adds claims under `chatconform.claims` (a module of `@claim` functions, or one of them) and
dialects under `chatconform.dialects` (a Dialect object); the registries (load_claims, load_dialects) read
them beside the built-in ones. Provider data is extended by a project's chatconform.toml, not by code.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from chatconform.model.errors import UsageError

CLAIMS = "chatconform.claims"
DIALECTS = "chatconform.dialects"

__all__ = ["CLAIMS", "DIALECTS", "extensions"]


def extensions(group: str) -> list[tuple[str, object]]:
    """(entry point name, the object it names) for each installed extension of the group, by name."""
    found = []
    for point in sorted(entry_points(group=group), key=lambda p: (p.name, p.value)):
        try:
            found.append((point.name, point.load()))
        except Exception as err:  # noqa: BLE001 (whatever a package's import raises: one line naming it)
            text = " ".join(str(err).split())[:200]
            raise UsageError(
                f"the {group} entry point {point.name!r} ({point.value}) cannot be loaded: "
                f"{type(err).__name__}: {text}"
            ) from None
    return found
