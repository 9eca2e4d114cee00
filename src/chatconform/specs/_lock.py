"""specs/specs.lock: the pinned URL, sha256, size and retrieval time of every source."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from chatconform.errors import UsageError

LOCK_NAME = "specs.lock"


@dataclass(frozen=True)
class Pin:
    """What the lock says one source must be."""

    url: str
    sha256: str
    size: int
    retrieved_at: str


def sha256_of(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def read_lock(folder: Path) -> dict[str, Pin]:
    """The pins in folder/specs.lock ({} when there is no lock yet)."""
    path = folder / LOCK_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {key: Pin(**value) for key, value in data["sources"].items()}
    except (ValueError, KeyError, TypeError) as err:
        raise UsageError(f"{path}: not a valid lock file ({err}); restore it from git") from None


def write_lock(folder: Path, pins: dict[str, Pin]) -> None:
    """Write the lock, sorted, so that diffs of it stay small."""
    body = {"version": 1, "sources": {k: asdict(pins[k]) for k in sorted(pins)}}
    text = json.dumps(body, indent=2, sort_keys=True) + "\n"
    tmp = folder / (LOCK_NAME + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(folder / LOCK_NAME)
