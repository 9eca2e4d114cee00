"""results.json: per provider x model x check, the verdict and findings of every judged exchange."""

from __future__ import annotations

import json
import math
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from chatconform import __version__
from chatconform.model.exchange import Exchange, view
from chatconform.model.paths import safe_name, write_atomic
from chatconform.recording.scrub import exchange_secrets, known_secrets, scrub_tree
from chatconform.reporting.excerpt import excerpt
from chatconform.reporting.tally import Tally


@dataclass
class ResultsLog:
    """Everything a run judged, written once at the end."""

    mode: str = "replay"
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    entries: list[dict] = field(default_factory=list)
    specs: dict = field(default_factory=dict)
    spend: dict = field(default_factory=lambda: {"usd": 0.0, "tokens": 0, "requests": 0})
    key_envs: tuple[str, ...] = ()  # the run's own key variables, scrubbed besides every key-like one
    written: tuple[Path, bytes] | None = field(default=None, repr=False, compare=False)  # by write()
    _scrubbed: dict = field(default_factory=dict, repr=False, compare=False)  # secrets -> {text: scrubbed}

    def add(
        self,
        *,
        provider,
        model,
        check,
        verdict,
        origin,
        label,
        findings,
        duration=0.0,
        reason=None,
        test_id=None,
        exchange=None,
        dialect=None,
        spec=None,
        acknowledged=None,
    ) -> None:
        """Record one judged (exchange, check) pair (with what the exchange showed, when given), scrubbed;
        `spec` is the id of the pinned spec that judged it (its entry in `specs`), when one did."""
        secrets = (
            exchange_secrets(exchange, self.key_envs) if exchange else known_secrets(key_envs=self.key_envs)
        )
        entry = {
            "provider": provider,
            "model": model,
            "check": check,
            "verdict": verdict,
            "origin": origin,
            "exchange": label,
            "findings": [f.to_dict() for f in findings],
            "duration_s": round(duration, 4),
            "reason": reason,
            "test_id": test_id,
            "dialect": dialect,
            "spec": spec,
            "acknowledged": acknowledgement(acknowledged),
        }
        # findings quote what the server sent, which may echo a key the request carried; the short strings of
        # rows (ids, names, messages) repeat across thousands of rows: scrubbed once per set of secrets
        if len(self._scrubbed) > 64:  # exchanges that each carried a key of their own: kept no longer
            self._scrubbed.clear()
        entry = scrub_tree(entry, secrets, self._scrubbed.setdefault(tuple(secrets), {}))
        shown = _shown(exchange) if exchange else _NOTHING_SHOWN
        self.entries.append({**entry, **shown})

    def add_row(self, ex, row, test_id=None, spec=None) -> None:
        """Record one judged Row of an exchange (see chatconform.judging.judge): the same shape in every mode;
        `spec` is the LoadedSpec that judged it (noted in `specs`), or None."""
        from chatconform.judging.route import dialect_of

        if spec is not None:
            self.note_spec(spec)
        dialect = dialect_of(ex)
        self.add(
            provider=ex.provider,
            model=ex.model,
            check=row.check,
            verdict=row.verdict,
            origin=ex.origin,
            label=ex.label,
            findings=row.findings,
            duration=row.seconds,
            reason=row.reason,
            test_id=test_id,
            exchange=ex,
            dialect=dialect.name if dialect else None,
            spec=spec.source.id if spec is not None else None,
            acknowledged=row.acknowledged,
        )

    def note_spec(self, spec) -> None:
        """Remember the pinned spec an exchange was judged against."""
        if spec.source.id not in self.specs:
            self.specs[spec.source.id] = {
                "path": f"specs/{spec.source.relpath}",
                "sha256": spec.sha256,
                "openapi": spec.version,
                "url": spec.source.url,
                "lint": [f.to_dict() for f in spec.lint()],
            }

    def merge_parts(self, folder: Path) -> None:
        """Take in what xdist workers wrote (entries, specs, spend), then remove their files."""
        if not folder.is_dir():
            return
        for part in sorted(folder.glob("*.json")):
            data = json.loads(part.read_text(encoding="utf-8"))
            self.entries += data.get("results", [])
            self.specs.update(data.get("specs", {}))
            if data.get("spend", {}).get("requests", 0) >= self.spend.get("requests", 0):
                self.spend = data["spend"]
            part.unlink()
        folder.rmdir()
        self.entries.sort(key=lambda e: e.get("test_id") or "")

    def tally(self) -> Tally:
        """The run's one tally (every view's counts)."""
        return Tally.of(self.entries)

    def to_dict(self) -> dict:
        counts = self.tally().counts
        return {
            "schema": "chatconform-results/1",
            "tool_version": __version__,
            "mode": self.mode,
            "started_at": self.started_at,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "counts": counts,
            "specs": self.specs,
            "spend": self.spend,
            "results": self.entries,
        }

    def write(self, folder: Path) -> Path:
        """Write results.json into the folder (whole or not at all, scrubbed once more); returns its path."""
        path = Path(folder) / "results.json"
        data = (self._scrubbed_json(row_per_line=True) + "\n").encode("utf-8")
        write_atomic(path, data)
        self.written = (path, data)  # what `check` summarises without parsing the file again (handoff.py)
        return path

    def write_part(self, folder: Path, worker: str) -> Path:
        """Write an xdist worker's part (scrubbed, atomically) for the controller to merge."""
        path = Path(folder) / f"{safe_name(worker)}.json"
        write_atomic(path, self._scrubbed_json().encode("utf-8"))
        return path

    def _scrubbed_json(self, row_per_line: bool = False) -> str:
        """The log as JSON with every key value the run knows removed, whatever field it reached; a row per
        line reads well in a diff and keeps json's C encoder (`indent` would make it Python's, ~10x
        slower)."""
        data = scrub_tree(self.to_dict(), known_secrets(key_envs=self.key_envs))
        if not row_per_line:
            return json.dumps(data, ensure_ascii=False)
        rows = ",\n  ".join(json.dumps(row, ensure_ascii=False) for row in data.pop("results"))
        head = json.dumps(data, ensure_ascii=False)[:-1]  # the top-level fields, without the closing brace
        return f'{head}, "results": [\n  {rows}\n]}}' if rows else f'{head}, "results": []}}'


def acknowledgement(declared) -> dict | None:
    """A row's acknowledgement as results.json keeps it: why it may stay unjudged, where that is said."""
    if declared is None:
        return None
    return {"reason": declared.reason, "link": declared.link, "declared_in": declared.declared_in}


def everywhere_notes(entries) -> list[str]:
    """'N row(s): <reason>' for each deviation declared for every model and origin that made rows xfail."""
    from collections import Counter

    from chatconform.model.verdict import EVERYWHERE, KNOWN

    said = Counter(
        e["reason"]
        for e in entries
        if e.get("verdict") == KNOWN
        and isinstance(e.get("reason"), str)
        and e["reason"].startswith(EVERYWHERE)
    )
    return [f"{n} row{'s' if n > 1 else ''} xfail by a {reason}" for reason, n in sorted(said.items())]


_NOTHING_SHOWN: dict[str, dict] = {"observations": {}, "excerpt": {}}


@view
def _shown(ex: Exchange) -> dict:
    """What every row of an exchange carries (its observations and the redacted excerpt), scrubbed once."""
    return scrub_tree({"observations": observe(ex), "excerpt": excerpt(ex)}, exchange_secrets(ex))


def observe(ex) -> dict:
    """What an exchange showed, for trends and the gate: status, stop reasons, tokens, answering model (read
    by the exchange's dialect: a chat finish_reason, an Anthropic stop_reason, a Responses status)."""
    from chatconform.judging.route import dialect_of

    dialect = dialect_of(ex)
    answer = dialect.answer(ex) if dialect is not None and ex.response is not None else None
    usage = answer.usage if answer is not None else None
    body = dialect.assembled(ex) if dialect is not None and answer is not None else None  # (it read answer)
    model = body.get("model") if isinstance(body, dict) else None  # as sent (a number shows as one)
    # what a provider sent may be of any type: kept only in the types results.json promises its readers
    return {
        "status": ex.response.status if ex.response is not None else None,
        "finish_reasons": [_text(o.stop_raw) for o in answer.outputs] if answer else [],
        "completion_tokens": usage.output if usage else None,
        "model": _text(model),
        "prompt_tokens": usage.input if usage else None,
        "usd": _reported_usd(ex.json),
        "no_limit_sent": dialect is None or dialect.limit_sent(ex.request_json) is None,
    }


def _count(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value) -> str | None:
    return value if value is None or isinstance(value, str) else json.dumps(value)[:200]


def _reported_usd(body) -> float | None:
    """What the provider said the exchange cost (AIML's meta.usage.usd_spent), when it said so."""
    for key in ("meta", "usage", "usd_spent"):
        body = body.get(key) if isinstance(body, dict) else None
    if not isinstance(body, (int, float)) or isinstance(body, bool):
        return None
    try:
        return float(body) if math.isfinite(body) else None
    except OverflowError:  # an integer too large for a float
        return None
