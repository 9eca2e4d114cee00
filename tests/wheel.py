"""The built wheel in a bare folder: one build per test session (the `venv` fixture in conftest.py), and
what a test needs to run it from a folder holding only a team's own files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args, **kwargs) -> subprocess.CompletedProcess:
    """Run a command that must succeed."""
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def build(tmp: Path) -> Path:
    """A fresh virtualenv holding the wheel built from this checkout; its dependencies are this .venv's."""
    source = tmp / "source"  # what the wheel is built from: the package, its metadata and the pinned catalog
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", "specs/sources.toml", "specs/specs.lock"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "specs" / "catalog", source / "specs" / "catalog", ignore=shutil.ignore_patterns("*.json")
    )
    run([sys.executable, "-m", "pip", "wheel", source, "-w", tmp / "dist", "--no-deps", "-q"])
    (wheel,) = (tmp / "dist").glob("chatconform-*.whl")
    run([sys.executable, "-m", "venv", "--without-pip", tmp / "venv"])
    python = tmp / "venv" / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel])
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip()
    # a path line (not a site dir): this .venv's packages without its editable chatconform, which the wheel's
    # shadows
    Path(purelib, "_chatconform_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return tmp / "venv"


def environment(venv: Path, mirror: Path, **more) -> dict:
    """This process's environment without chatconform's variables, the wheel's bin first, the mirror set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHATCONFORM_", "PYTHON", "VIRTUAL_ENV"))}
    return {
        **env,
        "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        "CHATCONFORM_MIRROR": str(mirror),
        **more,
    }


def bare(folder: Path, project_file: str, cassettes=()) -> Path:
    """A folder holding only a chatconform.toml and some of this repository's cassettes (paths below
    cassettes/)."""
    folder.mkdir()
    (folder / "chatconform.toml").write_text(project_file)
    for name in cassettes:
        (folder / "cassettes" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "cassettes" / name, folder / "cassettes" / name)
    (folder / "cassettes").mkdir(exist_ok=True)
    return folder


def chatconform(venv: Path, folder: Path, mirror: Path, *args, **env) -> subprocess.CompletedProcess:
    """The wheel's `chatconform` command in a folder; its result whatever the exit code."""
    return subprocess.run(
        [venv / "bin" / "chatconform", *map(str, args)],
        cwd=folder,
        env=environment(venv, mirror, **env),
        capture_output=True,
        text=True,
        timeout=600,
    )


def pytest_plain(venv: Path, folder: Path, mirror: Path, *args, **env) -> subprocess.CompletedProcess:
    """A plain `pytest` run with the wheel's plugin in a folder; its result whatever the exit code."""
    return subprocess.run(
        [venv / "bin" / "python", "-m", "pytest", "-p", "no:cacheprovider", *map(str, args)],
        cwd=folder,
        env=environment(venv, mirror, **env),
        capture_output=True,
        text=True,
        timeout=600,
    )
