"""Allure's files written by a child process (report/allure_writer.py, report/_file_sink.py): none lost,
none outside the folder, a writer that dies is said and the rest still written; old results removed aside."""

from __future__ import annotations

import subprocess
import sys

from chatconform.cli.check import _remove_in_background
from chatconform.reporting.allure_writer import ResultWriter


def test_every_file_sent_is_written_whole(tmp_path):
    writer = ResultWriter(tmp_path)
    sent = {f"{n:04d}-result.json": (b'{"n": %d}' % n) * (n % 7 + 1) for n in range(300)}
    for name, body in sent.items():
        writer.put(name, body)
    writer.close()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == sent


def test_a_name_with_a_folder_in_it_is_refused_and_said(tmp_path, capsys):
    folder = tmp_path / "results"
    folder.mkdir()
    writer = ResultWriter(folder)
    writer.put("../escaped-result.json", b"{}")
    writer.put("kept-result.json", b"{}")
    writer.close()
    assert not (tmp_path / "escaped-result.json").exists() and (folder / "kept-result.json").is_file()
    assert "not a plain file name" in capsys.readouterr().err


def test_a_writer_that_dies_is_said_and_later_files_are_still_written(tmp_path, capsys):
    writer = ResultWriter(tmp_path)
    writer.put("first-result.json", b"{}")
    writer.child.kill()
    writer.child.wait()
    for n in range(50):  # the pipe breaks within these writes; the rest are written in this process
        writer.put(f"{n:02d}-later-result.json", b"x" * 4096)
    writer.close()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ended early" in err
    assert (tmp_path / "49-later-result.json").read_bytes() == b"x" * 4096


def test_a_cut_frame_is_reported_not_written(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "chatconform.reporting._file_sink", str(tmp_path)],
        input=b"cut-result.json\t100\n{}",
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 1 and b"cut short" in done.stderr and not list(tmp_path.iterdir())


def test_old_results_are_moved_aside_and_removed_in_the_background(tmp_path):
    old = tmp_path / "allure-results"
    old.mkdir()
    for n in range(200):
        (old / f"{n}-result.json").write_text("{}")
    remover = _remove_in_background(old)
    assert not old.exists()  # out of the way at once: the new run writes a fresh folder
    assert remover.wait(timeout=60) == 0
    assert list(tmp_path.iterdir()) == []


def test_results_are_serialised_as_allure_s_own_file_logger_does():
    import attr
    from allure_commons.model2 import (
        Attachment,
        Label,
        Link,
        Parameter,
        StatusDetails,
        TestResult,
        TestResultContainer,
        TestStepResult,
    )
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from chatconform.reporting.allure_writer import plain

    text = st.one_of(st.none(), st.text(max_size=5))
    flag = st.one_of(st.none(), st.booleans(), st.integers(-1, 1))
    labels = st.lists(st.builds(Label, name=text, value=text), max_size=3)
    params = st.lists(st.builds(Parameter, name=text, value=text, excluded=flag, mode=text), max_size=2)
    files = st.lists(st.builds(Attachment, name=text, source=text, type=text), max_size=2)
    details = st.one_of(st.none(), st.builds(StatusDetails, known=flag, flaky=flag, message=text, trace=text))
    steps = st.recursive(
        st.just([]),
        lambda inner: st.lists(
            st.builds(
                TestStepResult,
                name=text,
                status=text,
                statusDetails=details,
                steps=inner,
                attachments=files,
                parameters=params,
                start=flag,
            ),
            max_size=2,
        ),
        max_leaves=4,
    )
    results = st.builds(
        TestResult,
        uuid=text,
        name=text,
        fullName=text,
        status=text,
        statusDetails=details,
        labels=labels,
        links=st.lists(st.builds(Link, type=text, url=text, name=text), max_size=2),
        parameters=params,
        attachments=files,
        steps=steps,
        start=flag,
        stop=st.integers(),
        titlePath=st.lists(st.text(max_size=3), max_size=2),
    )
    containers = st.builds(
        TestResultContainer,
        uuid=text,
        children=st.lists(st.text(max_size=3), max_size=2),
        befores=st.lists(st.builds(TestStepResult, name=text, steps=steps), max_size=1),
    )

    @settings(max_examples=300, deadline=None)
    @given(st.one_of(results, containers))
    def same(item):
        assert plain(item) == attr.asdict(item, filter=lambda _, v: v or v is False)

    same()


def test_the_writer_takes_the_file_logger_s_place_through_allure_commons_and_gives_it_back(tmp_path):
    import json

    from allure_commons import plugin_manager
    from allure_commons.logger import AllureFileLogger
    from allure_commons.model2 import Parameter, TestResult
    from allure_commons.utils import represent

    from chatconform.reporting.allure_writer import VERDICT, take_over

    class Config:
        def __init__(self):
            self.cleanups = []

        def getoption(self, name, default=None):
            return str(tmp_path) if name == "allure_report_dir" else default

        def add_cleanup(self, func):
            self.cleanups.append(func)

    logger = AllureFileLogger(tmp_path)
    plugin_manager.register(logger, "file-logger")
    config = Config()
    try:
        writer = take_over(config)
        assert writer is not None and logger not in plugin_manager.get_plugins()
        rows = [["usage.total_is_sum", "gap", "no usage"], ["n.choices_match", "pass", None]]
        said = json.dumps({"verdict": "gap", "why": "no usage", "rows": rows})
        result = TestResult(
            uuid="u1",
            name="t",
            status="skipped",
            start=1,
            parameters=[Parameter(name=VERDICT, value=represent(said), excluded=True, mode="hidden")],
        )
        plugin_manager.hook.report_result(result=result)  # what allure-pytest's reporter calls
        plugin_manager.hook.report_attached_data(body="evidence", file_name="a1-attachment.json")
        for cleanup in config.cleanups:
            cleanup()
        assert (
            plugin_manager.get_plugin("file-logger") is logger and writer not in plugin_manager.get_plugins()
        )
    finally:
        if plugin_manager.get_plugin("file-logger") is not None:
            plugin_manager.unregister(name="file-logger")
    [written] = [json.loads(p.read_text()) for p in tmp_path.glob("*-result.json")]
    assert written["status"] == "broken" and written["statusDetails"]["message"] == "gap: no usage"
    assert "parameters" not in written  # the carried verdict is read, never written
    assert [(s["name"], s["status"]) for s in written["steps"]] == [
        ("usage.total_is_sum: gap", "broken"),
        ("n.choices_match: pass", "passed"),
    ]
    assert (tmp_path / "a1-attachment.json").read_text() == "evidence"
