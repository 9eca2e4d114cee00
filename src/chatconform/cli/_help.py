"""What every command's --help says beyond its options: the project file option every command takes, and the
environment variables the command reads (a variable no command reads is never asked for)."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

CONFIG_HELP = "the project file (default: $CHATCONFORM_CONFIG, else chatconform.toml found walking up)"
# every variable a command may read, and what it does there
VARIABLES = {
    "CHATCONFORM_CONFIG": "the project file, when --config is not given",
    "CHATCONFORM_ROOT": "the project folder (default: the nearest folder above holding chatconform.toml or "
    "specs/sources.toml)",
    "CHATCONFORM_SPECS": "where the pulled specs are (default: specs/ of the project)",
    "CHATCONFORM_CACHE": "the cache of prepared specs (default: .cache/chatconform of the project)",
    "CHATCONFORM_MIRROR": "pull from this folder instead of the public URLs (as --mirror)",
    "CHATCONFORM_REPORTS": "the reports folder (default: reports/ of the project)",
    "CHATCONFORM_REFERENCE_KEY": "the one API key the reference provider accepts (default: reference-key)",
    "CHATCONFORM_HYPOTHESIS": "the Hypothesis profile of generated tests (dev, ci, nightly, deep)",
    "KEYS": "each provider's key variable (key_env: AIMLAPI_API_KEY, MODELSLAB_API_KEY, OPENAI_API_KEY, a "
    "project's own; or --api-key-env) for live and record runs; its value is never written",
    "URLS": "the ${VAR} a chatconform.toml names in a base_url or hosts (a missing one is one line, exit 2)",
    "SECRETS": "any *_KEY, *_TOKEN or *_SECRET variable: its value is scrubbed from everything written",
}
_PROJECT = ("CHATCONFORM_CONFIG", "CHATCONFORM_ROOT")
_SPECS = ("CHATCONFORM_SPECS", "CHATCONFORM_CACHE")
# command (as typed after `chatconform`) -> the variables it reads
READS = {
    "specs pull": (*_PROJECT, *_SPECS, "CHATCONFORM_MIRROR"),
    "specs lint": (*_PROJECT, *_SPECS),
    "specs diff": _PROJECT,
    "verify": (*_PROJECT, *_SPECS, "URLS", "SECRETS"),
    "check": (
        *_PROJECT,
        *_SPECS,
        "CHATCONFORM_MIRROR",
        "CHATCONFORM_REPORTS",
        "CHATCONFORM_HYPOTHESIS",
        "KEYS",
        "URLS",
        "SECRETS",
    ),
    "claims": (*_PROJECT, *_SPECS),
    "serve": (*_PROJECT, *_SPECS, "CHATCONFORM_REFERENCE_KEY"),
    "selftest": (*_PROJECT, *_SPECS, "CHATCONFORM_REFERENCE_KEY"),
    "gate": (*_PROJECT, "SECRETS"),
    "report": (*_PROJECT, "CHATCONFORM_REPORTS", "SECRETS"),
    "merge": (*_PROJECT, "CHATCONFORM_REPORTS"),
    "catalog sync": (*_PROJECT, *_SPECS, "CHATCONFORM_MIRROR"),
    "catalog examples": (*_PROJECT, *_SPECS),
}
CALLS_PROVIDERS = (
    "verify",
    "check",
)  # the commands that use a provider's base URL (the others never call one)


def fit(parser: argparse.ArgumentParser, path: str = "") -> None:
    """Give every command `--config PATH` (unless it has its own) and an epilog naming what it reads."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for name, sub in action.choices.items():
            command = f"{path} {name}".strip()
            if not any("--config" in a.option_strings for a in sub._actions):
                sub.add_argument(
                    "--config", type=Path, default=argparse.SUPPRESS, metavar="PATH", help=CONFIG_HELP
                )
            sub.set_defaults(calls_providers=command in CALLS_PROVIDERS)
            if command in READS:  # kept as written (the variables' table), so the text above is wrapped here
                said = textwrap.fill(sub.epilog, 100) if sub.epilog else ""
                sub.epilog = "\n\n".join(filter(None, [said, environment(command)]))
                sub.formatter_class = argparse.RawDescriptionHelpFormatter
            fit(sub, command)


def environment(command: str) -> str:
    """The `environment:` section of a command's help."""
    names = {v: "$" + v if v.startswith("CHATCONFORM_") else _LABEL[v] for v in READS[command]}
    lines = [
        textwrap.fill(VARIABLES[v], 100, initial_indent=f"  {name:27} ", subsequent_indent=" " * 30)
        for v, name in names.items()
    ]
    return "environment:\n" + "\n".join(lines)


_LABEL = {"KEYS": "provider keys", "URLS": "${VAR} of chatconform.toml", "SECRETS": "*_KEY/_TOKEN/_SECRET"}
