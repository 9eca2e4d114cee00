"""Reading provider data: the built-in providers/*.toml, with a project's chatconform.toml merged over it.

The project file is `--config PATH`, else $CHATCONFORM_CONFIG, else the project folder's chatconform.toml
(the folder model.paths.project_root finds). Both are validated by schema.json; a bad file is one line
(exit 2).
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from chatconform.model.inputs import MAX_TOML_BYTES, InputError, parse_toml, read_text
from chatconform.model.paths import PROJECT_FILE, project_root
from chatconform.providers._literal_keys import env_key_values, refuse_written_keys
from chatconform.providers._merge import complete, merge, substitute_env, tag
from chatconform.providers._validate import refuse_unbounded, validate

CONFIG_ENV = "CHATCONFORM_CONFIG"


def find_project_file() -> Path | None:
    """The project folder's chatconform.toml, if it holds one: the folder found by the one rule every command
    and the pytest plugin use (model.paths.project_root: $CHATCONFORM_ROOT, else the nearest folder up from
    here holding chatconform.toml or specs/sources.toml), so the project file and the reports always agree."""
    path = project_root() / PROJECT_FILE
    return path if path.is_file() else None


def project_file(config_path: str | os.PathLike[str] | None = None) -> Path | None:
    """The project file in force: the path given, else $CHATCONFORM_CONFIG, else the project folder's."""
    given = config_path or os.environ.get(CONFIG_ENV)
    if given:
        path = Path(given)
        if not path.is_file():
            raise InputError(
                f"{path}: no such project file (from {'--config' if config_path else CONFIG_ENV})"
            )
        return path
    return find_project_file()


# Module-level on purpose: the package's own TOML files, the same for every run of this process (merge()
# deep-copies them, so no run's project file ever reaches another run through this cache).
@lru_cache(maxsize=1)
def _builtin() -> dict[str, Any]:
    """Every built-in providers/*.toml, validated and merged (a provider is declared in one file only)."""
    merged: dict[str, Any] = {"providers": {}, "run": {}}
    folder = resources.files(__package__ or "chatconform.providers")
    for entry in sorted((e for e in folder.iterdir() if e.name.endswith(".toml")), key=lambda e: e.name):
        where = f"chatconform/providers/{entry.name}"
        data = parse_toml(entry.read_text("utf-8"), where)
        validate(data, where)
        clash = set(data.get("providers", {})) & set(merged["providers"])
        if clash:
            raise InputError(
                f"{where}: providers.{sorted(clash)[0]}: already declared by another built-in file"
            )
        merged["providers"].update(tag(data, where).get("providers", {}))
    return merged


def _read_project(path: Path, unset_ok: bool = False) -> dict[str, Any]:
    """The project file read, bounded, validated and with ${VAR} expanded; any problem is one line."""
    where = str(path)
    data = parse_toml(read_text(path, "project file", MAX_TOML_BYTES), where)
    refuse_written_keys(data, where)
    validate(data, where)
    refuse_unbounded(data, where)
    data = substitute_env(data, where, unset_ok)
    refuse_written_keys(data, where, secrets=env_key_values(data, _builtin()), expanded=True)
    return tag(data, where)


def load_providers(
    config_path: str | os.PathLike[str] | None = None, unset_ok: bool = False
) -> dict[str, Any]:
    """The merged provider data: {"providers": {name: {...}}, "run": {...}, "config": path or None}.

    unset_ok: a ${VAR} that is not set leaves its URL unknown instead of being an error (for a command that
    never calls a provider: it should not ask for a variable it does not use)."""
    path = project_file(config_path)
    data = merge(_builtin(), _read_project(path, unset_ok), str(path)) if path else merge(_builtin(), {}, "")
    data["config"] = str(path) if path else None
    return complete(data, str(path) if path else "chatconform/providers")
