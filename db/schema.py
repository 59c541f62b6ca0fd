"""Schema of the report file as sqlite-utils migrations.

A migration is never edited once released: a new column is a new migration. A file
holding a migration this program does not know came from a newer program and is
refused rather than guessed at.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

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


def known_names() -> set[str]:
    return {m.name for m in migrations._migrations}
