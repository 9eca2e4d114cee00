"""Walking a cassettes folder without leaving it: what is skipped, and why, in one line each.

A symlink that leads out of the folder (to `/`, to a home directory), a symlink loop, a folder reached a
second time (a symlink cycle), a FIFO, a device or a socket is never opened or walked into: each is a
line naming the path and the reason, and everything else is still read.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def entries(folder: Path, scope: Path, seen: set) -> Iterator[tuple[Path, str | None]]:
    """Each entry of `folder` (sorted by name) with why it is skipped, or None when it may be walked or read.
    `scope` is the folder nothing may lead out of; `seen` holds the real folders walked so far."""
    try:
        found = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        yield folder, f"cannot list this folder ({err.strerror or err})"
        return
    for entry in found:
        path = Path(entry.path)
        yield path, refusal(path, scope, seen)


def refusal(path: Path, scope: Path, seen: set) -> str | None:
    """Why `path` must not be read or walked (None: it may); a folder is remembered in `seen`."""
    try:
        real = path.resolve(strict=True)
        mode = real.stat().st_mode  # stat only: a FIFO is never opened
    except (OSError, RuntimeError) as err:  # a loop (ELOOP; RuntimeError before Python 3.13), a dangling link
        loop = isinstance(err, RuntimeError) or getattr(err, "errno", None) == errno.ELOOP
        return "a symlink loop" if loop else f"cannot be read ({getattr(err, 'strerror', None) or err})"
    if path.is_symlink() and not real.is_relative_to(scope):
        return f"a symlink leading out of {scope} (to {real})"
    if stat.S_ISDIR(mode):
        if real in seen:
            return f"leads to a folder already walked ({real}): a symlink cycle"
        seen.add(real)
        return None
    if stat.S_ISREG(mode):
        return None
    return next((f"{name}, not a regular file" for test, name in _KINDS if test(mode)), "not a regular file")


def files_below(folder: Path, suffixes, skipped: list[str]) -> list[Path]:
    """Every file with one of `suffixes` below `folder`, inside it; what was skipped is a line in
    `skipped`."""
    scope = folder.resolve()
    seen = {scope}
    out: list[Path] = []
    todo = [folder]
    while todo:
        here = todo.pop()
        for path, problem in entries(here, scope, seen):
            if problem is not None:
                skipped.append(f"{path}: skipped: {problem}")
            elif path.is_dir():
                todo.append(path)
            elif path.suffix in suffixes:
                out.append(path)
    return sorted(out)
