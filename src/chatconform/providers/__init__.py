"""Provider knowledge as data: the built-in providers/*.toml, with a project's chatconform.toml merged over
it.

The project file is `--config PATH`, else $CHATCONFORM_CONFIG, else the nearest chatconform.toml walking up
from the working directory. Both are validated by schema.json; a bad file is one line (exit 2).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from importlib import resources
from pathlib import Path

from chatconform.model.inputs import MAX_TOML_BYTES, InputError, parse_toml, read_text
from chatconform.providers._literal_keys import env_key_values, refuse_written_keys
from chatconform.providers._merge import complete, merge, substitute_env, tag
from chatconform.providers._validate import refuse_unbounded, schema, validate

PROJECT_FILE = "chatconform.toml"
CONFIG_ENV = "CHATCONFORM_CONFIG"


@dataclass(frozen=True)
class Documented:
    """A value a provider's document states, with the verbatim sentence and where it is."""

    value: object
    says: str
    source: str
    name: str = ""
    provider: str = ""
    models: tuple[str, ...] = ("*",)
    declared_in: str = ""


@dataclass(frozen=True)
class RunSettings:
    """What the project narrows a run to, and its budget (None: not set in the file)."""

    models: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    budget_usd: float | None = None


def covers(patterns, model: str | None) -> bool:
    """True when a model id matches one of the ids or shell-style patterns ('*': every model, even none)."""
    patterns = tuple(patterns or ("*",))
    return "*" in patterns or (model is not None and any(fnmatchcase(model, p) for p in patterns))


def find_project_file(start: Path | None = None) -> Path | None:
    """The nearest chatconform.toml in `start` (default: the working directory) or a folder above it."""
    here = Path(start or Path.cwd()).resolve()
    return next((d / PROJECT_FILE for d in (here, *here.parents) if (d / PROJECT_FILE).is_file()), None)


def project_file(config_path=None) -> Path | None:
    """The project file in force: the path given, else $CHATCONFORM_CONFIG, else found walking up."""
    given = config_path or os.environ.get(CONFIG_ENV)
    if given:
        path = Path(given)
        if not path.is_file():
            raise InputError(
                f"{path}: no such project file (from {'--config' if config_path else CONFIG_ENV})"
            )
        return path
    return find_project_file()


def _parse(text: str, where: str) -> dict:
    """TOML bounded in size, nesting and dotted parts before it is parsed (see inputs.parse_toml)."""
    return parse_toml(text, where)


@lru_cache(maxsize=1)
def _builtin() -> dict:
    """Every built-in providers/*.toml, validated and merged (a provider is declared in one file only)."""
    merged: dict = {"providers": {}, "run": {}}
    folder = resources.files(__name__)
    for entry in sorted((e for e in folder.iterdir() if e.name.endswith(".toml")), key=lambda e: e.name):
        where = f"chatconform/providers/{entry.name}"
        data = _parse(entry.read_text("utf-8"), where)
        validate(data, where)
        clash = set(data.get("providers", {})) & set(merged["providers"])
        if clash:
            raise InputError(
                f"{where}: providers.{sorted(clash)[0]}: already declared by another built-in file"
            )
        merged["providers"].update(tag(data, where).get("providers", {}))
    return merged


def _read_project(path: Path, unset_ok: bool = False) -> dict:
    """The project file read, bounded, validated and with ${VAR} expanded; any problem is one line."""
    where = str(path)
    data = _parse(read_text(path, "project file", MAX_TOML_BYTES), where)
    refuse_written_keys(data, where)
    validate(data, where)
    refuse_unbounded(data, where)
    data = substitute_env(data, where, unset_ok)
    refuse_written_keys(data, where, secrets=env_key_values(data, _builtin()), expanded=True)
    return tag(data, where)


def load_providers(config_path=None, unset_ok: bool = False) -> dict:
    """The merged provider data: {"providers": {name: {...}}, "run": {...}, "config": path or None}.

    unset_ok: a ${VAR} that is not set leaves its URL unknown instead of being an error (for a command that
    never calls a provider: it should not ask for a variable it does not use)."""
    path = project_file(config_path)
    data = merge(_builtin(), _read_project(path, unset_ok), str(path)) if path else merge(_builtin(), {}, "")
    data["config"] = str(path) if path else None
    return complete(data, str(path) if path else "chatconform/providers")


class _State:
    """The data in force for this process (pinned by configure, or found on first use)."""

    data: dict | None = None


def configure(path=None, unset_ok: bool = False) -> dict:
    """Load the provider data (from `path`, else $CHATCONFORM_CONFIG, else walking up) and put it in force."""
    _State.data = load_providers(path, unset_ok)
    return _State.data


def current() -> dict:
    """The provider data in force (found and loaded on first use)."""
    return _State.data if _State.data is not None else configure()


def reset() -> None:
    """Forget the data in force: the next use finds and loads the project file again."""
    _State.data = None


def documented_values(provider: str | None = None, name: str | None = None) -> list[Documented]:
    """Every documented value in force, optionally of one provider and one name."""
    out = []
    for pname, data in current()["providers"].items():
        if provider in (None, pname):
            out += [
                Documented(
                    d["value"],
                    d["says"],
                    d["source"],
                    d["name"],
                    pname,
                    tuple(d.get("models", ["*"])),
                    d.get("declared_in", ""),
                )
                for d in data["documented"]
                if name in (None, d["name"])
            ]
    return out


def documented_value(provider: str, name: str, model: str | None) -> Documented | None:
    """The value the provider documents under `name` for this model (the project's declarations first)."""
    return next((d for d in documented_values(provider, name) if covers(d.models, model)), None)


def run_settings() -> RunSettings:
    """The project's [run] table."""
    run = current().get("run", {})
    return RunSettings(tuple(run.get("models", ())), tuple(run.get("providers", ())), run.get("budget_usd"))


def key_env_names() -> tuple[str, ...]:
    """Every environment variable named as a key anywhere in the data in force (each must be scrubbed)."""
    return tuple(sorted({p["key_env"] for p in current()["providers"].values() if p.get("key_env")}))


__all__ = [
    "CONFIG_ENV",
    "Documented",
    "PROJECT_FILE",
    "RunSettings",
    "configure",
    "covers",
    "current",
    "documented_value",
    "documented_values",
    "find_project_file",
    "key_env_names",
    "load_providers",
    "project_file",
    "reset",
    "run_settings",
    "schema",
]
