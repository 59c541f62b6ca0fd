"""Markers a test can wait for: the moment a process reaches a point worth killing it at.

Only when QREPORT_TEST_MARKERS names a file does `mark` do anything: it appends one word
and a newline, unbuffered, so a watching test sees it before the next statement runs.
The durability tests use it to kill `qreport import` inside its write transaction.
"""

from __future__ import annotations

import os

ENV = "QREPORT_TEST_MARKERS"


def mark(word: str) -> None:
    path = os.environ.get(ENV)
    if path:
        with open(path, "a", encoding="ascii") as out:
            out.write(word + "\n")
