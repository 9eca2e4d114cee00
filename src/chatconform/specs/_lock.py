"""specs/specs.lock: the pinned URL, sha256, size and retrieval time of every source."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from chatconform.model.errors import UsageError
from chatconform.model.paths import read_regular

LOCK_NAME = "specs.lock"


@dataclass(frozen=True)
class Pin:
    """What the lock says one source must be."""

    url: str
    sha256: str
    size: int
    retrieved_at: str
    # sha256 of the copy on disk when it is not the upstream bytes (a page printing a credential is
    # stored with it redacted); absent otherwise
    stored_sha256: str | None = None

    @property
    def on_disk(self) -> str:
        """The sha256 the pulled copy on disk must have."""
        return self.stored_sha256 or self.sha256


def sha256_of(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def read_lock(folder: Path) -> dict[str, Pin]:
    """The pins in folder/specs.lock ({} when there is no lock yet)."""
    path = folder / LOCK_NAME
    try:
        data = json.loads(read_regular(path, "lock file"))
    except FileNotFoundError:
        return {}
    except ValueError as err:
        raise UsageError(f"{path}: not a valid lock file ({err}); restore it from git") from None
    try:
        return {key: _pin(value) for key, value in data["sources"].items()}
    except (KeyError, TypeError, AttributeError) as err:
        raise UsageError(
            f"{path}: not a valid lock file ({type(err).__name__}: {err}); restore it from git"
        ) from None


def _pin(value: dict) -> Pin:
    """One lock entry, with its field types checked (a size given as a string is not a size)."""
    pin = Pin(**value)
    for name, kind in (
        ("url", str),
        ("sha256", str),
        ("size", int),
        ("retrieved_at", str),
        ("stored_sha256", (str, type(None))),
    ):
        if not isinstance(getattr(pin, name), kind) or isinstance(getattr(pin, name), bool):
            raise TypeError(f"{name} is {getattr(pin, name)!r}")
    return pin


def lock_bytes(pins: dict[str, Pin]) -> bytes:
    """The lock file's content, sorted, so that diffs of it stay small."""
    body = {"version": 1, "sources": {k: _entry(pins[k]) for k in sorted(pins)}}
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _entry(pin: Pin) -> dict:
    """A pin as the lock writes it (stored_sha256 only where the copy differs from upstream)."""
    return {k: v for k, v in asdict(pin).items() if v is not None}
