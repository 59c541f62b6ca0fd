"""The Qt binding itself: the pin in pyproject.toml exists because of this."""

from __future__ import annotations

import sys


def test_void_calls_do_not_leak_references_to_none(qapp):
    """PySide6-Essentials 6.12.0 under Python 3.11 drops a reference to None on every void
    method call; after a few thousand edits the interpreter aborts ("deallocating None")."""
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    before = sys.getrefcount(None)
    for _ in range(2000):
        widget.setObjectName("probe")
    assert abs(sys.getrefcount(None) - before) < 50
