"""What is wrong with a spec document, where, and whether it leaves part of a schema unchecked."""

from __future__ import annotations

from dataclasses import dataclass

from chatconform.model.inputs import MAX_NODES, InputError


@dataclass(frozen=True)
class Problem:
    """One defect of a document, at a JSON pointer into it; reported as a spec-lint finding."""

    pointer: str
    check: str
    message: str
    unchecked: bool = False  # True when a schema part is not judged because of it (a gap, never a pass)
    severity: str = "warning"


class Budget:
    """A count of steps a walk over a document may take; past it, one line instead of a hang."""

    def __init__(self, where: str, limit: int = 4 * MAX_NODES, what: str = "$ref resolution"):
        self.where, self.left, self.limit, self.what = where, limit, limit, what

    def spend(self, steps: int = 1) -> None:
        """Count steps; an InputError once the budget is spent."""
        self.left -= steps
        if self.left < 0:
            raise InputError(
                f"{self.where}: {self.what} took over {self.limit:,} steps "
                "(a $ref structure that expands without end?); refused"
            )
