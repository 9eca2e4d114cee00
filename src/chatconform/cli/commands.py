"""The smaller commands (verify, claims, serve, gate, report, selftest, merge), each added by its own
function named in cli.COMMANDS."""

import argparse
from pathlib import Path


def add_verify(sub, name: str) -> None:
    """Add `chatconform verify PATHS`."""
    verify = sub.add_parser(name, help="judge every interaction of vcrpy cassettes", epilog=VERIFY_EXITS)
    verify.add_argument("paths", nargs="+", help="cassette files or folders of them (*.yaml, *.yml below)")
    verify.add_argument("--json", action="store_true", help="one JSON object per interaction")
    verify.set_defaults(func=_verify)


def add_claims(sub, name: str) -> None:
    """Add `chatconform claims`."""
    claims = sub.add_parser(name, help="the documented behaviours checked, with quotes and sources")
    claims.add_argument("--json", action="store_true")
    claims.set_defaults(func=_claims)


def add_serve(sub, name: str) -> None:
    """Add `chatconform serve`."""
    serve = sub.add_parser(name, help="run the reference provider on loopback", add_help=False)
    serve.add_argument("-h", "--help", action=_ServeHelp, help="show this help (with every fault) and exit")
    serve.add_argument(
        "--port", type=int, default=8765, help="the port on 127.0.0.1 (0: any free one; default 8765)"
    )
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="a fault for every request (repeatable); the faults are listed below",
    )
    serve.set_defaults(func=_serve)


def add_gate(sub, name: str) -> None:
    """Add `chatconform gate`."""
    gate = sub.add_parser(
        name,
        help="compare two runs, or a baseline model with its candidate; exit 1 on a regression",
        epilog="exit codes: 0 no regression and everything judged; 1 a regression, a "
        "breaking upstream change, or nothing to compare; 2 bad input; 3 internal error; 6 no "
        "regression, but candidate checks that could not be judged or reached are not acknowledged "
        "in the provider data (chatconform.toml [[providers.NAME.acknowledged]])",
    )
    gate.add_argument("--baseline", help="the baseline results.json")
    gate.add_argument("--candidate", help="the candidate results.json")
    gate.add_argument("--results", help="one results.json holding both models of each --models pair")
    gate.add_argument(
        "--models",
        action="append",
        default=[],
        metavar="BASELINE=CANDIDATE",
        help="compare a baseline model with its candidate (repeatable), e.g. "
        "vendor/model-2.5=vendor/model-3-preview",
    )
    gate.add_argument("--drift", action="append", default=[], help="`specs diff --json` output (repeatable)")
    gate.add_argument("--output", help="also write the markdown here")
    gate.set_defaults(func=_gate)


def add_report(sub, name: str) -> None:
    """Add `chatconform report`."""
    report = sub.add_parser(name, help="write reports/summary.html from results.json and the history")
    report.add_argument(
        "--results",
        default=None,
        metavar="FILE",
        help="the run to summarise (default: results.json in the reports folder)",
    )
    report.add_argument(
        "--history",
        default=None,
        metavar="DIR",
        help="earlier runs, for trends and new failures (default: history/ in the reports folder)",
    )
    report.add_argument("--out", default=None, metavar="FILE", help="the page (default: summary.html there)")
    report.set_defaults(func=_report)


def add_selftest(sub, name: str) -> None:
    """Add `chatconform selftest`."""
    selftest = sub.add_parser(name, help="inject every fault; print the kill ratio and survivors")
    selftest.set_defaults(func=_selftest)


def add_merge(sub, name: str) -> None:
    """Add `chatconform merge RESULTS...`."""
    merge = sub.add_parser(name, help="merge several results.json (shards) into one")
    merge.add_argument("results", nargs="+", type=Path, help="results.json files to merge")
    merge.add_argument("--output", "-o", type=Path, default=Path("reports/results.json"))
    merge.set_defaults(func=_merge)


class _ServeHelp(argparse.Action):
    """serve's --help, with every fault and what it breaks (the list is loaded only when asked for)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from chatconform.refserver import FAULTS

        faults = "\n".join(f"  {name:27} {FAULTS[name].does}" for name in sorted(FAULTS))
        parser.epilog = (
            f"faults (--fault NAME for every request, or the request header x-chatconform-fault: "
            f"NAME for one):\n{faults}\n\n{parser.epilog or ''}"
        )
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.print_help()
        parser.exit()


def _claims(args) -> int:
    """List the claim catalog with quotes and sources, then the docs conflicts."""
    import json

    from chatconform.judging.claims import load_claims
    from chatconform.judging.claims.conflicts import docs_conflicts
    from chatconform.judging.run import RunContext
    from chatconform.judging.specdefects import listing, render_listing
    from chatconform.specs import SpecStore

    store, claims = SpecStore(), load_claims().values()
    conflicts, defects = docs_conflicts(RunContext(args.data, store)), listing(store)
    if args.json:
        print(
            json.dumps(
                {
                    "claims": [
                        {
                            "id": c.id,
                            "severity": c.severity,
                            "providers": list(c.providers),
                            "implied": c.implied,
                            "says": c.says,
                            "source": c.source,
                            "checks": c.doc,
                            "documented": [
                                {
                                    "provider": q.provider,
                                    "models": list(q.models),
                                    "value": q.value,
                                    "says": q.says,
                                    "source": q.source,
                                }
                                for q in c.quotes(args.data)
                            ],
                        }
                        for c in claims
                    ],
                    "docs_conflicts": [c.to_dict() for c in conflicts],
                    "spec_defects": defects,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    for c in claims:
        scope = ",".join(c.providers)
        print(f"{c.id}  [{c.severity}; {scope}{'; implied by OpenAI compatibility' if c.implied else ''}]")
        print(f'    checks: {c.doc}\n    says:   "{c.says}"\n    source: {c.source}')
        # the provider's own sentence, quoted in its findings instead of the one above
        for q in c.quotes(args.data):
            print(f'    {q.provider} {",".join(q.models)} ({q.value}): "{q.says}"\n        at {q.source}')
    print("\nDocs conflicts (the providers' own documents disagree):")
    for k in conflicts:
        print(f"{k.id}: {k.subject}")
        for side in k.sides:
            print(f'    {side.source}: "{side.says}"')
        print(f"    so: {k.consequence}")
    print(render_listing(defects))
    return 0


def _serve(args) -> int:
    """Serve until interrupted, printing the base URL of each contract and the fault names."""
    import time

    from chatconform.model.errors import UsageError, unknown
    from chatconform.refserver import FAULTS, ReferenceServer

    for name in args.fault:
        if name not in FAULTS:
            raise unknown("fault", name, FAULTS)
    if not 0 <= args.port <= 65535:  # bind() would raise OverflowError, a traceback
        raise UsageError(f"--port {args.port}: a port is a number from 0 to 65535 (0: any free port)")
    try:
        server = ReferenceServer(port=args.port, faults=args.fault, data=args.data)
    except OSError as err:
        raise UsageError(f"--port {args.port}: cannot listen on 127.0.0.1 ({err.strerror or err})") from None
    with server:
        for contract in server.contracts:
            print(f"{contract:10} {server.base_url(contract)}")
        print(
            f"faults per request: header x-chatconform-fault: one of {', '.join(sorted(FAULTS))}", flush=True
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


def _gate(args) -> int:
    """Print the markdown summary; exit 1 on a new failure, a breaking upstream change, or nothing to compare.

    Two runs (--baseline, --candidate), or model pairs (--models old=new) in one file (--results) or across
    two. A candidate that judged nothing is exit 1 with the markdown saying why (the PR comment still
    explains it) and one line on stderr; verdict words this version does not know are that and exit 2, as
    is any other unreadable input.
    """
    import sys
    from pathlib import Path

    from chatconform.model.errors import UsageError
    from chatconform.model.exits import UNJUDGED
    from chatconform.model.paths import write_atomic
    from chatconform.reporting.gate import compare, load, load_drift, parse_pairs, scrubbed_markdown

    if args.output and Path(args.output).is_dir():
        raise UsageError(f"{args.output}: is a folder; --output names the markdown file to write")
    pairs = parse_pairs(args.models, one_file=bool(args.results) or args.baseline == args.candidate)
    if args.results and (args.baseline or args.candidate or not pairs):
        raise UsageError(
            "--results goes with --models and without --baseline/--candidate (one file holding "
            "both models); to compare two runs give --baseline and --candidate"
        )
    names = (args.results, args.results) if args.results else (args.baseline, args.candidate)
    if not all(names):
        raise UsageError(
            "give --baseline and --candidate (two runs), or --models OLD=NEW with --results (one "
            "file) or with --baseline and --candidate"
        )
    drift = [change for path in args.drift for change in load_drift(path)]
    baseline = load(names[0])
    candidate = baseline if names[0] == names[1] else load(names[1])
    result = compare(baseline, candidate, drift, names=names, pairs=pairs, data=args.data)
    text = scrubbed_markdown(result)
    print(text)
    if args.output:
        write_atomic(Path(args.output), text.encode("utf-8"))
    if result["problems"]:
        print(f"chatconform: gate failed: {'; '.join(result['problems'])}", file=sys.stderr)
    if result["unreadable"]:  # a verdict word this version does not know: unreadable input
        return 2
    if result["failed"]:
        return 1
    if result["unjudged"]:
        print(
            f"chatconform: gate: {len(result['unjudged'])} check(s) of the candidate could not be judged or "
            "reached and are not acknowledged ([[providers.NAME.acknowledged]] in chatconform.toml)",
            file=sys.stderr,
        )
        return UNJUDGED
    return 0


def _report(args) -> int:
    """Write the self-contained summary page (exit 2, page still written, on unknown verdict words)."""
    from pathlib import Path

    from chatconform.model.errors import UsageError
    from chatconform.model.paths import reports_dir
    from chatconform.reporting.summary import write_summary

    folder = reports_dir()
    results = Path(args.results or folder / "results.json")
    if not results.exists():
        raise UsageError(
            f"{results}: no results.json (run `chatconform check` first, or name one with --results)"
        )
    out = write_summary(
        results, Path(args.history or folder / "history"), Path(args.out or folder / "summary.html")
    )
    print(out)
    return 0


VERIFY_EXITS = (
    "exit 0 when every interaction was judged and none broke a rule (a declared known deviation "
    "is reported, not failed; a gap the provider data acknowledges is reported, not failed); 1 when "
    "an interaction broke a rule; 2 when an input could not be read or nothing was judged (a missing "
    "or empty folder, an empty cassette, a cassette with no interactions, a bad interaction: one line "
    "each, the others are still judged); 3 on an internal error; 6 when an interaction could not be "
    "judged (gap) and no [[providers.NAME.acknowledged]] entry covers it"
)


def _verify(args) -> int:
    from chatconform.cli.verify import run

    return run(args.paths, as_json=args.json, debug=args.debug, data=args.data)


def _selftest(args) -> int:
    from chatconform.refserver.selftest import main

    return main(args.data)


def _merge(args) -> int:
    from chatconform.reporting.merge import write_merged

    print(write_merged(args.results, args.output))
    return 0
