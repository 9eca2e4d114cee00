"""chatconform's pytest plugin (entry point `pytest11`): the conformance suite with no test file to copy.

In a project folder (a chatconform.toml and cassettes/), `pytest` or `chatconform check` collects the
project's cassettes/ folder: in replay mode one test per recorded exchange and check plus the providers'
docs conflicts, in live and record modes the live catalog (targets x scenarios). A folder pytest is not asked
to walk is never collected, so a repository's own `pytest tests` stays as it was.

Settings resolve command line > `@pytest.mark.chatconform(...)` > the `chatconform_config` fixture >
chatconform.toml ([run]); hooks for a project's conftest.py are in `chatconform.pytest_plugin.hookspecs`.
"""

from chatconform.pytest_plugin._collect import pytest_collect_directory, pytest_collect_file
from chatconform.pytest_plugin._exit import pytest_report_teststatus
from chatconform.pytest_plugin._fixtures import (
    cc_mode,
    pytest_collection,
    pytest_collection_finish,
    pytest_runtest_makereport,
    pytest_runtest_protocol,
    pytest_sessionfinish,
    pytest_sessionstart,
    pytest_terminal_summary,
    pytest_unconfigure,
    reference_server,
    results_log,
    spec_store,
)
from chatconform.pytest_plugin._options import (
    pytest_addhooks,
    pytest_addoption,
    pytest_configure,
    pytest_report_collectionfinish,
    pytest_report_header,
)
from chatconform.pytest_plugin._project import declared, ensure_specs, mirror_from
from chatconform.pytest_plugin._settings import Settings, chatconform_config, chatconform_settings

__all__ = [
    "declared",
    "ensure_specs",
    "mirror_from",
    "Settings",
    "cc_mode",
    "chatconform_config",
    "chatconform_settings",
    "pytest_addhooks",
    "pytest_addoption",
    "pytest_collect_directory",
    "pytest_collect_file",
    "pytest_collection",
    "pytest_collection_finish",
    "pytest_configure",
    "pytest_report_collectionfinish",
    "pytest_report_header",
    "pytest_report_teststatus",
    "pytest_runtest_makereport",
    "pytest_runtest_protocol",
    "pytest_sessionfinish",
    "pytest_sessionstart",
    "pytest_terminal_summary",
    "pytest_unconfigure",
    "reference_server",
    "results_log",
    "spec_store",
]
