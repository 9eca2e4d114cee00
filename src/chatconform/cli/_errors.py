"""How the command line ends on an error: one line, the traceback only under --debug."""

from __future__ import annotations

import sys
import traceback

from chatconform.model.exits import INTERNAL


def one_line(err: BaseException) -> str:
    """An error's message on one line."""
    return " ".join(str(err).split()) or type(err).__name__


def internal_error(err: BaseException, debug: bool, where: str = "") -> int:
    """Report an unexpected exception in one line (the traceback first under --debug); exit code 3."""
    if debug:
        traceback.print_exception(err)
    hint = "" if debug else " (run with --debug for the traceback)"
    place = f"{where}: " if where else ""
    print(
        f"chatconform: {place}internal error: {type(err).__name__}: {one_line(err)[:300]}{hint}",
        file=sys.stderr,
    )
    return INTERNAL
