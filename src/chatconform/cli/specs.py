"""`chatconform specs pull|lint|diff`: fetch the published specs, lint them, classify a change between two."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from chatconform.model.errors import ChatconformError, UsageError


def add_specs(sub, name: str) -> None:
    """Add `chatconform specs pull|lint|diff` to the command line."""
    specs = sub.add_parser(name, help="pull, lint and diff the published specs").add_subparsers(
        metavar="ACTION"
    )
    pull = specs.add_parser("pull", help="fetch every source and check it against specs/specs.lock")
    pull.add_argument(
        "--mirror",
        type=Path,
        default=env_path("CHATCONFORM_MIRROR"),
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


def env_path(name: str) -> Path | None:
    """The folder an environment variable names (None when it is unset or empty)."""
    value = os.environ.get(name)
    return Path(value) if value else None


def _cmd_pull(args) -> int:
    from chatconform.recording import page_redaction
    from chatconform.specs import load_catalog, pull

    if args.mirror is not None and not args.mirror.is_dir():
        raise UsageError(f"--mirror {args.mirror}: no such folder")
    results = pull(
        load_catalog(), mirror=args.mirror, update=args.update, **page_redaction(args.data.key_env_names())
    )
    for result in results:
        stream = sys.stderr if result.failed else sys.stdout
        print(("FAILED " if result.failed else "") + result.message, file=stream)
    failed = sum(r.failed for r in results)
    print(f"{len(results) - failed} pulled, {failed} failed", file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def _cmd_diff(args) -> int:
    from chatconform.model.inputs import load_json
    from chatconform.specs.diff import diff_documents, print_notes, to_json

    old, new = (load_json(path, "spec document") for path in (args.old, args.new))
    notes: list = []
    changes = diff_documents(old, new, notes=notes, names=(str(args.old), str(args.new)))
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
