"""The report's named operations: who the change log names."""

from __future__ import annotations

from desktop import settings
from desktop.report import Report


def test_the_change_log_names_the_user_from_settings(sample_path):
    prefs = settings.load()
    prefs.user_name = "王老师"
    settings.save(prefs)
    with Report.open(sample_path) as report:
        report.set_text("teachers", 2021, "502")
        assert report.file.changes(1)[0].user == "王老师"
