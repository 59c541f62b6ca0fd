"""The schema's generated shape (db/schema_shape.py) is what the migrations make, and files
at an older migration still open (and are upgraded)."""

from __future__ import annotations

import sqlite3

import pytest

from db import schema, schema_shape
from db.store import ReportFile, ReportFileError


def test_the_shape_file_is_what_the_migrations_make():
    # regenerate with `python -m db.schema` after adding a migration
    assert schema.SHAPE_FILE.read_text(encoding="utf-8") == schema.shape_module()
    assert tuple(schema.known_names()) == schema_shape.MIGRATIONS
    assert schema_shape.APPLICATION_ID == schema.APPLICATION_ID


def _at_first_migration(path):
    """A report file as the first released program made it (before 0003_chart)."""
    from sqlite_utils import Database

    db = Database(path, execute_plugins=False)
    schema.migrations.apply(db, stop_before="0003_chart")
    db.execute("INSERT INTO meta(key, value) VALUES ('school', '甲')")
    db.execute("PRAGMA journal_mode = WAL")
    db.conn.close()


def test_a_file_at_an_older_migration_is_upgraded_on_open(tmp_path):
    path = tmp_path / "old.qreport"
    _at_first_migration(path)
    with ReportFile.open(path, exclusive=True) as f:
        assert f.meta() == {"school": "甲"}
        assert "chart" in [r[1] for r in f.db.execute("PRAGMA table_info(figure)")]
    conn = sqlite3.connect(path)
    applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    conn.close()
    assert applied == list(schema_shape.MIGRATIONS)


def test_a_file_with_a_column_removed_is_refused(tmp_path):
    path = tmp_path / "old.qreport"
    _at_first_migration(path)
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE change DROP COLUMN source")
    conn.commit()
    conn.close()
    with pytest.raises(ReportFileError, match="change 的列或键被改动过"):
        ReportFile.open(path)
