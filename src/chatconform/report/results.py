"""results.json: per provider x model x check, the verdict and findings of every judged exchange."""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from chatconform import __version__


@dataclass
class ResultsLog:
    """Everything a run judged, written once at the end."""

    mode: str = "replay"
    started_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    entries: list[dict] = field(default_factory=list)
    specs: dict = field(default_factory=dict)
    spend: dict = field(default_factory=lambda: {"usd": 0.0, "tokens": 0, "requests": 0})

    def add(self, *, provider, model, check, verdict, origin, label, findings, duration=0.0, reason=None,
            test_id=None, exchange=None) -> None:
        """Record one judged (exchange, check) pair (with what the exchange showed, when given)."""
        self.entries.append({
            "provider": provider, "model": model, "check": check, "verdict": verdict, "origin": origin,
            "exchange": label, "findings": [f.to_dict() for f in findings], "duration_s": round(duration, 4),
            "reason": reason, "test_id": test_id, "observations": observe(exchange) if exchange else {},
        })

    def note_spec(self, spec) -> None:
        """Remember the pinned spec an exchange was judged against."""
        if spec.source.id not in self.specs:
            self.specs[spec.source.id] = {
                "path": f"specs/{spec.source.relpath}", "sha256": spec.sha256, "openapi": spec.version,
                "url": spec.source.url, "lint": [f.to_dict() for f in spec.lint()]}

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

    def to_dict(self) -> dict:
        counts: dict[str, int] = {}
        for entry in self.entries:
            counts[entry["verdict"]] = counts.get(entry["verdict"], 0) + 1
        return {"schema": "chatconform-results/1", "tool_version": __version__, "mode": self.mode,
                "started_at": self.started_at,
                "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "python": platform.python_version(), "counts": counts, "specs": self.specs,
                "spend": self.spend, "results": self.entries}

    def write(self, folder: Path) -> Path:
        """Write results.json into the folder; returns its path."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "results.json"
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


def observe(ex) -> dict:
    """What an exchange showed, for trends and the gate: status, finish reasons, tokens, answering model."""
    from chatconform.claims._predicates import LIMIT_FIELDS
    from chatconform.claims._view import assembled

    view = assembled(ex) if ex.response is not None and ex.ok else None
    usage = (view or {}).get("usage") or {}
    return {"status": ex.response.status if ex.response is not None else None,
            "finish_reasons": [c.get("finish_reason") for c in (view or {}).get("choices") or [] if isinstance(c, dict)],
            "completion_tokens": usage.get("completion_tokens"), "model": (view or {}).get("model"),
            "no_limit_sent": not any(ex.request_json.get(f) is not None for f in LIMIT_FIELDS)}
