"""Where the project's files live; every location can be moved by an environment variable."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The folder holding specs/ and cassettes/ (CHATCONFORM_ROOT, else the nearest parent with specs/)."""
    env = os.environ.get("CHATCONFORM_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "specs" / "sources.toml").is_file():
            return folder
    return here


def specs_dir() -> Path:
    """Pulled specs, sources.toml and specs.lock."""
    return Path(os.environ.get("CHATCONFORM_SPECS", project_root() / "specs"))


def reports_dir() -> Path:
    """Run outputs (results.json, junit.xml, allure-results, html)."""
    return Path(os.environ.get("CHATCONFORM_REPORTS", project_root() / "reports"))


def cache_dir() -> Path:
    """Derived data safe to delete (spec lint results)."""
    return Path(os.environ.get("CHATCONFORM_CACHE", project_root() / ".cache" / "chatconform"))
