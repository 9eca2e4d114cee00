"""Allure's result and attachment files written by a child process beside the tests, not between them.

allure-pytest writes one result file per test as the test ends, and one file per attachment. Creating a
file costs about half a millisecond of kernel time here, which for a catalog's thousands of tests (three
files each) is seconds the tests wait for. The results are still made by allure-pytest and serialised as it
does; only the writing moves to a child process on the other core (report/_file_sink.py). Not a thread:
the tests hold the GIL, so a writer thread got it so rarely that nearly every file was still queued when
the tests ended. The run waits for the last file before pytest ends. Every test keeps files of its own:
Allure 3 binds an attachment file to one test and shows it as missing in any other that names it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import allure
import attr

from chatconform.reporting._file_sink import write_one

_active: list = []  # the running ResultWriter, while one is set up
PIPE_BYTES = 1 << 20  # Linux's default ceiling for an unprivileged process (/proc/sys/fs/pipe-max-size)


class ResultWriter:
    """Sends Allure's files to a writing child process; close() waits until every file is written."""

    def __init__(self, report_dir: Path):
        self.report_dir = Path(report_dir)
        self.failed: list[str] = []
        self.reporter = None  # allure-pytest's reporter, set by take_over
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

    def put(self, name: str, body: bytes) -> None:
        """Have one file written (by the child, or here once it is gone)."""
        if self.child is not None:
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
        if self in _active:
            _active.remove(self)
        if self.child is not None:
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


VERDICT = "cc_verdict"  # the attribute annotate() leaves on a test's Allure result: (verdict, why)
_RANK = {"failed": 0, "broken": 1, "skipped": 2, "passed": 3}  # worst first


def settle(item) -> None:
    """A test's Allure status from its verdict (the tally's mapping), never better than pytest's own: a gap
    or an unavailable provider is broken even where pytest skipped or passed it; a stale deviation stays
    failed."""
    from allure_commons.model2 import StatusDetails

    from chatconform.reporting.tally import allure_status

    verdict, why = getattr(item, VERDICT, (None, None))
    status = allure_status(verdict)
    if status is None or _RANK.get(item.status, 0) <= _RANK[status]:
        return
    item.status = status
    if not (item.statusDetails and item.statusDetails.message):
        item.statusDetails = StatusDetails(message=f"{verdict}: {why}" if why else verdict)


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
    """Move the running allure-pytest file logger's writing to a child process (None: no Allure results)."""
    from allure_commons import plugin_manager
    from allure_commons.logger import AllureFileLogger

    for plugin in plugin_manager.get_plugins():
        # its report_result and report_container hooks both call self._report_item: that is what moves
        if type(plugin) is AllureFileLogger and callable(getattr(plugin, "_report_item", None)):
            writer = ResultWriter(plugin._report_dir)
            writer.reporter = _reporter()  # looked up once: an attachment asks for it in every test
            plugin._report_item = writer.report_item
            _active.append(writer)
            config.add_cleanup(writer.close)  # runs before allure-pytest's own cleanup unregisters the logger
            return writer
    return None


def attach(body: str, name: str, kind) -> None:
    """allure.attach(body, name, kind), the file written by the writing process when one is set up."""
    from allure_commons.model2 import Attachment

    test = current_test()
    if test is None:
        allure.attach(body, name, kind)
        return
    source = f"{uuid.uuid4()}-attachment.{kind.extension}"
    test.attachments.append(Attachment(name=name, source=source, type=kind.mime_type))
    _active[-1].put(source, body.encode("utf-8"))


def current_test():
    """The Allure result of the running test, when allure-pytest is writing results (else None)."""
    reporter = _active[-1].reporter if _active else None
    return reporter.get_test(None) if reporter is not None else None


def _reporter():
    """allure-pytest's reporter (the listener's), which holds the running test's result; None without one."""
    from allure_commons import plugin_manager

    for plugin in plugin_manager.get_plugins():
        reporter = getattr(plugin, "allure_logger", None)
        if reporter is not None:
            return reporter
    return None
