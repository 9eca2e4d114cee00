"""`chatconform measure` (plan, run, rescore, recorded traffic) and `chatconform compare`."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from chatconform.model.errors import UsageError

MEASURE_EXITS = (
    "exit 0 when every measure is honoured/holds, rejected with a clear 4xx or documented as ignored; "
    "1 when one is ignored, broken or inconclusive (never a pass); 2 on bad input; --plan exits 0"
)


def add_measure(sub, name: str) -> None:
    """Add `chatconform measure` to the parser."""
    from chatconform.measures.catalog import measures

    m = sub.add_parser(
        name,
        help="behavioural measures of one server and model (ignored parameters, "
        "stream and dialect parity, usage honesty, identity)",
        epilog=MEASURE_EXITS,
    )
    m.add_argument("--name", help="the subject's name in tables (default: the provider)")
    m.add_argument("--model", help="the model asked for")
    m.add_argument(
        "--url",
        action="append",
        default=[],
        metavar="DIALECT=URL",
        help="a dialect's generation endpoint, e.g. openai-chat=http://127.0.0.1:8080/v1/chat/completions",
    )
    m.add_argument(
        "--provider", default="openai-compatible", help="whose data applies (prices, documented values)"
    )
    m.add_argument("--key-env", help="the variable holding the API key (never the key itself)")
    m.add_argument(
        "--tokenizer",
        default="none",
        metavar="KIND[=URL]",
        help="the local prompt count: llama-server=ROOT_URL, openai, reference or none",
    )
    m.add_argument("--measure", action="append", default=[], choices=list(measures()), help="(repeatable)")
    m.add_argument("--trials", type=int, help="the repeat budget of every measure (CI fixes it)")
    m.add_argument("--budget-usd", type=float, help="stop sending once this is spent")
    m.add_argument("--plan", action="store_true", help="print the request and token ceiling, send nothing")
    m.add_argument(
        "--rescore", type=Path, metavar="EVIDENCE", help="recompute the verdicts from kept evidence"
    )
    m.add_argument("--cassettes", nargs="+", type=Path, help="usage honesty and identity of recorded traffic")
    m.add_argument("--out", type=Path, help="the results file (default reports/measures/NAME.json)")
    m.add_argument("--evidence", type=Path, help="the evidence cassette (default beside --out, .yaml)")
    m.set_defaults(func=_measure)


def add_compare(sub, name: str) -> None:
    """Add `chatconform compare` to the parser."""
    c = sub.add_parser(
        name,
        help="one model across subjects: a table per model, HTML and Markdown, "
        "with the trend of each measure over the kept comparisons",
    )
    c.add_argument("results", nargs="+", type=Path, help="results files of `chatconform measure`")
    c.add_argument(
        "--history", type=Path, help="where comparisons are kept (default reports/measures-history)"
    )
    c.add_argument("--html", type=Path, help="default reports/compare.html")
    c.add_argument("--markdown", type=Path, help="default reports/compare.md")
    c.set_defaults(func=_compare)


def _measure(args) -> int:
    from chatconform.measures import runner
    from chatconform.measures.catalog import selected

    specs = selected(args.measure, args.trials)
    if args.rescore or args.cassettes:
        subject, results = _offline(args)
        return _write(args, subject, results, None)
    subject = _subject(args)
    if args.plan:
        _print_plan(runner.plan(subject, specs))
        return 0
    return _live(args, subject, specs)


def _offline(args):
    from chatconform.measures.evidence import read
    from chatconform.measures.recorded import measure_recorded
    from chatconform.measures.runner import rescore

    if args.rescore:
        subject, runs = read(args.rescore, args.data)
        return subject, rescore(subject, runs, data=args.data)
    return measure_recorded(
        args.cassettes, args.name or "recorded", args.data, args.tokenizer.partition("=")[0]
    )


def _subject(args):
    from chatconform.dialects import dialect_named
    from chatconform.measures.subject import TOKENIZERS, Subject

    urls = {}
    for item in args.url:
        dialect, sep, url = item.partition("=")
        if not sep or not url.startswith(("http://", "https://")):
            raise UsageError(f"--url {item!r}: give DIALECT=http(s)://...")
        urls[dialect_named(dialect).name] = url
    if not urls or not args.model:
        raise UsageError("give --model and at least one --url DIALECT=URL (or --rescore / --cassettes)")
    kind, _, where = args.tokenizer.partition("=")
    if kind not in TOKENIZERS:
        raise UsageError(f"--tokenizer {kind!r}: one of {', '.join(TOKENIZERS)}")
    return Subject(
        args.name or args.provider,
        args.model,
        urls,
        args.provider,
        args.key_env,
        kind,
        where or None,
        data=args.data,
    )


def _print_plan(lines) -> None:
    for line in lines:
        usd = "" if line.usd is None else f"  ~${line.usd:.4f}"
        print(
            f"{line.measure:18} {line.dialect:34} <= {line.requests:4} requests  <= {line.output:5} output "
            f"tokens  ~{line.prompt:5} prompt tokens{usd}"
        )
    costs = [x.usd for x in lines]
    total = "" if None in costs else f", ~${sum(c or 0 for c in costs):.4f}"  # (no None: c or 0 is c)
    print(
        f"at most {sum(x.requests for x in lines)} requests and "
        f"{sum(x.output for x in lines)} output tokens, "
        f"~{sum(x.prompt for x in lines)} prompt tokens as sent "
        f"(a server's chat template adds its own){total}; "
        "retries aside, and a measure stops as soon as its interval decides"
    )


def _live(args, subject, specs) -> int:
    import os

    from chatconform.live.budget import Ledger, budget_limit
    from chatconform.measures.counters import counter_for
    from chatconform.measures.runner import plan, run
    from chatconform.measures.subject import Sender

    _print_plan(plan(subject, specs))
    out = _out(args, subject.name)
    out.with_suffix(".ledger.json").unlink(
        missing_ok=True
    )  # this run's budget, not what an earlier run spent
    ledger = Ledger(out.with_suffix(".ledger.json"), budget_limit(args.data, args.budget_usd))
    sender = Sender(subject, ledger)
    key = os.environ.get(subject.key_env) if subject.key_env else None
    try:
        results, evidence = run(
            subject, specs, sender, counter_for(subject.tokenizer, subject.tokenizer_url, key)
        )
    finally:
        sender.close()
    evidence_path = evidence.write(args.evidence or out.with_suffix(".yaml"))
    for result in results:
        result.evidence = str(evidence_path)
    return _write(args, subject.describe(), results, ledger.snapshot())


def _out(args, name: str) -> Path:
    from chatconform.model.paths import reports_dir, safe_name

    return args.out or reports_dir() / "measures" / f"{safe_name(name)}.json"


def _write(args, subject: dict, results, spent) -> int:
    from chatconform.measures.results import STANDING
    from chatconform.model.paths import write_atomic

    out = _out(args, str(subject.get("name") or "subject"))
    data = {
        "format": 1,
        "subject": subject,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "spent": spent,
        "results": [r.to_dict() for r in results],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, json.dumps(data, indent=1).encode("utf-8"))
    for result in results:
        print(result.line())
    bad = [r for r in results if STANDING.get(r.verdict) in ("bad", "unknown")]
    print(f"{len(results)} measures, {len(bad)} ignored, broken or inconclusive; results: {out}")
    return 1 if bad else 0


def _compare(args) -> int:
    from chatconform.model.paths import reports_dir, write_atomic
    from chatconform.reporting.compare import keep, load_runs, markdown, page, tables, trends

    runs = load_runs(args.results)
    history = args.history or reports_dir() / "measures-history"
    keep(history, runs)
    found = tables(runs)
    html = args.html or reports_dir() / "compare.html"
    text = args.markdown or reports_dir() / "compare.md"
    write_atomic(html, page(found, trends(history)).encode("utf-8"))
    write_atomic(text, markdown(found).encode("utf-8"))
    print(html)
    print(text)
    print(f"{len(found)} model(s), {sum(len(t.subjects) for t in found)} column(s)", file=sys.stderr)
    return 0
