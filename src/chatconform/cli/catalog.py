"""`chatconform catalog sync|examples`: a provider's models and specs from its docs; examples as cassettes."""

from __future__ import annotations

from pathlib import Path

from chatconform.cli.specs import env_path


def add_catalog(sub, name: str) -> None:
    """Add `chatconform catalog sync|examples` to the command line."""
    catalog = sub.add_parser(
        name, help="discover a provider's models and specs; its docs examples as cassettes"
    ).add_subparsers(metavar="ACTION")
    sync = catalog.add_parser(
        "sync", help="write specs/catalog/PROVIDER.toml from the provider's table of contents"
    )
    sync.add_argument("provider")
    sync.add_argument(
        "--mirror",
        type=Path,
        default=env_path("CHATCONFORM_MIRROR"),
        help="a local folder laid out like shared/upstream (env CHATCONFORM_MIRROR)",
    )
    sync.add_argument(
        "--model",
        action="extend",
        nargs="+",
        default=[],
        metavar="ID",
        help="add just the pages naming these model ids (the rest of the file is kept)",
    )
    sync.set_defaults(func=_cmd_sync)
    examples = catalog.add_parser("examples", help="every chat example on every pinned page as a cassette")
    examples.add_argument("provider")
    examples.add_argument("--out", type=Path, help="cassette folder (default cassettes/PROVIDER-catalog)")
    examples.set_defaults(func=_cmd_examples)


def _cmd_sync(args) -> int:
    from chatconform.discovery import run_sync
    from chatconform.model.errors import UsageError
    from chatconform.model.paths import specs_dir

    if args.mirror is not None and not args.mirror.is_dir():
        raise UsageError(f"--mirror {args.mirror}: no such folder")
    return run_sync(args.provider, args.mirror, args.model, specs_dir())


def _cmd_examples(args) -> int:
    from chatconform.discovery import run_examples
    from chatconform.model.paths import project_root, safe_name, specs_dir

    folder = specs_dir()
    out = args.out or project_root() / "cassettes" / f"{safe_name(args.provider)}-catalog"
    return run_examples(
        args.provider, folder, out, folder / "catalog" / f"{safe_name(args.provider)}.examples.json"
    )
