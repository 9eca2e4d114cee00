"""Shared fixtures for chatconform's own tests (the plugin itself comes from the pytest11 entry point)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chatconform.recording.cassettes import dump_cassette

ROOT = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline mirror of the providers' published files (CHATCONFORM_MIRROR or ../shared/upstream)."""
    path = Path(os.environ.get("CHATCONFORM_MIRROR") or ROOT.parent / "shared" / "upstream")
    if not path.is_dir():
        pytest.skip(f"no mirror folder at {path}: set CHATCONFORM_MIRROR to test pulling offline")
    return path


@pytest.fixture
def write_cassette(tmp_path):
    """Write a cassette of test interactions (provenance: our own test data) and return its path."""

    def write(name: str, *interactions, origin="cassette"):
        path = tmp_path / "cassettes" / f"{name}.yaml"
        dump_cassette(path, list(interactions), {"origin": origin, "notes": "chatconform unit-test data"})
        return path

    return write


@pytest.fixture(scope="session")
def store():
    """The project's pulled specs (`make test` pulls them first)."""
    from chatconform.specs import SpecStore

    return SpecStore()


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory) -> Path:
    """A virtualenv holding the wheel built from this checkout (built once per session: tests/wheel.py)."""
    from tests.wheel import build

    return build(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="session")
def venv(wheel_venv) -> Path:
    """The session's wheel in its virtualenv (the same one as `wheel_venv`)."""
    return wheel_venv
