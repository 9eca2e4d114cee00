"""Further commands (claims, serve, gate, report, specs diff), registered on the main parser."""


def register(sub) -> None:
    """Add the further commands to the `chatconform` parser."""
    claims = sub.add_parser("claims", help="the documented behaviours checked, with quotes and sources")
    claims.add_argument("--json", action="store_true")
    claims.set_defaults(func=_claims)
    serve = sub.add_parser("serve", help="run the reference provider on loopback")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--fault", action="append", default=[], help="a fault for every request (repeatable)")
    serve.set_defaults(func=_serve)
    gate = sub.add_parser("gate", help="compare two results.json files; exit 1 on a regression")
    gate.add_argument("--baseline", required=True)
    gate.add_argument("--candidate", required=True)
    gate.add_argument("--drift", action="append", default=[], help="`specs diff --json` output (repeatable)")
    gate.add_argument("--output", help="also write the markdown here")
    gate.set_defaults(func=_gate)
    report = sub.add_parser("report", help="write reports/summary.html from results.json and the history")
    report.add_argument("--results", default=None)
    report.add_argument("--history", default=None)
    report.add_argument("--out", default=None)
    report.set_defaults(func=_report)
    selftest = sub.add_parser("selftest", help="inject every fault; print the kill ratio and survivors")
    selftest.set_defaults(func=lambda args: __import__("chatconform.selftest", fromlist=["main"]).main())


def _claims(args) -> int:
    """List the claim catalog with quotes and sources, then the docs conflicts."""
    import json

    from chatconform.claims import CLAIMS
    from chatconform.claims import catalog  # noqa: F401
    from chatconform.claims.conflicts import docs_conflicts
    from chatconform.specs import SpecStore

    conflicts = docs_conflicts(SpecStore())
    if args.json:
        print(json.dumps({"claims": [{"id": c.id, "severity": c.severity, "providers": list(c.providers),
                                      "implied": c.implied, "says": c.says, "source": c.source, "checks": c.doc}
                                     for c in CLAIMS.values()],
                          "docs_conflicts": [c.to_dict() for c in conflicts]}, indent=2, ensure_ascii=False))
        return 0
    for c in CLAIMS.values():
        scope = ",".join(c.providers)
        print(f"{c.id}  [{c.severity}; {scope}{'; implied by OpenAI compatibility' if c.implied else ''}]")
        print(f"    checks: {c.doc}\n    says:   \"{c.says}\"\n    source: {c.source}")
    print("\nDocs conflicts (the providers' own documents disagree):")
    for k in conflicts:
        print(f"{k.id}: {k.subject}")
        for side in k.sides:
            print(f"    {side.source}: \"{side.says}\"")
        print(f"    so: {k.consequence}")
    return 0


def _serve(args) -> int:
    """Serve until interrupted, printing the base URL of each contract and the fault names."""
    import time

    from chatconform.errors import unknown
    from chatconform.refserver import FAULTS, ReferenceServer

    for name in args.fault:
        if name not in FAULTS:
            raise unknown("fault", name, FAULTS)
    with ReferenceServer(port=args.port, faults=args.fault) as server:
        for contract in ("aimlapi", "modelslab", "openai"):
            print(f"{contract:10} {server.base_url(contract)}")
        print(f"faults per request: header x-chatconform-fault: one of {', '.join(sorted(FAULTS))}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


def _gate(args) -> int:
    """Print the markdown summary; exit 1 on a new failure or a breaking upstream change."""
    import json
    from pathlib import Path

    from chatconform.report.gate import compare, load, markdown

    drift = []
    for path in args.drift:
        drift += json.loads(Path(path).read_text(encoding="utf-8")).get("changes", [])
    result = compare(load(args.baseline), load(args.candidate), drift)
    text = markdown(result)
    print(text)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    return 1 if result["failed"] else 0


def _report(args) -> int:
    """Write the self-contained summary page."""
    from pathlib import Path

    from chatconform.errors import UsageError
    from chatconform.paths import reports_dir
    from chatconform.report.summary import write_summary

    folder = reports_dir()
    results = Path(args.results or folder / "results.json")
    if not results.is_file():
        raise UsageError(f"{results}: no results.json (run `make check` first)")
    out = write_summary(results, Path(args.history or folder / "history"), Path(args.out or folder / "summary.html"))
    print(out)
    return 0
