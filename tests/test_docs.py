"""The README's command list says what the command line takes (sqlite-utils keeps its docs so)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from desktop import cli

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands(parser: argparse.ArgumentParser, prefix: str = "qreport"):
    """(command words, its options) for every command and subcommand of the parser."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                words = f"{prefix} {name}"
                options = {o for a in sub._actions for o in a.option_strings if o.startswith("--")}
                options -= {"--help"}
                nested = list(_commands(sub, words))
                yield from nested or [(words, options)]


def test_every_command_and_option_is_in_the_readme():
    block = README.read_text(encoding="utf-8").split("## Command line", 1)[1].split("```")[1]
    lines = block.splitlines()
    for words, options in _commands(cli._parser()):
        entry = [line for line in lines if re.match(re.escape(words) + r"(\s|$)", line)]
        assert entry, f"README lists no `{words}`"
        for option in options:
            assert option in block, f"README does not mention {option} of `{words}`"
