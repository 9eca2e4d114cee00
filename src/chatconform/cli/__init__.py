"""The `chatconform` command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from chatconform.cli._errors import internal_error, one_line
from chatconform.cli._help import fit
from chatconform.model.errors import ChatconformError, UsageError
from chatconform.model.exits import EPILOG as EXIT_CODES  # the codes every command shares

__all__ = ["main"]


def main(argv=None) -> int:
    """Run a command: 0 clean, 1 violations, 2 bad input (one line), 3 internal error (one line), 6
    unjudged."""
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    args.debug = getattr(args, "debug", False) or "--debug" in extra  # accepted after the command too
    extra = [arg for arg in extra if arg != "--debug"]
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        _load_project(args)
        return args.func(args)
    except ChatconformError as err:
        print(f"chatconform: {one_line(err)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `chatconform claims | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("chatconform: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # a bug of ours, never the user's fault: one line, the traceback on request
        return internal_error(err, args.debug)


def _load_project(args) -> None:
    """Validate and put in force the project file (--config, $CHATCONFORM_CONFIG, or found walking up).

    Done before any command runs, so a typo in chatconform.toml is one line and exit 2, not a finding
    per judged exchange.
    """
    from chatconform import providers

    # a command that never calls a provider (gate, report, serve...) does not ask for its base URL's ${VAR}
    providers.configure(
        getattr(args, "config", None) or args.global_config,
        unset_ok=not getattr(args, "calls_providers", False),
    )
    if getattr(args, "calls_providers", False):  # the commands that judge: a misspelt deviation never matches
        from chatconform.judging.claims import refuse_misspelt_deviations

        refuse_misspelt_deviations()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chatconform", description=__doc__, epilog=EXIT_CODES)
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    parser.add_argument(
        "--config",
        dest="global_config",
        type=Path,
        default=None,
        metavar="PATH",
        help="the project file (default: $CHATCONFORM_CONFIG, else chatconform.toml found "
        "walking up from the working directory); every command takes it too",
    )
    sub = parser.add_subparsers(metavar="COMMAND")
    specs = sub.add_parser("specs", help="pull, lint and diff the published specs").add_subparsers(
        metavar="ACTION"
    )
    pull = specs.add_parser("pull", help="fetch every source and check it against specs/specs.lock")
    pull.add_argument(
        "--mirror",
        type=Path,
        default=_env_path("CHATCONFORM_MIRROR"),
        metavar="DIR",
        help="a local folder laid out like the providers' repositories (env CHATCONFORM_MIRROR)",
    )
    pull.add_argument("--update", action="store_true", help="accept changed documents and rewrite the lock")
    pull.set_defaults(func=_cmd_pull)
    lint = specs.add_parser("lint", help="problems with the pulled spec documents themselves")
    lint.set_defaults(func=_cmd_lint)
    diff = specs.add_parser("diff", help="classify every change between two versions of a spec")
    diff.add_argument("old", type=Path, help="the earlier spec document (JSON)")
    diff.add_argument("new", type=Path, help="the later one")
    diff.add_argument("--json", action="store_true", help="the changes as JSON (what `gate --drift` reads)")
    diff.set_defaults(func=_cmd_diff)
    verify = sub.add_parser("verify", help="judge every interaction of vcrpy cassettes", epilog=VERIFY_EXITS)
    verify.add_argument("paths", nargs="+", help="cassette files or folders of them (*.yaml, *.yml below)")
    verify.add_argument("--json", action="store_true", help="one JSON object per interaction")
    verify.set_defaults(func=_cmd_verify)
    _more_commands(sub)
    fit(parser)
    return parser


def _more_commands(sub) -> None:
    """Commands defined in their own modules."""
    from chatconform import discovery as catalog
    from chatconform.cli import commands

    commands.register(sub)
    catalog.register(sub)
    __import__("chatconform.cli.check", fromlist=["register"]).register(sub)
    __import__("chatconform.reporting.merge", fromlist=["register"]).register(sub)
    __import__("chatconform.cli.measure", fromlist=["register"]).register(sub)


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def _cmd_pull(args) -> int:
    from chatconform.recording import page_redaction
    from chatconform.specs import load_catalog, pull

    if args.mirror is not None and not args.mirror.is_dir():
        raise UsageError(f"--mirror {args.mirror}: no such folder")
    results = pull(load_catalog(), mirror=args.mirror, update=args.update, **page_redaction())
    for result in results:
        stream = sys.stderr if result.failed else sys.stdout
        print(("FAILED " if result.failed else "") + result.message, file=stream)
    failed = sum(r.failed for r in results)
    print(f"{len(results) - failed} pulled, {failed} failed", file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def _cmd_diff(args) -> int:
    from chatconform.model.inputs import load_json
    from chatconform.specs.diff import diff_documents, print_notes, to_json

    docs = [load_json(path, "spec document") for path in (args.old, args.new)]
    notes: list = []
    changes = diff_documents(*docs, notes=notes, names=(str(args.old), str(args.new)))
    print_notes(notes, {"old": str(args.old), "new": str(args.new)})
    if args.json:
        print(json.dumps(to_json(changes), indent=2))
    else:
        for change in changes:
            print(
                f"{'BREAKING' if change.breaking else 'ok      '} {change.kind:24} "
                f"{change.path}  {change.detail}"
            )
        print(f"{len(changes)} change(s), {sum(c.breaking for c in changes)} breaking")
    return 1 if any(c.breaking for c in changes) else 0


def _cmd_lint(args) -> int:
    from chatconform.specs import SpecStore

    store = SpecStore()
    store.lint_ahead()  # a cold cache: the whole catalog linted across cores first
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


VERIFY_EXITS = (
    "exit 0 when every interaction was judged and none broke a rule (a declared known deviation "
    "is reported, not failed; a gap the provider data acknowledges is reported, not failed); 1 when "
    "an interaction broke a rule; 2 when an input could not be read or nothing was judged (a missing "
    "or empty folder, an empty cassette, a cassette with no interactions, a bad interaction: one line "
    "each, the others are still judged); 3 on an internal error; 6 when an interaction could not be "
    "judged (gap) and no [[providers.NAME.acknowledged]] entry covers it"
)


def _cmd_verify(args) -> int:
    from chatconform.cli.verify import run

    return run(args.paths, as_json=args.json, debug=args.debug)
