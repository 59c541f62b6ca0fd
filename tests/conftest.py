"""Fixtures shared by the whole suite: the bundled sample as a real report file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.report import Report
from desktop.sample import write_sample

pytest_plugins = ["tests.disks"]  # small_disk, public_dir: real full and read-only disks


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Settings, backups and the sample location never touch the developer's own."""
    monkeypatch.setenv("QREPORT_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def _sample_master(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("master") / "sample.qreport"
    write_sample(path).close()
    return path


@pytest.fixture
def sample_path(_sample_master, tmp_path) -> Path:
    """A fresh copy of the sample report, private to the test."""
    path = tmp_path / "sample.qreport"
    shutil.copyfile(_sample_master, path)  # the master is closed and checkpointed
    return path


@pytest.fixture
def sample_report(sample_path):
    with Report.open(sample_path) as report:
        yield report


@pytest.fixture(scope="session")
def sample_document(_sample_master):
    from desktop import assemble

    with Report.open(_sample_master) as report:
        return assemble.build(report)


@pytest.fixture
def empty_report(tmp_path):
    with Report.create(tmp_path / "empty.qreport", "测试职业学校", "2022", 2021) as report:
        yield report
