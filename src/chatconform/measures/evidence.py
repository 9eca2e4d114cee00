"""The evidence of a measuring run: every exchange it used, scrubbed, in one cassette per subject, with the
calls, trials and rules in its provenance, so the verdicts can be recomputed offline from the file alone."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from chatconform.measures.catalog import MeasureSpec
from chatconform.measures.stats import Rule
from chatconform.measures.trials import Made, TrialRecord
from chatconform.model.exchange import Exchange
from chatconform.providers import ProviderData
from chatconform.recording.cassettes import dump_cassette, load_cassette
from chatconform.recording.recorder import Scrubber, provenance

FORMAT = 1


class Evidence:
    """The records of every measure of one subject, in the order they were made."""

    def __init__(self, subject: dict):
        self.subject = subject
        self.runs: list[dict] = []  # {measure, dialect, rule, records}
        self.local_counts: dict = {}
        self.free: list[str] = []  # the measures read off the answers (usage honesty, identity) this run made

    def keep(self, spec: MeasureSpec, dialect: str, records: list[TrialRecord]) -> None:
        self.runs.append(
            {"measure": spec.id, "dialect": dialect, "rule": asdict(spec.rule), "records": records}
        )

    def answers(self, dialect: str) -> list[Exchange]:
        """Every exchange of a dialect the measures got, in order (usage honesty and identity read them)."""
        return [
            m.exchange
            for run in self.runs
            for r in run["records"]
            for m in r.made
            if m.exchange is not None and _dialect_of(m.exchange) == dialect
        ]

    def write(self, path: Path) -> Path:
        """The cassette: one interaction per exchange; the provenance maps each call to its measure and
        trial."""
        scrubber, runs = Scrubber(), []
        interactions: list[dict] = []
        for run in self.runs:
            calls = []
            for record in run["records"]:
                for made in record.made:
                    index = None
                    if made.exchange is not None:
                        index = len(interactions)
                        interactions.append(_interaction(made.exchange, scrubber))
                    calls.append(
                        {
                            "trial": record.trial,
                            "role": made.role,
                            "probed": made.probed,
                            "attempts": made.attempts,
                            "tokens": made.tokens,
                            "usd": made.usd,
                            "detail": made.detail,
                            "interaction": index,
                        }
                    )
            runs.append(
                {"measure": run["measure"], "dialect": run["dialect"], "rule": run["rule"], "calls": calls}
            )
        prov = provenance(
            "live",
            self.subject.get("provider", ""),
            self.subject.get("model"),
            measures={
                "format": FORMAT,
                "subject": self.subject,
                "runs": runs,
                "local_counts": self.local_counts,
                "free": self.free,
            },
        )
        dump_cassette(path, interactions, prov)
        return path


def read(path: Path, data: ProviderData) -> tuple[dict, list[dict]]:
    """(subject, runs) of an evidence cassette, each run's calls turned back into trial records."""
    cassette = load_cassette(path, data)
    measures = cassette.provenance.get("measures")
    if not isinstance(measures, dict) or measures.get("format") != FORMAT:
        from chatconform.model.errors import UsageError

        raise UsageError(f"{path}: not the evidence of a measuring run (no metadata.provenance.measures)")
    exchanges = dict(cassette.numbered())
    runs = []
    for run in measures["runs"]:
        records: dict[int, TrialRecord] = {}
        for c in run["calls"]:
            ex = exchanges.get(c["interaction"]) if c["interaction"] is not None else None
            records.setdefault(c["trial"], TrialRecord(c["trial"])).made.append(
                Made(c["role"], c["probed"], ex, c["attempts"], c["detail"], c["tokens"], c["usd"])
            )
        runs.append(
            {
                "measure": run["measure"],
                "dialect": run["dialect"],
                "rule": Rule(**run["rule"]),
                "records": [records[t] for t in sorted(records)],
            }
        )
    return {
        **measures["subject"],
        "local_counts": measures.get("local_counts") or {},
        "free": measures.get("free") or [],
    }, runs


def _dialect_of(ex: Exchange) -> str | None:
    from chatconform.dialects import recognise

    found = recognise(ex.request)
    return found.name if found else None


def _interaction(ex: Exchange, scrubber: Scrubber) -> dict:
    """One exchange as a vcrpy interaction, scrubbed by the recorder's hooks."""
    from vcr.request import Request as VcrRequest

    assert ex.response is not None  # a live call's exchange always holds its response

    request = scrubber.request(
        VcrRequest(ex.request.method, ex.request.url, ex.request.body, dict(ex.request.headers))
    )
    response = scrubber.response(
        {
            "status": {"code": ex.response.status, "message": ""},
            "headers": {k: [v] for k, v in ex.response.headers.items()},
            "body": {"string": ex.response.body.decode("utf-8", "replace")},
        }
    )
    body = request.body.decode("utf-8", "replace") if isinstance(request.body, bytes) else request.body
    return {
        "request": {
            "method": request.method,
            "uri": request.uri,
            "body": body,
            "headers": {k: [v] for k, v in request.headers.items()},
        },
        "response": response,
    }
