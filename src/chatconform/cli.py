"""The `chatconform` command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from chatconform.errors import ChatconformError, UsageError


def main(argv=None) -> int:
    """Run a command; exit 2 with one line on bad input."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except ChatconformError as err:
        print(f"chatconform: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `chatconform claims | head`
        sys.stderr.close()
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chatconform", description=__doc__)
    sub = parser.add_subparsers(metavar="COMMAND")
    specs = sub.add_parser("specs", help="pull, lint and diff the published specs").add_subparsers(
        metavar="ACTION")
    pull = specs.add_parser("pull", help="fetch every source and check it against specs/specs.lock")
    pull.add_argument("--mirror", type=Path, default=_env_path("CHATCONFORM_MIRROR"),
                      help="a local folder laid out like shared/upstream (env CHATCONFORM_MIRROR)")
    pull.add_argument("--update", action="store_true", help="accept changed documents and rewrite the lock")
    pull.set_defaults(func=_cmd_pull)
    lint = specs.add_parser("lint", help="problems with the pulled spec documents themselves")
    lint.set_defaults(func=_cmd_lint)
    diff = specs.add_parser("diff", help="classify every change between two versions of a spec")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    diff.add_argument("--json", action="store_true")
    diff.set_defaults(func=_cmd_diff)
    verify = sub.add_parser("verify", help="judge every interaction of vcrpy cassettes")
    verify.add_argument("paths", nargs="+", help="cassette files or folders of them")
    verify.add_argument("--json", action="store_true", help="one JSON object per interaction")
    verify.set_defaults(func=_cmd_verify)
    _more_commands(sub)
    return parser


def _more_commands(sub) -> None:
    """Commands defined in their own modules."""
    from chatconform import cli_more

    cli_more.register(sub)


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def _cmd_pull(args) -> int:
    from chatconform.specs import load_catalog, pull

    if args.mirror is not None and not args.mirror.is_dir():
        raise UsageError(f"--mirror {args.mirror}: no such folder")
    results = pull(load_catalog(), mirror=args.mirror, update=args.update)
    for result in results:
        stream = sys.stderr if result.failed else sys.stdout
        print(("FAILED " if result.failed else "") + result.message, file=stream)
    failed = sum(r.failed for r in results)
    print(f"{len(results) - failed} pulled, {failed} failed", file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def _cmd_diff(args) -> int:
    from chatconform.specdiff import diff_documents, to_json

    docs = []
    for path in (args.old, args.new):
        try:
            docs.append(json.loads(path.read_text(encoding="utf-8")))
        except OSError as err:
            raise UsageError(f"{path}: cannot read ({err.strerror or err})") from None
        except ValueError as err:
            raise UsageError(f"{path}: not valid JSON ({err})") from None
    changes = diff_documents(*docs)
    if args.json:
        print(json.dumps(to_json(changes), indent=2))
    else:
        for change in changes:
            print(f"{'BREAKING' if change.breaking else 'ok      '} {change.kind:24} {change.path}  {change.detail}")
        print(f"{len(changes)} change(s), {sum(c.breaking for c in changes)} breaking")
    return 1 if any(c.breaking for c in changes) else 0


def _cmd_lint(args) -> int:
    from chatconform.specs import SpecStore

    store = SpecStore()
    bad = 0
    for source in store.catalog.sources:
        if source.kind != "spec":
            continue
        try:
            spec = store.load(source)
        except ChatconformError as err:
            print(f"FAILED {err}", file=sys.stderr)
            bad += 1
            continue
        findings = spec.lint()
        print(f"{spec.display}: OpenAPI {spec.version}, {len(findings)} finding(s)")
        for f in findings:
            print(f"  {f.severity:9} {f.check} {f.schema_at or f.at}: {f.message}")
    return 1 if bad else 0


def _cmd_verify(args) -> int:
    from chatconform.cassettes import CassetteError, find_cassettes, load_cassette
    from chatconform.judge import judge
    from chatconform.render import render_judgement
    from chatconform.specs import SpecStore

    store = SpecStore()
    bad_input = violations = 0
    for path in find_cassettes(args.paths):
        try:
            cassette = load_cassette(path)
        except CassetteError as err:
            print(f"chatconform: {err}", file=sys.stderr)
            bad_input += 1
            continue
        for index, ex in enumerate(cassette.exchanges):
            j = judge(ex, store)
            violations += j.verdict == "fail"
            if args.json:
                print(json.dumps({"cassette": str(path), "index": index, "provider": ex.provider,
                                  "model": ex.model, "origin": ex.origin, "verdict": j.verdict,
                                  "findings": [_brief(f, ex) for f in j.findings]}, ensure_ascii=False))
            else:
                print(render_judgement(j, _spec_display(store, ex), f"chatconform verify {path}"))
    return 2 if bad_input else (1 if violations else 0)


def _brief(finding, ex) -> dict:
    """A finding for --json, with the known-deviation reason when the profile declares one."""
    from chatconform.profiles import deviation_for

    out = finding.brief()
    deviation = deviation_for(ex.provider, finding.check, ex.model, ex.origin) \
        if finding.severity == "violation" else None
    if deviation:
        out["known_deviation"] = deviation.reason
    return out


def _spec_display(store, ex) -> str | None:
    spec = store.spec_or_none(ex.provider, ex.model)
    return spec.display if spec else None


if __name__ == "__main__":
    sys.exit(main())
