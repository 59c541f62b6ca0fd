"""Fixtures for the GUI tests: real widgets on a real copy of the sample report."""

from __future__ import annotations

import os

# Before any QApplication exists: tests run headless on CI and developer machines alike.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest


@pytest.fixture
def report_copy(sample_path: Path, tmp_path: Path, monkeypatch) -> Path:
    """A private copy of the sample in tmp_path, with settings and backups under tmp_path."""
    monkeypatch.setenv("QREPORT_HOME", str(tmp_path / "home"))
    return sample_path


@pytest.fixture
def window(qtbot, report_copy):
    """The main window on the sample copy, shown, with the lock held as in real use."""
    from tests.desktop.ui.driving import open_window

    win = open_window(qtbot, report_copy)
    yield win
    win.close()


@pytest.fixture
def data_tab(window):
    window.tabs.setCurrentWidget(window.data_tab)
    return window.data_tab


@pytest.fixture
def on_disk(report_copy):
    """Read the file back through a fresh connection: what is stored, not what is shown."""
    from desktop.report import Report

    class OnDisk:
        def value(self, indicator: str, year: int) -> str | None:
            with Report.open(report_copy) as report:
                return report.file.value(indicator, year)

        def note(self, indicator: str, year: int) -> str:
            with Report.open(report_copy) as report:
                return report.file.notes().get((indicator, year), "")

        def meta(self, key: str) -> str:
            with Report.open(report_copy) as report:
                return report.file.get_meta(key)

    return OnDisk()


@pytest.fixture(scope="session", autouse=True)
def _leave_the_clipboard_as_the_application_does(qapp):
    """pytest-qt's application never quits, so run the application's own exit step
    (desktop.ui.app.release_clipboard) when the session ends, as a real quit does."""
    yield
    from desktop.ui.app import release_clipboard

    release_clipboard()
