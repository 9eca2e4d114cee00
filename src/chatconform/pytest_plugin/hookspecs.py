"""Hooks a project implements (in a conftest.py or a plugin) to extend the conformance run.

Registered with `config.pluginmanager.add_hookspecs`, as pytest-recording and xdist register theirs.
"""

import pytest


@pytest.hookspec
def pytest_chatconform_checks(config, exchange, checks):
    """Choose the checks collected for one recorded exchange: remove ids from `checks` (a list of the ids
    that apply, changed in place) to leave them out; an id that does not apply is refused in one line."""


@pytest.hookspec
def pytest_chatconform_exchange(item, exchange, row):
    """Called with every judged row (one check of one exchange, replayed or live) after it is written to
    results.json and before its verdict decides the test; raise to fail the test on a rule of your own."""
