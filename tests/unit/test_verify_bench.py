"""`make bench`'s verify part: the lines it prints come from the measured numbers, and the targets are
judged."""

from tools.bench import verify as bench


def _row(per_second: float, ratio: float) -> dict:
    verify_s = 5000 / per_second
    return {
        "corpus": "small",
        "interactions": 5000,
        "exit": 0,
        "rounds": 3,
        "verify_cpu_s": verify_s,
        "baseline_cpu_s": verify_s / ratio,
        "yaml_cpu_s": 0.625,
        "reader_cpu_s": 0.25,
        "per_second": per_second,
        "ratio": ratio,
    }


def test_the_targets_hold_or_are_missed_by_the_numbers():
    assert bench.TARGET_RATIO == 1.5  # issue 21's
    assert "holds; target <= 1.5x baseline: holds" in bench.verdicts(_row(6000, 1.5))[0]
    assert "/CPU s: MISSED" in bench.verdicts(_row(4000, 1.2))[0]
    assert bench.verdicts(_row(6000, 1.51))[0].endswith("MISSED")
    assert bench.verdicts(_row(100, 1.6), speed=False) == ["  target <= 1.5x baseline: MISSED"]


def test_the_median_of_the_fresh_processes_is_judged_and_every_ratio_shown():
    rows = [_row(6000, 1.7), _row(6000, 1.2), _row(6000, 1.4)]
    median = bench.median_row(rows)
    assert median["ratio"] == 1.4 and median["ratios"] == [1.7, 1.2, 1.4]
    assert bench.fresh_lines(median) == [
        "  processes: 1.70x, 1.20x, 1.40x in 3 fresh processes; the median is shown"
    ]


def test_the_report_shows_the_c_loader_and_the_reader_each_with_its_rate():
    lines = bench.report(_row(6000, 2.0))
    assert any("C YAML loader alone (8000 interactions per CPU s)" in line for line in lines)
    assert any(line.startswith("  reader ") and "(20000 interactions per CPU s)" in line for line in lines)


def test_the_reader_and_the_loader_count_the_same_interactions(tmp_path):
    paths = bench.write_small_corpus(tmp_path, count=150)
    assert bench.run_reader(paths) == bench.run_yaml_only(paths) == bench.count_interactions(paths) == 150


def test_the_anthropic_workload_is_conforming_and_its_baseline_validates_every_event(tmp_path, spec_store):
    """Whole messages and their streams, judged clean by verify; the baseline checks each body and each event
    against Anthropic's own contract (the spec a loopback /v1/messages is judged by), not OpenAI's."""
    from tools.bench.anthropic import DELTAS, message_interaction

    whole = bench.write_small_corpus(tmp_path / "whole", count=10, make=message_interaction)
    streamed = bench.write_small_corpus(
        tmp_path / "streamed", count=10, make=lambda i: message_interaction(i, streamed=True)
    )
    assert bench.run_verify(whole, spec_store) == 0 and bench.run_verify(streamed, spec_store) == 0
    assert "&id" not in whole[0].read_text()  # no YAML alias, which no recorded cassette has
    assert bench.run_baseline(whole, spec_store) == 10
    assert bench.run_baseline(streamed, spec_store) == 10 * (
        DELTAS + 5
    )  # start, block start/stop, delta, stop
    spec, media = bench._pointers(spec_store, message_interaction(0)["request"]["uri"], "{}")
    assert spec.source.id == "anthropic/messages" and media["text/event-stream"].endswith(
        "/MessageStreamEvent"
    )
