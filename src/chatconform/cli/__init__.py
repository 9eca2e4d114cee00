"""The `chatconform` command line."""

from __future__ import annotations

import argparse
import sys
from importlib import import_module
from pathlib import Path

from chatconform.cli._errors import internal_error, one_line
from chatconform.cli._help import fit
from chatconform.model.errors import ChatconformError
from chatconform.model.exits import EPILOG as EXIT_CODES  # the codes every command shares

__all__ = ["COMMANDS", "main"]

# Every command, in the order `chatconform --help` lists them: its name, and the function ("module:name")
# that adds it, its options and what it runs to the parser (each module imports what it runs only when run).
COMMANDS = (
    ("specs", "chatconform.cli.specs:add_specs"),
    ("verify", "chatconform.cli.commands:add_verify"),
    ("claims", "chatconform.cli.commands:add_claims"),
    ("serve", "chatconform.cli.commands:add_serve"),
    ("gate", "chatconform.cli.commands:add_gate"),
    ("report", "chatconform.cli.commands:add_report"),
    ("selftest", "chatconform.cli.commands:add_selftest"),
    ("catalog", "chatconform.cli.catalog:add_catalog"),
    ("check", "chatconform.cli.check:add_check"),
    ("merge", "chatconform.cli.commands:add_merge"),
    ("measure", "chatconform.cli.measure:add_measure"),
    ("compare", "chatconform.cli.measure:add_compare"),
)


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
    """Read the project file (--config, $CHATCONFORM_CONFIG, or found walking up) into this command's
    provider data, `args.data`: the command's own, handed to whatever it runs, never put in force globally.

    Done before any command runs, so a typo in chatconform.toml is one line and exit 2, not a finding
    per judged exchange.
    """
    from chatconform.providers import ProviderData

    # a command that never calls a provider (gate, report, serve...) does not ask for its base URL's ${VAR}
    args.data = ProviderData.load(
        getattr(args, "config", None) or args.global_config,
        unset_ok=not getattr(args, "calls_providers", False),
    )
    if getattr(args, "calls_providers", False):  # the commands that judge: a misspelt deviation never matches
        from chatconform.judging.claims import refuse_misspelt_deviations

        refuse_misspelt_deviations(args.data)


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
    for name, adds in COMMANDS:
        module, _, function = adds.partition(":")
        getattr(import_module(module), function)(sub, name)
    fit(parser)
    return parser
