"""One undo command base: every edit command of the GUI derives from EditCommand and
runs through its redo/undo (write, drop on failure, report one Change)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from PySide6.QtGui import QUndoCommand

import desktop.ui
from desktop.ui.undo import EditCommand


def undo_command_classes() -> list[type]:
    found = []
    for info in pkgutil.iter_modules(desktop.ui.__path__):
        module = importlib.import_module(f"desktop.ui.{info.name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, QUndoCommand) and value.__module__ == module.__name__:
                found.append(value)
    return found


def test_every_undo_command_derives_from_the_one_base():
    classes = undo_command_classes()
    names = {c.__name__ for c in classes}
    # the grids' and the chapter tabs' commands are both found
    assert {"SetValueCommand", "SetCoverCommand", "SetTableRows", "AddSection",
            "AddFigure"} <= names
    for command in classes:
        assert issubclass(command, EditCommand), command.__name__
        # nobody runs its own redo/undo: failures and reports are handled in one place
        assert command.redo is EditCommand.redo, command.__name__
        assert command.undo is EditCommand.undo, command.__name__
