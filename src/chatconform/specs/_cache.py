"""Derived spec data on disk, by content hash: what a run computed once, a later run reads back.

Why: the catalog pins hundreds of near-identical specs; preparing each one (shape, refs, loops,
normalisation) costs far more than reading its result. Every entry is keyed by the spec's sha256 and a
fingerprint of the code that computed it, and carries the sha256 of its own payload: a file that is
truncated, edited, of another version or not what we write is deleted and rebuilt, never read as valid.
"""

from __future__ import annotations

import hashlib
import marshal
from functools import lru_cache
from importlib import import_module
from pathlib import Path

from chatconform.model.errors import ChatconformError
from chatconform.model.paths import cache_dir, read_regular, write_atomic

FORMAT = 2  # bump when what an entry holds changes shape
MAX_BYTES = 256 * 1024 * 1024  # larger than any entry we write: such a file is not ours
# the modules whose code decides what is cached: an edit to any of them makes every entry stale
_CODE = (
    "chatconform.model.inputs",
    "chatconform.model.pointer",
    "chatconform.specs._problem",
    "chatconform.specs._shape",
    "chatconform.specs._refs",
    "chatconform.specs._normalise",
    "chatconform.specs._prepare",
    "chatconform.specs._closure",
    "chatconform.specs._cache",
    "chatconform.specs._pull",
)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A short hash of the code that prepares specs (read once per run)."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for name in _CODE:
        origin = getattr(import_module(name), "__file__", None)
        try:
            digest.update(Path(origin).read_bytes() if origin else name.encode())
        except OSError:
            digest.update(name.encode())  # a frozen install: its version stands in (tied to FORMAT)
    return digest.hexdigest()[:16]


def entry_path(kind: str, sha: str, salt: str = "") -> Path:
    """Where an entry of `kind` for the spec with this sha256 lives (salt: another input it depends on)."""
    tag = hashlib.sha256(f"{code_fingerprint()}\0{salt}".encode()).hexdigest()[:16]
    return cache_dir() / f"{kind}-{tag}-{sha}.bin"


def read_entry(path: Path):
    """The payload of an entry, or None; an entry that is not exactly what we wrote is deleted."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValueError("larger than any entry we write")
        data = read_regular(path, "spec cache entry")  # a FIFO planted there is refused, not waited on
        head, _, body = data.partition(b"\n")
        if head.decode("ascii", "replace") != hashlib.sha256(body).hexdigest():
            raise ValueError("payload does not match its sha256")
        # marshal, not JSON: a catalog run reads hundreds of prepared specs, and marshal reads them ~4x
        # faster; the sha256 above was checked first, so it only ever reads bytes dumps() wrote
        return marshal.loads(body)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, TypeError, RecursionError, ChatconformError):
        discard(path)
        return None


def write_entry(path: Path, payload) -> None:
    """Write an entry whole or not at all; older entries of the same spec and kind are removed."""
    try:
        body = marshal.dumps(payload)
        write_atomic(path, hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)
    except (ChatconformError, OSError, ValueError, TypeError, RecursionError):
        return  # a cache that cannot be written only costs time
    prune(path)


def prune(path: Path) -> None:
    """Remove the entries of the same kind and spec that other code (or another input) wrote: never read
    again."""
    kind, sha = path.name.split("-", 1)[0], path.name.rsplit("-", 1)[-1].split(".", 1)[0]
    try:
        for old in path.parent.glob(f"{kind}-*-{sha}.*"):  # any tag and format (FORMAT 1 wrote .json)
            if old != path:
                discard(old)
    except OSError:
        pass


def discard(path: Path) -> None:
    """Delete a cache file (one that cannot be deleted is still never read as valid)."""
    try:
        path.unlink()
    except OSError:
        pass
