"""`chatconform specs pull`: fetch every source, check it against the lock, write the copies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from chatconform.model.errors import ChatconformError
from chatconform.model.inputs import parse_document
from chatconform.model.paths import commit, discard, read_regular, stage
from chatconform.model.pointer import to_fragment
from chatconform.specs._cache import entry_path, read_entry, write_entry
from chatconform.specs._catalog import Catalog, Source
from chatconform.specs._fetch import fetch
from chatconform.specs._lock import LOCK_NAME, Pin, lock_bytes, read_lock, sha256_of
from chatconform.specs._problem import Problem
from chatconform.specs._refs import check_refs


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


Redact = Callable[
    [str, Sequence[str]], str
]  # a doc page's text and the run's key values -> the text to store


def pull(
    catalog: Catalog,
    *,
    secrets: Sequence[str],
    redact_page: Redact,
    mirror: Path | None = None,
    update: bool = False,
) -> list[PullResult]:
    """Pull every source; one broken source never stops the others; files change all together or not.

    `secrets` are the run's key values and `redact_page` the scrubber's page redaction (the recording
    layer's): a doc page holding a credential is stored redacted, never as it was fetched.
    """
    pins = read_lock(catalog.folder)
    before = dict(pins)
    outcomes = [
        _pull_one(catalog, source, pins, mirror, update, (secrets, redact_page)) for source in catalog.sources
    ]
    writes = [write for _, write in outcomes if write]
    if update and pins != before:
        writes.append((catalog.folder / LOCK_NAME, lock_bytes(pins)))
    _store(writes)
    return [result for result, _ in outcomes]


Write = tuple[Path, bytes]


def _pull_one(
    catalog: Catalog, source: Source, pins: dict[str, Pin], mirror, update: bool, redaction: tuple
) -> tuple[PullResult, Write | None]:
    """Fetch and check one source, saying what to write; `pins` is updated in place when `update`."""
    try:
        target = catalog.path_of(source)
        data = fetch(source.url, mirror)
        warning = _checked(source, data)
    except ChatconformError as err:
        return PullResult(source, "failed", f"{source.id}: {err}"), None
    pin = pins.get(source.id)
    stored = stored_form(source, data, *redaction)
    fresh = Pin(
        url=source.url,
        sha256=sha256_of(data),
        size=len(data),
        retrieved_at=_now(),
        stored_sha256=sha256_of(stored) if stored != data else None,
    )
    write = None if _holds(target, fresh.on_disk) else (target, stored)
    if pin and (pin.url, pin.sha256, pin.size) == (fresh.url, fresh.sha256, fresh.size):
        if update and pin.stored_sha256 != fresh.stored_sha256:  # the same page, now stored redacted
            pins[source.id] = replace(pin, stored_sha256=fresh.stored_sha256)
        return PullResult(source, "ok", f"{source.id}: ok (sha256 {fresh.sha256[:12]}){warning}"), write
    if not update:
        return PullResult(source, "failed", f"{source.id}: {_mismatch(pin, fresh, target, data)}"), None
    pins[source.id] = fresh
    status = "updated" if pin else "added"
    return PullResult(
        source, status, f"{source.id}: {status} in lock (sha256 {fresh.sha256[:12]}){warning}"
    ), write


def _checked(source: Source, data: bytes) -> str:
    """The fetched document's format checked (a ChatconformError if it is not a spec) and its $ref warning;
    a spec's verdict is kept in the spec cache by its sha256, so a warm pull does not parse it again."""
    if source.kind != "spec":
        return ""
    entry = entry_path("pulled", sha256_of(data))
    kept = read_entry(entry)
    if not (
        isinstance(kept, dict)
        and isinstance(kept.get("problems"), int)
        and isinstance(kept.get("first"), list)
    ):
        # a problem's message does not name the file (two pinned specs may be the same bytes)
        problems: list[Problem] = check_refs(_check_format(source, data), f"specs/{source.relpath}")[1]
        first = [problems[0].pointer, problems[0].message] if problems else []
        kept = {"problems": len(problems), "first": first}
        write_entry(entry, kept)
    return _warning(source, kept["problems"], kept["first"])


def _warning(source: Source, count: int, first: list) -> str:
    """'; warning: ...' naming the first $ref a spec cannot follow (pinned all the same: it is what upstream
    publishes), or ''."""
    if not count or len(first) != 2:
        return ""
    return (
        f"; warning: {count} $ref problem(s), first at specs/{source.relpath}"
        f"{to_fragment(str(first[0]))}: {first[1]} (see `chatconform specs lint`)"
    )


def stored_form(source: Source, data: bytes, secrets: Sequence[str], redact_page: Redact) -> bytes:
    """What is written to disk: a doc page with every credential it prints and every key value the run
    knows (in any of its forms) redacted, a spec as it is."""
    if source.kind != "doc":
        return data
    return (
        redact_page(data.decode("utf-8", "replace"), secrets).encode("utf-8")
        if _has_credential(data, secrets)
        else data
    )


def _has_credential(data: bytes, secrets=()) -> bool:
    """Cheap pre-check: only pages that mention a bearer credential or hold a key value the run knows are
    rewritten (and re-hashed)."""
    return b"earer" in data or b"EARER" in data or any(s.encode("utf-8") in data for s in secrets)


def _holds(target: Path, sha256: str) -> bool:
    """True when the copy on disk already has these bytes (nothing to write, even in a read-only folder)."""
    try:
        return sha256_of(read_regular(target, "pulled copy")) == sha256
    except (OSError, ChatconformError):
        return False


def _store(writes: list[Write]) -> None:
    """Stage every file beside its target, then move them all in; a failure while staging changes nothing."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in writes:
            staged.append((stage(target, data), target))
    except ChatconformError:
        discard(staged)
        raise
    commit(staged)


def _check_format(source: Source, data: bytes):
    """A spec must be a JSON object (bounded in depth); an HTML error page or a truncated file is refused."""
    if source.kind != "spec":
        return None
    head = data.lstrip()[:100].lower()
    if head.startswith(b"<"):
        raise ChatconformError("not a spec document: looks like an HTML page")
    doc = parse_document(data, "the fetched document", source.relpath)
    if not isinstance(doc, dict) or "openapi" not in doc:
        raise ChatconformError("not an OpenAPI document (no 'openapi' field)")
    return doc


def _mismatch(pin: Pin | None, fresh: Pin, target: Path, data: bytes) -> str:
    """One line saying how the fetched document differs from the lock."""
    if pin is None:
        return "not pinned in specs.lock; run `chatconform specs pull --update` to pin it"
    if pin.url != fresh.url:
        return f"URL changed from {pin.url} (lock) to {fresh.url}; run with --update to re-pin"
    line = f"sha256 {fresh.sha256[:12]} differs from lock {pin.sha256[:12]} (size {pin.size} -> {fresh.size})"
    summary = _drift_summary(pin, target, data)
    return f"{line}{summary}; kept the pinned copy; run with --update to accept the change"


def _drift_summary(pin: Pin, target: Path, data: bytes) -> str:
    """What changed, when the pinned copy is still on disk to compare with."""
    try:
        old = read_regular(target, "pulled copy")
    except (OSError, ChatconformError):
        return ""
    if sha256_of(old) != pin.sha256:
        return ""
    from chatconform.specs.diff import diff_documents

    try:
        changes = diff_documents(
            parse_document(old, str(target), target.name),
            parse_document(data, "the fetched document", target.name),
        )
    except ChatconformError:
        return ""  # the pinned copy is not a document we can read: the sha256 line says enough
    if not changes:
        return ": same API, different bytes"
    breaking = [c for c in changes if c.breaking]
    shown = "; ".join(f"{c.kind} {c.path}" for c in (breaking or changes)[:2])
    return f": {len(changes)} change(s), {len(breaking)} breaking ({shown})"


def _now() -> str:
    """The current UTC time, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
