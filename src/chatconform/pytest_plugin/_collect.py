"""Collection: the project's cassettes/ folder is the suite, and a mode collects only what it can run.

replay: each cassette file (one test per exchange and check, `acme-chat-large-docs-example-usage.
total_is_sum`); record and live: `cassettes::live`, the live catalog (targets x scenarios), a target without
its key left out with one line; every mode: `cassettes::docs-conflicts`. Nothing else pytest walks is
touched: `pytest tests` never collects cassettes; `pytest` in a project folder (or `pytest cassettes`) does.
With --shard i/N every one of them is kept only when its provider and model hash to shard i
(chatconform.pytest_plugin.shards).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chatconform.model.errors import ChatconformError, UsageError
from chatconform.model.exits import INPUT_CHECK
from chatconform.pytest_plugin import _run
from chatconform.pytest_plugin._fixtures import judging
from chatconform.pytest_plugin._items import ConformanceItem, OneLine
from chatconform.pytest_plugin._keys import STATE_KEY, RunState

SUFFIXES = (".yaml", ".yml")
_WALKED = pytest.StashKey[set]()  # the real folders below cassettes/ collected so far (a symlink cycle stops)


class HookMisuse(UsageError):
    """A project's pytest_chatconform_checks hook asked for something it may not (a collection error)."""


class CassettesDir(OneLine, pytest.Directory):
    """The project's cassettes/ folder: its specs are pulled first, then what the mode can run is
    collected."""

    def collect(self):
        from chatconform.model.paths import specs_dir
        from chatconform.pytest_plugin._project import ensure_specs, mirror_from

        state, config = self.config.stash[STATE_KEY], self.config
        wanted = _declared(config)
        mirror = mirror_from(config.getoption("specs_mirror"))
        state.notes += _locked(lambda: ensure_specs(specs_dir(), mirror, wanted, state.key_envs))
        if self.config.getoption("--mode") != "replay":
            yield _Group.from_parent(self, name="live", items=lambda parent: _live(parent, state))
        else:
            yield from _children(self)
        if self.path == state.cassettes:
            # whatever the mode: the documents disagree however the provider answers, and every run's reports
            # list it
            yield _Group.from_parent(self, name="docs-conflicts", items=_conflicts)


class _Folder(OneLine, pytest.Directory):
    """A folder below cassettes/: walked without leaving the project (chatconform.recording.walk)."""

    def collect(self):
        yield from _children(self)


def _children(node):
    """A folder's cassettes and folders; a symlink out of the project, a loop, a FIFO or a device is skipped
    with one line (never opened, never walked into), and the rest is collected."""
    from chatconform.recording.walk import entries

    state = node.config.stash[STATE_KEY]
    seen = node.config.stash.setdefault(_WALKED, {state.cassettes.resolve()})
    for path, problem in entries(node.path, state.root.resolve(), seen):
        if problem is not None:  # never opened or walked into: a row of its own, failing with one line
            yield ConformanceItem.make(
                node, f"{path.name}-{INPUT_CHECK}", _run.unreadable, (path, f"{path}: skipped: {problem}")
            )
        elif node.ihook.pytest_ignore_collect(collection_path=path, config=node.config):
            continue
        elif path.is_dir():
            yield _Folder.from_parent(node, path=path)
        elif path.suffix in SUFFIXES:
            yield CassetteFile.from_parent(node, path=path)


class _Group(OneLine, pytest.Collector):
    """Tests of no cassette (live catalog, docs conflicts), apart so a problem there is its own collection
    error."""

    def __init__(self, *, items, **kwargs):
        super().__init__(**kwargs)
        self._items = items

    def collect(self):
        return list(self._items(self))


class CassetteFile(OneLine, pytest.File):
    """One cassette: a test per recorded exchange and check that applies to it."""

    def collect(self):
        from chatconform.pytest_plugin.cases import cases_in

        config, problems = self.config, []
        try:
            cases = cases_in(
                self.path,
                judging(config),
                config.getoption("--provider"),
                config.getoption("--model"),
                select=self._select,
                problems=problems,
            )
        except HookMisuse:
            raise  # the project's own hooks misbehaved: a collection error naming them
        except ChatconformError as err:  # the file cannot be read at all: a row of its own, the others go on
            cases, problems = [], [str(err)]
        for case in cases:
            item = ConformanceItem.make(self, case.id, _run.replay, case)
            if case.exchange.requested_stream:
                item.add_marker(pytest.mark.stream)
            yield item
        for number, problem in enumerate(problems):
            name = f"{self.path.stem}-{INPUT_CHECK}" + (f"-{number}" if number else "")
            yield ConformanceItem.make(self, name, _run.unreadable, (self.path, problem))

    def _select(self, exchange, checks: list[str]) -> list[str]:
        """The checks left after the project's pytest_chatconform_checks hooks (they may only leave some
        out)."""
        if not self.config.stash[STATE_KEY].holds(exchange.provider, exchange.model):
            return []  # another shard's model: its hooks are that shard's to call
        chosen = list(checks)
        self.ihook.pytest_chatconform_checks(config=self.config, exchange=exchange, checks=chosen)
        foreign = [c for c in chosen if c not in checks]
        if foreign:
            raise HookMisuse(
                f"{exchange.label}: pytest_chatconform_checks added {foreign[0]!r}, which does not "
                f"apply to this exchange (applicable: {', '.join(checks)})"
            )
        return list(dict.fromkeys(chosen))


@pytest.hookimpl(tryfirst=True)
def pytest_collect_directory(path, parent):
    state = parent.config.stash.get(STATE_KEY, None)
    if state is None:
        return None
    if Path(path) == state.cassettes or Path(path).resolve() == state.cassettes.resolve():
        return CassettesDir.from_parent(parent, path=path)
    if Path(path).is_relative_to(state.cassettes):  # a folder below it named on the command line
        return _Folder.from_parent(parent, path=path)
    return None


def pytest_collect_file(file_path, parent):
    state = parent.config.stash.get(STATE_KEY, None)
    if state is None or file_path.suffix not in SUFFIXES or parent.config.getoption("--mode") != "replay":
        return None
    if Path(file_path).resolve().is_relative_to(state.cassettes.resolve()):
        return CassetteFile.from_parent(parent, path=file_path)
    return None


def _conflicts(parent):
    """The providers' own documents disagreeing: one test each, of the providers selected."""
    from chatconform.judging.claims.conflicts import docs_conflicts

    wanted, state = _declared(parent.config), parent.config.stash[STATE_KEY]
    for conflict in docs_conflicts(judging(parent.config)):
        if wanted.shows(conflict.provider, conflict.model) and state.holds(conflict.provider, None):
            yield ConformanceItem.make(parent, f"docs-conflict.{conflict.id}", _run.docs_conflict, conflict)


def _declared(config):
    """The providers and models this run is about (--provider/--model, else [run]; --all-specs: all)."""
    from chatconform.providers import GENERIC
    from chatconform.pytest_plugin._project import declared

    # a --base-url run is about that endpoint alone: the generic contract, not every built-in provider
    providers = config.getoption("--provider") or ((GENERIC,) if config.getoption("--base-url") else ())
    data = config.stash[STATE_KEY].data
    return declared(data, providers, config.getoption("--model"), config.getoption("all_specs"))


def _live(parent: pytest.Collector, state: RunState) -> Iterator[ConformanceItem]:
    """Targets x scenarios; a target that cannot run (no key) is left out, with one line saying so."""
    from chatconform.live.scenarios import SCENARIOS
    from chatconform.live.targets import live_targets

    config, run = parent.config, judging(parent.config)
    targets = live_targets(
        state.data,
        config.getoption("--provider"),
        config.getoption("--model"),
        config.getoption("--base-url"),
        config.getoption("--api-key-env"),
    )
    left_out: dict[str, int] = {}
    targets = [(t, m) for t, m in targets if state.holds(t.provider, t.model)]
    scenarios = [*SCENARIOS, *_tool_calls(config.getoption("--tool-scenarios"))]
    for target, missing, scenario in (
        (t, m, s) for t, m in targets for s in scenarios if s.for_provider(t.provider, run)
    ):
        if missing:
            left_out[missing] = left_out.get(missing, 0) + 1
            continue
        yield ConformanceItem.make(parent, f"{target.id}-live-{scenario.id}", _run.live, (target, scenario))
    state.notes += [
        f"chatconform: {count} live test(s) not collected: {why}" for why, count in left_out.items()
    ]


def _tool_calls(wanted: str | None) -> list:
    """The shipped tool-call scenarios asked for with --tool-scenarios (none unless asked: each costs)."""
    from chatconform.live.scenarios import tool_calls

    return tool_calls(wanted) if wanted else []


def _locked(action):
    """Run `action` holding the project's lock, so xdist workers seed and pull the specs once."""
    import fcntl

    from chatconform.model.paths import cache_dir

    try:
        cache_dir().mkdir(parents=True, exist_ok=True)
        handle = open(cache_dir() / "specs-pull.lock", "a+")
    except OSError as err:
        raise UsageError(f"cannot create {cache_dir()} ({err.strerror or err})") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return action()
