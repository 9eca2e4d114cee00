"""`make bench`'s catalog part: what it counts, and how it says whether the timing targets hold."""

from __future__ import annotations

import pytest

from chatconform.recording.cassettes import dump_cassette
from tests.adversarial.spec_project import GOOD, NO_ID, base, chat_interaction, write_project
from tools.bench import scale as scalebench


@pytest.fixture
def project(tmp_path, monkeypatch):
    write_project(tmp_path, base())
    (tmp_path / "cassettes").mkdir()
    dump_cassette(
        tmp_path / "cassettes" / "two.yaml",
        [chat_interaction(GOOD), chat_interaction(NO_ID)],
        {"origin": "cassette"},
    )
    monkeypatch.setenv("CHATCONFORM_ROOT", str(tmp_path))
    monkeypatch.setenv("CHATCONFORM_CACHE", str(tmp_path / ".cache"))
    return tmp_path


def test_the_catalog_pass_counts_specs_exchanges_and_checks(project):
    found = scalebench.catalog_pass()
    assert (found["specs"], found["unloadable"], found["exchanges"]) == (1, 0, 2)
    assert found["checks"] >= 4  # the spec's rules and at least one claim, for each exchange
    assert list((project / ".cache").glob("prepared-*.bin"))  # it went through the cache as make check does


def _row(cold: float, warm: float) -> dict:
    counts = {"specs": 3, "unloadable": 0, "exchanges": 5, "checks": 40}
    return {
        "cold": {**counts, "wall_s": cold, "total_cpu_s": cold},
        "warm": {**counts, "wall_s": warm, "total_cpu_s": warm},
        "floor": {"wall_s": 0.5, "total_cpu_s": 0.5},
    }


def test_the_report_says_whether_the_targets_hold():
    good = "\n".join(scalebench.report(_row(12.0, 2.0)))
    assert "3 specs" in good and "5 exchanges" in good and "40 checks" in good and "MISSED" not in good
    assert "4.00x" in good  # warm against the floor measured in the same run
    slow = scalebench.report(_row(scalebench.TARGET_COLD_S + 1, scalebench.TARGET_WARM_S + 1))
    assert sum("MISSED" in line for line in slow) == 2


def test_the_make_check_lines_say_whether_the_targets_hold_beside_the_pytest_floor():
    def row(cold, warm):
        return {
            "cold": {"wall_s": cold, "total_cpu_s": cold, "exit": 0},
            "warm": {"wall_s": warm, "total_cpu_s": warm, "exit": 0},
            "tests": 2818,
            "floor": {"wall_s": 4.0, "total_cpu_s": 4.0, "exit": 0},
        }

    good = "\n".join(scalebench.report_make_check(row(30.0, 8.0)))
    assert "2818 tests" in good and "MISSED" not in good and "2.00x its wall time" in good
    slow = scalebench.report_make_check(row(scalebench.TARGET_COLD_S + 1, scalebench.TARGET_WARM_S + 1))
    assert sum("MISSED" in line for line in slow) == 2


def test_the_make_check_steps_are_the_makefiles(tmp_path):
    from pathlib import Path

    pull, lint, check = scalebench.make_check_steps(tmp_path)
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert pull[3:5] == ["specs", "pull"] and "chatconform specs pull $(PULL_FLAGS)" in makefile
    assert lint[-2:] == ["specs", "lint"] and "specs lint > reports/spec-lint.txt &" in makefile
    assert check[3:6] == ["check", "--mode", "replay"] and "chatconform check --mode replay" in makefile
