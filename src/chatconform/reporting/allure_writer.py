"""Allure's result and attachment files written by a child process beside the tests, not between them.

allure-pytest writes one result file per test as the test ends, and one file per attachment. Creating a
file costs about half a millisecond of kernel time here, which for a catalog's thousands of tests (three
files each) is seconds the tests wait for. The results are still made by allure-pytest and serialised as it
does; only the writing moves to a child process on the other core (report/_file_sink.py). Not a thread:
the tests hold the GIL, so a writer thread got it so rarely that nearly every file was still queued when
the tests ended. The run waits for the last file before pytest ends. Every test keeps files of its own:
Allure 3 binds an attachment file to one test and shows it as missing in any other that names it.

Only allure_commons' public plugin API is used: the writer is an allure_commons plugin (its report_* hooks)
put in place of allure-pytest's file logger for the run, and the file logger registered again after it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import attr
from allure_commons import hookimpl, plugin_manager

from chatconform.reporting._file_sink import write_one

PIPE_BYTES = 1 << 20  # Linux's default ceiling for an unprivileged process (/proc/sys/fs/pipe-max-size)


class ResultWriter:
    """Sends Allure's files to a writing child process; close() waits until every file is written."""

    def __init__(self, report_dir: Path):
        self.report_dir = Path(report_dir)
        self.failed: list[str] = []
        self.child: subprocess.Popen[bytes] | None
        try:
            self.child = subprocess.Popen(
                [sys.executable, "-m", "chatconform.reporting._file_sink", str(report_dir)],
                stdin=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError:
            self.child = None  # no child: each file is written here, as allure-pytest would
        else:
            _widen(self.child.stdin)

    def report_item(self, item) -> None:
        """Serialise an Allure result or container as AllureFileLogger does, and send its file."""
        indent = 4 if os.environ.get("ALLURE_INDENT_OUTPUT") else None
        settle(item)
        name = item.file_pattern.format(prefix=uuid.uuid4())
        data = plain(item)
        self.put(name, json.dumps(data, indent=indent, ensure_ascii=False).encode("utf-8"))

    @hookimpl
    def report_result(self, result) -> None:
        self.report_item(result)

    @hookimpl
    def report_container(self, container) -> None:
        self.report_item(container)

    @hookimpl
    def report_globals(self, globals_item) -> None:
        self.report_item(globals_item)

    @hookimpl
    def report_attached_data(self, body, file_name) -> None:
        self.put(file_name, body.encode("utf-8") if isinstance(body, str) else bytes(body))

    @hookimpl
    def report_attached_file(self, source, file_name) -> None:
        self.put(file_name, Path(source).read_bytes())

    def put(self, name: str, body: bytes) -> None:
        """Have one file written (by the child, or here once it is gone)."""
        if self.child is not None:
            assert self.child.stdin is not None  # opened with stdin=PIPE
            try:
                self.child.stdin.write(f"{name}\t{len(body)}\n".encode() + body)
                return
            except (BrokenPipeError, ValueError):
                self.failed.append("the writing process ended early; files sent to it may be missing")
                self.child = None
        problem = write_one(str(self.report_dir), name, body)
        if problem:
            self.failed.append(problem)

    def close(self) -> None:
        """Wait until every file is written; one line if some could not be."""
        if self.child is not None:
            assert self.child.stdin is not None and self.child.stderr is not None  # both opened as pipes
            try:
                self.child.stdin.close()
            except BrokenPipeError:
                self.failed.append("the writing process ended early; files sent to it may be missing")
            said = self.child.stderr.read().decode("utf-8", "replace").strip()
            if self.child.wait() != 0:
                self.failed.append(
                    said.splitlines()[-1] if said else f"the writer exited {self.child.returncode}"
                )
        if self.failed:
            print(
                f"chatconform: Allure results in {self.report_dir}: {self.failed[0]}"
                + (f" (and {len(self.failed) - 1} more)" if len(self.failed) > 1 else ""),
                file=sys.stderr,
            )


# A hidden, history-neutral parameter annotate() leaves on a test's Allure result (allure.dynamic.parameter,
# the public way to reach the running test): its verdict, why, and the rows it judged; read and removed here.
VERDICT = "cc_verdict"
_RANK = {"failed": 0, "broken": 1, "skipped": 2, "passed": 3}  # worst first


def carry_verdict(verdict: str, why: str | None, rows: list[tuple[str, str, str | None]]) -> None:
    """Leave the test's verdict (and each row it judged, when several) for settle() to apply when it is
    written."""
    import allure

    said = json.dumps({"verdict": verdict, "why": why, "rows": rows}, ensure_ascii=False)
    allure.dynamic.parameter(VERDICT, said, excluded=True, mode=allure.parameter_mode.HIDDEN)


def settle(item) -> None:
    """A test's Allure status from its verdict (the tally's mapping), never better than pytest's own: a gap
    or an unavailable provider is broken even where pytest skipped or passed it; a stale deviation stays
    failed. A test that judged several rows (a live call: one per check) gets one step per row."""
    carried = next((p for p in getattr(item, "parameters", None) or () if p.name == VERDICT), None)
    if carried is None:
        return
    item.parameters.remove(carried)
    said = json.loads(carried.value[1:-1])  # allure quotes a str parameter's value: '...'
    _steps(item, said["rows"])
    verdict, why = said["verdict"], said["why"]
    from allure_commons.model2 import StatusDetails

    from chatconform.reporting.tally import allure_status

    status = allure_status(verdict)
    if status is None or _RANK.get(item.status, 0) <= _RANK[status]:
        return
    item.status = status
    if not (item.statusDetails and item.statusDetails.message):
        item.statusDetails = StatusDetails(message=f"{verdict}: {why}" if why else verdict)


def _steps(item, rows) -> None:
    """One step per judged row, with that row's status, so Allure shows every row results.json counts."""
    from allure_commons.model2 import Parameter, StatusDetails, TestStepResult

    from chatconform.reporting.tally import allure_status

    for check, verdict, reason in rows:
        item.steps.append(
            TestStepResult(
                name=f"{check}: {verdict}",
                status=allure_status(verdict),
                statusDetails=StatusDetails(message=reason) if reason else None,
                parameters=[Parameter("verdict", verdict)],
                start=item.start,
                stop=item.start,
            )
        )


def _widen(pipe) -> None:
    """Let the pipe hold up to 1 MiB (Linux; 64 KiB by default) so the tests do not wait each time the child
    is a few files behind: a catalog run sends ~17 MB in ~6,300 files, the child catches up between them."""
    import fcntl

    try:
        fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (OSError, ValueError):
        pass  # another system, or a lower limit: the default size only makes the tests wait more often


_FIELDS: dict[type, tuple[str, ...]] = {}  # an attrs class -> its field names, in order


def plain(value):
    """What AllureFileLogger writes for an Allure model object: `attr.asdict(item, filter=lambda _, v: v or v
    is False)`, built ~2.5x faster (asdict works each class out again for every object; a catalog run has
    ~100,000)."""
    names = _FIELDS.get(type(value))
    if names is None and attr.has(type(value)):
        names = _FIELDS.setdefault(type(value), tuple(field.name for field in attr.fields(type(value))))
    if names is not None:
        out = {}
        for name in names:
            field = getattr(value, name)
            if field or field is False:  # asdict's filter: empty and None fields are left out, False kept
                out[name] = plain(field)
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(item) for item in value]
    if isinstance(value, dict):  # (no Allure model field is one; asdict keeps keys as they are too)
        return {key: plain(item) for key, item in value.items()}
    return value


def take_over(config) -> ResultWriter | None:
    """Have a ResultWriter write the run's Allure files in place of allure-pytest's file logger (None: no
    Allure results); the file logger is registered again, under its own name, when the run ends."""
    from allure_commons.logger import AllureFileLogger

    report_dir = config.getoption("allure_report_dir", None)
    loggers = [p for p in plugin_manager.get_plugins() if isinstance(p, AllureFileLogger)]
    if not report_dir or not loggers:
        return None
    writer = ResultWriter(Path(report_dir).absolute())  # the folder allure-pytest made its logger for
    named = [(plugin_manager.get_name(logger), logger) for logger in loggers]
    for _, logger in named:
        plugin_manager.unregister(logger)
    plugin_manager.register(writer)

    def give_back() -> None:
        # runs before allure-pytest's own cleanup (added earlier), which unregisters its logger by name
        plugin_manager.unregister(writer)
        for name, logger in named:
            plugin_manager.register(logger, name)
        writer.close()

    config.add_cleanup(give_back)
    return writer
