"""`make bench`'s verify part: the lines it prints come from the measured numbers, and the targets are judged."""

from chatconform.bench import verify as bench


def _row(per_second: float, ratio: float) -> dict:
    verify_s = 5000 / per_second
    return {"corpus": "small", "interactions": 5000, "exit": 0, "rounds": 3, "verify_cpu_s": verify_s,
            "baseline_cpu_s": verify_s / ratio, "yaml_cpu_s": 0.625, "reader_cpu_s": 0.25,
            "per_second": per_second, "ratio": ratio}


def test_the_targets_hold_or_are_missed_by_the_numbers():
    assert "holds; target <= 2.5x baseline: holds" in bench.verdicts(_row(6000, 2.0))[0]
    assert "/CPU s: MISSED" in bench.verdicts(_row(4000, 2.0))[0]
    assert bench.verdicts(_row(6000, 3.0))[0].endswith("MISSED")
    assert bench.verdicts(_row(100, 2.6), speed=False) == ["  target <= 2.5x baseline: MISSED"]


def test_the_report_shows_the_c_loader_and_the_reader_each_with_its_rate():
    lines = bench.report(_row(6000, 2.0))
    assert any("C YAML loader alone (8000 interactions per CPU s)" in line for line in lines)
    assert any(line.startswith("  reader ") and "(20000 interactions per CPU s)" in line for line in lines)


def test_the_reader_and_the_loader_count_the_same_interactions(tmp_path):
    paths = bench.write_small_corpus(tmp_path, count=150)
    assert bench.run_reader(paths) == bench.run_yaml_only(paths) == bench.count_interactions(paths) == 150
