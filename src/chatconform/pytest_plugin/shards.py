"""Splitting a run over machines: `--shard i/N` keeps the (provider, model) pairs that hash to shard i.

The split is by provider and model, so every row of one model (its replay cassettes, its live scenarios, a
provider's docs conflicts under model None) lands in one shard, and `chatconform merge` of the N shards'
results.json is the unsharded run. The hash is sha256, not Python's salted hash(): a model's shard is the
same on every machine and every run, and adding a model never moves the others.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from chatconform.model.errors import UsageError

_SPEC = re.compile(r"([0-9]{1,6})/([0-9]{1,6})")


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `total` (1-based, as a CI matrix counts)."""

    index: int
    total: int

    def holds(self, provider: str, model: str | None) -> bool:
        """Whether this shard runs the rows of this provider and model."""
        return shard_of(provider, model, self.total) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


def shard_of(provider: str, model: str | None, total: int) -> int:
    """The shard (1..total) of a provider and model."""
    digest = hashlib.sha256(f"{provider}|{model or ''}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % total + 1


def parse_shard(text: str | None, option: str = "--shard") -> Shard | None:
    """`i/N` as a Shard (None when not given), or a one-line UsageError naming the bad value."""
    if text is None:
        return None
    match = _SPEC.fullmatch(str(text).strip())
    if not match:
        raise UsageError(f"{option} {text!r}: expected i/N, two whole numbers with 1 <= i <= N (e.g. 1/4)")
    index, total = int(match[1]), int(match[2])
    if not 1 <= index <= total:
        raise UsageError(
            f"{option} {text!r}: the shard number must be from 1 to {total}"
            if total
            else f"{option} {text!r}: the number of shards must be at least 1"
        )
    return Shard(index, total)


__all__ = ["Shard", "parse_shard", "shard_of"]
