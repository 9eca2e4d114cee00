"""Model identity: is the answering model the one asked for, a spelling of its id, or another model?

Gateways rename ids without changing the model: a dated snapshot answers for an alias (`gpt-4o` ->
`gpt-4o-2024-08-06`, `gpt-4-vision-preview` -> `gpt-4-1106-vision-preview`, a date in the middle), a vendor
prefix is dropped or added (`openai/gpt-4o`), a routing variant is dropped (`:free`), case and punctuation
change (`claude-3.5-sonnet`, `claude-3-5-sonnet`, Azure's `gpt-35-turbo`). What remains when snapshot marks,
prefix, routing suffix, case and punctuation are set aside is the model itself; if that differs, another
model answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROUTING = re.compile(r":[A-Za-z0-9._-]+$")  # OpenRouter variants (:free, :nitro, :beta), Bedrock's :0
_DATES = (
    re.compile(r"(?<![0-9])(\d{4})-(\d{2})-(\d{2})(?![0-9])"),  # 2024-08-06
    re.compile(r"(?<![0-9.])(\d{2})-(\d{4})(?![0-9])"),  # 08-2024 (Cohere)
    re.compile(r"(?<![0-9.])(\d{2})-(\d{2})(?![0-9.])"),
)  # 06-17 (Gemini previews)
_SEPARATORS = re.compile(r"([-_.\s]+)")  # captured: split() keeps the separators
_MARKS = ("latest", "exp")  # words that name a snapshot, not a model
DEPLOYMENT = re.compile(
    r"/openai/deployments/([^/]+)/"
)  # Azure: the deployment, not the body, picks the model


@dataclass(frozen=True)
class ModelId:
    """An id split into what names the model and what names a snapshot, a namespace or a route."""

    prefix: str
    suffix: str
    spelled: str  # the model part as written (snapshot marks removed, case and punctuation kept)
    core: str  # the model part without case and punctuation: equal cores, same model
    dates: frozenset[str]  # digit snapshot tokens (0613, 20241022, 001)
    marks: frozenset[str]  # latest, exp

    @classmethod
    def parse(cls, raw: str) -> ModelId:
        """Split an id such as `openai/gpt-4o-2024-08-06:free`."""
        prefix, _, name = raw.rpartition("/")
        suffix = _ROUTING.search(name)
        name = name[: suffix.start()] if suffix else name
        for pattern in _DATES:
            name = pattern.sub(lambda m: "".join(m.groups()), name)
        parts = _SEPARATORS.split(name)  # tokens at even places, separators between them
        kept: list[str] = []
        dates: set[str] = set()
        marks: set[str] = set()
        for i in range(0, len(parts), 2):
            token = parts[i].lower()
            if token.isdigit() and 3 <= len(token) <= 8:
                dates.add(token)
            elif token in _MARKS:
                marks.add(token)
            elif parts[i]:
                kept += [parts[i - 1] if i and kept else "", parts[i]]
        spelled = "".join(kept)
        core = "".join(t.lower() for t in kept[1::2])
        return cls(
            prefix, suffix.group(0) if suffix else "", spelled, core, frozenset(dates), frozenset(marks)
        )


@dataclass(frozen=True)
class Relation:
    """How the answering id relates to the asked one: the same model (differences named) or not."""

    same_model: bool
    notes: tuple[str, ...]
    severity: str | None  # None: identical ids, nothing to say


def relate(asked: str, got: str) -> Relation:
    """Compare an asked id with the id that answered."""
    if got == asked:
        return Relation(True, (), None)
    a, g = ModelId.parse(asked), ModelId.parse(got)
    if a.core != g.core:
        return Relation(False, ("another model",), "violation")
    if a.dates and not a.dates <= g.dates:
        if g.dates:
            return Relation(
                False,
                (f"snapshot {'/'.join(sorted(g.dates))} answered for snapshot {'/'.join(sorted(a.dates))}",),
                "violation",
            )
        return Relation(True, ("the undated id answered for a dated snapshot",), "warning")
    return Relation(True, tuple(_notes(a, g)), "info")


def _notes(a: ModelId, g: ModelId) -> list[str]:
    notes = ["a dated snapshot"] if (g.dates - a.dates) or (g.marks - a.marks) else []
    if a.prefix != g.prefix:
        notes.append(
            f"the vendor prefix '{a.prefix}/' dropped"
            if not g.prefix
            else f"the vendor prefix '{g.prefix}/' added"
            if not a.prefix
            else f"the vendor prefix '{a.prefix}/' answered as '{g.prefix}/'"
        )
    if a.suffix != g.suffix:
        notes.append(
            f"the routing suffix '{a.suffix}' dropped"
            if not g.suffix
            else f"the routing suffix '{a.suffix}' answered as '{g.suffix}'"
        )
    if a.spelled != g.spelled or not notes:
        notes.append("a spelling variant (case or punctuation)")
    return notes


def deployment_of(path: str) -> str | None:
    """The Azure deployment name a request path addresses, if it does."""
    match = DEPLOYMENT.search(path)
    return match.group(1) if match else None
