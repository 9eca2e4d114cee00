"""A child process that writes the files it is sent into one folder: `python -m
chatconform.reporting._file_sink DIR`.

Each file comes on stdin as a line `<name>\\t<size>\\n` and then its bytes. A file is written whole or not at
all (a temporary name, then a rename), its name must be a plain file name, and at the end one line on
stderr says how many could not be written. Why a process and not a thread: see allure_writer.py.
"""

from __future__ import annotations

import os
import sys


def plain_name(name: str) -> bool:
    """A file name with no folder in it (never '.', '..' or hidden)."""
    return (
        bool(name) and "/" not in name and "\\" not in name and "\0" not in name and not name.startswith(".")
    )


def write_one(folder: str, name: str, body: bytes) -> str | None:
    """Write one file into the folder; None, or what went wrong."""
    if not plain_name(name):
        return f"{name!r}: not a plain file name"
    tmp = os.path.join(folder, f"{name}.tmp")
    try:
        with open(tmp, "wb") as out:
            out.write(body)
        os.replace(tmp, os.path.join(folder, name))
    except OSError as err:
        return f"{name} ({err.strerror or err})"
    return None


def main(folder: str) -> int:
    """Write every file sent on stdin; 0 when all were written, else 1 with one line on stderr."""
    stream, failed = sys.stdin.buffer, []
    while head := stream.readline():
        try:
            name, size = head.decode("utf-8").rstrip("\n").split("\t")
            body = stream.read(int(size))
        except ValueError:
            failed.append(f"a malformed header {head[:80]!r}")
            break
        if len(body) != int(size):
            failed.append(f"{name} (cut short: {len(body)} of {size} bytes)")
            break
        problem = write_one(folder, name, body)
        if problem:
            failed.append(problem)
    if failed:
        print(f"{len(failed)} file(s) not written in {folder}, e.g. {failed[0]}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
