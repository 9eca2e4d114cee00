"""`chatconform specs pull`: fetch every source, check it against the lock, write the copies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from chatconform.errors import ChatconformError
from chatconform.specs._catalog import Catalog, Source
from chatconform.specs._fetch import fetch
from chatconform.specs._lock import Pin, read_lock, sha256_of, write_lock


@dataclass(frozen=True)
class PullResult:
    """What happened to one source: ok, added, updated or failed, with a one-line message."""

    source: Source
    status: str
    message: str

    @property
    def failed(self) -> bool:
        """True when the source was not pulled."""
        return self.status == "failed"


def pull(catalog: Catalog, mirror: Path | None = None, update: bool = False) -> list[PullResult]:
    """Pull every source; one broken source never stops the others."""
    pins = read_lock(catalog.folder)
    results = [_pull_one(catalog, source, pins, mirror, update) for source in catalog.sources]
    if update and any(r.status in ("added", "updated") for r in results):
        write_lock(catalog.folder, pins)
    return results


def _pull_one(catalog: Catalog, source: Source, pins: dict[str, Pin], mirror, update: bool) -> PullResult:
    """Fetch, check and store one source; `pins` is updated in place when `update`."""
    try:
        data = fetch(source.url, mirror)
        _check_format(source, data)
    except ChatconformError as err:
        return PullResult(source, "failed", f"{source.id}: {err}")
    target = catalog.path_of(source)
    pin = pins.get(source.id)
    fresh = Pin(url=source.url, sha256=sha256_of(data), size=len(data), retrieved_at=_now())
    if pin and (pin.url, pin.sha256, pin.size) == (fresh.url, fresh.sha256, fresh.size):
        _write(target, data)
        return PullResult(source, "ok", f"{source.id}: ok (sha256 {fresh.sha256[:12]})")
    if not update:
        return PullResult(source, "failed", f"{source.id}: {_mismatch(pin, fresh, target, data)}")
    pins[source.id] = fresh
    _write(target, data)
    status = "updated" if pin else "added"
    return PullResult(source, status, f"{source.id}: {status} in lock (sha256 {fresh.sha256[:12]})")


def _check_format(source: Source, data: bytes) -> None:
    """A spec must be a JSON object; an HTML error page or a truncated file is refused."""
    if source.kind != "spec":
        return
    head = data.lstrip()[:100].lower()
    if head.startswith(b"<"):
        raise ChatconformError("not JSON: looks like an HTML page")
    try:
        doc = json.loads(data)
    except ValueError as err:
        raise ChatconformError(f"not valid JSON ({err})") from None
    if not isinstance(doc, dict) or "openapi" not in doc:
        raise ChatconformError("not an OpenAPI document (no 'openapi' field)")


def _mismatch(pin: Pin | None, fresh: Pin, target: Path, data: bytes) -> str:
    """One line saying how the fetched document differs from the lock."""
    if pin is None:
        return "not pinned in specs.lock; run `chatconform specs pull --update` to pin it"
    if pin.url != fresh.url:
        return f"URL changed from {pin.url} (lock) to {fresh.url}; run with --update to re-pin"
    line = (f"sha256 {fresh.sha256[:12]} differs from lock {pin.sha256[:12]} "
            f"(size {pin.size} -> {fresh.size})")
    summary = _drift_summary(pin, target, data)
    return f"{line}{summary}; kept the pinned copy; run with --update to accept the change"


def _drift_summary(pin: Pin, target: Path, data: bytes) -> str:
    """What changed, when the pinned copy is still on disk to compare with."""
    try:
        old = target.read_bytes()
    except OSError:
        return ""
    if sha256_of(old) != pin.sha256:
        return ""
    import json

    from chatconform.specdiff import diff_documents

    try:
        changes = diff_documents(json.loads(old), json.loads(data))
    except ValueError:
        return ""
    if not changes:
        return ": same API, different bytes"
    breaking = [c for c in changes if c.breaking]
    shown = "; ".join(f"{c.kind} {c.path}" for c in (breaking or changes)[:2])
    return f": {len(changes)} change(s), {len(breaking)} breaking ({shown})"


def _write(target: Path, data: bytes) -> None:
    """Write a pulled copy atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)


def _now() -> str:
    """The current UTC time, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
