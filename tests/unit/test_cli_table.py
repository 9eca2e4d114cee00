"""Every command of the command line is registered in one table, cli.COMMANDS: what --help lists is that
table, in its order, and a row is all a new command needs."""

from __future__ import annotations

import re

import pytest

from chatconform import cli


def listed(capsys) -> list[str]:
    """The commands `chatconform --help` lists, in its order."""
    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    block = capsys.readouterr().out.split("COMMAND\n", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^    (\S+)", block, re.M)


def test_help_lists_exactly_the_table_in_its_order(capsys):
    names = [name for name, _ in cli.COMMANDS]
    assert len(set(names)) == len(names) >= 12
    assert listed(capsys) == names


def add_hello(sub, name: str) -> None:
    """A command a test adds with one row of the table."""
    hello = sub.add_parser(name, help="say hello")
    hello.set_defaults(func=lambda args: print("hello") or 0)


def test_one_row_adds_a_command(capsys, monkeypatch):
    monkeypatch.setattr(cli, "COMMANDS", (*cli.COMMANDS, ("hello", f"{__name__}:add_hello")))
    assert listed(capsys)[-1] == "hello"
    assert cli.main(["hello"]) == 0 and capsys.readouterr().out == "hello\n"
