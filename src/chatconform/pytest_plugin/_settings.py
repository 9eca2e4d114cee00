"""Settings of one test, resolved as pytest-recording resolves vcr_config: the command line, else the closest
`chatconform` marker, else the `chatconform_config` fixture (override it in a conftest.py), else the project
file's [run] table, else the default.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import pytest

from chatconform.model.errors import UsageError, unknown

ON_GAP = ("skip", "fail")  # a check that cannot be judged: skipped with the reason, or failed
CLI_KEY = pytest.StashKey[dict]()  # the settings given on the command line (None: not given)


@dataclass(frozen=True)
class Settings:
    """What one conformance test runs with."""

    budget_usd: float  # live: the run's spend may not pass this while this test sends
    on_gap: str = "skip"


NAMES = tuple(f.name for f in fields(Settings))


def cli_settings(config) -> dict:
    """The settings the command line gave (before the project file fills the options in)."""
    return {"budget_usd": config.getoption("budget_usd"), "on_gap": config.getoption("on_gap")}


def resolve(item, fixture_config) -> Settings:
    """The settings in force for a test item; a misspelt key or a bad value is one line naming it."""
    from chatconform.live.budget import DEFAULT_BUDGET_USD
    from chatconform.pytest_plugin._keys import STATE_KEY

    marked: dict = {}
    for mark in reversed(list(item.iter_markers("chatconform"))):  # the closest marker is applied last
        marked.update(_checked(dict(mark.kwargs), f"{item.nodeid}: @pytest.mark.chatconform"))
    if not isinstance(fixture_config, dict):
        raise UsageError(f"chatconform_config must return a dict, not {type(fixture_config).__name__}")
    configured = _checked(dict(fixture_config), "the chatconform_config fixture")
    layers = (
        item.config.stash.get(CLI_KEY, {}),
        marked,
        configured,
        {"budget_usd": item.config.stash[STATE_KEY].data.run.budget_usd},
        {"budget_usd": DEFAULT_BUDGET_USD, "on_gap": "skip"},
    )
    chosen: dict[str, Any] = {
        name: next(layer[name] for layer in layers if layer.get(name) is not None) for name in NAMES
    }
    return Settings(**chosen)


def _checked(values: dict, where: str) -> dict:
    """Values with known names and sound types, else a UsageError naming the first bad one."""
    for name, value in values.items():
        if name not in NAMES:
            raise UsageError(f"{where}: {unknown('setting', name, NAMES)}")
        if name == "budget_usd" and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0
        ):
            raise UsageError(f"{where}: budget_usd {value!r} is not a number of US dollars >= 0")
        if name == "on_gap" and value not in ON_GAP:
            raise UsageError(f"{where}: on_gap {value!r}; choose one of {', '.join(ON_GAP)}")
    return values


@pytest.fixture(scope="session")
def chatconform_config() -> dict:
    """Settings for every chatconform test (budget_usd, on_gap); override this fixture to change them."""
    return {}


@pytest.fixture
def chatconform_settings(request, chatconform_config) -> Settings:
    """The settings in force for this test (command line > marker > chatconform_config > chatconform.toml)."""
    try:
        return resolve(request.node, chatconform_config)
    except UsageError as err:
        pytest.fail(str(err), pytrace=False)
