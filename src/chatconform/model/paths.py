"""Where the project's files live; every location can be moved by an environment variable."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

from chatconform.model.errors import ChatconformError, UsageError

PROJECT_FILE = "chatconform.toml"


def project_root() -> Path:
    """The project folder, by the one rule every command and the pytest plugin use: $CHATCONFORM_ROOT (as the
    user sets it), else the nearest folder, here or above, holding chatconform.toml or specs/sources.toml,
    else the working directory."""
    env = os.environ.get("CHATCONFORM_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file() or (folder / "specs" / "sources.toml").is_file():
            return folder
    return here


def specs_dir() -> Path:
    """Pulled specs, sources.toml and specs.lock."""
    return Path(os.environ.get("CHATCONFORM_SPECS", project_root() / "specs"))


def reports_dir() -> Path:
    """Run outputs (results.json, junit.xml, allure-results, html)."""
    return Path(os.environ.get("CHATCONFORM_REPORTS", project_root() / "reports"))


def cache_dir() -> Path:
    """Derived data safe to delete (spec lint results)."""
    return Path(os.environ.get("CHATCONFORM_CACHE", project_root() / ".cache" / "chatconform"))


# A name that becomes a file name: letters, digits, dot, dash, underscore; never a leading dot, so
# "." and ".." (and hidden files) cannot be produced.
_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_MAX_NAME = 120


def safe_name(value: str | None, default: str = "unnamed") -> str:
    """One file-name segment made from a model, scenario or provider name (escaped, never rejected)."""
    name = _UNSAFE.sub("_", str(value or ""))[:_MAX_NAME]
    if name.startswith("."):
        name = "_" + name[1:]  # "..", ".hidden" and "." stay inside their folder as plain names
    return name or default


def check_relative(relpath: str, what: str) -> str:
    """A relative path of safe segments separated by '/', or a usage error naming the bad value."""
    segments = relpath.split("/") if isinstance(relpath, str) else [None]
    if not all(isinstance(s, str) and _SEGMENT.fullmatch(s) for s in segments):
        raise UsageError(
            f"{what} {relpath!r} is not a safe relative path: segments of letters, digits, "
            f"'.', '_' or '-' separated by '/'; no '..', leading '.' or absolute path"
        )
    return relpath


def inside(folder: Path, *parts: str) -> Path:
    """folder/part/..., refusing any part that would leave the folder (also through a symlink)."""
    for part in parts:
        check_relative(part, "path")
    path = Path(folder).joinpath(*parts)
    base = Path(folder).resolve()
    if not path.resolve().is_relative_to(base):
        raise UsageError(f"{path} leads outside {base} (a symlink?)")
    return path


def read_regular(path: Path, what: str = "file") -> bytes:
    """The bytes of a regular file (FileNotFoundError when absent); a FIFO or folder is a one-line error."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of blocking forever
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise
    except OSError as err:
        raise ChatconformError(f"{path}: cannot read {what} ({err.strerror or err})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ChatconformError(f"{path}: not a regular file (a {what} must be one)")
    with os.fdopen(fd, "rb") as handle:
        try:
            return handle.read()
        except OSError as err:
            raise ChatconformError(f"{path}: cannot read {what} ({err.strerror or err})") from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (a temp file beside it, then os.replace); one-line error."""
    tmp = stage(path, data)
    commit([(tmp, path)])


def stage(path: Path, data: bytes) -> Path:
    """Write data to a fresh temp file beside path and return it; nothing else is touched."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise ChatconformError(f"cannot write {path} ({err.strerror or err}); nothing was changed") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise ChatconformError(f"cannot write {path} ({err.strerror or err}); nothing was changed") from None
    return Path(tmp)


def commit(staged: list[tuple[Path, Path]]) -> None:
    """Move staged temp files onto their targets (os.replace: each target is old or new, never half)."""
    for tmp, target in staged:
        try:
            os.replace(tmp, target)
        except OSError as err:
            discard(staged)
            raise ChatconformError(f"cannot replace {target} ({err.strerror or err})") from None


def discard(staged: list[tuple[Path, Path]]) -> None:
    """Remove temp files that were staged and not committed."""
    for tmp, _ in staged:
        tmp.unlink(missing_ok=True)


def typed_path(path: object) -> str:
    """A path as a reviewer types it: relative to the working folder when below it, else as it is."""
    text = "" if path is None else str(path)
    here = os.getcwd().rstrip("/") + "/"
    return text[len(here) :] if text.startswith(here) else text
