"""Schema of the report file as sqlite-utils migrations.

A migration is never edited once released: a new column is a new migration. A file
holding a migration this program does not know came from a newer program and is
refused rather than guessed at.

sqlite-utils is needed only to create a file or upgrade an older one: opening, reading and
writing a current report go through db.store's own connection, which checks the file
against db/schema_shape.py (db/schema_check.py), the shape these migrations make, written by
`python -m db.schema` (a test keeps the two equal).
"""

from __future__ import annotations

import pprint
import sys
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from db.schema_check import shape

APPLICATION_ID = 0x51524550  # "QREP": marks an SQLite file as a qreport report
MIGRATION_SET = "qreport"

migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    # One row per indicator (or fact) and data year; value is the canonical text.
    db["value"].create({"indicator": str, "year": int, "value": str}, pk=("indicator", "year"))
    db["note"].create({"indicator": str, "year": int, "text": str}, pk=("indicator", "year"))
    # Sections: each chapter has one root (parent NULL) holding the chapter's own text.
    db["section"].create(
        {"id": int, "chapter": str, "parent": int, "position": int, "title": str, "text": str},
        pk="id",
        foreign_keys=[("parent", "section", "id")],
    )
    db["section"].create_index(["chapter", "parent", "position"])
    # Tables and figures share `position` within a section; `after` is the number of
    # paragraphs of the section text that precede them.
    db["tbl"].create(
        {"id": int, "section": int, "kind": str, "ref": str, "caption": str,
         "after": int, "position": int, "stated_total": str},
        pk="id",
        foreign_keys=[("section", "section", "id")],
    )
    db["tbl_row"].create(
        {"id": int, "tbl": int, "position": int, "cells": str},
        pk="id",
        foreign_keys=[("tbl", "tbl", "id")],
    )
    db["tbl_row"].create_index(["tbl", "position"])
    db["figure"].create(
        {"id": int, "section": int, "caption": str, "after": int, "position": int},
        pk="id",
        foreign_keys=[("section", "section", "id")],
    )
    db["photo"].create(
        {"id": int, "figure": int, "position": int, "caption": str,
         "width": int, "height": int, "data": bytes},
        pk="id",
        foreign_keys=[("figure", "figure", "id")],
    )
    db["photo"].create_index(["figure", "position"])
    # A value as a chapter's fixed table printed it, when that differs from the indicator
    # (kept from imported publications so that `check` can report the contradiction).
    db["stated"].create(
        {"tbl": str, "indicator": str, "year": int, "value": str},
        pk=("tbl", "indicator", "year"),
    )
    db["change"].create(
        {"id": int, "at": str, "user": str, "kind": str, "target": str,
         "old": str, "new": str, "source": str},
        pk="id",
    )
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


@migrations(name="0003_chart")
def chart(db: Database) -> None:
    # A figure can be a chart instead of photos: its spec as JSON (desktop.charts), else NULL.
    db["figure"].add_column("chart", str)


def known_names() -> list[str]:
    return [m.name for m in migrations._migrations]


class _Through(Database):
    """sqlite-utils' view of db.store's connection: each migration's transaction is that
    connection's own (stamped and checkpointed like every write of the file)."""

    def __init__(self, connection):
        super().__init__(connection.conn, execute_plugins=False)
        self._connection = connection

    def atomic(self):
        return self._connection.atomic()


def apply(connection, stop_before: str | None = None) -> None:
    """Apply the pending migrations to db.store's open connection (`stop_before`: the
    first one not to apply)."""
    migrations.apply(_Through(connection), stop_before=stop_before)


def shapes() -> dict[int, dict]:
    """The shape (db.schema_check.shape) of a file holding the first n migrations, for every n."""
    result = {}
    names = known_names()
    for n in range(len(names) + 1):
        memory = Database(memory=True, execute_plugins=False)
        migrations.apply(memory, stop_before=names[n] if n < len(names) else None)
        result[n] = shape(memory.conn)
        memory.conn.close()
    return result


SHAPE_FILE = Path(__file__).with_name("schema_shape.py")


def shape_module() -> str:
    """The text of db/schema_shape.py as the migrations make it."""
    return (
        '"""The report file\'s shape after each number of migrations, generated from db/schema.py\n'
        "by `python -m db.schema`: do not edit. Opening a report checks the file against it without\n"
        'applying any migration (and without sqlite-utils)."""\n\n'
        f"APPLICATION_ID = {APPLICATION_ID:#x}\n"
        f"MIGRATION_SET = {MIGRATION_SET!r}\n"
        f"MIGRATIONS = {tuple(known_names())!r}\n"
        # (kind, name) -> columns and keys / indexed columns / table, by migrations applied
        f"SHAPES = {pprint.pformat(shapes(), width=100, sort_dicts=True)}\n"
    )


if __name__ == "__main__":
    SHAPE_FILE.write_text(shape_module(), encoding="utf-8")
    print(f"已写入 {SHAPE_FILE}", file=sys.stderr)
