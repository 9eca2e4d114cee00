"""A deviation declared for a check nobody has: caught when it is plainly a misspelling of a check we do have.

A deviation covers a check and everything below it (`stream.spec-defect` covers `stream.spec-defect.x`), and
schema findings carry names of their own, so an unknown name is not an error in itself; one within a typo of
a claim's id (`usage.totl_is_sum`) is, since as written it would never match and the run would fail for it.
"""

from __future__ import annotations

import difflib

from chatconform.model.errors import UsageError
from chatconform.providers import ProviderData

SCHEMA_CHECKS = (
    "schema",
    "request.schema",
    "response.schema",
    "stream.chunk-schema",
    "stream.spec-defect",
    "response.spec-defect",
)


def refuse_misspelt_deviations(data: ProviderData) -> None:
    """A UsageError (one line, did you mean) for the first declared deviation whose check is a misspelt
    one."""
    from chatconform.judging.claims.catalog import load_claims

    known = sorted({*load_claims(), *SCHEMA_CHECKS})
    for profile in data.profiles.values():
        for deviation in profile.deviations:
            name = deviation.check
            if any(k == name or k.startswith(name + ".") or name.startswith(k + ".") for k in known):
                continue
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.85)
            if close:
                where = f"{deviation.declared_in}: " if deviation.declared_in else ""
                raise UsageError(
                    f"{where}providers.{profile.name}: a deviation names check {name!r}, which no "
                    f"check has. Did you mean {close[0]!r}?"
                )
