"""Hostile cassettes/ folders (issue 23, part 5): collection stays inside the project.

A symlink to `/` (or anywhere out of the project), a FIFO, a symlink loop and a symlink cycle are never
opened or walked into: each is one line and a row of its own (exit 2), in the plugin's collection and in
`verify`; an empty cassette is an error row of its own; a folder holding only an empty cassette never exits 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chatconform.cli import main
from chatconform.recording.cassettes import dump_cassette
from tests.builders import completion, interaction

ROOT = Path(__file__).resolve().parents[2]
REQUEST = {"model": "google/gemini-2.5-flash", "messages": [{"role": "user", "content": "Hi"}]}


def good(folder: Path) -> Path:
    path = folder / "aimlapi" / "ok.yaml"
    dump_cassette(
        path, [interaction(REQUEST, completion())], {"origin": "cassette", "notes": "adversarial data"}
    )
    return path


def hostile(project: Path) -> Path:
    """cassettes/ with one good cassette and every hostile entry beside it."""
    cassettes = project / "cassettes"
    good(cassettes)
    (cassettes / "root").symlink_to("/")
    (cassettes / "outside.yaml").symlink_to(
        ROOT / "cassettes" / "aimlapi" / "gemini-2.5-flash" / "docs-example.yaml"
    )
    os.mkfifo(cassettes / "aimlapi" / "pipe.yaml")
    (cassettes / "loop-a.yaml").symlink_to("loop-b.yaml")
    (cassettes / "loop-b.yaml").symlink_to("loop-a.yaml")
    (cassettes / "aimlapi" / "up").symlink_to("..")
    (cassettes / "empty.yaml").write_text("")
    return cassettes


def pytest_in(folder: Path, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATCONFORM_")}
    env.update(CHATCONFORM_SPECS=str(ROOT / "specs"), CHATCONFORM_CACHE=str(folder / ".cache"))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "cassettes", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow  # a pytest run in a subprocess
def test_the_plugin_skips_each_hostile_entry_with_a_row_of_its_own_and_judges_the_rest(tmp_path):
    (tmp_path / "chatconform.toml").write_text("[run]\nbudget_usd = 0.01\n")
    hostile(tmp_path)
    result = pytest_in(tmp_path)
    assert result.returncode == 2 and "INTERNALERROR" not in result.stdout, result.stdout[-3000:]
    rows = json.loads((tmp_path / "reports" / "results.json").read_text())["results"]
    problems = {Path(r["exchange"]).name: r["reason"] for r in rows if r["check"] == "input.unreadable"}
    assert set(problems) == {
        "root",
        "outside.yaml",
        "pipe.yaml",
        "loop-a.yaml",
        "loop-b.yaml",
        "up",
        "empty.yaml",
    }
    assert "symlink leading out of" in problems["root"] and "(to /)" in problems["root"]
    assert "symlink leading out of" in problems["outside.yaml"]
    assert "a FIFO" in problems["pipe.yaml"] and "symlink loop" in problems["loop-a.yaml"]
    assert "symlink cycle" in problems["up"] and "empty file" in problems["empty.yaml"]
    judged = [
        r
        for r in rows
        if r["exchange"]
        and r["exchange"].startswith(str(tmp_path / "cassettes" / "aimlapi"))
        and r["check"] != "input.unreadable"
    ]
    assert judged and {r["verdict"] for r in judged} == {"pass"}  # the good cassette, judged all the same


@pytest.mark.slow  # a pytest run in a subprocess
def test_a_folder_holding_only_an_empty_cassette_never_exits_0(tmp_path):
    (tmp_path / "chatconform.toml").write_text("[run]\nbudget_usd = 0.01\n")
    (tmp_path / "cassettes").mkdir()
    (tmp_path / "cassettes" / "empty.yaml").write_text("")
    result = pytest_in(tmp_path)
    assert result.returncode == 2 and "empty.yaml: empty file: not a cassette" in result.stdout, (
        result.stdout[-2000:]
    )
    assert main(["verify", str(tmp_path / "cassettes")]) == 2


def test_verify_skips_each_hostile_entry_with_one_line_and_judges_the_rest(tmp_path, capsys):
    cassettes = hostile(tmp_path)
    code = main(["verify", "--json", str(cassettes)])
    out, err = capsys.readouterr()
    judged = [json.loads(line)["cassette"] for line in out.splitlines()]
    assert code == 2 and judged == [str(cassettes / "aimlapi" / "ok.yaml")]
    lines = err.splitlines()
    for name, why in (
        ("root", "symlink leading out of"),
        ("outside.yaml", "symlink leading out of"),
        ("aimlapi/pipe.yaml", "a FIFO"),
        ("loop-a.yaml", "symlink loop"),
        ("aimlapi/up", "symlink cycle"),
        ("empty.yaml", "empty file"),
    ):
        assert (
            sum(line.startswith(f"chatconform: {cassettes / name}") and why in line for line in lines) == 1
        ), lines
    assert "Traceback" not in err


@pytest.mark.parametrize("text", ["", "\n", "# nothing\n"])
def test_an_empty_cassette_is_an_error_of_its_own_beside_good_ones(tmp_path, capsys, text):
    ok = good(tmp_path)
    (tmp_path / "empty.yaml").write_text(text)
    code = main(["verify", "--json", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 2 and [json.loads(line)["cassette"] for line in out.splitlines()] == [str(ok)]
    assert err.startswith(f"chatconform: {tmp_path / 'empty.yaml'}: empty file"), err
